"""DMARC (RFC 7489, with RFC 9091's ``np``): find the policy a receiver would apply, and read it as it would.

Policy discovery (RFC 7489 §6.6.3): ``_dmarc.<domain>`` first; records that do not begin with the tag
``v=DMARC1`` are discarded; when none is left and the domain is below its organisational domain (the Public
Suffix List's registrable domain, §3.2), ``_dmarc.<organisational domain>`` is asked instead and its ``sp``
applies. No record, or more than one, means no DMARC policy at all.

Reading a record (§6.3, §6.4):

- ``v=DMARC1`` must be the first tag, its value exactly ``DMARC1``; tag names and keyword values are
  case-insensitive; space is allowed around ``=`` and ``;`` but never inside a value (``p=re ject`` is not
  ``reject``); unknown tags are ignored;
- a record that breaks the grammar of a tag the RFCs define (a policy other than none, quarantine or
  reject, ``pct`` outside 0-100, a report address that is not a URI, a tag given twice) is not a valid
  policy: the receiver acts as if ``p=none`` were published when ``rua`` holds a valid URI, and applies no
  DMARC at all otherwise (§6.6.3, read for every tag as the RFC spells it out for ``p`` and ``sp``);
- ``pct`` below 100 lets some failing mail through one step more gently (§6.6.4): ``reject`` becomes
  ``quarantine`` for the rest, ``quarantine`` becomes no action, so the policy every failing message gets
  is one step lower;
- report addresses outside the domain's organisational domain count only when that domain agrees to receive
  them with a ``<domain>._report._dmarc.<host>`` record (§7.1).

Why our own reader (DESIGN habit 14): checkdmarc, the well-kept checker, resolves through its own resolver
on port 53 (no port, no address guard, no deadline of ours), and the grammar is small. The Public Suffix List
comes from ``publicsuffixlist`` through ``riskengine.enrich.domain``: its bundled snapshot, never fetched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from riskengine.enrich.domain import organisational_domain
from riskengine.enrich.resolver import Outcome, absolute

__all__ = ["MAX_EXTERNAL_CHECKS", "Discovery", "Policy", "Record", "discover", "organisational_domain",
           "parse_record"]

Policy = Literal["none", "quarantine", "reject"]
Ask = Callable[[str, str], Outcome]

POLICIES: tuple[Policy, ...] = ("none", "quarantine", "reject")
MAX_EXTERNAL_CHECKS = 3
"""External report destinations verified per record (one TXT lookup each): a bound on the lookups a record
can cause; destinations past it are kept unverified, with a note."""

_VERSION = re.compile(r"[vV][ \t]*=[ \t]*DMARC1[ \t]*(?:;|$)")
_TAG = re.compile(r"[ \t]*([A-Za-z][A-Za-z0-9_]*)[ \t]*=[ \t]*(.*?)[ \t]*")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~%!$&'()*+;=:@/?#\[\]]+")
_SIZE = re.compile(r"!\d+[kmgtKMGT]?$")
_KNOWN = frozenset({"v", "p", "sp", "np", "pct", "rua", "ruf", "adkim", "aspf", "ri", "fo", "rf"})
_LOWER: dict[Policy, Policy] = {"reject": "quarantine", "quarantine": "none", "none": "none"}


@dataclass(frozen=True)
class Record:
    """A DMARC record as a receiver reads it (RFC 7489 §6.3)."""

    text: str
    p: Policy | None = None
    sp: Policy | None = None
    """As published; None when absent (then ``p`` applies to subdomains)."""
    np: Policy | None = None
    """RFC 9091: the policy for subdomains that do not exist; None when absent."""
    pct: int = 100
    rua: tuple[str, ...] = ()
    """Aggregate report URIs as written (size suffixes kept)."""
    ruf: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    """Why the record is not a valid policy: empty when it is."""

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def rua_addresses(self) -> tuple[str, ...]:
        """The ``mailto:`` report addresses, without a size suffix: where receivers send reports (§7)."""
        return tuple(_SIZE.sub("", uri) for uri in self.rua if uri.lower().startswith("mailto:"))


@dataclass
class Discovery:
    """The record that applies to a domain, where it was found, and what a receiver makes of it."""

    domain: str
    record: Record | None = None
    found_at: str | None = None
    """The domain whose ``_dmarc`` record applies (the organisational domain on fallback)."""
    org_fallback: bool = False
    reason: str = ""
    """Why there is no record, when there is none."""
    failed: Outcome | None = None
    """The lookup that failed (the policy is then unknown)."""
    reports_to: tuple[str, ...] = ()
    """Aggregate report addresses a receiver would use: external ones only when they agreed (§7.1)."""
    notes: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def policy(self) -> Policy | None:
        """What every message failing DMARC gets for mail from the domain itself; None: no DMARC applies."""
        record = self.record
        if record is None:
            return None
        if not record.valid:
            return "none" if record.rua_addresses else None
        published = (record.sp or record.p) if self.org_fallback else record.p
        return _sampled(published, record.pct)

    def subdomain_policy(self) -> Policy | None:
        """What every message failing DMARC gets for mail from a subdomain (``sp``, else ``p``; §6.3)."""
        record = self.record
        if record is None:
            return None
        if not record.valid:
            return "none" if record.rua_addresses else None
        return _sampled(record.sp or record.p, record.pct)


def _sampled(policy: Policy | None, pct: int) -> Policy | None:
    """§6.6.4: with pct below 100, the messages not sampled get the next gentler treatment."""
    if policy is None:
        return None
    return policy if pct >= 100 else _LOWER[policy]


# --------------------------------------------------------------------------------------------- parsing


def is_dmarc_record(text: str) -> bool:
    """Whether a TXT record begins with the tag ``v=DMARC1`` (others are discarded, RFC 7489 §6.6.3)."""
    return _VERSION.match(text) is not None


def parse_record(text: str) -> Record:
    """Read one DMARC record; its ``problems`` say why it is not a valid policy (empty when it is)."""
    problems: list[str] = []
    values: dict[str, str] = {}
    parts = text.split(";")
    if parts and not parts[-1].strip():
        parts.pop()  # a final separator is allowed (§6.4: [dmarc-sep])
    for position, part in enumerate(parts):
        if not part.strip() and position:
            continue  # an empty segment ("p=reject;; rua=...") holds no tag
        match = _TAG.fullmatch(part)
        if match is None:
            problems.append(f"{part.strip()[:40]!r} is not a tag=value pair")
            continue
        name, value = match.group(1).lower(), match.group(2)
        if name in values:
            problems.append(f"the {name} tag appears more than once")
            continue
        values[name] = value
        if position == 0 and name != "v":
            problems.append("the record does not begin with v=DMARC1")
    record_values = {name: value for name, value in values.items() if name in _KNOWN}
    p = _policy("p", record_values, problems, required=True)
    sp = _policy("sp", record_values, problems)
    np = _policy("np", record_values, problems)
    pct = _percent(record_values, problems)
    rua = _uris("rua", record_values, problems)
    ruf = _uris("ruf", record_values, problems)
    _check_reporting_tags(record_values, problems)
    return Record(text=text, p=p, sp=sp, np=np, pct=pct, rua=rua, ruf=ruf, problems=tuple(problems))


def _policy(name: str, values: dict[str, str], problems: list[str], *, required: bool = False) -> Policy | None:
    value = values.get(name)
    if value is None:
        if required:
            problems.append("no p= tag (RFC 7489 §6.3: required)")
        return None
    lowered = value.lower()
    for policy in POLICIES:
        if lowered == policy:
            return policy
    problems.append(f"{name}={value!r} is not none, quarantine or reject (RFC 7489 §6.3)")
    return None


def _percent(values: dict[str, str], problems: list[str]) -> int:
    value = values.get("pct")
    if value is None:
        return 100
    if re.fullmatch(r"\d{1,3}", value) and int(value) <= 100:
        return int(value)
    problems.append(f"pct={value!r} is not a whole number from 0 to 100 (RFC 7489 §6.3)")
    return 100


def _uris(name: str, values: dict[str, str], problems: list[str]) -> tuple[str, ...]:
    value = values.get(name)
    if value is None:
        return ()
    uris = tuple(uri.strip() for uri in value.split(","))
    bad = [uri for uri in uris if not _valid_report_uri(uri)]
    if bad:
        problems.append(f"{name} holds {bad[0]!r}, which is not a URI (RFC 7489 §6.4: mailto:address, with an "
                        f"optional !size)")
        return tuple(uri for uri in uris if uri not in bad)
    return uris


def _valid_report_uri(uri: str) -> bool:
    bare = _SIZE.sub("", uri)
    if not _URI.fullmatch(bare):
        return False
    if bare.lower().startswith("mailto:"):
        local, at, host = bare[len("mailto:"):].partition("@")
        return bool(local and at and re.fullmatch(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\.?", host))
    return True


def _check_reporting_tags(values: dict[str, str], problems: list[str]) -> None:
    checks = {
        "adkim": r"[rRsS]", "aspf": r"[rRsS]", "ri": r"\d+",
        "fo": r"[01dDsS](?:[ \t]*:[ \t]*[01dDsS])*", "rf": r"[A-Za-z0-9-]+(?:[ \t]*:[ \t]*[A-Za-z0-9-]+)*",
    }
    for name, pattern in checks.items():
        value = values.get(name)
        if value is not None and not re.fullmatch(pattern, value):
            problems.append(f"{name}={value!r} is not a valid value (RFC 7489 §6.3)")


# --------------------------------------------------------------------------------------------- discovery


def discover(domain: str, ask: Ask) -> Discovery:
    """The DMARC record that applies to ``domain`` (RFC 7489 §6.6.3), with every answer read."""
    domain = domain.rstrip(".").lower()
    found = Discovery(domain=domain)
    records = _records(domain, ask, found)
    if records is None:
        return found
    organisational = organisational_domain(domain)
    where = domain
    if not records and organisational != domain:
        records = _records(organisational, ask, found)
        if records is None:
            return found
        where = organisational
        found.org_fallback = bool(records)
    if not records:
        searched = f"_dmarc.{domain}" + (f" or _dmarc.{organisational}" if organisational != domain else "")
        found.reason = f"no DMARC record at {searched} ({_absence(found.outcomes[-1])})"
        return found
    if len(records) > 1:
        found.reason = (f"multiple DMARC records ({len(records)}) at _dmarc.{where}: receivers apply no DMARC "
                        f"policy (RFC 7489 §6.6.3)")
        return found
    found.record, found.found_at = parse_record(records[0]), where
    found.reports_to = _verified_reports(found, ask)
    return found


def _records(domain: str, ask: Ask, found: Discovery) -> list[str] | None:
    outcome = ask(absolute(f"_dmarc.{domain}"), "TXT")
    found.outcomes.append(outcome)
    if outcome.failed:
        found.failed = outcome
        return None
    return [text for text in outcome.texts() if is_dmarc_record(text)]


def _verified_reports(found: Discovery, ask: Ask) -> tuple[str, ...]:
    """The ``rua`` addresses a receiver would send to: external ones only with their consent (§7.1)."""
    record, policy_domain = found.record, found.found_at
    assert record is not None and policy_domain is not None
    accepted: list[str] = []
    checked = 0
    own = organisational_domain(policy_domain)
    for address in record.rua_addresses:
        host = address.rsplit("@", 1)[1].rstrip(".").lower()
        if organisational_domain(host) == own:
            accepted.append(address)
            continue
        if checked >= MAX_EXTERNAL_CHECKS:
            found.notes.append(f"{address}: not verified (at most {MAX_EXTERNAL_CHECKS} external destinations are)")
            accepted.append(address)
            continue
        checked += 1
        outcome = ask(absolute(f"{policy_domain}._report._dmarc.{host}"), "TXT")
        found.outcomes.append(outcome)
        if outcome.failed:
            found.notes.append(f"{address}: its consent could not be checked ({outcome.error})")
            accepted.append(address)
        elif any(is_dmarc_record(text) for text in outcome.texts()):
            accepted.append(address)
        else:
            found.notes.append(f"{address} is outside {own} and {host} publishes no {policy_domain}._report._dmarc "
                               f"record agreeing to receive reports: receivers drop it (RFC 7489 §7.1)")
    return tuple(accepted)


def _absence(outcome: Outcome) -> str:
    if outcome.state == "NXDOMAIN":
        return f"{outcome.name.rstrip('.')} does not exist"
    if not outcome.texts():
        return "no TXT records"
    return "its TXT records hold none beginning with v=DMARC1"
