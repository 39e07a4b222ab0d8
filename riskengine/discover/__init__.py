"""Know your own stack: the martech a company already runs, discovered from its own DNS and website and compared
with its inventory (docs/discover.md).

    discover(domain, ...)          collect (network, store or replay), match the fingerprints, classify -> Discovery
    check_domain(domain, org)      refuse a domain the organisation profile does not list
    inventory_patch(discovery)     the findings as a native inventory to review and merge
    load_fingerprints(path)        a user's webappanalyzer copy, or a file of ours; shipped_fingerprints()
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from riskengine.discover.analysis import Detection, Discovery, EmailSecurity, Finding, Match, SpfInclude, analyse
from riskengine.discover.collect import collect
from riskengine.discover.fingerprints import Fingerprints, load_fingerprints, shipped_fingerprints
from riskengine.discover.patch import inventory_patch
from riskengine.enrich.settings import NetworkSettings
from riskengine.enrich.store import EvidenceStore
from riskengine.errors import InputError, Problem
from riskengine.inventory.model import Inventory
from riskengine.inventory.vocabulary import Vocabularies

__all__ = ["Detection", "Discovery", "EmailSecurity", "Finding", "Fingerprints", "Match", "SpfInclude", "check_domain",
           "discover", "inventory_patch", "load_fingerprints", "shipped_fingerprints"]

MAX_PAGES = 50


def check_domain(domain: str, org_domains: tuple[str, ...], org_source: str) -> str:
    """``domain`` normalised, when it is one of the organisation's domains or below one; else an ``InputError``
    placed at the profile's ``domains`` (discovery never asks about a third party's domain)."""
    from riskengine.enrich.domain import DomainError, normalise_domain

    try:
        name = normalise_domain(domain)
    except DomainError as exc:
        raise InputError(domain, [Problem(place="DOMAIN", message=str(exc))]) from None
    if not any(name == own or name.endswith("." + own) for own in org_domains):
        listed = ", ".join(org_domains) or "none"
        raise InputError(org_source, [Problem(place=f"{org_source}: domains", message=(
            f"{name} is not one of the organisation's domains (listed: {listed}); discover asks only about the "
            "organisation's own domains: add it to domains: if it is yours"))])
    return name


def discover(domain: str, *, settings: NetworkSettings, now: dt.datetime, store: EvidenceStore | None,
             pages: int = 10, fingerprints: Fingerprints | None = None, inventory: Inventory | None = None,
             site_domains: tuple[str, ...] = (),
             replay: str | None = None) -> Discovery:
    """Discover the martech ``domain`` runs (the caller has checked it is the organisation's: ``check_domain``).

    Online, fresh records of the store are reused and the rest fetched within the budget; ``settings.offline``
    reads the store only; ``replay`` reads exactly a recorded run's records. The run is recorded in the store.
    """
    if not 0 <= pages <= MAX_PAGES:
        raise ValueError(f"pages must lie between 0 and {MAX_PAGES}")
    fingerprints = fingerprints or shipped_fingerprints()
    collected = collect(domain, settings=settings, now=now, store=store, pages=pages,
                        dkim_selectors=fingerprints.dkim_selectors(), site_domains=site_domains or (domain,),
                        replay=replay)
    return analyse(domain, collected.items, fingerprints, run_id=replay or collected.run_id, mode=collected.mode,
                   created=collected.created, inventory=inventory)


def fingerprints_from(path: Path | None, vocabularies: Vocabularies | None = None) -> Fingerprints:
    """The user's fingerprints at ``path``, else the shipped set."""
    return load_fingerprints(path, vocabularies=vocabularies) if path is not None else shipped_fingerprints()
