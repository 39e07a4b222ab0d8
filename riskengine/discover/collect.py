"""Collect what a company's own DNS and website say, within a request budget, through the address guard, and keep
every answer in the evidence store so a run can be repeated offline or replayed exactly.

Only names under the organisation's own domain are asked: the apex's TXT (SPF followed recursively as a receiver
would, RFC 7208's 10-lookup limit included, by ``riskengine.enrich.spf``), MX, NS and CAA, ``_dmarc``
(``riskengine.enrich.dmarc``), DKIM keys at a shipped list of selectors, the CNAMEs of a shipped list of marketing
subdomains, then the home page and up to N same-site pages (static HTML, headers and cookies: no JavaScript runs).
Redirects are followed one hop at a time and never off the site. Every question and page is one ``Evidence`` record
(check ``discover.dns:NAME TYPE`` or ``discover.web:URL``) holding what the analysis needs, so the analysis reads
stored records only and a replay gives the same findings.

A ``Source`` answers questions: from the network (fresh store records first), from the store only (offline), or
from a recorded run (replay); the walk is the same code in all three.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal
from urllib.parse import urldefrag, urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from riskengine.datafile import load_yaml_model
from riskengine.enrich.evidence import Evidence, make_evidence, unknown
from riskengine.enrich.guard import AddressGuard, Deadline, DeadlineExceeded
from riskengine.enrich.kinds import Mode
from riskengine.enrich.resolver import Lookup, NoResolver, Outcome, absolute
from riskengine.enrich.settings import NetworkSettings
from riskengine.enrich.store import EvidenceStore
from riskengine.resources import data_path

TOOL = "riskengine-discover/1"
PLAN_FILE = "discovery.yaml"
DNS_PREFIX = "discover.dns:"
WEB_PREFIX = "discover.web:"
MAX_LINKS_READ = 2_000
"""Links read from one page when choosing the next pages: a page of a million links costs no more."""
_SKIPPED_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".ico", ".zip", ".css", ".js",
                     ".xml", ".json", ".mp4", ".mp3", ".woff", ".woff2", ".txt", ".rss")


class Plan(BaseModel):
    """``fingerprints/discovery.yaml``: what is asked besides the apex records, and the request budget."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dkim_selectors: tuple[str, ...] = Field(min_length=1)
    subdomains: tuple[str, ...] = Field(min_length=1)
    dns_budget: int = Field(gt=0, le=1000)
    web_budget: int = Field(gt=0, le=500)


@cache
def shipped_plan() -> Plan:
    return load_yaml_model(data_path("fingerprints", PLAN_FILE), Plan)


@dataclass
class Collected:
    """The records of one run, and how they were had."""

    domain: str
    mode: Mode
    created: dt.datetime
    items: list[Evidence]
    notes: list[str] = field(default_factory=list)

    @property
    def run_id(self) -> str:
        """``DS-`` and a hash of the evidence used: the same records give the same id."""
        material = "\n".join(sorted(f"{item.id} {item.raw_sha256}" for item in self.items))
        return "DS-" + hashlib.sha256(f"{self.domain}\n{material}".encode()).hexdigest()[:16].upper()


class Source:
    """Answers DNS questions and page requests for one run, and keeps the evidence of each."""

    def __init__(self, domain: str, mode: Mode, now: dt.datetime, *, settings: NetworkSettings | None = None,
                 stored: dict[str, Evidence] | None = None, plan: Plan | None = None) -> None:
        self.domain, self.mode, self.now = domain, mode, now
        self.settings = settings or NetworkSettings(offline=True)
        self.stored = stored or {}
        self.plan = plan or shipped_plan()
        self.used: dict[str, Evidence] = {}
        self.dns_asked = 0
        self.web_asked = 0
        self._lookup: Lookup | None = None
        self._guard = AddressGuard(self.settings)
        self._deadline = Deadline(self.settings.deadline)
        self._no_network: str | None = None
        self._opened = False

    def _open(self) -> None:
        """Ask whether the network answers, once, before the first question the store cannot answer."""
        from riskengine.enrich.network import network_state

        if self._opened:
            return
        self._opened = True

        state = network_state(self._guard, self._deadline, self.now)
        self.used[state.check] = state
        if state.status != "pass":
            self._no_network = state.reason
            return
        try:
            self._lookup = Lookup.open(self._guard, self._deadline)
        except (NoResolver, DeadlineExceeded) as exc:
            self._no_network = str(exc)

    # --- DNS -------------------------------------------------------------------------------------------------

    def ask(self, name: str, record_type: str) -> Outcome:
        """One DNS question (``name`` absolute): the store's answer when it has one, else the network's."""
        name = absolute(name).lower()
        check = f"{DNS_PREFIX}{name} {record_type}"
        if check in self.used:
            return _outcome(self.used[check])
        item = self.stored.get(check)
        if item is None and self.mode == "online":
            item = self._ask_network(name, record_type, check)
        if item is None:
            reason = "replay: not in the recorded run" if self.mode == "replay" else "offline: no stored answer"
            item = unknown("dns", check, reason, f"{name} {record_type}", self.now, TOOL)
        self.used[check] = item
        return _outcome(item)

    def _ask_network(self, name: str, record_type: str, check: str) -> Evidence:
        query = f"{name} {record_type}"
        self._open()
        if self._lookup is None:
            return unknown("dns", check, f"not asked: {self._no_network}", query, self.now, TOOL)
        if self.dns_asked >= self.plan.dns_budget:
            return unknown("dns", check, f"not asked: the budget of {self.plan.dns_budget} DNS questions is spent",
                           query, self.now, TOOL)
        self.dns_asked += 1
        outcome = self._lookup.ask(name, record_type)
        if outcome.failed:
            return unknown("dns", check, outcome.error, query, self.now, TOOL)
        # sorted: a resolver may give an RRset's records in any order, and the findings must not depend on it
        value = {"state": outcome.state, "records": sorted(record.to_text() for record in outcome.records),
                 "cnames": _cnames(outcome.answer_text)}
        return make_evidence(kind="dns", check=check, status="pass", reason=f"{query}: {outcome.state}",
                             query=query, fetched_at=self.now, tool=TOOL, value=value, address=outcome.server,
                             raw=outcome.raw, ttl=outcome.ttl)

    # --- web -------------------------------------------------------------------------------------------------

    def page(self, url: str) -> Evidence:
        """One GET of ``url``, its redirect not followed (the caller decides whether the target is on the site)."""
        check = f"{WEB_PREFIX}{url}"
        if check in self.used:
            return self.used[check]
        item = self.stored.get(check)
        if item is None and self.mode == "online":
            item = self._fetch(url, check)
        if item is None:
            reason = "replay: not in the recorded run" if self.mode == "replay" else "offline: no stored page"
            item = unknown("web", check, reason, url, self.now, TOOL)
        self.used[check] = item
        return item

    def _fetch(self, url: str, check: str) -> Evidence:
        from riskengine.enrich.http import fetch

        self._open()
        if self._no_network is not None:
            return unknown("web", check, f"not fetched: {self._no_network}", url, self.now, TOOL)
        if self.web_asked >= self.plan.web_budget:
            return unknown("web", check, f"not fetched: the budget of {self.plan.web_budget} web requests is spent",
                           url, self.now, TOOL)
        self.web_asked += 1
        result = fetch(url, self._guard, self._deadline, follow_redirects=False)
        if result.failure is not None or not result.responses:
            reason = result.failure.reason if result.failure is not None else "no answer"
            return unknown("web", check, reason, url, self.now, TOOL)
        response = result.responses[-1]
        html = response.content_type in ("", "text/html", "application/xhtml+xml")
        value = {"url": url, "status": response.status, "headers": [list(pair) for pair in response.headers],
                 "location": response.first("location") or "", "truncated": response.truncated,
                 "body": response.text() if html else ""}
        return make_evidence(kind="web", check=check, status="pass", reason=f"{url}: HTTP {response.status}",
                             query=url, fetched_at=self.now, tool=TOOL, value=value, address=result.address,
                             raw=result.raw())

    def items(self) -> list[Evidence]:
        return [self.used[check] for check in sorted(self.used)]


def _cnames(answer_text: str) -> list[str]:
    """The CNAME targets in a zone-text answer (``name ttl IN CNAME target``), in order."""
    found = []
    for line in answer_text.splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[3].upper() == "CNAME":
            found.append(parts[4].lower())
    return found


def _outcome(item: Evidence) -> Outcome:
    """The ``Outcome`` a stored record stands for: the analysis and SPF's walk read records, never the network."""
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype

    name, _, record_type = item.query.rpartition(" ")
    if item.status == "unknown" or not isinstance(item.value, dict):
        return Outcome(name, record_type, "error", error=item.reason)
    value: dict[str, Any] = item.value
    rdtype = dns.rdatatype.from_text(record_type)
    records = tuple(dns.rdata.from_text(dns.rdataclass.IN, rdtype, text) for text in value.get("records", []))
    lines = [f"{name} 0 IN CNAME {target}" for target in value.get("cnames", [])]
    return Outcome(name, record_type, str(value.get("state", "NOERROR")), records=records, answer_text="\n".join(lines),
                   ttl=item.ttl, server=item.address)


# --- the walk ---------------------------------------------------------------------------------------------------


def walk(source: Source, domain: str, *, pages: int, dkim_selectors: Iterable[str],
         site_domains: Iterable[str]) -> None:
    """Ask everything a discovery of ``domain`` asks, through ``source`` (which keeps the evidence)."""
    from riskengine.enrich import dmarc, spf

    source.ask(domain, "TXT")
    spf.evaluate(domain, source.ask)
    for record_type in ("MX", "NS", "CAA"):
        source.ask(domain, record_type)
    dmarc.discover(domain, source.ask)
    for selector in sorted(set(source.plan.dkim_selectors) | set(dkim_selectors)):
        source.ask(f"{selector}._domainkey.{domain}", "TXT")
    for label in source.plan.subdomains:
        source.ask(f"{label}.{domain}", "CNAME")
    crawl(source, domain, pages=pages, site_domains=tuple(site_domains))


def same_site(host: str, site_domains: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == site or host.endswith("." + site) for site in site_domains)


def crawl(source: Source, domain: str, *, pages: int, site_domains: tuple[str, ...]) -> list[str]:
    """The home page and up to ``pages`` more same-site pages, breadth first in document order; the URLs read."""
    from riskengine.discover.page import links

    site = site_domains or (domain,)
    port = source.settings.https_port
    queue = [f"https://{domain}{'' if port == 443 else f':{port}'}/"]
    seen = set(queue)
    read: list[str] = []
    while queue and len(read) < pages + 1:
        url = queue.pop(0)
        final = follow(source, url, site)
        if final is None:
            continue
        read.append(final.query)
        for link in links(final.value.get("body", ""), final.query, limit=MAX_LINKS_READ):
            if link not in seen and _worth_reading(link, site):
                seen.add(link)
                queue.append(link)
    return read


def follow(source: Source, url: str, site: tuple[str, ...], *, hops: int | None = None) -> Evidence | None:
    """``url`` followed through same-site redirects to a page (None when it ends elsewhere or fails)."""
    limit = hops if hops is not None else source.settings.max_redirects
    visited = {url}
    for _ in range(limit + 1):
        item = source.page(url)
        if item.status != "pass" or not isinstance(item.value, dict):
            return None
        location = str(item.value.get("location") or "")
        if item.value.get("status") not in (301, 302, 303, 307, 308) or not location:
            return item
        try:
            following = urldefrag(urljoin(url, location.strip())).url
            host = urlsplit(following).hostname or ""
        except ValueError:
            return None
        if urlsplit(following).scheme not in ("http", "https") or not same_site(host, site) or following in visited:
            return None  # off the site (a third party is never asked), or a loop
        visited.add(following)
        url = following
    return None


def _worth_reading(url: str, site: tuple[str, ...]) -> bool:
    parts = urlsplit(url)
    return (parts.scheme in ("http", "https") and same_site(parts.hostname or "", site)
            and not parts.path.lower().endswith(_SKIPPED_SUFFIXES))


# --- the run ----------------------------------------------------------------------------------------------------


def collect(domain: str, *, settings: NetworkSettings, now: dt.datetime, store: EvidenceStore | None, pages: int,
            dkim_selectors: Iterable[str] = (), site_domains: Iterable[str] = (), replay: str | None = None,
            plan: Plan | None = None) -> Collected:
    """Everything a discovery of ``domain`` reads: fresh store records reused, the rest fetched (unless offline),
    or exactly a recorded run's records (``replay``). The run is recorded in the store under its id."""
    mode: Literal["online", "offline", "replay"]
    if replay is not None:
        if store is None:
            raise ValueError("a replay needs the evidence store")
        recorded_domain, created, items = store.run(replay)
        if recorded_domain != domain:
            from riskengine.errors import UsageError

            raise UsageError(f"run {replay} discovered {recorded_domain}, not {domain}")
        source = Source(domain, "replay", created, settings=settings, stored={item.check: item for item in items},
                        plan=plan)
        mode, now = "replay", created
    elif settings.offline:
        stored = store.latest(domain) if store is not None else {}
        source = Source(domain, "offline", now, settings=settings, stored=stored, plan=plan)
        mode = "offline"
    else:
        fresh = store.fresh(domain, now) if store is not None else {}
        source = Source(domain, "online", now, settings=settings, stored=fresh, plan=plan)
        mode = "online"
    walk(source, domain, pages=pages, dkim_selectors=dkim_selectors, site_domains=site_domains)
    collected = Collected(domain=domain, mode=mode, created=now, items=source.items())
    if store is not None and mode != "replay":
        store.record_run(collected.run_id, domain, now, collected.items)
    return collected
