"""DNS evidence about a vendor's domain: SPF, DMARC, MX, DNSSEC, CAA and DKIM, asked with dnspython.

Every lookup goes to one resolver: the ``dns_server`` of the settings (after the address guard has
accepted its address) or else the system's configured resolver, which is the operator's own choice and
so is not guarded. Each query's lifetime is cut to the vendor's deadline, answers are memoised within one
call, and the number of queries is bounded: the domain's TXT, at most 10 SPF include/redirect targets
(the RFC 7208 §4.6.4 limit), ``_dmarc``, MX, DNSKEY, CAA and the 8 DKIM selectors, 23 at most.

Conventions:

- A failed lookup (timeout, SERVFAIL, unreadable answer, refused server, the deadline) makes the checks
  that needed it ``unknown`` with the reason. NXDOMAIN or an empty answer is an observation, not a
  failure: the check passes or fails on it.
- ``Evidence.ttl`` is the smallest TTL of the answers behind a check (for an empty answer or NXDOMAIN,
  the negative-caching TTL of the SOA the server sent); ``None`` when no answer came back.
- ``Evidence.raw`` holds, for every query behind a check, a header line
  ``;; <name> <type> -> <NOERROR|NODATA|NXDOMAIN>; ttl=<seconds>; ad=<0|1>`` (``ttl=`` only when known,
  ``-> error: <reason>`` when the lookup failed) followed by the answer section in zone-file text
  (``rrset.to_text()``, CNAMEs included).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from riskengine.enrich.domain import DomainError, normalise_domain
from riskengine.enrich.evidence import Evidence, Status, make_evidence
from riskengine.enrich.guard import AddressGuard, AddressRefused, Deadline, DeadlineExceeded

if TYPE_CHECKING:
    import dns.resolver

CHECKS: dict[str, str] = {
    "dns.spf": "exactly one SPF record (TXT v=spf1) at the domain",
    "dns.spf_all": "the SPF record's final 'all' refuses unlisted senders (-all or ~all)",
    "dns.spf_lookups": "SPF evaluation needs at most 10 DNS lookups through include and redirect (RFC 7208 §4.6.4)",
    "dns.dmarc.policy": "a DMARC record at _dmarc.<domain> with p=quarantine or p=reject",
    "dns.mx": "the domain publishes MX records (it receives mail)",
    "dns.dnssec": "the zone is signed with DNSSEC (DNSKEY at the domain, or an answer the resolver authenticated)",
    "dns.caa": "CAA records name the certificate authorities allowed to issue for the domain",
    "dns.dkim_selectors": "a DKIM key at one of the common selectors (email-sending tools only)",
}
"""Check name -> what passing means."""

DKIM_SELECTORS = ("default", "selector1", "selector2", "google", "k1", "s1", "mail", "dkim")
"""Selector names common providers use (Microsoft 365: selector1/2, Google: google, Mailchimp: k1, ...).

A vendor may sign with other selectors, so "none found" is a finding to confirm, not proof of no DKIM.
"""
SPF_LOOKUP_LIMIT = 10
"""RFC 7208 §4.6.4: include, a, mx, ptr, exists and redirect together may cause at most 10 DNS queries."""

_TOOL_NAME = "riskengine-dns/1"
_SPF_QUALIFIERS = "+-~?"
_MODIFIER = re.compile(r"^[a-z][a-z0-9_.-]*=")
_SPF_QUERYING = frozenset({"include", "a", "mx", "ptr", "exists"})

_BACKOFF = 0.1



def check_dns(domain: str, guard: AddressGuard, deadline: Deadline, now: dt.datetime, *,
              sends_email: bool) -> list[Evidence]:
    """One Evidence per name in ``CHECKS``, in that order; never raises for a DNS problem.

    ``now`` stamps every record. Every query's lifetime is the smaller of the read timeout and what is
    left of ``deadline``, so the whole call ends within the deadline (plus one resolver poll).
    """
    import dns.version

    tool = f"{_TOOL_NAME} dnspython/{dns.version.version}"
    try:
        name = normalise_domain(domain)
    except DomainError as exc:
        return _all_unknown(domain, f"no lookup: {exc}", now, tool, sends_email)
    if guard.settings.offline:
        return _all_unknown(name, "offline: no DNS lookups are made", now, tool, sends_email)
    try:
        lookup = _Lookup.open(guard, deadline)
    except DeadlineExceeded as exc:
        return _all_unknown(name, f"no lookup: {exc}", now, tool, sends_email)
    except _NoResolver as exc:
        return _all_unknown(name, str(exc), now, tool, sends_email)
    report = _Report(lookup, now, tool)
    report.spf(name)
    report.dmarc(name)
    report.mx(name)
    report.dnssec(name)
    report.caa(name)
    if sends_email:
        report.dkim(name)
    else:
        report.add("dns.dkim_selectors", "unknown", "not an email-sending tool", None, [],
                   query=_dkim_query(name))
    return report.evidence


# --- lookups ---------------------------------------------------------------------------------------------------


class _NoResolver(Exception):
    """No resolver may be used (a refused server address, no system configuration)."""


@dataclass(frozen=True)
class _Outcome:
    """The result of one query: records, NXDOMAIN, an empty answer, or the reason it failed."""

    name: str
    record_type: str
    state: str
    """``NOERROR`` (records found), ``NODATA`` (name exists, no such record), ``NXDOMAIN``, or ``error``."""
    records: tuple[Any, ...] = ()
    answer_text: str = ""
    ttl: int | None = None
    authenticated: bool = False
    server: str = ""
    error: str = ""

    @property
    def query(self) -> str:
        return f"{self.name} {self.record_type}"

    @property
    def failed(self) -> bool:
        return self.state == "error"

    @property
    def raw(self) -> str:
        if self.failed:
            return f";; {self.query} -> error: {self.error}\n"
        header = f";; {self.query} -> {self.state}"
        if self.ttl is not None:
            header += f"; ttl={self.ttl}"
        header += f"; ad={int(self.authenticated)}"
        return header + "\n" + (self.answer_text + "\n" if self.answer_text else "")

    def texts(self) -> list[str]:
        """The TXT records, each one's strings joined as RFC 7208 §3.3 says."""
        import dns.rdtypes.ANY.TXT

        return [b"".join(record.strings).decode("utf-8", "replace") for record in self.records
                if isinstance(record, dns.rdtypes.ANY.TXT.TXT)]


class _Lookup:
    """One resolver, memoised answers, and the deadline applied to every query."""

    def __init__(self, resolver: dns.resolver.Resolver, deadline: Deadline, read_timeout: float,
                 server: str) -> None:
        self._resolver = resolver
        self._deadline = deadline
        self._read_timeout = read_timeout
        self.server = server
        self._memo: dict[tuple[str, str], _Outcome] = {}

    @classmethod
    def open(cls, guard: AddressGuard, deadline: Deadline) -> _Lookup:
        """The configured server after the guard accepted its address, else the system resolver."""
        import dns.exception
        import dns.flags
        import dns.resolver

        settings = guard.settings
        if settings.dns_server is None:
            try:
                resolver = dns.resolver.Resolver()
            except (dns.exception.DNSException, OSError) as exc:
                raise _NoResolver(f"no system DNS resolver configured ({exc})") from exc
            server = ", ".join(str(nameserver) for nameserver in resolver.nameservers)
        else:
            try:
                address, port = guard.dns_server(deadline)  # the guard covers resolver traffic too
            except AddressRefused as exc:
                raise _NoResolver(str(exc)) from exc
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = [str(address)]
            resolver.port = port
            server = str(address)
        resolver.timeout = settings.connect_timeout
        resolver.cache = None
        # AD in the query asks a validating resolver to say whether it authenticated the answer (RFC 6840 §5.7).
        resolver.flags = dns.flags.RD | dns.flags.AD
        resolver.use_edns(0, 0, 1232)
        return cls(resolver, deadline, settings.read_timeout, server)

    def ask(self, name: str, record_type: str) -> _Outcome:
        """The answer for ``name`` (absolute, ending in a dot) and ``record_type``, asked at most once."""
        key = (name.lower(), record_type)
        if key not in self._memo:
            self._memo[key] = self._query(name, record_type)
        return self._memo[key]

    def _query(self, name: str, record_type: str) -> _Outcome:
        import dns.exception
        import dns.resolver

        try:
            # dnspython sleeps a 0.1 s back-off before it notices the lifetime has run out, so the
            # lifetime leaves room for that sleep inside the vendor's deadline.
            lifetime = max(0.05, self._deadline.timeout(self._read_timeout) - _BACKOFF)
        except DeadlineExceeded as exc:
            return _Outcome(name, record_type, "error", error=f"not asked: {exc}")
        try:
            answer = self._resolver.resolve(name, record_type, search=False, raise_on_no_answer=False,
                                            lifetime=lifetime)
        except dns.resolver.NXDOMAIN as exc:
            return _Outcome(name, record_type, "NXDOMAIN", ttl=_negative_ttl(exc), server=self.server)
        except dns.resolver.LifetimeTimeout as exc:
            return _Outcome(name, record_type, "error", error=_timeout_reason(exc, lifetime))
        except dns.resolver.NoNameservers as exc:
            return _Outcome(name, record_type, "error", error=_server_errors(exc))
        except dns.exception.DNSException as exc:
            return _Outcome(name, record_type, "error", error=f"the lookup failed ({type(exc).__name__}: {exc})")
        except Exception as exc:  # a resolver parsing hostile input: one lookup fails, the assessment goes on
            return _Outcome(name, record_type, "error", error=f"the lookup failed ({type(exc).__name__}: {exc})")
        response = answer.response
        ttl = int(answer.chaining_result.minimum_ttl)
        return _Outcome(
            name, record_type, "NOERROR" if answer.rrset is not None else "NODATA",
            records=tuple(answer.rrset) if answer.rrset is not None else (),
            answer_text="\n".join(rrset.to_text() for rrset in response.answer),
            ttl=ttl if ttl < _MAX_TTL else None,
            authenticated=bool(response.flags & _ad_flag()),
            server=str(answer.nameserver or self.server),
        )


_MAX_TTL = 2**31 - 1
"""dnspython's "no TTL seen" marker (RFC 2181 §8 maximum)."""


def _ad_flag() -> int:
    import dns.flags

    return int(dns.flags.AD)


def _negative_ttl(exc: Any) -> int | None:
    try:
        responses = exc.responses()
        for response in responses.values():
            ttl = int(response.resolve_chaining().minimum_ttl)
            return ttl if ttl < _MAX_TTL else None
    except Exception:  # no usable SOA: the TTL is simply not known
        return None
    return None


def _timeout_reason(exc: Any, lifetime: float) -> str:
    import dns.exception

    errors = [error[3] for error in exc.kwargs.get("errors") or []
              if not isinstance(error[3], dns.exception.Timeout)]
    if errors:
        return f"no usable answer within {lifetime:.1f} s ({_describe_error(errors[-1])})"
    return f"no answer from the DNS server within {lifetime:.1f} s"


def _server_errors(exc: Any) -> str:
    import dns.message

    errors = [error[3] for error in exc.kwargs.get("errors") or []]
    # A truncated UDP answer only sends the resolver to TCP: what went wrong there is the story.
    meaningful = [error for error in errors if not isinstance(error, dns.message.Truncated)]
    if not errors:
        return "the DNS server gave no usable answer"
    if not meaningful:
        return "the DNS server's answer was truncated and could not be read over TCP"
    return "; ".join(sorted({_describe_error(error) for error in meaningful}))


def _describe_error(error: object) -> str:
    if isinstance(error, str):
        return f"the DNS server answered {error}"
    if isinstance(error, Exception):
        return f"the DNS server's answer was unusable ({type(error).__name__}: {error})"
    return f"the DNS server failed ({error})"


# --- checks ----------------------------------------------------------------------------------------------------


class _SpfBroken(Exception):
    """SPF evaluation would end in a permanent error; the message says why."""


class _SpfUnknown(Exception):
    """A lookup SPF evaluation needs failed."""


class _SpfOverLimit(Exception):
    """More DNS-querying terms than RFC 7208 allows."""


@dataclass
class _SpfWalk:
    """The running count of DNS-querying terms and the answers read to count them."""

    count: int = 0
    outcomes: list[_Outcome] = field(default_factory=list)


class _Report:
    """Builds the evidence list, one check at a time, in the order of ``CHECKS``."""

    def __init__(self, lookup: _Lookup, now: dt.datetime, tool: str) -> None:
        self.lookup = lookup
        self.now = now
        self.tool = tool
        self.evidence: list[Evidence] = []

    def add(self, check: str, status: Status, reason: str, value: Any, outcomes: Iterable[_Outcome], *,
            query: str | None = None) -> None:
        used = list(outcomes)
        ttls = [outcome.ttl for outcome in used if outcome.ttl is not None]
        servers = [outcome.server for outcome in used if outcome.server]
        self.evidence.append(make_evidence(
            kind="dns", check=check, status=status, reason=reason, value=value,
            query=query if query is not None else "; ".join(outcome.query for outcome in used),
            address=servers[0] if servers else "", fetched_at=self.now, tool=self.tool,
            raw="".join(outcome.raw for outcome in used), ttl=min(ttls) if ttls and status != "unknown" else None))

    def _unknown(self, checks: Iterable[str], outcome: _Outcome) -> None:
        for check in checks:
            self.add(check, "unknown", f"{outcome.query}: {outcome.error}", None, [outcome])

    # SPF ----------------------------------------------------------------------------------------------------

    def spf(self, domain: str) -> None:
        outcome = self.lookup.ask(_absolute(domain), "TXT")
        if outcome.failed:
            self._unknown(("dns.spf", "dns.spf_all", "dns.spf_lookups"), outcome)
            return
        records = _spf_records(outcome)
        if not records:
            reason = f"no SPF record at {domain} ({_absence(outcome)})"
            self.add("dns.spf", "fail", reason, [], [outcome])
            self.add("dns.spf_all", "fail", reason, None, [outcome])
            self.add("dns.spf_lookups", "fail", f"{reason}: nothing to evaluate", None, [outcome])
            return
        if len(records) > 1:
            reason = (f"multiple SPF records ({len(records)}) at {domain}: receivers treat this as a permanent "
                      f"error (RFC 7208 §4.5)")
            self.add("dns.spf", "fail", reason, records, [outcome])
            self.add("dns.spf_all", "fail", reason, None, [outcome])
            self.add("dns.spf_lookups", "fail", reason, None, [outcome])
            return
        record = records[0]
        self.add("dns.spf", "pass", f"one SPF record at {domain}: {record}", records, [outcome])
        self._spf_all(domain, record, outcome)
        self._spf_lookups(domain, record, outcome)

    def _spf_all(self, domain: str, record: str, first: _Outcome) -> None:
        outcomes = [first]
        current_domain, current = domain, record
        for _ in range(SPF_LOOKUP_LIMIT + 1):
            qualifier, redirect = _spf_final(current)
            if qualifier is not None:
                term = f"{qualifier}all"
                where = "" if current_domain == domain else f" (through redirect to {current_domain})"
                if qualifier in "-~":
                    status: Status = "pass"
                    treatment = "refused" if qualifier == "-" else "marked as suspect"
                    reason = f"{term}{where}: mail from unlisted senders is {treatment}"
                elif qualifier == "+":
                    status, reason = "fail", f"{term}{where}: anyone may send as this domain"
                else:
                    status, reason = "fail", f"{term}{where}: unlisted senders get a neutral result"
                self.add("dns.spf_all", status, reason, term, outcomes)
                return
            if redirect is None:
                self.add("dns.spf_all", "fail", f"no 'all' in the SPF record of {current_domain}: unlisted "
                         f"senders get a neutral result (RFC 7208 §4.7)", None, outcomes)
                return
            if "%" in redirect:
                self.add("dns.spf_all", "unknown", f"redirect={redirect} uses a macro that needs a sender to expand",
                         None, outcomes)
                return
            outcome = self.lookup.ask(_absolute(redirect), "TXT")
            outcomes.append(outcome)
            if outcome.failed:
                self.add("dns.spf_all", "unknown", f"{outcome.query}: {outcome.error}", None, outcomes)
                return
            targets = _spf_records(outcome)
            if len(targets) != 1:
                found = "no SPF record" if not targets else f"{len(targets)} SPF records"
                self.add("dns.spf_all", "fail", f"redirect={redirect} leads to {found} (a permanent error, "
                         f"RFC 7208 §6.1)", None, outcomes)
                return
            current_domain, current = redirect.rstrip(".").lower(), targets[0]
        self.add("dns.spf_all", "fail", f"more than {SPF_LOOKUP_LIMIT} redirects from {domain}", None, outcomes)

    def _spf_lookups(self, domain: str, record: str, first: _Outcome) -> None:
        walk = _SpfWalk(outcomes=[first])
        try:
            self._walk(record, walk)
        except _SpfOverLimit:
            self.add("dns.spf_lookups", "fail", f"more than {SPF_LOOKUP_LIMIT} DNS lookups to evaluate the SPF record "
                     f"of {domain} (counting stopped at {walk.count}): receivers return a permanent error "
                     f"(RFC 7208 §4.6.4)", walk.count, walk.outcomes)
            return
        except _SpfUnknown as exc:
            self.add("dns.spf_lookups", "unknown", str(exc), None, walk.outcomes)
            return
        except _SpfBroken as exc:
            self.add("dns.spf_lookups", "fail", str(exc), walk.count, walk.outcomes)
            return
        self.add("dns.spf_lookups", "pass", f"{walk.count} DNS lookups to evaluate the SPF record of {domain} "
                 f"(limit {SPF_LOOKUP_LIMIT})", walk.count, walk.outcomes)

    def _walk(self, record: str, walk: _SpfWalk) -> None:
        """Count the DNS-querying terms of ``record`` and, depth first, of what it includes or redirects to."""
        qualifier, redirect = _spf_final(record)
        for term in record.split()[1:]:
            body = term[1:] if term[:1] in _SPF_QUALIFIERS else term
            lowered = body.lower()
            if _MODIFIER.match(lowered):
                continue
            mechanism = lowered.split(":", 1)[0].split("/", 1)[0]
            if mechanism not in _SPF_QUERYING:
                continue
            walk.count += 1
            if walk.count > SPF_LOOKUP_LIMIT:
                raise _SpfOverLimit
            if mechanism == "include":
                target = body.split(":", 1)[1] if ":" in body else ""
                self._follow("include:", target, walk)
        if redirect is not None and qualifier is None:
            walk.count += 1
            if walk.count > SPF_LOOKUP_LIMIT:
                raise _SpfOverLimit
            self._follow("redirect=", redirect, walk)

    def _follow(self, term: str, target: str, walk: _SpfWalk) -> None:
        if not target:
            raise _SpfBroken(f"an SPF {term} term names no domain (a permanent error)")
        if "%" in target:
            return  # a macro needs the sender to expand; the term itself was counted
        outcome = self.lookup.ask(_absolute(target), "TXT")
        walk.outcomes.append(outcome)
        if outcome.failed:
            raise _SpfUnknown(f"{term}{target}: {outcome.error}")
        records = _spf_records(outcome)
        if len(records) != 1:
            found = "no SPF record" if not records else f"{len(records)} SPF records"
            raise _SpfBroken(f"{term}{target} has {found} (a permanent error, RFC 7208 §5.2)")
        self._walk(records[0], walk)

    # DMARC, MX, DNSSEC, CAA, DKIM ---------------------------------------------------------------------------

    def dmarc(self, domain: str) -> None:
        check = "dns.dmarc.policy"
        outcome = self.lookup.ask(f"_dmarc.{domain}.", "TXT")
        if outcome.failed:
            self._unknown((check,), outcome)
            return
        records = [text for text in outcome.texts() if _tags(text).get("v", "").upper() == "DMARC1"]
        if not records:
            self.add(check, "fail", f"no DMARC record at _dmarc.{domain} ({_absence(outcome)})", None, [outcome])
            return
        if len(records) > 1:
            self.add(check, "fail", f"multiple DMARC records ({len(records)}) at _dmarc.{domain}: receivers apply "
                     f"none (RFC 7489 §6.6.3)", None, [outcome])
            return
        policy = _tags(records[0]).get("p", "").lower()
        if policy in ("reject", "quarantine"):
            self.add(check, "pass", f"p={policy}: mail failing DMARC is "
                     f"{'refused' if policy == 'reject' else 'quarantined'}", policy, [outcome])
        elif policy == "none":
            self.add(check, "fail", "p=none: receivers only report, spoofed mail is still delivered", policy,
                     [outcome])
        else:
            self.add(check, "fail", f"the DMARC record has no valid p= policy ({records[0]!r})", None, [outcome])

    def mx(self, domain: str) -> None:
        import dns.name
        import dns.rdtypes.ANY.MX

        outcome = self.lookup.ask(_absolute(domain), "MX")
        if outcome.failed:
            self._unknown(("dns.mx",), outcome)
            return
        records = sorted((record.preference, record.exchange) for record in outcome.records
                         if isinstance(record, dns.rdtypes.ANY.MX.MX))
        hosts = [exchange.to_text(omit_final_dot=True).lower() for _, exchange in records
                 if exchange != dns.name.root]
        if not records:
            self.add("dns.mx", "fail", f"no MX records at {domain} ({_absence(outcome)})", [], [outcome])
        elif not hosts:
            self.add("dns.mx", "fail", f"a null MX at {domain}: the domain accepts no mail (RFC 7505)", [], [outcome])
        else:
            self.add("dns.mx", "pass", f"{len(hosts)} MX host(s): {', '.join(hosts)}", hosts, [outcome])

    def dnssec(self, domain: str) -> None:
        outcome = self.lookup.ask(_absolute(domain), "DNSKEY")
        if outcome.failed:
            self._unknown(("dns.dnssec",), outcome)
            return
        keys = len(outcome.records)
        validated = "; the resolver authenticated the answer (AD flag)" if outcome.authenticated else ""
        if keys:
            self.add("dns.dnssec", "pass", f"{keys} DNSKEY record(s) at {domain}{validated}", True, [outcome])
        elif outcome.authenticated:
            self.add("dns.dnssec", "pass", f"no DNSKEY at {domain}{validated}", True, [outcome])
        else:
            self.add("dns.dnssec", "fail", f"no DNSKEY records at {domain} ({_absence(outcome)}): the zone is not "
                     f"signed", False, [outcome])

    def caa(self, domain: str) -> None:
        import dns.rdtypes.ANY.CAA

        outcome = self.lookup.ask(_absolute(domain), "CAA")
        if outcome.failed:
            self._unknown(("dns.caa",), outcome)
            return
        properties = [(record.tag.decode("ascii", "replace").lower(), record.value.decode("utf-8", "replace"))
                      for record in outcome.records if isinstance(record, dns.rdtypes.ANY.CAA.CAA)]
        issuing = [value for tag, value in properties if tag in ("issue", "issuewild")]
        issuers = sorted({value.split(";", 1)[0].strip().lower() for value in issuing} - {""})
        if not properties:
            self.add("dns.caa", "fail", f"no CAA records at {domain} ({_absence(outcome)}): any certificate "
                     f"authority may issue", [], [outcome])
        elif not issuing:
            self.add("dns.caa", "fail", f"the CAA records at {domain} name no issuer (no issue or issuewild "
                     f"property): any certificate authority may issue", [], [outcome])
        elif not issuers:
            self.add("dns.caa", "pass", f"CAA at {domain} allows no certificate authority to issue", [], [outcome])
        else:
            self.add("dns.caa", "pass", f"CAA at {domain} allows {', '.join(issuers)}", issuers, [outcome])

    def dkim(self, domain: str) -> None:
        check = "dns.dkim_selectors"
        outcomes = [self.lookup.ask(f"{selector}._domainkey.{domain}.", "TXT") for selector in DKIM_SELECTORS]
        found = [selector for selector, outcome in zip(DKIM_SELECTORS, outcomes, strict=True)
                 if any(_is_dkim_key(text) for text in outcome.texts())]
        failed = [outcome for outcome in outcomes if outcome.failed]
        query = _dkim_query(domain)
        if found:
            self.add(check, "pass", f"DKIM key(s) at selector(s) {', '.join(found)}", found, outcomes, query=query)
        elif failed:
            self.add(check, "unknown", f"no DKIM key found, and {len(failed)} of {len(outcomes)} selector lookups "
                     f"failed ({failed[0].query}: {failed[0].error})", None, outcomes, query=query)
        else:
            self.add(check, "fail", f"no DKIM key at the common selectors ({', '.join(DKIM_SELECTORS)}); the vendor "
                     f"may sign with another selector", [], outcomes, query=query)


# --- parsing ---------------------------------------------------------------------------------------------------


def _absolute(name: str) -> str:
    return name.rstrip(".") + "."


def _absence(outcome: _Outcome) -> str:
    if outcome.state == "NXDOMAIN":
        return f"{outcome.name} does not exist"
    if outcome.state == "NODATA":
        return f"no {outcome.record_type} records"
    return f"{outcome.record_type} records hold none"


def _dkim_query(domain: str) -> str:
    return f"{{{','.join(DKIM_SELECTORS)}}}._domainkey.{domain}. TXT"


def _spf_records(outcome: _Outcome) -> list[str]:
    """TXT records that are SPF records: ``v=spf1`` alone or followed by a space (RFC 7208 §4.5)."""
    records = []
    for text in outcome.texts():
        lowered = text.strip().lower()
        if lowered == "v=spf1" or lowered.startswith("v=spf1 "):
            records.append(" ".join(text.split()))
    return records


def _spf_final(record: str) -> tuple[str | None, str | None]:
    """The qualifier of the record's ``all`` (None if absent) and its ``redirect=`` target (None if absent)."""
    qualifier: str | None = None
    redirect: str | None = None
    for term in record.split()[1:]:
        prefix = term[:1] if term[:1] in _SPF_QUALIFIERS else "+"
        body = term[1:] if term[:1] in _SPF_QUALIFIERS else term
        if body.lower() == "all" and qualifier is None:
            qualifier = prefix
        elif body.lower().startswith("redirect="):
            redirect = body.split("=", 1)[1]
    return qualifier, redirect


def _tags(text: str) -> dict[str, str]:
    """``tag=value; tag=value`` (DMARC, DKIM) with tag names lower-cased."""
    tags: dict[str, str] = {}
    for part in text.split(";"):
        tag, separator, value = part.partition("=")
        if separator:
            tags.setdefault(tag.strip().lower(), "".join(value.split()))
    return tags


def _is_dkim_key(text: str) -> bool:
    """A DKIM key record: a non-empty ``p=`` (an empty one is a revoked key), ``v=DKIM1`` when ``v`` is given."""
    tags = _tags(text)
    return bool(tags.get("p")) and tags.get("v", "DKIM1") == "DKIM1"


def _all_unknown(domain: str, reason: str, now: dt.datetime, tool: str, sends_email: bool) -> list[Evidence]:
    evidence = []
    for check in CHECKS:
        why = "not an email-sending tool" if check == "dns.dkim_selectors" and not sends_email else reason
        evidence.append(make_evidence(kind="dns", check=check, status="unknown", reason=why, query=domain,
                                      fetched_at=now, tool=tool))
    return evidence
