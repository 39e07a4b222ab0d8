"""Gather the outside evidence about a vendor's domain: from the store when fresh, else from the network.

The network is asked first whether it answers at all (``riskengine.enrich.network``): when it does not, every
check to fetch is "unknown: no network". Otherwise the three groups of checks (registration, DNS, web) run side
by side under one deadline; whatever fails becomes "unknown" with its reason, and the assessment always goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from pydantic import BaseModel, ConfigDict

from riskengine.enrich.checks import NETWORK_CHECK
from riskengine.enrich.checks import all_checks as all_checks
from riskengine.enrich.evidence import Evidence, Kind, unknown
from riskengine.enrich.guard import AddressGuard, Deadline
from riskengine.enrich.kinds import Mode as Mode
from riskengine.enrich.settings import NetworkSettings
from riskengine.enrich.store import EvidenceStore
from riskengine.enrich.web_scoring import WebScoring
from riskengine.facts import Fact, Provenance

TOOL = "riskengine-enrich/1"


class EvidenceSet(BaseModel):
    """All evidence one assessment used, one record per check, with a hash over them all."""

    model_config = ConfigDict(frozen=True)

    domain: str
    mode: Mode
    items: tuple[Evidence, ...]
    run_hash: str
    network: Evidence | None = None
    """Whether the network answered before any check was trusted (check ``network.resolver``, see
    ``riskengine.enrich.network``): ``pass``, or ``unknown`` with the reason every fetched check is unknown.
    None when nothing was fetched (offline, or every check fresh in the store)."""

    @classmethod
    def of(cls, domain: str, mode: Mode, items: list[Evidence], network: Evidence | None = None) -> EvidenceSet:
        """The set of ``items``; a network record among them (a replay's) becomes ``network``."""
        network = next((item for item in items if item.check == NETWORK_CHECK), network)
        ordered = tuple(sorted((item for item in items if item.check != NETWORK_CHECK), key=lambda item: item.check))
        material = "\n".join(f"{item.id} {item.raw_sha256} {item.status}" for item in ordered)
        if network is not None:
            material += f"\n{network.id} {network.raw_sha256} {network.status}"
        return cls(domain=domain, mode=mode, items=ordered, network=network,
                   run_hash=hashlib.sha256(material.encode()).hexdigest())

    @property
    def records(self) -> tuple[Evidence, ...]:
        """Every record to keep with the run: the checks' and the network state's."""
        return self.items if self.network is None else (*self.items, self.network)

    def no_network(self) -> str | None:
        """One line for a person when the network did not answer (every fetched check unknown), else None."""
        if self.network is None or self.network.status == "pass":
            return None
        return (f"{self.network.reason}; every outside check of {self.domain} that the store could not give is "
                "unknown and none is held against the vendor (--offline skips the attempt)")


def gather_evidence(domain: str, *, settings: NetworkSettings, now: dt.datetime, store: EvidenceStore | None,
                    sends_email: bool, web_scoring: WebScoring | None = None, keep: bool = True) -> EvidenceSet:
    """Evidence for ``domain``: fresh store records reused, the rest fetched (unless offline), all saved.

    ``web_scoring`` judges the website (the policy's; default: the shipped ``scoring/web-observatory.yaml``).
    ``keep=False`` only reads the store: a batch worker leaves saving to the one process that records the
    assessment (``EvidenceStore.record_run`` saves the evidence it used)."""
    from riskengine.enrich.domain import DomainError, normalise_domain

    checks = all_checks()
    try:
        name = normalise_domain(domain)
    except DomainError as exc:
        return EvidenceSet.of(domain, "offline" if settings.offline else "online",
                              [unknown(kind, check, f"no lookup: {exc}", domain, now, TOOL)
                               for check, (kind, _) in checks.items()])
    if settings.offline:
        cached = store.latest(name) if store is not None else {}
        items = [cached.get(check) or unknown(kind, check, "offline: no stored evidence", name, now, TOOL)
                 for check, (kind, _) in checks.items()]
        return EvidenceSet.of(name, "offline", items)
    cached = store.fresh(name, now) if store is not None else {}
    wanted = {kind for check, (kind, _) in checks.items() if check not in cached}
    fetched, network = _fetch(name, wanted, settings, now, sends_email, web_scoring) if wanted else ([], None)
    if store is not None and keep:
        store.save(name, fetched)
    by_check = {item.check: item for item in fetched}
    by_check.update(cached)
    items = [by_check.get(check) or unknown(kind, check, "the check returned nothing", name, now, TOOL)
             for check, (kind, _) in checks.items()]
    return EvidenceSet.of(name, "online", items, network)


def _fetch(domain: str, kinds: set[Kind], settings: NetworkSettings, now: dt.datetime,
           sends_email: bool, web_scoring: WebScoring | None) -> tuple[list[Evidence], Evidence]:
    """The checks of ``kinds``, once the network has shown it answers (else each is unknown: no network), and the
    network state."""
    from riskengine.enrich import dns_checks, registration, web
    from riskengine.enrich.network import network_state
    from riskengine.enrich.worker import warm_up

    guard = AddressGuard(settings)
    deadline = Deadline(settings.deadline)
    network = network_state(guard, deadline, now)
    if network.status != "pass":
        return [unknown(kind, check, network.reason, domain, now, TOOL)
                for check, (kind, _) in all_checks().items() if kind in kinds], network
    if kinds & {"registration", "web"}:
        warm_up()  # the parser process for WHOIS text and HTML starts while the first replies are on their way
    groups: dict[str, Callable[[], list[Evidence]]] = {
        "registration": lambda: registration.check_registration(domain, guard, deadline, now),
        "dns": lambda: dns_checks.check_dns(domain, guard, deadline, now, sends_email=sends_email, own_domain=True),
        "web": lambda: web.check_web(domain, guard, deadline, now, scoring=web_scoring),
    }
    selected = [groups[kind] for kind in sorted(kinds)]
    with ThreadPoolExecutor(max_workers=len(selected), thread_name_prefix="enrich") as pool:
        results = list(pool.map(lambda run: run(), selected))
    return [item for result in results for item in result], network


def evidence_facts(evidence: EvidenceSet) -> list[Fact]:
    """One fact per known check; an unknown check publishes no fact (so rules read it as absent).

    The fact's value is the check's observed value when that is a scalar or a list; when the check
    observed a structure (security.txt fields) or nothing (no DMARC record), the fact is whether it passed.
    """
    return [
        Fact(name=item.check, value=_fact_value(item.value, item.status == "pass"),
             sources=(Provenance(kind="evidence", ref=item.id,
                                 detail=f"{item.check} {item.status}, {item.fetched_at:%Y-%m-%dT%H:%MZ}, "
                                        f"sha256 {item.raw_sha256[:12]}"),))
        for item in evidence.items if item.status != "unknown"
    ]


def _fact_value(value: object, passed: bool) -> str | int | float | bool | tuple[str, ...]:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    return passed
