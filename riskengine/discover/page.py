"""What one static page shows a fingerprint: script sources, inline scripts, meta tags, cookies, CSP hosts and links.

Read with RE2 patterns over the HTML as sent (no DOM is built and no JavaScript runs), so a hostile page costs
time linear in its size, and every list is capped: a page of a million script tags gives ``MAX_ITEMS`` of them.
Markup in a page is only ever read, never rendered: what reaches the report is a cut, escaped snippet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

MAX_ITEMS = 500
"""Script sources, inline scripts, meta tags, links and cookies read from one page, each."""
MAX_ATTRIBUTES = 2_048
"""Characters of one start tag's attributes read."""


@cache
def _patterns() -> dict[str, Any]:
    import re2

    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.dot_nl = True
    return {
        "script": re2.compile(r"<script\b([^>]{0,1000})>(.*?)</script\s*>", options),
        "source": re2.compile(r"""<script\b[^>]{0,1000}?\ssrc\s*=\s*["']?([^"'\s>]{1,1000})""", options),
        "meta": re2.compile(r"<meta\b([^>]{0,1000})>", options),
        "link": re2.compile(r"""<a\b[^>]{0,1000}?\bhref\s*=\s*["']?([^"'\s>]{1,1000})""", options),
        "attribute": re2.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", options),
    }


@dataclass
class Page:
    """The parts of one page the fingerprints look at."""

    url: str
    html: str
    headers: list[tuple[str, str]]
    script_sources: list[str] = field(default_factory=list)
    inline_scripts: list[str] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)
    """(name or property, content), names lower-cased."""
    cookies: list[tuple[str, str]] = field(default_factory=list)
    csp_hosts: list[str] = field(default_factory=list)


def attributes(text: str) -> dict[str, str]:
    """The attributes of a start tag's text (first of each name wins, names lower-cased)."""
    found: dict[str, str] = {}
    for match in _patterns()["attribute"].finditer(text[:MAX_ATTRIBUTES]):
        value = next((group for group in match.groups()[1:] if group is not None), "")
        found.setdefault(match.group(1).lower(), value)
    return found


def read_page(url: str, html: str, headers: list[tuple[str, str]], *, limit: int = 1_000_000,
              inline_scripts: bool = True) -> Page:
    """The parts of the page at ``url`` (its first ``limit`` characters of HTML); the inline scripts only when
    ``inline_scripts`` (a fingerprint set without ``scripts`` patterns has no use for them).

    The patterns run over the page's UTF-8 bytes: RE2's Python wrapper converts every position of a match on a
    ``str`` back to characters, which costs more than the match itself on a large page."""
    html = html[:limit]
    page = Page(url=url, html=html, headers=headers)
    patterns = _patterns()
    data = html.encode("utf-8", "surrogatepass")
    for match in patterns["source"].finditer(data):
        page.script_sources.append(_absolute(url, match.group(1).decode("utf-8", "replace")))
        if len(page.script_sources) >= MAX_ITEMS:
            break
    if inline_scripts:
        for match in patterns["script"].finditer(data):
            content = match.group(2)
            if content and content.strip() and b"src" not in (match.group(1) or b"").lower():
                page.inline_scripts.append(content.decode("utf-8", "replace"))
                if len(page.inline_scripts) >= MAX_ITEMS:
                    break
    for match in patterns["meta"].finditer(data):
        attrs = attributes((match.group(1) or b"").decode("utf-8", "replace"))
        name = (attrs.get("name") or attrs.get("property") or attrs.get("http-equiv") or "").lower()
        if name:
            page.meta.append((name, attrs.get("content", "")))
        if len(page.meta) >= MAX_ITEMS:
            break
    for key, value in headers:
        lowered = key.lower()
        if lowered == "set-cookie" and len(page.cookies) < MAX_ITEMS:
            name, _, rest = value.partition("=")
            page.cookies.append((name.strip(), rest.split(";", 1)[0].strip()))
        elif lowered in ("content-security-policy", "content-security-policy-report-only"):
            page.csp_hosts += csp_hosts(value)
    page.csp_hosts = sorted(set(page.csp_hosts))[:MAX_ITEMS]
    return page


def csp_hosts(policy: str) -> list[str]:
    """The host names a Content-Security-Policy allows (``https://*.hotjar.com`` -> ``hotjar.com``)."""
    hosts = []
    for token in policy[:16_384].replace(";", " ").split():
        if token.startswith("'") or (":" not in token and "." not in token):
            continue
        bare = token.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lstrip("*.").lower()
        if "." in bare and all(part for part in bare.split(".")):
            hosts.append(bare)
    return hosts


def links(html: str, base: str, *, limit: int) -> list[str]:
    """The absolute URLs of the page's ``<a href>`` links, in document order, fragments dropped, at most ``limit``."""
    found: list[str] = []
    for match in _patterns()["link"].finditer(html.encode("utf-8", "surrogatepass")):
        target = _absolute(base, match.group(1).decode("utf-8", "replace").replace("&amp;", "&"))
        if target:
            found.append(target)
        if len(found) >= limit:
            break
    return found


def _absolute(base: str, reference: str) -> str:
    try:
        joined = urldefrag(urljoin(base, reference.strip())).url
        urlsplit(joined).port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return ""
    return joined
