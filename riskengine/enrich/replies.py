"""Reading what servers send: WHOIS text and HTML pages, as pure functions on text.

These are the parsers whose running time we do not control (python-whois's regular expressions, the standard
library's HTMLParser): ``riskengine.enrich.worker`` runs them in a process it can stop when the vendor's
deadline runs out, so this module imports nothing heavy at the top, and of riskengine's only the stdlib-only
``whois_layout`` (which lines of a reply are the domain's own).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from riskengine.enrich.whois_layout import domain_created, registrar_name

MAX_WHOIS_TEXT_BYTES = 32_768
"""How much of a WHOIS reply is parsed. Registries' replies, terms of use included, run to a few KB (our
fixtures, copied from real ones, are under 2.5 KB)."""
MAX_WHOIS_LINE_CHARS = 512
"""How much of one line is parsed: every field we read (dates, registrar, status, DNSSEC, referral) is a short
``Key: value`` line. python-whois's e-mail pattern takes time that grows with the square of a line's length
(60 ms for one of 1,000 characters, measured): 32 KB of 512-character lines parse in about a second, where
64 KB of 1,000-character lines took four, and one 32 KB line a minute. The worker stops it at the deadline
in any case."""

REDACTION = re.compile(r"redact|privacy|withheld|not disclosed|data protected|gdpr|masked|proxy", re.IGNORECASE)
_RATE_LIMIT = re.compile(r"limit exceeded|rate limit|quota exceeded|too many (?:requests|queries)|"
                         r"query limit|exceeded .*(?:queries|quota|limit)|try again later", re.IGNORECASE)
_DNSSEC = re.compile(r"^[ \t]*DNSSEC[ \t]*:[ \t]*(?:\r?\n[ \t]+)?(\S[^\r\n]*)", re.IGNORECASE | re.MULTILINE)
_DENIC_DNSKEY = re.compile(r"^Dnskey:[ \t]*\S", re.IGNORECASE | re.MULTILINE)
_REGISTRANT = re.compile(r"^[ \t]*(?:Registry )?Registrant[^:\r\n]*:[ \t]*(\S[^\r\n]*)$", re.IGNORECASE | re.MULTILINE)
_PLACEHOLDER = re.compile(r"(?:no registrar (?:listed|found|information)|not available|not applicable|n/?a\b|none\b|"
                          r"unknown\b|not disclosed|[-.*]+$)", re.IGNORECASE)
"""What registries print where a registrar's name would be when there is none (Nominet: "No registrar listed.
This domain is registered directly with Nominet."): unknown, not a registrar."""
_HOLDER_UNDISCLOSED = re.compile(r"disclose any information concerning[\s%]*the domain holder", re.IGNORECASE)


class RegistrationUnreadable(ValueError):
    """A reply that holds no registration data (rate limited, empty, not found); the message says which."""


@dataclass(frozen=True)
class RegistrationRecord:
    """What a registry or registrar says about a domain, the same whether it came from RDAP or WHOIS."""

    created: dt.datetime | None = None
    expires: dt.datetime | None = None
    registrar: str | None = None
    statuses: tuple[str, ...] = ()
    dnssec: bool | None = None
    redacted: bool | None = None

    def is_empty(self) -> bool:
        return (self.created is None and self.expires is None and self.registrar is None and not self.statuses
                and self.dnssec is None)

    def to_json(self) -> dict[str, Any]:
        """The record as JSON values (dates in ISO 8601), as the worker sends it back."""
        return {"created": _iso(self.created), "expires": _iso(self.expires), "registrar": self.registrar,
                "statuses": list(self.statuses), "dnssec": self.dnssec, "redacted": self.redacted}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RegistrationRecord:
        return cls(created=_from_iso(data.get("created")), expires=_from_iso(data.get("expires")),
                   registrar=data.get("registrar"), statuses=tuple(data.get("statuses") or ()),
                   dnssec=data.get("dnssec"), redacted=data.get("redacted"))


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _from_iso(text: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if isinstance(text, str) else None


# --------------------------------------------------------------------------------------------- WHOIS


def whois_text(data: bytes) -> tuple[str, list[str]]:
    """The part of a WHOIS reply that is parsed, and a note for each cut made to get it."""
    notes: list[str] = []
    if len(data) > MAX_WHOIS_TEXT_BYTES:
        notes.append(f"reply cut at {MAX_WHOIS_TEXT_BYTES:,} bytes for parsing")
        data = data[:MAX_WHOIS_TEXT_BYTES]
    text = data.decode("utf-8", "replace")
    lines = text.split("\n")
    if any(len(line) > MAX_WHOIS_LINE_CHARS for line in lines):
        notes.append(f"lines cut at {MAX_WHOIS_LINE_CHARS} characters for parsing")
        text = "\n".join(line[:MAX_WHOIS_LINE_CHARS] for line in lines)
    return text, notes


def parse_whois(domain: str, text: str, now: dt.datetime) -> RegistrationRecord:
    """Normalise a WHOIS reply; raise RegistrationUnreadable when it holds no data.

    The creation date is the domain object's own creation line (``whois_layout.domain_created``), never a
    contact's or the registrar's, which many registries print too. Expiry, registrar and statuses come
    from python-whois's parser: expiry dates may come as a list (the earliest still ahead is taken),
    statuses carry URLs after the code, a placeholder such as "No registrar listed" names no registrar,
    and a rate-limited or empty reply parses to all-None fields: that is "no data", never a bad domain.
    """
    from whois.exceptions import WhoisDomainNotFoundError
    from whois.parser import WhoisEntry

    if not text.strip():
        raise RegistrationUnreadable("the reply was empty")
    try:
        entry = WhoisEntry.load(domain, text)
    except WhoisDomainNotFoundError:
        raise RegistrationUnreadable(f"no record of {domain} ({_first_line(text)!r})") from None
    except Exception as exc:  # python-whois's per-TLD parsers raise assorted errors on odd text
        raise RegistrationUnreadable(f"python-whois could not parse the reply ({type(exc).__name__}: {exc})") from None
    record = RegistrationRecord(
        created=_creation(text),
        expires=next_expiry(_dates(entry.get("expiration_date")), now),
        registrar=_registrar(entry.get("registrar")) or _registrar(registrar_name(text)),
        statuses=_statuses(entry.get("status")),
        dnssec=_whois_dnssec(text),
        redacted=_whois_redaction(text),
    )
    if record.is_empty():
        limited = _RATE_LIMIT.search(text)
        if limited:
            line = text[text.rfind("\n", 0, limited.start()) + 1:].split("\n", 1)[0].strip()
            raise RegistrationUnreadable(f"rate limited: {line[:160]!r}")
        raise RegistrationUnreadable(f"the reply holds no registration data ({_first_line(text)!r})")
    return record


def _creation(text: str) -> dt.datetime | None:
    """The domain's own creation date, read from its creation line; None when it has none or it is unreadable."""
    from whois.parser import cast_date

    value = domain_created(text)
    if value is None:
        return None
    # registro.br appends a ticket ("20040901 #1234567"), JPRS a time zone in brackets ("(JST)")
    cleaned = re.sub(r"\s*\([^)]*\)\s*$", "", re.sub(r"\s*#.*$", "", value)).strip()
    dayfirst = re.match(r"\d{1,2}[./]\d{1,2}[./]\d{4}", cleaned) is not None  # 01.02.2003: European order
    try:
        parsed = cast_date(cleaned, dayfirst=dayfirst)
    except Exception:  # an unreadable date is unknown, never a guess
        return None
    return utc(parsed) if isinstance(parsed, dt.datetime) else None


def _dates(value: object) -> list[dt.datetime]:
    """python-whois gives a datetime, a list of them, or an unparsed string: always a list of aware datetimes."""
    from whois.parser import cast_date

    found: list[dt.datetime] = []
    for item in _flatten(value):
        if isinstance(item, dt.datetime):
            found.append(utc(item))
        elif isinstance(item, str) and item.strip():
            try:
                parsed = cast_date(item.strip())
            except Exception:  # an unreadable date is left out, the others still count
                continue
            if isinstance(parsed, dt.datetime):
                found.append(utc(parsed))
    return found


def next_expiry(dates: list[dt.datetime], now: dt.datetime) -> dt.datetime | None:
    """The earliest expiry still ahead; if all are past, the latest (so an expired domain shows as expired)."""
    ahead = [date for date in dates if date > now]
    return min(ahead) if ahead else max(dates, default=None)


def _registrar(value: object) -> str | None:
    for item in _flatten(value):
        if isinstance(item, str):
            # Nominet appends "[Tag = X]", nic.at "( https://nic.at/registrar/999 )"
            name = re.sub(r"\s*(?:\[Tag = [^\]]*\]|\(\s*https?://[^)]*\))\s*$", "", item).strip()
            if name and not REDACTION.search(name) and not _PLACEHOLDER.match(name):
                return name
    return None


def _statuses(value: object) -> tuple[str, ...]:
    """Status codes without the ICANN URL after them (``clientTransferProhibited https://icann.org/epp#...``)."""
    found: list[str] = []
    for item in _flatten(value):
        if isinstance(item, str):
            code = re.sub(r"\(?https?://\S*\)?", "", item).strip()
            if code and code not in found:
                found.append(code)
    return tuple(found)


def _whois_dnssec(text: str) -> bool | None:
    match = _DNSSEC.search(text)
    if match:
        value = match.group(1).strip().lower()
        if "unsigned" in value or value in ("no", "false", "inactive", "not signed"):
            return False
        if "signed" in value or value in ("yes", "true", "active"):
            return True
    if _DENIC_DNSKEY.search(text):
        return True
    return None


def _whois_redaction(text: str) -> bool | None:
    if _HOLDER_UNDISCLOSED.search(text):
        return True
    values = _REGISTRANT.findall(text)
    if any(REDACTION.search(value) for value in values):
        return True
    return False if values else None


def _flatten(value: object) -> list[object]:
    if isinstance(value, list | tuple | set):
        return [item for inner in value for item in _flatten(inner)]
    return [] if value is None else [value]


def utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("%", "#")):
            return stripped[:120]
    return text.strip()[:120]


# --------------------------------------------------------------------------------------------- HTML


class _PrivacyLinks(HTMLParser):
    """Finds the first link to a privacy policy: ``rel=privacy-policy``, or "privacy" in its address or text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: str | None = None
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found is not None or tag not in ("a", "link"):
            return
        attributes = {name.lower(): value or "" for name, value in attrs}
        href = attributes.get("href", "").strip()
        if not href:
            return
        if "privacy-policy" in attributes.get("rel", "").lower().split() or "privacy" in href.lower():
            self.found = href
        elif tag == "a":
            self._href, self._text = href, []

    def handle_data(self, data: str) -> None:
        if self._href is not None and sum(map(len, self._text)) < 500:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            if self.found is None and "privacy" in " ".join(self._text).lower():
                self.found = self._href
            self._href = None


def privacy_link(html: str) -> str | None:
    """The ``href`` of the first link to a privacy policy in ``html``, as written (relative or not)."""
    parser = _PrivacyLinks()
    parser.feed(html)
    parser.close()
    return parser.found
