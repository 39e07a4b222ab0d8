"""MTA-STS (RFC 8461) and SMTP TLS reporting (RFC 8460), read as a sending mail server reads them.

MTA-STS tells senders that mail to the domain must travel over TLS to the listed MX hosts: a TXT record at
``_mta-sts.<domain>`` announces a policy, and the policy itself is a small text file served over HTTPS at
``https://mta-sts.<domain>/.well-known/mta-sts.txt`` (fetched by ``riskengine.enrich.web.fetch_policy_file``,
through the same guarded transport as the web checks). TLS-RPT (``_smtp._tls.<domain>``) asks senders to
report TLS failures, so an attack on the mail path is noticed.

These functions are pure: they read text and say what a sender would make of it, each rule beside its
section. The grammar is small and no well-kept library reads it without doing its own network calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["MAX_MAX_AGE", "POLICY_BYTES", "Mode", "Policy", "TxtRecord", "is_sts_record", "is_tlsrpt_record",
           "parse_policy", "parse_sts_record", "parse_tlsrpt_record", "report_uris"]

Mode = Literal["enforce", "testing", "none"]
MAX_MAX_AGE = 31_557_600
"""RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year)."""
POLICY_BYTES = 65_536
"""How much of a policy file is read: policies are a few lines; RFC 8461 §3.3 lets senders cap the size,
and 64 KB is the cap it names."""

_STS_VERSION = re.compile(r"v=STSv1[ \t]*;")
_TLSRPT_VERSION = re.compile(r"v=TLSRPTv1[ \t]*;")
_EXTENSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
_EXTENSION_VALUE = re.compile(r"[\x21-\x3a\x3c\x3e-\x7e]+")
_STS_ID = re.compile(r"[A-Za-z0-9]{1,32}")
_POLICY_LINE = re.compile(r"([A-Za-z0-9_]+):[ \t]*(.*?)[ \t]*")
_MX_PATTERN = re.compile(r"(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                         r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+\.?")
_URI = re.compile(r"(?:mailto:[^@\s,;]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|https://[A-Za-z0-9.-]+(?::\d+)?(?:/\S*)?)",
                  re.IGNORECASE)


@dataclass(frozen=True)
class TxtRecord:
    """A ``_mta-sts`` or ``_smtp._tls`` record: its fields, and why it is invalid (empty when it is valid)."""

    text: str
    fields: tuple[tuple[str, str], ...]
    problems: tuple[str, ...]

    def value(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)


@dataclass(frozen=True)
class Policy:
    """An MTA-STS policy file (RFC 8461 §3.2); ``problems`` empty when senders would use it."""

    version: str | None
    mode: Mode | None
    max_age: int | None
    mx: tuple[str, ...]
    problems: tuple[str, ...]


def is_sts_record(text: str) -> bool:
    """RFC 8461 §3.1: records that do not begin with ``v=STSv1;`` are discarded."""
    return _STS_VERSION.match(text) is not None


def is_tlsrpt_record(text: str) -> bool:
    """RFC 8460 §3: records that do not begin with ``v=TLSRPTv1;`` are discarded."""
    return _TLSRPT_VERSION.match(text) is not None


def _fields(text: str, version: str) -> tuple[list[tuple[str, str]], list[str]]:
    """``v=...; key=value; ...`` split into fields (separators may carry spaces or tabs, a final one is allowed)."""
    parts = [part.strip(" \t") for part in text.split(";")]
    if parts and not parts[-1]:
        parts.pop()
    fields: list[tuple[str, str]] = []
    problems: list[str] = []
    for part in parts[1:]:
        name, equals, value = part.partition("=")
        if not equals or not _EXTENSION_NAME.fullmatch(name) or not value:
            problems.append(f"{part[:40]!r} is not a key=value field")
            continue
        fields.append((name, value))
    if parts[:1] != [version]:
        problems.append(f"the record does not begin with {version}")
    return fields, problems


def parse_sts_record(text: str) -> TxtRecord:
    """A ``_mta-sts`` TXT record (RFC 8461 §3.1): ``v=STSv1; id=<1-32 letters or digits>``."""
    fields, problems = _fields(text, "v=STSv1")
    ids = [value for key, value in fields if key == "id"]
    if not ids:
        problems.append("no id= field (RFC 8461 §3.1: required)")
    elif not _STS_ID.fullmatch(ids[0]):
        problems.append(f"id={ids[0][:40]!r} is not 1 to 32 letters or digits (RFC 8461 §3.1)")
    for key, value in fields:
        if key != "id" and not _EXTENSION_VALUE.fullmatch(value):
            problems.append(f"{key}={value[:40]!r} is not a valid extension value (RFC 8461 §3.1)")
    return TxtRecord(text=text, fields=tuple(fields), problems=tuple(problems))


def parse_tlsrpt_record(text: str) -> TxtRecord:
    """A ``_smtp._tls`` TXT record (RFC 8460 §3): ``v=TLSRPTv1; rua=<mailto: or https: URIs>``."""
    fields, problems = _fields(text, "v=TLSRPTv1")
    rua = [value for key, value in fields if key == "rua"]
    if not rua:
        problems.append("no rua= field (RFC 8460 §3: required)")
    else:
        for uri in (part.strip(" \t") for part in rua[0].split(",")):
            if not _URI.fullmatch(uri):
                problems.append(f"{uri[:60]!r} is not a mailto: or https: URI (RFC 8460 §3)")
    return TxtRecord(text=text, fields=tuple(fields), problems=tuple(problems))


def report_uris(record: TxtRecord) -> tuple[str, ...]:
    """The ``rua`` URIs of a TLS-RPT record."""
    rua = record.value("rua") or ""
    return tuple(part.strip(" \t") for part in rua.split(",") if part.strip(" \t"))


def parse_policy(text: str) -> Policy:
    """An MTA-STS policy file (RFC 8461 §3.2): ``key: value`` lines separated by LF or CRLF.

    Field names are case-sensitive; ``version``, ``mode``, ``max_age`` and ``mx`` must all be present (any
    missing makes the policy invalid), a repeated field other than ``mx`` keeps its first value, unknown
    fields are ignored.
    """
    seen: dict[str, str] = {}
    mx: list[str] = []
    problems: list[str] = []
    for line in text[:POLICY_BYTES].split("\n"):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        match = _POLICY_LINE.fullmatch(line)
        if match is None:
            problems.append(f"{line[:40]!r} is not a 'key: value' line (RFC 8461 §3.2)")
            continue
        key, value = match.group(1), match.group(2)
        if key == "mx":
            mx.append(value)
        else:
            seen.setdefault(key, value)
    version, mode_text, age_text = seen.get("version"), seen.get("mode"), seen.get("max_age")
    if version != "STSv1":
        problems.append("no version: STSv1 line" if version is None else f"version {version!r} is not STSv1")
    mode: Mode | None = None
    if mode_text in ("enforce", "testing", "none"):
        mode = mode_text  # type: ignore[assignment]
    else:
        problems.append("no mode line" if mode_text is None else f"mode {mode_text!r} is not enforce, testing or "
                        f"none")
    max_age: int | None = None
    if age_text is not None and re.fullmatch(r"\d{1,10}", age_text) and int(age_text) <= MAX_MAX_AGE:
        max_age = int(age_text)
    else:
        problems.append("no max_age line" if age_text is None else f"max_age {age_text!r} is not a number of "
                        f"seconds up to {MAX_MAX_AGE}")
    if not mx:
        problems.append("no mx line")
    problems.extend(f"mx {pattern!r} is not a host name or *.pattern" for pattern in mx
                    if not _MX_PATTERN.fullmatch(pattern))
    return Policy(version=version, mode=mode, max_age=max_age, mx=tuple(mx), problems=tuple(problems))
