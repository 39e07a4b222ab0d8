"""Network state is evidence too: a resolver with no way out (NXDOMAIN for every name, silence, SERVFAIL) makes
every check "unknown: no network", never a failing finding, and an NXDOMAIN for the vendor's own domain is not
trusted on one resolver's word. Real DNS servers on 127.0.0.1 (tests/enrich/dns_server.py) stand in for both."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from riskengine.enrich.checks import NETWORK_CHECK, all_checks
from riskengine.enrich.dns_checks import check_dns
from riskengine.enrich.gather import gather_evidence
from riskengine.enrich.guard import AddressGuard, Deadline
from riskengine.enrich.network import network_state, probe_names
from riskengine.enrich.settings import NetworkSettings
from riskengine.enrich.store import EvidenceStore
from riskengine.pipeline import assess, evidence_source, record_evidence
from tests.conftest import NOW, SAMPLES, run_cli
from tests.enrich.dns_server import DnsServer, Mode

DOMAIN = "northwindmail.example"
"""The sample vendor's domain (northwind-mail.xlsx) is northwindmail.com; the tests name it with --vendor-domain
or gather for this one, so nothing can reach a real name."""
MAIL_ZONE = {(f"{DOMAIN}.", "TXT"): ["v=spf1 -all"], (f"_dmarc.{DOMAIN}.", "TXT"): ["v=DMARC1; p=reject"],
             (f"{DOMAIN}.", "MX"): ["10 mx.northwindmail.example."]}
PROBE = ("a.root-servers.net", "iana.org", "example.com")
DEAD = "no network: the DNS server 127.0.0.1 resolved none of the well-known names ("
SAMPLE_NAMES = ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")
_MAIL_RULES = ("DNS-", "CON-DMARC", "CON-SPF")
TIERS = ("low", "medium", "high", "critical")


def settings_for(server: DnsServer, **overrides: object) -> NetworkSettings:
    """Only the DNS server is ours; the registries and the web are reached through it (no address: unknown)."""
    values: dict[str, object] = {"allow_networks": ("127.0.0.0/8",), "dns_server": server.address,
                                 "deadline": 8.0, "connect_timeout": 1.5, "read_timeout": 1.5}
    values.update(overrides)
    return NetworkSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def dead() -> Iterator[DnsServer]:
    """A resolver with no way out: NXDOMAIN for every name, the well-known ones included."""
    with DnsServer({}, internet=False) as server:
        yield server


def test_the_well_known_names_are_data() -> None:
    assert probe_names() == PROBE


def test_a_resolver_answering_nxdomain_for_everything_is_no_network(dead: DnsServer, tmp_path: Path) -> None:
    with EvidenceStore(tmp_path / "evidence.db") as store:
        evidence = gather_evidence(DOMAIN, settings=settings_for(dead), now=NOW, store=store, sends_email=True)

    assert evidence.network is not None and evidence.network.status == "unknown"
    reason = DEAD + "a.root-servers.net: NXDOMAIN; iana.org: NXDOMAIN; example.com: NXDOMAIN)"
    assert evidence.network.reason == reason
    assert evidence.network.check == NETWORK_CHECK and evidence.network.address == "127.0.0.1"
    assert ";; a.root-servers.net. A -> NXDOMAIN" in evidence.network.raw
    assert [item.check for item in evidence.items] == sorted(all_checks())
    assert {(item.status, item.reason) for item in evidence.items} == {("unknown", reason)}
    # nothing about the vendor was asked: only the well-known names, once each
    assert [(name, kind) for name, kind, _ in dead.queries] == [(f"{name}.", "A") for name in PROBE]
    assert evidence.no_network() == (f"{reason}; every outside check of {DOMAIN} that the store could not give is "
                                     "unknown and none is held against the vendor (--offline skips the attempt)")


@pytest.mark.parametrize("mode, heard", [
    ("silent", "a.root-servers.net: no answer from the DNS server within"),
    ("servfail", "a.root-servers.net: the DNS server answered SERVFAIL"),
    ("refused", "a.root-servers.net: the DNS server answered REFUSED"),
])
def test_a_resolver_that_cannot_answer_is_no_network_within_the_connect_timeout(mode: Mode, heard: str) -> None:
    with DnsServer(MAIL_ZONE, mode=mode) as server:
        settings = settings_for(server, connect_timeout=1.0)
        started = time.perf_counter()
        state = network_state(AddressGuard(settings), Deadline(settings.deadline), NOW)
        elapsed = time.perf_counter() - started

    assert state.status == "unknown" and state.reason.startswith(DEAD + heard)
    assert elapsed < 1.0 + 0.5, "the probe ends within the connect timeout, not the vendor's 8 s deadline"


def test_a_resolver_that_answers_is_recorded_as_such(tmp_path: Path) -> None:
    with DnsServer(MAIL_ZONE) as server:
        settings = settings_for(server)
        state = network_state(AddressGuard(settings), Deadline(settings.deadline), NOW)
        assert state.status == "pass"
        assert state.reason == "the DNS server 127.0.0.1 answers: a.root-servers.net is 192.0.2.1"
        assert [name for name, _, _ in server.queries] == ["a.root-servers.net."], "the first answer is enough"

        own = settings.model_copy(update={"probe_names": ("intranet.example",)})
        assert network_state(AddressGuard(own), Deadline(5.0), NOW).reason == (
            "no network: the DNS server 127.0.0.1 resolved none of the well-known names (intranet.example: NXDOMAIN)")


# ------------------------------------------------------------------------------------ the vendor's own domain


def test_nxdomain_for_the_vendors_own_domain_is_not_trusted_while_the_network_answers() -> None:
    with DnsServer(MAIL_ZONE) as server:  # the well-known names resolve; the vendor's name does not exist
        settings = settings_for(server)
        evidence = gather_evidence("absentvendor.example", settings=settings, now=NOW, store=None, sends_email=True)
        asked = [(name, kind) for name, kind, _ in server.queries]

    assert evidence.network is not None and evidence.network.status == "pass"
    dns = [item for item in evidence.items if item.kind == "dns"]
    reason = ("the resolver says the vendor's own domain absentvendor.example does not exist (NXDOMAIN twice; "
              "example SOA: NODATA): not trusted without a second answer")
    assert {(item.status, item.reason) for item in dns} == {("unknown", reason)}
    assert asked.count(("absentvendor.example.", "TXT")) == 2 and ("example.", "SOA") in asked
    assert not [name for name, _ in asked if name.startswith("_dmarc.")], "no DMARC lookup was made on it"
    spf = next(item for item in dns if item.check == "dns.spf")
    assert spf.raw.count(";; absentvendor.example. TXT -> NXDOMAIN") == 2 and ";; example. SOA -> NODATA" in spf.raw


def test_the_same_nxdomain_for_a_name_that_need_not_exist_is_an_observation() -> None:
    """check_dns alone (the conformance cases) keeps RFC 7208's reading: a name that does not exist has no SPF."""
    with DnsServer(MAIL_ZONE) as server:
        settings = settings_for(server)
        found = {item.check: item for item in check_dns("absentvendor.example", AddressGuard(settings),
                                                        Deadline(settings.deadline), NOW, sends_email=False)}
        kept = {item.check: item for item in check_dns(DOMAIN, AddressGuard(settings), Deadline(settings.deadline),
                                                       NOW, sends_email=False, own_domain=True)}

    assert found["dns.spf"].status == "fail" and found["dns.spf.result"].value == "none"
    assert kept["dns.spf.result"].status == "pass" and kept["dns.dmarc.policy"].value == "reject", \
        "the vendor's own domain that exists is checked as ever"


# ------------------------------------------------------------------------------------ never worse than offline


def _assessed(name: str, source: object) -> tuple[str, str, float, list[str]]:
    assessment = assess(SAMPLES / f"{name}.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                        org_profile=SAMPLES / "org-profile.yaml", evidence_source=source,  # type: ignore[arg-type]
                        identity={"vendor.domain": DOMAIN}, tco_trials=2_000)
    risk = assessment.risk
    return risk.decision, risk.tier, risk.residual, [finding.rule_id for finding in assessment.findings]


@pytest.mark.parametrize("mode", ["nxdomain", "silent", "servfail"])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_a_dead_network_never_makes_the_decision_worse_than_offline(name: str, mode: str, tmp_path: Path) -> None:
    _, offline = evidence_source(tmp_path / "offline.db", NetworkSettings(offline=True), NOW)
    decision, tier, residual, findings = _assessed(name, offline)
    with DnsServer({}, internet=False, mode="normal" if mode == "nxdomain" else mode) as server:  # type: ignore[arg-type]
        _, dead = evidence_source(tmp_path / "dead.db", settings_for(server, connect_timeout=0.5), NOW)
        dead_decision, dead_tier, dead_residual, dead_findings = _assessed(name, dead)

    assert not [rule for rule in dead_findings if rule.startswith(_MAIL_RULES)], "no DNS, SPF or DMARC finding"
    assert TIERS.index(dead_tier) <= TIERS.index(tier) and dead_residual <= residual
    assert (dead_decision, dead_tier, dead_residual, sorted(dead_findings)) == (decision, tier, residual,
                                                                                sorted(findings))


def test_assess_without_offline_on_a_dead_network_says_so_once(dead: DnsServer, tmp_path: Path) -> None:
    environment = {"RISKENGINE_OFFLINE": "0", "RISKENGINE_DB": str(tmp_path / "evidence.db")}
    common = ["--inventory", str(SAMPLES / "inventory.yaml"), "--org", str(SAMPLES / "org-profile.yaml"),
              "--vendor-domain", DOMAIN]
    result = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), *common, "--dns-server",
                     f"127.0.0.1:{dead.port}", "--allow-network", "127.0.0.0/8",
                     "-o", str(tmp_path / "dead.pdf"), env=environment)
    offline = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), *common, "--offline",
                      "-o", str(tmp_path / "offline.pdf"), env=environment)

    assert result.returncode == offline.returncode == 0, result.stderr + offline.stderr
    warnings = [line for line in result.stderr.splitlines() if "no network" in line]
    assert warnings == [f"warning: {DEAD}a.root-servers.net: NXDOMAIN; iana.org: NXDOMAIN; example.com: NXDOMAIN); "
                        f"every outside check of {DOMAIN} that the store could not give is unknown and none is held "
                        "against the vendor (--offline skips the attempt)"]
    assert "no network" not in offline.stderr
    written = json.loads((tmp_path / "dead.json").read_text())
    assert written["evidence"]["network"]["status"] == "unknown"
    assert {item["reason"] for item in written["evidence"]["items"]} == {written["evidence"]["network"]["reason"]}
    assert not [finding for finding in written["findings"] if finding["rule_id"].startswith(_MAIL_RULES)]
    expected = json.loads((tmp_path / "offline.json").read_text())["risk"]
    assert (written["risk"]["decision"], written["risk"]["tier"], written["risk"]["residual"]) == \
        (expected["decision"], expected["tier"], expected["residual"]) == ("approve_with_conditions", "low", 19.2)


def test_the_network_state_is_recorded_with_the_run_and_replayed(tmp_path: Path) -> None:
    store = tmp_path / "evidence.db"
    with DnsServer(MAIL_ZONE) as server:
        clock, source = evidence_source(store, settings_for(server), NOW)
        original = assess(SAMPLES / "northwind-mail.xlsx", now=clock, evidence_source=source,
                          identity={"vendor.domain": DOMAIN}, tco_trials=2_000)
        record_evidence(store, original)
    assert original.evidence is not None and original.evidence.network is not None
    assert original.evidence.network.status == "pass"

    clock, source = evidence_source(store, NetworkSettings(), dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
                                    replay=original.assessment_id)
    replayed = assess(SAMPLES / "northwind-mail.xlsx", now=clock, evidence_source=source,
                      identity={"vendor.domain": DOMAIN}, tco_trials=2_000)
    assert replayed.evidence is not None and replayed.evidence.network == original.evidence.network
    assert replayed.assessment_id == original.assessment_id
    with EvidenceStore(store) as kept:
        assert NETWORK_CHECK not in kept.fresh(DOMAIN, NOW), "a network state is never reused for another run"
