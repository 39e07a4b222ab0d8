"""From the records of a discovery run to findings: which tools the company runs, and how each stands against the
inventory. Pure: it reads stored ``Evidence`` only (so a replay gives the same findings) and touches no network.

Detections. A pattern that matches yields a ``Match`` carrying the evidence record it came from, a snippet of what
matched (cut to 200 characters, with its sha256) and the pattern's confidence. A technology's confidence is the sum
of its distinct patterns' confidences, capped at 100 (webappanalyzer's rule); it is **reported only at 100**, so a
single weak pattern (a cookie name many tools share, a CSP allowance) never reports a tool alone. Weaker totals
are kept as ``hints``.

Findings against the inventory, one per reported technology:

- ``sanctioned``: the inventory lists it (by name, product, alias, or vendor with the same capability);
- ``stale-trace``: not listed, and seen only in a verification TXT record or an SPF include, never in use
  (a former vendor may still be allowed to send mail as us);
- ``duplicate``: not listed, in use, and a sanctioned system already has its capability;
- ``shadow-it``: not listed, in use, and nothing sanctioned does what it does (or the inventory lists it as
  unsanctioned).

Without an inventory, tools in use are ``detected`` and the rest ``stale-trace``.

Email security: every SPF include that no fingerprint knows is a sender allowed to send as the domain that nobody
can name; each is flagged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from riskengine.discover.collect import DNS_PREFIX, WEB_PREFIX
from riskengine.discover.fingerprints import INPUT_LIMITS, STRONG, USE_KINDS, Fingerprints, Pattern
from riskengine.discover.page import Page, read_page
from riskengine.enrich.evidence import Evidence
from riskengine.inventory.model import Inventory, System
from riskengine.inventory.vocabulary import term_key

SNIPPET_CHARS = 200
Status = Literal["sanctioned", "shadow-it", "duplicate", "stale-trace", "detected"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Match(_Frozen):
    """One pattern that matched, where, and the evidence behind it."""

    kind: str
    key: str = ""
    pattern: str
    confidence: int
    where: str
    """The page URL or the DNS question."""
    snippet: str
    """What matched, with a little context, cut to 200 characters."""
    snippet_sha256: str
    evidence_id: str
    version: str = ""


class Detection(_Frozen):
    """A technology the company's footprint shows, with every match behind it."""

    technology: str
    capability: str
    source: str
    """The vendor's setup documentation the fingerprint cites."""
    confidence: int
    vendor: str = ""
    version: str = ""
    in_use: bool
    """Whether a match shows use (code on the site, mail through it, a subdomain pointing at it), not only a trace."""
    matches: tuple[Match, ...]


class Finding(_Frozen):
    technology: str
    capability: str
    status: Status
    reason: str
    system_id: str = ""
    """The inventory system it is (sanctioned) or duplicates (the first of ``duplicates``)."""
    duplicates: tuple[str, ...] = ()
    confidence: int


class SpfInclude(_Frozen):
    """An include (or redirect) named in an SPF record of the domain's own (at it or below it)."""

    domain: str
    followed: bool
    """False when the 10-lookup limit (or a failure) stopped the walk before it."""
    technology: str = ""
    """The fingerprint that names it; empty: an unknown sender, flagged."""


class EmailSecurity(_Frozen):
    domain: str
    spf_record: str | None
    spf_result: str | None
    spf_reason: str
    spf_lookups: int
    spf_limit_exceeded: bool
    includes: tuple[SpfInclude, ...]
    unknown_senders: tuple[str, ...]
    """SPF includes no fingerprint names: senders allowed to send as us that nobody can name."""
    dmarc_policy: str | None
    dmarc_reports_to: tuple[str, ...]


class Discovery(_Frozen):
    """Everything ``riskengine discover`` found for one domain."""

    domain: str
    run_id: str
    mode: str
    created: dt.datetime
    fingerprints: str
    """The fingerprint set used (its path) and how many technologies it holds."""
    inventory: str = ""
    pages: tuple[str, ...]
    dns_questions: int
    apex: dict[str, tuple[str, ...]] = {}
    """The apex's TXT, MX, NS and CAA records as answered (empty when unknown), for the reader to check."""
    findings: tuple[Finding, ...]
    detections: tuple[Detection, ...]
    hints: tuple[Detection, ...]
    """Technologies with some evidence, below the confidence needed to report them."""
    email: EmailSecurity
    unknown: tuple[str, ...]
    """What could not be read (question or URL: reason)."""
    warnings: tuple[str, ...] = ()

    def finding(self, technology: str) -> Finding | None:
        return next((finding for finding in self.findings if finding.technology == technology), None)


# --- matching ---------------------------------------------------------------------------------------------------


class _Matcher:
    def __init__(self, fingerprints: Fingerprints) -> None:
        self.fingerprints = fingerprints
        self.matches: dict[str, dict[tuple[str, str, str], Match]] = {}

    def add(self, pattern: Pattern, text: str, where: str, evidence: Evidence) -> None:
        limited = text[:INPUT_LIMITS[pattern.kind]]
        if pattern.compiled is None:
            start, end, groups = 0, min(len(limited), SNIPPET_CHARS), ()
        else:
            found = pattern.compiled.search(limited)
            if found is None:
                return
            start, end, groups = found.start(), found.end(), found.groups()
        left = max(0, start - 40)
        snippet = " ".join(limited[left:max(end, left) + 40][:SNIPPET_CHARS].split())
        version = _version(pattern.version, groups)
        match = Match(kind=pattern.kind, key=pattern.key, pattern=pattern.regex, confidence=pattern.confidence,
                      where=where, snippet=snippet, snippet_sha256=hashlib.sha256(snippet.encode()).hexdigest(),
                      evidence_id=evidence.id, version=version)
        found_for = self.matches.setdefault(pattern.technology, {})
        found_for.setdefault((pattern.kind, pattern.key, pattern.regex), match)

    def run_set(self, kind: str, text: str, where: str, evidence: Evidence) -> None:
        for pattern in self.fingerprints.candidates(kind, text):
            self.add(pattern, text, where, evidence)

    def run_keyed(self, kind: str, key: str, text: str, where: str, evidence: Evidence) -> None:
        patterns = list(self.fingerprints.keyed_patterns(kind, key))
        if kind == "cookies":
            patterns += [pattern for prefix in self.fingerprints.keys(kind) if prefix.endswith("*")
                         and key.lower().startswith(prefix[:-1]) for pattern in self.fingerprints.keyed_patterns(
                             kind, prefix)]
        for pattern in patterns:
            self.add(pattern, text, where, evidence)


def _version(template: str, groups: tuple[Any, ...]) -> str:
    if not template:
        return ""
    version = template
    for number, group in enumerate(groups, start=1):
        version = version.replace(f"\\{number}", group or "")
    return version if not any(f"\\{n}" in version for n in range(1, 10)) else ""


def match_page(matcher: _Matcher, page: Page, evidence: Evidence) -> None:
    """Run every web matcher over one page."""
    where = page.url
    matcher.run_set("html", page.html, where, evidence)
    matcher.run_set("url", page.url, where, evidence)
    for source in page.script_sources:
        matcher.run_set("scriptSrc", source, where, evidence)
    for script in page.inline_scripts:
        matcher.run_set("scripts", script, where, evidence)
    for host in page.csp_hosts:
        matcher.run_set("csp", host, where, evidence)
    for name, value in page.headers:
        matcher.run_keyed("headers", name, value, where, evidence)
    for name, value in page.cookies:
        matcher.run_keyed("cookies", name, value, where, evidence)
    for name, content in page.meta:
        matcher.run_keyed("meta", name, content, where, evidence)


def match_html(fingerprints: Fingerprints, url: str, html: str,
               headers: Iterable[tuple[str, str]] = ()) -> dict[str, int]:
    """The technologies a page shows and their confidence (for benchmarks and quick checks)."""
    from riskengine.enrich.evidence import make_evidence

    evidence = make_evidence(kind="web", check=f"{WEB_PREFIX}{url}", status="pass", reason="", query=url,
                             fetched_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), tool="benchmark")
    matcher = _Matcher(fingerprints)
    match_page(matcher, read_page(url, html, list(headers), inline_scripts=fingerprints.has("scripts")), evidence)
    return {name: min(STRONG, sum(match.confidence for match in found.values()))
            for name, found in matcher.matches.items()}


# --- the analysis -----------------------------------------------------------------------------------------------


def analyse(domain: str, items: Iterable[Evidence], fingerprints: Fingerprints, *, run_id: str, mode: str,
            created: dt.datetime, inventory: Inventory | None = None, pages_read: Iterable[str] = ()) -> Discovery:
    """The findings of one run's records (see the module's docstring)."""
    from riskengine.enrich import spf

    records = {item.check: item for item in items}
    matcher = _Matcher(fingerprints)
    dns = {check.removeprefix(DNS_PREFIX): item for check, item in records.items() if check.startswith(DNS_PREFIX)}
    apex = f"{domain}."
    txt = dns.get(f"{apex} TXT")
    for text in _texts(txt):
        if not spf.is_spf_record(text):
            matcher.run_set("txt", text, f"{apex} TXT", txt)  # type: ignore[arg-type]
    for record_type, kind in (("MX", "mx"), ("NS", "ns")):
        item = dns.get(f"{apex} {record_type}")
        for value in _values(item):
            host = value.split()[-1].rstrip(".").lower()
            matcher.run_set(kind, host, f"{apex} {record_type}", item)  # type: ignore[arg-type]
    dkim_suffix = f"._domainkey.{apex} TXT"
    for question, item in sorted(dns.items()):
        if question.endswith(dkim_suffix) and item.status == "pass":
            selector = question[: -len(dkim_suffix)]
            text = " ".join([*(item.value or {}).get("cnames", []), *_texts(item)])
            if text.strip():
                matcher.run_keyed("dkim", selector, text, question, item)
        elif question.endswith(" CNAME") and item.status == "pass":
            for target in _values(item):
                matcher.run_set("cname", target.rstrip(".").lower(), question, item)
    email = _email(domain, dns, matcher, fingerprints)
    pages = []
    for check, item in sorted(records.items()):
        if not check.startswith(WEB_PREFIX) or item.status != "pass" or not isinstance(item.value, dict):
            continue
        body = str(item.value.get("body", ""))
        if not body and not item.value.get("headers"):
            continue
        headers = [(str(pair[0]), str(pair[1])) for pair in item.value.get("headers", [])]
        page = read_page(str(item.value.get("url", item.query)), body, headers,
                         inline_scripts=fingerprints.has("scripts"))
        match_page(matcher, page, item)
        pages.append(page.url)
    detections, hints = _detections(matcher, fingerprints)
    email = _name_includes(email, matcher, fingerprints)
    findings = classify(detections, inventory) if inventory is not None else _unreviewed(detections)
    unknown = tuple(sorted(f"{item.query}: {item.reason}" for item in records.values()
                           if item.status == "unknown" and not item.check.startswith("network.")))
    return Discovery(domain=domain, run_id=run_id, mode=mode, created=created,
                     fingerprints=f"{fingerprints.source} ({len(fingerprints.technologies)} technologies)",
                     inventory=inventory.source if inventory is not None else "",
                     pages=tuple(pages_read) or tuple(sorted(pages)), dns_questions=len(dns),
                     apex={record_type: tuple(_texts(dns.get(f"{apex} TXT")) if record_type == "TXT"
                                              else _values(dns.get(f"{apex} {record_type}")))
                           for record_type in ("TXT", "MX", "NS", "CAA")}, findings=findings,
                     detections=detections, hints=hints, email=email, unknown=unknown,
                     warnings=tuple(fingerprints.warnings))


def _texts(item: Evidence | None) -> list[str]:
    """The TXT strings of a stored answer, each record's strings joined (RFC 7208 §3.3)."""
    if item is None or item.status != "pass" or not isinstance(item.value, dict):
        return []
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype

    texts = []
    for record in item.value.get("records", []):
        rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, record)
        texts.append(b"".join(rdata.strings).decode("utf-8", "replace"))  # type: ignore[attr-defined]
    return texts


def _values(item: Evidence | None) -> list[str]:
    if item is None or item.status != "pass" or not isinstance(item.value, dict):
        return []
    return [str(record) for record in item.value.get("records", [])]


def _email(domain: str, dns: dict[str, Evidence], matcher: _Matcher, fingerprints: Fingerprints) -> EmailSecurity:
    """SPF walked again over the stored answers (so the include chain and the limit are the receiver's), the
    includes matched, and DMARC's report addresses."""
    from riskengine.discover.collect import _outcome
    from riskengine.enrich import dmarc, spf
    from riskengine.enrich.resolver import Outcome

    def ask(name: str, record_type: str) -> Outcome:
        item = dns.get(f"{name.lower()} {record_type}")
        if item is None:
            return Outcome(name, record_type, "error", error="not asked (over the lookup limit or the budget)")
        return _outcome(item)

    evaluation = spf.evaluate(domain, ask)
    followed = [outcome.name.rstrip(".") for outcome in evaluation.outcomes
                if outcome.record_type == "TXT" and not outcome.failed and outcome.name.rstrip(".") != domain]
    named: list[str] = []
    own = [domain] + [name for name in followed if name == domain or name.endswith("." + domain)]
    records = [(name, evaluation.record if name == domain else next(
        (text for text in _texts(dns.get(f"{name}. TXT")) if spf.is_spf_record(text)), None)) for name in own]
    for _, record in records:
        if record is None:
            continue
        try:
            terms = spf.parse_record(record)
        except spf.SpfSyntaxError:
            continue
        for term in terms:
            if term.name in ("include", "redirect") and term.domain_spec and "%" not in term.domain_spec:
                target = term.domain_spec.rstrip(".").lower()
                if target not in named:
                    named.append(target)
    txt = dns.get(f"{domain}. TXT")
    includes = []
    for target in named:
        where = f"{target}. TXT" if target in followed else f"{domain}. TXT (SPF)"
        evidence = dns.get(f"{target}. TXT") if target in followed else txt
        if evidence is not None:
            matcher.run_set("spf", target, where, evidence)
        includes.append(SpfInclude(domain=target, followed=target in followed))
    discovery = dmarc.discover(domain, ask)
    return EmailSecurity(domain=domain, spf_record=evaluation.record, spf_result=evaluation.result,
                         spf_reason=evaluation.reason,
                         spf_lookups=evaluation.lookups, spf_limit_exceeded=evaluation.limit_exceeded,
                         includes=tuple(includes), unknown_senders=(), dmarc_policy=discovery.policy(),
                         dmarc_reports_to=discovery.reports_to)


def _name_includes(email: EmailSecurity, matcher: _Matcher, fingerprints: Fingerprints) -> EmailSecurity:
    """Each SPF include with the technology that names it; those none names are the unknown senders."""
    by_domain: dict[str, str] = {}
    for technology, found in sorted(matcher.matches.items()):
        for match in found.values():
            if match.kind == "spf":
                for include in email.includes:
                    pattern = next(pattern for pattern in fingerprints.technologies[technology].patterns
                                   if pattern.kind == "spf" and pattern.regex == match.pattern)
                    if pattern.compiled is not None and pattern.compiled.search(include.domain):
                        by_domain.setdefault(include.domain, technology)
    includes = tuple(include.model_copy(update={"technology": by_domain.get(include.domain, "")})
                     for include in email.includes)
    unknown = tuple(include.domain for include in includes if not include.technology
                    and not (include.domain == email.domain or include.domain.endswith("." + email.domain)))
    return email.model_copy(update={"includes": includes, "unknown_senders": unknown})


def _detections(matcher: _Matcher, fingerprints: Fingerprints) -> tuple[tuple[Detection, ...], tuple[Detection, ...]]:
    reported: list[Detection] = []
    hints: list[Detection] = []
    for name in sorted(matcher.matches, key=str.casefold):
        found = sorted(matcher.matches[name].values(), key=lambda match: (match.kind, match.key, match.pattern))
        technology = fingerprints.technologies[name]
        confidence = min(STRONG, sum(match.confidence for match in found))
        version = next((match.version for match in found if match.version), "")
        detection = Detection(technology=name, capability=technology.capability, source=technology.source,
                              confidence=confidence, vendor=technology.vendor, version=version,
                              in_use=any(_shows_use(match) for match in found), matches=tuple(found))
        (reported if confidence >= STRONG else hints).append(detection)
    return tuple(reported), tuple(hints)


def _shows_use(match: Match) -> bool:
    """A site-verification meta tag is a trace like its TXT twin; other kinds of USE_KINDS show use."""
    if match.kind == "meta" and any(word in match.key for word in _VERIFICATION_WORDS):
        return False
    return match.kind in USE_KINDS


_VERIFICATION_WORDS = ("verification", "verify", "validate")


# --- against the inventory ----------------------------------------------------------------------------------------


def classify(detections: Iterable[Detection], inventory: Inventory) -> tuple[Finding, ...]:
    """Each detection as sanctioned, stale trace, duplicate or shadow IT (see the module's docstring)."""
    findings = []
    for detection in detections:
        system = inventory_system(detection, inventory)
        if system is not None and system.sanctioned:
            findings.append(Finding(technology=detection.technology, capability=detection.capability,
                                    status="sanctioned", system_id=system.id, confidence=detection.confidence,
                                    reason=f"in the inventory as {system.id} ({system.name})"))
            continue
        if system is not None:
            findings.append(Finding(technology=detection.technology, capability=detection.capability,
                                    status="shadow-it", system_id=system.id, confidence=detection.confidence,
                                    reason=f"the inventory lists {system.id} ({system.name}) as unsanctioned"))
            continue
        if not detection.in_use:
            kinds = sorted({match.kind for match in detection.matches})
            findings.append(Finding(technology=detection.technology, capability=detection.capability,
                                    status="stale-trace", confidence=detection.confidence,
                                    reason=f"only a trace ({', '.join(_TRACE_WORDS.get(kind, kind) for kind in kinds)})"
                                           " and no use seen: a former vendor? remove the record if so"))
            continue
        same = sorted(candidate.id for candidate in inventory.systems
                      if candidate.sanctioned and detection.capability in candidate.capabilities
                      and detection.capability != "other")
        if same:
            findings.append(Finding(technology=detection.technology, capability=detection.capability,
                                    status="duplicate", system_id=same[0], duplicates=tuple(same),
                                    confidence=detection.confidence,
                                    reason=f"not in the inventory; {', '.join(same)} already "
                                           f"do{'es' if len(same) == 1 else ''} {detection.capability}"))
        else:
            findings.append(Finding(technology=detection.technology, capability=detection.capability,
                                    status="shadow-it", confidence=detection.confidence,
                                    reason="in use, not in the inventory"))
    return tuple(findings)


_TRACE_WORDS = {"txt": "a verification TXT record", "spf": "an SPF include", "csp": "a CSP allowance",
                "meta": "a site-verification meta tag"}


def _unreviewed(detections: Iterable[Detection]) -> tuple[Finding, ...]:
    return tuple(Finding(technology=detection.technology, capability=detection.capability,
                         status="detected" if detection.in_use else "stale-trace", confidence=detection.confidence,
                         reason="in use (no inventory to compare with)" if detection.in_use else
                         "only a trace and no use seen: a former vendor?") for detection in detections)


def inventory_system(detection: Detection, inventory: Inventory) -> System | None:
    """The inventory's system for a technology: by id, name, product or alias (the name, or a part of it in
    parentheses), by a name that starts or ends with it ("Zendesk" -> "Zendesk Suite", "Segment" -> "Twilio
    Segment") when it shares the capability, or by vendor with the same capability."""
    import re

    name, capability = detection.technology, detection.capability
    labels = [name, *re.findall(r"\(([^)]+)\)", name), re.sub(r"\s*\([^)]*\)", "", name)]
    keys = [term_key(label) for label in labels if label.strip()]
    for system in inventory.systems:
        if any(term_key(label) in keys for label in (system.id, system.name, system.product, *system.aliases) if label):
            return system
    for system in inventory.systems:
        if capability not in system.capabilities:
            continue
        words = [system.name.casefold(), system.product.casefold()]
        for label in labels:
            label_words = label.casefold().strip()
            if label_words and any(text == label_words or text.startswith(label_words + " ")
                                   or text.endswith(" " + label_words) for text in words if text):
                return system
    return vendor_system(detection.vendor, capability, inventory)


def vendor_system(technology_vendor: str, capability: str, inventory: Inventory) -> System | None:
    """The one system of ``technology_vendor`` with ``capability``, if exactly one."""
    found = [system for system in inventory.systems if technology_vendor and capability in system.capabilities
             and term_key(system.vendor) == term_key(technology_vendor)]
    return found[0] if len(found) == 1 else None
