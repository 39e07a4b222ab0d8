"""The vendor's domain as a questionnaire gives it: the host of an address, and whether that host is a link
shortener's rather than the vendor's own.

Vendors answer "web link to your privacy notice" with a short link (``https://inst.bid/privacy``,
``bit.ly/acme-privacy``). Its host is the shortening service's, not the vendor's: the outside evidence (WHOIS,
DNS, HTTPS) gathered for it would describe the shortener. The services are listed as data, in
``questionnaires/link-shorteners.yaml``, validated on load.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from riskengine.datafile import load_yaml_model
from riskengine.resources import data_path

SHORTENERS_FILE = "link-shorteners.yaml"
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class LinkShorteners(BaseModel):
    """``questionnaires/link-shorteners.yaml``: domains whose links redirect elsewhere."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    domains: tuple[str, ...] = Field(min_length=1)
    """Lowercase registered domains without a scheme (``bit.ly``); a subdomain of one is the service too."""

    @field_validator("domains")
    @classmethod
    def _domains(cls, domains: tuple[str, ...]) -> tuple[str, ...]:
        wrong = [domain for domain in domains if not DOMAIN.match(domain)]
        if wrong:
            raise ValueError(f"not a lowercase domain without scheme or path: {', '.join(map(repr, wrong))}")
        repeated = sorted({domain for domain in domains if domains.count(domain) > 1})
        if repeated:
            raise ValueError(f"listed twice: {', '.join(repeated)}")
        return domains


@cache
def load_shorteners(path: Path | None = None) -> frozenset[str]:
    """The link-shortening and redirect domains (the shipped list unless ``path``); a broken shipped file is a
    ``ConfigurationError`` with its line."""
    return frozenset(load_yaml_model(path or data_path("questionnaires", SHORTENERS_FILE), LinkShorteners).domains)


def host_of(text: str) -> str | None:
    """The host of a web address, an e-mail address's domain, or a bare domain, lowercase and without
    ``www.``; None when the text holds none."""
    candidate = text.strip().split()[0] if text.strip() else ""
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[len("mailto:"):].split("?", 1)[0]
    if "@" in candidate and "://" not in candidate:
        candidate = candidate.rsplit("@", 1)[1]
    try:
        host = urlsplit(candidate if "://" in candidate else f"//{candidate}").hostname or ""
    except ValueError:  # an unbalanced "[" reads as a broken IPv6 address
        return None
    host = host.lower().removeprefix("www.")
    return host if DOMAIN.match(host) else None


def shortener_of(text: str, shorteners: frozenset[str] | None = None) -> str | None:
    """The link shortener whose domain ``text`` (an address or a domain) is on, or None."""
    host = host_of(text)
    if host is None:
        return None
    for domain in shorteners if shorteners is not None else load_shorteners():
        if host == domain or host.endswith("." + domain):
            return domain
    return None
