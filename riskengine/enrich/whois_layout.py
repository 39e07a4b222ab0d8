"""Which lines of a WHOIS reply describe the domain itself, and which a contact, the registrar or a name server.

A WHOIS reply is free text (RFC 3912), and registries lay it out in a handful of ways:

- flat ``Key: value`` lines, contact fields prefixed by their role (``Registrant Name:``): ICANN's gTLD format,
  CIRA, SIDN;
- RPSL-like paragraphs, one object each, the first key naming the object (``domain:``, ``nic-hdl:``,
  ``contact:``, ``registrar:``, ``nsset:``): AFNIC, registro.br, CZ.NIC, NASK, TCI;
- headed sections, the header alone on its line and its lines below it, indented or not (``Registrant``,
  ``Admin Contact``, ``Relevant dates:``, ``Holder of domain name:``): Registro .it, Nominet, SWITCH, EIS,
  EURid;
- bracketed keys (``[Created on]``, ``[登録年月日]``): JPRS.

Contacts, registrars and name-server sets carry their own ``created:`` lines, so "the earliest creation date
anywhere in the reply" can be a contact's from 2002 on a domain registered last month. ``domain_created``
reads the creation line of the domain object only; a reply that has none gives None (unknown), never a
contact's date.

Pure and stdlib-only: it runs in the parser worker beside python-whois (``riskengine.enrich.replies``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["CREATION_KEYS", "Line", "domain_created", "read_lines", "registrar_name"]

Context = Literal["domain", "other"]

CREATION_KEYS = frozenset({
    "creation date", "created", "created on", "created date", "registered", "registered on", "registered date",
    "registration date", "registration time", "domain registration date", "domain name commencement date",
    "record created", "record created on", "domain record activated", "first registration date", "domain created",
    "domain registered", "date de création", "fecha de creación", "登録年月日",
})
"""How registries label a domain's creation, lower case, without trailing dots or brackets."""

_DOMAIN_HEADS = frozenset({
    "domain", "domain name", "domain information", "domain info", "relevant dates", "dates", "domain details",
    "ドメイン名", "ドメイン情報",
})
"""Keys that open the domain object's own paragraph or section."""
_OTHER_HEADS = frozenset({
    "nic-hdl", "nic-hdl-br", "contact", "person", "personname", "role", "org", "organisation", "organization",
    "registrar", "registrant", "holder", "holder of domain name", "admin contact", "administrative contact",
    "technical contact", "technical contacts", "tech contact", "billing contact", "technical", "admin", "tech",
    "billing", "owner", "owner contact", "registrant contact", "contact information", "nsset", "keyset",
    "name servers", "nameservers", "name server", "nserver", "dnskey", "keys", "ds", "registrar information",
    "reseller", "公開連絡窓口", "登録者", "sponsoring registrar",
})
"""Keys that open a contact's, the registrar's, or a name-server set's paragraph or section."""
_ROLE_PREFIX = re.compile(r"^(?:registrant|admin(?:istrative)?|tech(?:nical)?|billing|owner|holder|registrar|"
                          r"zone|abuse)\b")
_BRACKETED = re.compile(r"^(?:[a-z]\.\s*)?\[([^\]]{1,80})\]\s*(.*)$")
_KEYED = re.compile(r"^([^:\[\]]{1,80}?)\s*:(?!//)\s*(.*)$")
_PHRASE = re.compile(r"^[A-Za-z][A-Za-z /&-]{0,60}$")


@dataclass(frozen=True)
class Line:
    """One line of a reply: its indentation, and its key and value when it has them."""

    indent: int
    text: str
    key: str | None
    """Normalised: lower case, inner spaces collapsed, trailing dots and brackets removed."""
    value: str
    bare: bool
    """A line that is only a key or a short phrase (``Registrant``, ``Relevant dates:``): a header candidate."""


def read_lines(text: str) -> list[Line | None]:
    """The reply's lines, None for a blank one; comment lines (``%``, ``#``, ``>>>``) count as blank."""
    lines: list[Line | None] = []
    for raw in text.replace("\r", "").split("\n"):
        stripped = raw.strip()
        if not stripped or stripped.startswith(("%", "#", ">>>")):
            lines.append(None)
            continue
        indent = len(raw.expandtabs(8)) - len(raw.expandtabs(8).lstrip())
        lines.append(_line(indent, stripped))
    return lines


def _line(indent: int, text: str) -> Line:
    bracketed = _BRACKETED.match(text)
    if bracketed is not None:
        key, value = bracketed.group(1), bracketed.group(2).strip()
        return Line(indent, text, _normal(key), value, not value)
    keyed = _KEYED.match(text)
    if keyed is not None:
        key, value = keyed.group(1), keyed.group(2).strip()
        return Line(indent, text, _normal(key), value, not value)
    if _PHRASE.match(text):
        return Line(indent, text, _normal(text), "", True)
    return Line(indent, text, None, text, False)


def _normal(key: str) -> str:
    return " ".join(key.strip().strip(".").split()).lower()


def _classify(key: str | None) -> Context | None:
    if key is None:
        return None
    if key in _DOMAIN_HEADS:
        return "domain"
    if key in _OTHER_HEADS or _ROLE_PREFIX.match(key):
        return "other"
    return None


def contexts(lines: list[Line | None]) -> list[Context | None]:
    """For each line, whether it belongs to the domain object or to another one (None for blank lines).

    A paragraph (lines between blank lines) takes the context its first key names (``domain:``, ``nic-hdl:``);
    a header (a bare key) opens a section: the lines below it that are indented more, or, when the header
    opens its paragraph, the rest of the paragraph. Anything unnamed belongs to the domain: the flat formats
    put the domain's fields first and name every contact field by its role.
    """
    result: list[Context | None] = []
    paragraph: Context = "domain"
    sections: list[tuple[int, Context]] = []  # (indent of the header, its context), innermost last
    start = True
    for index, line in enumerate(lines):
        if line is None:
            result.append(None)
            start, sections = True, []
            continue
        while sections and line.indent <= sections[-1][0] and not start:
            sections.pop()
        named = _classify(line.key)
        if start:
            paragraph = named or "domain"
            start = False
            if line.bare:
                sections = [(-1, paragraph)]  # the header opens the paragraph: it covers all of it
            result.append(paragraph)
            continue
        current = sections[-1][1] if sections else paragraph
        if line.bare and named is not None and _opens_section(lines, index):
            sections.append((line.indent, named))
            result.append(named)
            continue
        result.append(current)
    return result


def _opens_section(lines: list[Line | None], index: int) -> bool:
    """A bare key in the middle of a paragraph heads a section only when the next line is indented more."""
    header = lines[index]
    following = lines[index + 1] if index + 1 < len(lines) else None
    return header is not None and following is not None and following.indent > header.indent


def domain_created(text: str) -> str | None:
    """The text of the domain object's own creation date (``2026-10-20T10:00:00Z``), or None when it has none."""
    lines = read_lines(text)
    for index, (line, context) in enumerate(zip(lines, contexts(lines), strict=True)):
        if line is None or context != "domain" or line.key not in CREATION_KEYS:
            continue
        if line.value:
            return line.value
        following = lines[index + 1] if index + 1 < len(lines) else None
        if following is not None:
            return following.text  # SWITCH: "First registration date:" with the date on the next line
    return None


_REGISTRAR_NAME_KEYS = frozenset({"name", "organisation", "organization", "registrar name"})


def registrar_name(text: str) -> str | None:
    """The registrar named in a ``Registrar:`` section (``Name: Example BV`` below it, or its first line), if any.

    For the layouts python-whois reads no registrar from (DNS Belgium, EIS): the section is the registrar's
    own, so its name line is the registrar's name, never a contact's.
    """
    lines = read_lines(text)
    for index, line in enumerate(lines):
        if line is None or line.key != "registrar" or not line.bare:
            continue
        opens_paragraph = index == 0 or lines[index - 1] is None
        for following in lines[index + 1:]:
            if following is None or (not opens_paragraph and following.indent <= line.indent):
                break
            if following.key in _REGISTRAR_NAME_KEYS and following.value:
                return following.value
        return None
    return None
