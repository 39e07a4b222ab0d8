"""SPF and DMARC conformance: every case of ``tests/enrich/conformance.py`` served by one DNS server on 127.0.0.1
and read through the real DNS checks (the resolver, its deadline, the evidence and its facts)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from riskengine.enrich.dns_checks import check_dns
from riskengine.enrich.evidence import Evidence
from riskengine.enrich.gather import EvidenceSet, evidence_facts
from riskengine.enrich.guard import AddressGuard, Deadline
from riskengine.enrich.settings import NetworkSettings
from tests.conftest import NOW
from tests.enrich.conformance import (
    DMARC_CASES,
    DMARC_SERVFAIL,
    SPF_CASES,
    SPF_SERVFAIL,
    DmarcCase,
    SpfCase,
    Zone,
    absolute_zone,
)
from tests.enrich.dns_server import DnsServer


def _zone() -> Zone:
    zone: Zone = {}
    for spf in SPF_CASES:
        zone.update(absolute_zone(spf.zone, spf.domain))
    for dmarc in DMARC_CASES:
        zone.update(absolute_zone(dmarc.zone, dmarc.org_domain))
    return zone


@pytest.fixture(scope="module")
def server() -> Iterator[DnsServer]:
    with DnsServer(_zone(), servfail=[SPF_SERVFAIL, DMARC_SERVFAIL]) as running:
        yield running


def checks(server: DnsServer, domain: str) -> dict[str, Evidence]:
    settings = NetworkSettings(allow_networks=("127.0.0.0/8",), dns_server=server.address, deadline=10.0)
    found = check_dns(domain, AddressGuard(settings), Deadline(settings.deadline), NOW, sends_email=False)
    return {item.check: item for item in found}


def test_the_cases_are_distinct_and_enough() -> None:
    assert len({case.id for case in SPF_CASES}) == len(SPF_CASES) >= 40
    assert len({case.id for case in DMARC_CASES}) == len(DMARC_CASES) >= 30
    assert {case.result for case in SPF_CASES} == {"pass", "fail", "softfail", "neutral", "none", "permerror", None}


@pytest.mark.parametrize("case", SPF_CASES, ids=lambda case: case.id)
def test_spf(server: DnsServer, case: SpfCase) -> None:
    found = checks(server, case.domain)
    result, permerror, lookups = found["dns.spf.result"], found["dns.spf.permerror"], found["dns.spf_lookups"]
    reasons = " / ".join(item.reason for item in (result, permerror, lookups))
    assert case.reason in reasons, reasons
    if case.result is None:
        assert (result.status, result.value) == ("unknown", None)
        assert "dns.spf.result" not in {fact.name for fact in evidence_facts(EvidenceSet.of(case.domain, "online",
                                                                                            list(found.values())))}
        return
    assert result.value == case.result, result.reason
    # credit only for what refuses or marks unlisted senders; a permanent error earns nothing
    assert result.status == ("pass" if case.result in ("fail", "softfail") else "fail")
    assert permerror.value is (case.result == "permerror")
    assert permerror.status == ("fail" if case.result == "permerror" else "pass")
    if case.lookups is not None:
        assert lookups.value == case.lookups, lookups.reason
    assert lookups.status == ("pass" if case.result not in ("permerror", "none") else "fail")


@pytest.mark.parametrize("case", DMARC_CASES, ids=lambda case: case.id)
def test_dmarc(server: DnsServer, case: DmarcCase) -> None:
    found = checks(server, case.domain)
    policy = found["dns.dmarc.policy"]
    assert case.reason in policy.reason or any(case.reason in found[name].reason for name in found
                                               if name.startswith("dns.dmarc")), policy.reason
    if case.unknown:
        assert all(found[name].status == "unknown" for name in found if name.startswith("dns.dmarc"))
        return
    assert policy.value == case.policy, policy.reason
    assert policy.status == ("pass" if case.policy in ("quarantine", "reject") else "fail")
    for name, expected in case.expected.items():
        value = found[name].value
        assert (tuple(value) if isinstance(value, list) else value) == expected, (name, found[name].reason)


def test_a_subdomain_asks_its_own_name_then_the_organisational_domain(server: DnsServer) -> None:
    case = next(case for case in DMARC_CASES if case.id == "dmarc-psl")
    before = len(server.asked())
    checks(server, case.domain)
    dmarc_questions = [name for name, record_type, _ in server.asked()[before:] if name.startswith("_dmarc.")]
    # co.uk is a public suffix: the organisational domain is dmarc-psl.co.uk, not co.uk
    assert dmarc_questions == ["_dmarc.mail.dmarc-psl.co.uk.", "_dmarc.dmarc-psl.co.uk."]
