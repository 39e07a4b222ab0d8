"""DNS evidence about a vendor's domain: SPF, DMARC, MX, DNSSEC, CAA, DKIM, MTA-STS and TLS reporting.

Every question goes through one ``riskengine.enrich.resolver.Lookup``: the configured DNS server after the
address guard accepted it (or the system resolver), each query cut to what is left of the vendor's deadline,
each question asked once. SPF is evaluated by ``riskengine.enrich.spf`` (RFC 7208), DMARC discovered and
read by ``riskengine.enrich.dmarc`` (RFC 7489, RFC 9091), MTA-STS and TLS-RPT read by
``riskengine.enrich.mail_transport`` (RFC 8461, RFC 8460), whose policy file comes over the web checks'
guarded HTTPS transport. The number of queries is bounded: SPF at most 10 DNS-querying terms (each one or
two queries), DMARC two policy lookups and at most three report-consent lookups, MX, DNSKEY, CAA, the
8 DKIM selectors, ``_mta-sts`` and ``_smtp._tls``.

Conventions:

- A failed lookup (timeout, SERVFAIL, unreadable answer, refused server, the deadline) makes the checks
  that needed it ``unknown`` with the reason. NXDOMAIN or an empty answer is an observation, not a
  failure: the check passes or fails on it.
- ``Evidence.ttl`` is the smallest TTL of the answers behind a check (for an empty answer or NXDOMAIN,
  the negative-caching TTL of the SOA the server sent); ``None`` when no answer came back.
- ``Evidence.raw`` holds, for every query behind a check, a header line
  ``;; <name> <type> -> <NOERROR|NODATA|NXDOMAIN>; ttl=<seconds>; ad=<0|1>`` (``ttl=`` only when known,
  ``-> error: <reason>`` when the lookup failed) followed by the answer section in zone-file text
  (``rrset.to_text()``, CNAMEs included); the MTA-STS checks add the policy file's HTTP exchange.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from riskengine.enrich import dmarc, mail_transport, spf
from riskengine.enrich.checks import DNS_CHECKS
from riskengine.enrich.domain import DomainError, normalise_domain
from riskengine.enrich.evidence import Evidence, Status, make_evidence
from riskengine.enrich.guard import AddressGuard, Deadline, DeadlineExceeded
from riskengine.enrich.network import own_domain_doubt
from riskengine.enrich.resolver import Lookup, NoResolver, Outcome, absolute

if TYPE_CHECKING:
    from riskengine.enrich.web import PolicyFile

CHECKS = DNS_CHECKS

DKIM_SELECTORS = ("default", "selector1", "selector2", "google", "k1", "s1", "mail", "dkim")
"""Selector names common providers use (Microsoft 365: selector1/2, Google: google, Mailchimp: k1, ...).

A vendor may sign with other selectors, so "none found" is a finding to confirm, not proof of no DKIM.
"""
SPF_LOOKUP_LIMIT = spf.LOOKUP_LIMIT
MTA_STS_MIN_MAX_AGE = 604_800
"""A week. RFC 8461 §3.2 expects max_age "typically be in the range of weeks or greater", so that an attacker
who blocks a policy refresh cannot strip the protection; below a week is our judgement of too short."""
MTA_STS_POLICY_PATH = "/.well-known/mta-sts.txt"

_TOOL_NAME = "riskengine-dns/1"
_SENDING_ONLY = ("dns.dkim_selectors", "dns.mta_sts.mode", "dns.mta_sts.max_age", "dns.tlsrpt")
_SPF_CHECKS = ("dns.spf", "dns.spf.result", "dns.spf.permerror", "dns.spf_lookups")
_DMARC_CHECKS = ("dns.dmarc.policy", "dns.dmarc.p", "dns.dmarc.sp", "dns.dmarc.pct", "dns.dmarc.rua",
                 "dns.dmarc.org_fallback")
_ENFORCING = ("quarantine", "reject")


def check_dns(domain: str, guard: AddressGuard, deadline: Deadline, now: dt.datetime, *,
              sends_email: bool, own_domain: bool = False) -> list[Evidence]:
    """One Evidence per name in ``CHECKS``, in that order; never raises for a DNS problem.

    ``now`` stamps every record. Every query's lifetime is the smaller of the read timeout and what is
    left of ``deadline``, so the whole call ends within the deadline (plus one resolver poll). ``own_domain``:
    ``domain`` is the vendor's own, which must exist, so an NXDOMAIN for it is cross-checked and leaves every
    check unknown (``network.own_domain_doubt``) instead of failing SPF, DMARC and MX.
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
        lookup = Lookup.open(guard, deadline)
    except DeadlineExceeded as exc:
        return _all_unknown(name, f"no lookup: {exc}", now, tool, sends_email)
    except NoResolver as exc:
        return _all_unknown(name, str(exc), now, tool, sends_email)
    report = _Report(lookup, guard, deadline, now, tool)
    doubt = own_domain_doubt(lookup, name) if own_domain else None
    if doubt is not None:
        reason, outcomes = doubt
        for check in CHECKS:
            sending_only = check in _SENDING_ONLY and not sends_email
            report.add(check, "unknown", "not an email-sending tool" if sending_only else reason, None,
                       [] if sending_only else outcomes, query=_query_of(check, name) if sending_only else None)
        return [report.evidence[check] for check in CHECKS]
    report.spf_checks(name)
    report.dmarc_checks(name)
    report.mx(name)
    report.dnssec(name)
    report.caa(name)
    if sends_email:
        report.dkim(name)
        report.mta_sts(name)
        report.tlsrpt(name)
    else:
        for check in _SENDING_ONLY:
            report.add(check, "unknown", "not an email-sending tool", None, [], query=_query_of(check, name))
    return [report.evidence[check] for check in CHECKS]


# --- checks ----------------------------------------------------------------------------------------------------


class _Report:
    """Builds the evidence, one check at a time; ``check_dns`` returns it in the order of ``CHECKS``."""

    def __init__(self, lookup: Lookup, guard: AddressGuard, deadline: Deadline, now: dt.datetime, tool: str) -> None:
        self.lookup = lookup
        self.guard = guard
        self.deadline = deadline
        self.now = now
        self.tool = tool
        self.evidence: dict[str, Evidence] = {}

    def add(self, check: str, status: Status, reason: str, value: Any, outcomes: Iterable[Outcome], *,
            query: str | None = None, extra_raw: bytes = b"", address: str = "") -> None:
        used = list(outcomes)
        ttls = [outcome.ttl for outcome in used if outcome.ttl is not None]
        servers = [outcome.server for outcome in used if outcome.server]
        raw = "".join(outcome.raw for outcome in used).encode("utf-8", "replace") + extra_raw
        self.evidence[check] = make_evidence(
            kind="dns", check=check, status=status, reason=reason, value=value,
            query=query if query is not None else "; ".join(dict.fromkeys(outcome.query for outcome in used)),
            address=address or (servers[0] if servers else ""), fetched_at=self.now, tool=self.tool, raw=raw,
            ttl=min(ttls) if ttls and status != "unknown" else None)

    def _unknown(self, checks: Iterable[str], reason: str, outcomes: list[Outcome]) -> None:
        for check in checks:
            self.add(check, "unknown", reason, None, outcomes)

    # SPF ----------------------------------------------------------------------------------------------------

    def spf_checks(self, domain: str) -> None:
        evaluation = spf.evaluate(domain, self.lookup.ask)
        outcomes = evaluation.outcomes
        first = outcomes[:1]
        if evaluation.result == "temperror" and not evaluation.records and first and first[0].failed:
            self._unknown(_SPF_CHECKS, f"{first[0].query}: {first[0].error}", first)
            return
        self._spf_record(domain, evaluation, first)
        notes = f" (note: {'; '.join(evaluation.notes)})" if evaluation.notes else ""
        if evaluation.result is None or evaluation.result == "temperror":
            self._unknown(("dns.spf.result", "dns.spf.permerror", "dns.spf_lookups"), evaluation.reason, outcomes)
            return
        result = evaluation.result
        status: Status = "pass" if result in ("fail", "softfail") else "fail"
        self.add("dns.spf.result", status, evaluation.reason + notes, result, outcomes)
        broken = result == "permerror"
        self.add("dns.spf.permerror", "fail" if broken else "pass",
                 evaluation.reason if broken else f"SPF evaluation ends without a permanent error ({result})",
                 broken, outcomes)
        self._spf_lookups(domain, evaluation)

    def _spf_record(self, domain: str, evaluation: spf.Evaluation, first: list[Outcome]) -> None:
        records = evaluation.records
        if not records:
            note = f": {evaluation.notes[0]}" if evaluation.notes else ""
            self.add("dns.spf", "fail", f"no SPF record at {domain} ({_absence(first[0])}){note}", [], first)
        elif len(records) > 1:
            self.add("dns.spf", "fail", f"multiple SPF records ({len(records)}) at {domain}: receivers treat this as "
                     f"a permanent error (RFC 7208 §4.5)", records, first)
        else:
            self.add("dns.spf", "pass", f"one SPF record at {domain}: {records[0]}", records, first)

    def _spf_lookups(self, domain: str, evaluation: spf.Evaluation) -> None:
        count, outcomes = evaluation.lookups, evaluation.outcomes
        if evaluation.result == "none":
            self.add("dns.spf_lookups", "fail", f"no SPF record at {domain}: nothing to evaluate", None, outcomes)
        elif evaluation.limit_exceeded:
            self.add("dns.spf_lookups", "fail", f"more than {SPF_LOOKUP_LIMIT} DNS lookups to evaluate the SPF record "
                     f"of {domain} (counting stopped at {count}): receivers return a permanent error (RFC 7208 "
                     f"§4.6.4)", count, outcomes)
        elif evaluation.result == "permerror":
            self.add("dns.spf_lookups", "fail", f"SPF evaluation ends in a permanent error after {count} DNS "
                     f"lookups: {evaluation.reason}", count, outcomes)
        else:
            self.add("dns.spf_lookups", "pass", f"{count} DNS lookups to evaluate the SPF record of {domain} "
                     f"(limit {SPF_LOOKUP_LIMIT}; {evaluation.void_lookups} void)", count, outcomes)

    # DMARC --------------------------------------------------------------------------------------------------

    def dmarc_checks(self, domain: str) -> None:
        found = dmarc.discover(domain, self.lookup.ask)
        outcomes = found.outcomes
        if found.failed is not None:
            self._unknown(_DMARC_CHECKS, f"{found.failed.query}: {found.failed.error}", outcomes)
            return
        record = found.record
        if record is None:
            for check in _DMARC_CHECKS:
                self.add(check, "pass" if check == "dns.dmarc.org_fallback" else "fail", found.reason,
                         False if check == "dns.dmarc.org_fallback" else None, outcomes)
            return
        where = f"_dmarc.{found.found_at}" + (" (the organisational domain's record)" if found.org_fallback else "")
        invalid = "" if record.valid else f"the record is not valid ({'; '.join(record.problems)}): "
        self._dmarc_policy(found, where, invalid)
        p_status: Status = "pass" if record.valid and record.p in _ENFORCING else "fail"
        self.add("dns.dmarc.p", p_status, f"{invalid}p={record.p or '(none valid)'} at {where}", record.p, outcomes)
        subdomains = found.subdomain_policy()
        self.add("dns.dmarc.sp", "pass" if subdomains in _ENFORCING else "fail",
                 f"{invalid}mail from subdomains of {domain} that fails DMARC: "
                 f"{_treatment(subdomains)} (sp={record.sp or 'absent, so p applies'}"
                 f"{f', pct={record.pct}' if record.pct < 100 else ''})", subdomains, outcomes)
        pct_reason = ("pct=100: the policy applies to all failing mail" if record.pct == 100 else
                      f"pct={record.pct}: the policy applies to {record.pct}% of failing mail, the rest gets the next "
                      f"gentler treatment (RFC 7489 §6.6.4)")
        self.add("dns.dmarc.pct", "pass" if record.pct == 100 else "fail", pct_reason, record.pct, outcomes)
        notes = f" ({'; '.join(found.notes)})" if found.notes else ""
        if found.reports_to:
            self.add("dns.dmarc.rua", "pass", f"aggregate reports go to {', '.join(found.reports_to)}{notes}",
                     list(found.reports_to), outcomes)
        else:
            self.add("dns.dmarc.rua", "fail", f"no address receivers would send aggregate reports to{notes}: "
                     f"spoofing goes unnoticed", [], outcomes)
        self.add("dns.dmarc.org_fallback", "pass",
                 (f"no record at _dmarc.{domain}: the record of its organisational domain {found.found_at} applies, "
                  f"with its sp (RFC 7489 §6.6.3)") if found.org_fallback else f"the record at _dmarc.{domain} applies",
                 found.org_fallback, outcomes)

    def _dmarc_policy(self, found: dmarc.Discovery, where: str, invalid: str) -> None:
        record = found.record
        assert record is not None
        policy = found.policy()
        if policy is None:
            reason = f"{invalid}and it has no valid rua, so receivers apply no DMARC policy (RFC 7489 §6.6.3)"
        elif invalid:
            reason = f"{invalid}with a valid rua receivers act as if p=none (RFC 7489 §6.6.3)"
        else:
            published = f"sp={record.sp}" if found.org_fallback and record.sp else f"p={record.p}"
            sampled = f", pct={record.pct}" if record.pct < 100 else ""
            np = f"; np={record.np} for subdomains that do not exist (RFC 9091)" if record.np else ""
            reason = f"{published}{sampled} at {where}: mail failing DMARC is {_treatment(policy)}{np}"
        self.add("dns.dmarc.policy", "pass" if policy in _ENFORCING else "fail", reason, policy, found.outcomes)

    # MX, DNSSEC, CAA, DKIM ----------------------------------------------------------------------------------

    def mx(self, domain: str) -> None:
        import dns.name
        import dns.rdtypes.ANY.MX

        outcome = self.lookup.ask(absolute(domain), "MX")
        if outcome.failed:
            self._unknown(("dns.mx",), f"{outcome.query}: {outcome.error}", [outcome])
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
        outcome = self.lookup.ask(absolute(domain), "DNSKEY")
        if outcome.failed:
            self._unknown(("dns.dnssec",), f"{outcome.query}: {outcome.error}", [outcome])
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

        outcome = self.lookup.ask(absolute(domain), "CAA")
        if outcome.failed:
            self._unknown(("dns.caa",), f"{outcome.query}: {outcome.error}", [outcome])
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
        query = _query_of(check, domain)
        if found:
            self.add(check, "pass", f"DKIM key(s) at selector(s) {', '.join(found)}", found, outcomes, query=query)
        elif failed:
            self.add(check, "unknown", f"no DKIM key found, and {len(failed)} of {len(outcomes)} selector lookups "
                     f"failed ({failed[0].query}: {failed[0].error})", None, outcomes, query=query)
        else:
            self.add(check, "fail", f"no DKIM key at the common selectors ({', '.join(DKIM_SELECTORS)}); the vendor "
                     f"may sign with another selector", [], outcomes, query=query)

    # MTA-STS and TLS-RPT ------------------------------------------------------------------------------------

    def mta_sts(self, domain: str) -> None:
        checks = ("dns.mta_sts.mode", "dns.mta_sts.max_age")
        outcome = self.lookup.ask(absolute(f"_mta-sts.{domain}"), "TXT")
        if outcome.failed:
            self._unknown(checks, f"{outcome.query}: {outcome.error}", [outcome])
            return
        records = [text for text in outcome.texts() if mail_transport.is_sts_record(text)]
        problem = None
        if not records:
            problem = f"no MTA-STS record at _mta-sts.{domain} ({_absence(outcome)}): senders may deliver unencrypted"
        elif len(records) > 1:
            problem = f"{len(records)} MTA-STS records at _mta-sts.{domain}: senders assume none (RFC 8461 §3.1)"
        elif parsed := mail_transport.parse_sts_record(records[0]).problems:
            problem = f"the MTA-STS record is not valid ({'; '.join(parsed)}): senders assume none (RFC 8461 §3.1)"
        if problem is not None:
            for check in checks:
                self.add(check, "fail", problem, None, [outcome])
            return
        policy_file = _fetch_policy(domain, self.guard, self.deadline, self.now)
        extra = _Fetched(policy_file.raw, policy_file.address, f"{outcome.query}; GET {policy_file.url}")
        if policy_file.status != "pass" or policy_file.text is None:
            status: Status = "unknown" if policy_file.status == "unknown" else "fail"
            for check in checks:
                self.add(check, status, f"the MTA-STS policy could not be used: {policy_file.reason}", None,
                         [outcome], extra_raw=extra.raw, address=extra.address, query=extra.query)
            return
        policy = mail_transport.parse_policy(policy_file.text)
        if policy.problems:
            for check in checks:
                self.add(check, "fail", f"the MTA-STS policy at {policy_file.url} is not valid "
                         f"({'; '.join(policy.problems)}): senders treat the domain as having none (RFC 8461 §3.2)",
                         None, [outcome], extra_raw=extra.raw, address=extra.address, query=extra.query)
            return
        mode = policy.mode
        effect = {"enforce": "senders must deliver over TLS to the listed MX hosts, or not at all",
                  "testing": "senders only report failures and deliver anyway",
                  "none": "the policy is withdrawn"}[mode or "none"]
        self.add("dns.mta_sts.mode", "pass" if mode == "enforce" else "fail", f"mode: {mode}: {effect} (RFC 8461 §5)",
                 mode, [outcome], extra_raw=extra.raw, address=extra.address, query=extra.query)
        age = policy.max_age or 0
        self.add("dns.mta_sts.max_age", "pass" if age >= MTA_STS_MIN_MAX_AGE else "fail",
                 f"max_age: {age} s ({age // 86_400} days)" + ("" if age >= MTA_STS_MIN_MAX_AGE else
                                                                ", under a week (RFC 8461 §3.2 expects weeks)"),
                 age, [outcome], extra_raw=extra.raw, address=extra.address, query=extra.query)

    def tlsrpt(self, domain: str) -> None:
        outcome = self.lookup.ask(absolute(f"_smtp._tls.{domain}"), "TXT")
        if outcome.failed:
            self._unknown(("dns.tlsrpt",), f"{outcome.query}: {outcome.error}", [outcome])
            return
        records = [text for text in outcome.texts() if mail_transport.is_tlsrpt_record(text)]
        if not records:
            self.add("dns.tlsrpt", "fail", f"no TLS-RPT record at _smtp._tls.{domain} ({_absence(outcome)}): "
                     f"failures of encrypted delivery go unreported", None, [outcome])
            return
        if len(records) > 1:
            self.add("dns.tlsrpt", "fail", f"{len(records)} TLS-RPT records at _smtp._tls.{domain}: senders assume "
                     f"none (RFC 8460 §3)", None, [outcome])
            return
        record = mail_transport.parse_tlsrpt_record(records[0])
        if record.problems:
            self.add("dns.tlsrpt", "fail", f"the TLS-RPT record is not valid ({'; '.join(record.problems)}): senders "
                     f"assume none (RFC 8460 §3)", None, [outcome])
            return
        uris = list(mail_transport.report_uris(record))
        self.add("dns.tlsrpt", "pass", f"TLS failures are reported to {', '.join(uris)}", uris, [outcome])


@dataclass(frozen=True)
class _Fetched:
    """What the policy fetch adds to the MTA-STS evidence: the HTTP exchange, the address, the query."""

    raw: bytes
    address: str
    query: str


def _fetch_policy(domain: str, guard: AddressGuard, deadline: Deadline, now: dt.datetime) -> PolicyFile:
    from riskengine.enrich.web import fetch_policy_file  # the web stack is imported only for a policy to fetch

    return fetch_policy_file(f"mta-sts.{domain}", MTA_STS_POLICY_PATH, guard, deadline, now,
                             limit=mail_transport.POLICY_BYTES)


# --- small helpers ---------------------------------------------------------------------------------------------


def _treatment(policy: str | None) -> str:
    return {"reject": "refused", "quarantine": "quarantined", "none": "still delivered (reports only)",
            None: "not covered by any DMARC policy"}[policy]


def _absence(outcome: Outcome) -> str:
    if outcome.state == "NXDOMAIN":
        return f"{outcome.name} does not exist"
    if outcome.state == "NODATA":
        return f"no {outcome.record_type} records"
    return f"{outcome.record_type} records hold none"


def _query_of(check: str, domain: str) -> str:
    return {"dns.dkim_selectors": f"{{{','.join(DKIM_SELECTORS)}}}._domainkey.{domain}. TXT",
            "dns.mta_sts.mode": f"_mta-sts.{domain}. TXT", "dns.mta_sts.max_age": f"_mta-sts.{domain}. TXT",
            "dns.tlsrpt": f"_smtp._tls.{domain}. TXT"}.get(check, domain)


def _tags(text: str) -> dict[str, str]:
    """``tag=value; tag=value`` (DKIM) with tag names lower-cased."""
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
        why = "not an email-sending tool" if check in _SENDING_ONLY and not sends_email else reason
        evidence.append(make_evidence(kind="dns", check=check, status="unknown", reason=why, query=domain,
                                      fetched_at=now, tool=tool))
    return evidence
