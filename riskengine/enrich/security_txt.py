"""What the security.txt check judges, without the network: the file's fields (RFC 9116) and whether it is valid.

The file is read from its first ``SECURITY_TXT_BYTES`` in one linear pass: RFC 9116 files are a few hundred
bytes of ``Field: value`` lines, so even this much takes milliseconds within the vendor's deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NamedTuple

from riskengine.enrich.evidence import Status
from riskengine.enrich.http import Response

__all__ = ["SECURITY_TXT_BYTES", "SecurityTxtVerdict", "judge_security_txt", "parse_security_txt"]

SECURITY_TXT_BYTES = 65_536
"""How much of a security.txt is parsed."""

_FIELDS = ("acknowledgments", "canonical", "contact", "csaf", "encryption", "expires", "hiring", "policy",
           "preferred-languages")
_SINGLE_FIELDS = ("expires", "preferred-languages")
"""Fields that may appear at most once (RFC 9116 sections 2.5.5 and 2.5.8)."""


class SecurityTxtVerdict(NamedTuple):
    status: Status
    reason: str
    fields: dict[str, Any] | None
    """The parsed fields, None when the answer was not a security.txt to parse (wrong status or type)."""


def parse_security_txt(text: str) -> tuple[dict[str, Any], list[str]]:
    """The fields of a security.txt (RFC 9116), and the problems met parsing it.

    A PGP cleartext signature (RFC 4880 section 7) is unwrapped, not verified. Expires and
    Preferred-Languages are strings (they may appear once); the other fields are lists.
    """
    lines = text[:SECURITY_TXT_BYTES].splitlines()
    if lines and lines[0].strip() == "-----BEGIN PGP SIGNED MESSAGE-----":
        start = next((index for index, line in enumerate(lines) if not line.strip()), len(lines)) + 1
        unwrapped: list[str] = []
        for line in lines[start:]:
            if line.strip() == "-----BEGIN PGP SIGNATURE-----":
                break
            unwrapped.append(line[2:] if line.startswith("- ") else line)
        lines = unwrapped
    fields: dict[str, list[str]] = {}
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, sep, value = stripped.partition(":")
        key = name.strip().lower()
        if sep and key in _FIELDS:
            fields.setdefault(key, []).append(value.strip())
    problems = [f"{key.capitalize()} appears {len(fields[key])} times (at most once)"
                for key in _SINGLE_FIELDS if len(fields.get(key, ())) > 1]
    parsed: dict[str, Any] = {key: (values[0] if key in _SINGLE_FIELDS else values)
                              for key, values in sorted(fields.items())}
    return parsed, problems


def judge_security_txt(response: Response, now: dt.datetime, max_bytes: int) -> SecurityTxtVerdict:
    """``web.security_txt`` on the answer to /.well-known/security.txt: HTTP 200, served as text/plain (RFC 9116
    section 3), with a Contact and an Expires in the future; ``max_bytes`` is the cap the body was read with."""
    if response.status != 200:
        return SecurityTxtVerdict("fail", f"{response.url} answered HTTP {response.status}", None)
    if response.content_type != "text/plain":
        return SecurityTxtVerdict("fail", f"{response.url} is served as {response.content_type or 'no type'}, not "
                                          f"text/plain (RFC 9116 section 3)", None)
    fields, problems = parse_security_txt(response.text(SECURITY_TXT_BYTES))
    status, reason = _verdict(fields, problems, now)
    if len(response.body) > SECURITY_TXT_BYTES:
        reason += f" (file cut at {SECURITY_TXT_BYTES:,} bytes for parsing)"
    elif response.truncated:
        reason += f" (file cut at {max_bytes:,} bytes)"
    return SecurityTxtVerdict(status, reason, fields)


def _verdict(fields: Mapping[str, Any], problems: list[str], now: dt.datetime) -> tuple[Status, str]:
    problems = list(problems)
    if not fields.get("contact"):
        problems.append("no Contact field")
    expires_text = fields.get("expires")
    expires: dt.datetime | None = None
    if expires_text is None:
        problems.append("no Expires field")
    else:
        try:
            expires = dt.datetime.fromisoformat(str(expires_text))
        except ValueError:
            problems.append(f"Expires {str(expires_text)[:60]!r} is not an RFC 3339 date")
        else:
            if expires.tzinfo is None:
                problems.append(f"Expires {expires_text} has no time zone")
                expires = None
            elif expires <= now:
                problems.append(f"it expired on {expires.date().isoformat()}")
    if problems:
        return "fail", f"security.txt is not valid: {'; '.join(problems)}"
    assert expires is not None
    contacts = fields["contact"]
    return "pass", (f"security.txt names {len(contacts)} contact{'s' if len(contacts) != 1 else ''} and expires on "
                    f"{expires.date().isoformat()}")
