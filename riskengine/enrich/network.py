"""Whether the network answers, and whether "no such domain" about the vendor's own name can be believed.

A machine with no way out to the internet often still has a resolver, and such a resolver may answer NXDOMAIN
for every name. Taken as fact, that reads as "the vendor's domain does not exist, publishes no SPF and no
DMARC": failing findings made of a missing network. So no lookup is trusted before these two questions:

- ``network_state``: does the configured resolver (``--dns-server``, else the system's) resolve well-known names
  (``scoring/network-probe.yaml``) within the connect timeout? When none resolves, every check is "unknown" with
  the reason ``no network: ...``; the state is an ``Evidence`` record (check ``network.resolver``) kept on the
  evidence set and recorded with the run, so the report, the JSON and a replay show it. It is never a fact.
- ``own_domain_doubt``: the vendor's own name (the website domain its questionnaire gives) must exist. An
  NXDOMAIN for it while the well-known names resolve is asked again and set beside the parent zone's SOA, and
  is not trusted without a second answer: the DNS checks are "unknown" with what the resolver said.

Either way a missing or lying network makes checks unknown, never failed: the decision is never worse than an
offline run's (tests/enrich/test_network.py).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

from riskengine.datafile import load_yaml_model
from riskengine.enrich.checks import NETWORK_CHECK
from riskengine.enrich.domain import DomainError, normalise_domain
from riskengine.enrich.evidence import Evidence, Status, make_evidence
from riskengine.enrich.guard import AddressGuard, Deadline, DeadlineExceeded
from riskengine.enrich.resolver import Lookup, NoResolver, Outcome, absolute
from riskengine.resources import data_path

PROBE_FILE = "network-probe.yaml"
NO_NETWORK = "no network"
"""How the reason of every check begins when the network did not answer."""
TOOL = "riskengine-network/1"


class NetworkProbe(BaseModel):
    """``scoring/network-probe.yaml``: names that exist for as long as the internet does."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    names: tuple[str, ...] = Field(min_length=1)

    @field_validator("names")
    @classmethod
    def _names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        problems = []
        for name in names:
            try:
                if normalise_domain(name) != name:
                    problems.append(f"{name!r} is not written as a lowercase ASCII name")
            except DomainError as exc:
                problems.append(str(exc))
        problems += [f"{name} is listed twice" for name in sorted(set(names)) if names.count(name) > 1]
        if problems:
            raise ValueError("; ".join(problems))
        return names


@cache
def probe_names() -> tuple[str, ...]:
    """The shipped well-known names, in the order they are asked."""
    return load_yaml_model(data_path("scoring", PROBE_FILE), NetworkProbe).names


def network_state(guard: AddressGuard, deadline: Deadline, now: dt.datetime) -> Evidence:
    """Whether the resolver answers: ``pass`` when one well-known name resolves to an address, else ``unknown``
    with the reason (``no network: ...``). Asked one name after another, stopping at the first that resolves,
    all within the connect timeout (and what is left of ``deadline``)."""
    settings = guard.settings
    names = settings.probe_names or probe_names()
    query = "; ".join(f"{absolute(name)} A" for name in names)
    try:
        probe_deadline = Deadline(min(settings.connect_timeout, deadline.remaining()))
        lookup = Lookup.open(guard, probe_deadline)
    except (DeadlineExceeded, NoResolver) as exc:
        return _state("unknown", f"{NO_NETWORK}: {exc}", query, [], now)
    who = f"the DNS server {lookup.server}" if settings.dns_server else f"the system resolver ({lookup.server})"
    outcomes: list[Outcome] = []
    for name in names:
        outcome = lookup.ask(absolute(name), "A")
        outcomes.append(outcome)
        if outcome.state == "NOERROR" and outcome.records:
            addresses = ", ".join(sorted(str(record) for record in outcome.records))
            return _state("pass", f"{who} answers: {name} is {addresses}", query, outcomes, now)
    heard = "; ".join(f"{outcome.name.rstrip('.')}: {outcome.error if outcome.failed else outcome.state}"
                      for outcome in outcomes)
    return _state("unknown", f"{NO_NETWORK}: {who} resolved none of the well-known names ({heard})", query,
                  outcomes, now)


def own_domain_doubt(lookup: Lookup, name: str) -> tuple[str, list[Outcome]] | None:
    """None when the resolver's answers about the vendor's own ``name`` may be used; else why not (every DNS check
    is then unknown) and the answers behind it.

    ``name`` must exist: it is where the vendor's website is. An NXDOMAIN for it (asked as SPF asks first, TXT,
    so a name that exists costs no extra query) is asked again and the parent zone's SOA is asked; whatever
    they say, one resolver's "does not exist" is not evidence enough to fail the vendor's mail checks.
    """
    first = lookup.ask(absolute(name), "TXT")
    if first.state != "NXDOMAIN":
        return None
    again = lookup.ask(absolute(name), "TXT", again=True)
    parent = name.partition(".")[2]
    zone = lookup.ask(absolute(parent), "SOA")
    second = "twice" if again.state == "NXDOMAIN" else \
        f"then {again.error if again.failed else again.state}: the resolver contradicts itself"
    above = f"{parent} SOA: {zone.error if zone.failed else zone.state}"
    return (f"the resolver says the vendor's own domain {name} does not exist (NXDOMAIN {second}; {above}): not "
            "trusted without a second answer"), [first, again, zone]


def _state(status: Status, reason: str, query: str, outcomes: list[Outcome], now: dt.datetime) -> Evidence:
    servers = [outcome.server for outcome in outcomes if outcome.server]
    return make_evidence(kind="dns", check=NETWORK_CHECK, status=status,
                         reason=reason, query=query, address=servers[0] if servers else "", fetched_at=now,
                         tool=TOOL, raw="".join(outcome.raw for outcome in outcomes))
