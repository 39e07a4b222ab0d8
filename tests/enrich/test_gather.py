"""The enrichment stage end to end: a sample vendor assessed against real local HTTPS, DNS and WHOIS servers,
the evidence store's reuse and offline mode, replay, and contradictions between answers and evidence."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from riskengine.enrich.gather import EvidenceSet, all_checks, gather_evidence
from riskengine.enrich.settings import NetworkSettings
from riskengine.enrich.store import EvidenceStore
from riskengine.pipeline import assess, evidence_source, record_evidence
from tests.conftest import NOW, SAMPLES, run_cli
from tests.enrich.dns_server import DnsServer
from tests.enrich.https_server import Reply, Site
from tests.enrich.whois_server import WhoisServer, fixture, silent

DOMAIN = "northwindmail.example"
ZONE = {
    (f"{DOMAIN}.", "TXT"): ["v=spf1 include:_spf.mailer.example -all"],
    ("_spf.mailer.example.", "TXT"): ["v=spf1 ip4:192.0.2.0/24 -all"],
    (f"_dmarc.{DOMAIN}.", "TXT"): ["v=DMARC1; p=none; rua=mailto:dmarc@northwindmail.example"],
    (f"{DOMAIN}.", "MX"): ["10 mx1.northwindmail.example."],
    (f"{DOMAIN}.", "CAA"): ['0 issue "letsencrypt.org"'],
}
HEADERS = [("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
           ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"),
           ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "strict-origin-when-cross-origin")]


@pytest.fixture(scope="module")
def ca_pem(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[trustme.CA, Path]]:
    ca = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    yield ca, path


@pytest.fixture
def servers(ca_pem: tuple[trustme.CA, Path]) -> Iterator[tuple[Site, DnsServer, WhoisServer]]:
    ca, _ = ca_pem
    registrar = fixture("registrar-full.txt", domain=DOMAIN.upper(), registrar_whois="")
    with Site(ca.issue_cert(DOMAIN), legacy_tls=True) as site, DnsServer(ZONE) as dns_server, \
            WhoisServer({DOMAIN: registrar.encode()}) as whois:
        site.https_routes["/"] = Reply(200, HEADERS, b'<a href="/privacy">Privacy</a>')
        site.http_routes["/"] = Reply(301, [("Location", site.https_url("/", DOMAIN))])
        yield site, dns_server, whois


def settings_for(site: Site, dns_server: DnsServer, whois: WhoisServer, ca_pem: Path,
                 **overrides: object) -> NetworkSettings:
    values: dict[str, object] = {
        "allow_networks": ("127.0.0.0/8",), "resolve": {DOMAIN: "127.0.0.1"}, "https_port": site.https_port,
        "http_port": site.http_port, "ca_bundle": str(ca_pem), "dns_server": dns_server.address,
        "whois_server": whois.address, "deadline": 8.0, "connect_timeout": 2.0, "read_timeout": 2.0}
    values.update(overrides)
    return NetworkSettings(**values)  # type: ignore[arg-type]


def assess_with(settings: NetworkSettings, store: Path, now: dt.datetime = NOW):  # type: ignore[no-untyped-def]
    clock, source = evidence_source(store, settings, now)
    assessment = assess(SAMPLES / "northwind-mail.xlsx", now=clock, inventory=SAMPLES / "inventory.yaml",
                        evidence_source=source)
    record_evidence(store, assessment)
    return assessment


def test_live_evidence_feeds_facts_findings_and_contradictions(
        servers: tuple[Site, DnsServer, WhoisServer], ca_pem: tuple[trustme.CA, Path], tmp_path: Path) -> None:
    site, dns_server, whois = servers
    settings = settings_for(site, dns_server, whois, ca_pem[1])
    assessment = assess_with(settings, tmp_path / "evidence.db")
    evidence = assessment.evidence
    assert evidence is not None and evidence.mode == "online"
    status = {item.check: item.status for item in evidence.items}
    assert set(status) == set(all_checks())
    assert status["web.https"] == "pass" and status["web.hsts"] == "pass"
    assert status["dns.spf.result"] == "pass" and status["dns.dmarc.policy"] == "fail"
    assert status["whois.registrar"] == "pass"
    findings = {f.rule_id: f for f in assessment.findings}
    # the sample says "TLS 1.2 or newer only" (SEC-07) and the site still speaks TLS 1.1
    contradiction = findings["CON-TLS"]
    kinds = {p.kind for p in contradiction.provenance}
    assert kinds == {"cell", "evidence"}
    assert any(p.ref.startswith("Security!D") for p in contradiction.provenance)
    assert "CON-DMARC" in findings and "DNS-DMARC" in findings
    assert "WEB-HSTS" not in findings
    external = next(c for c in assessment.risk.categories if c.id == "external")
    assert external.controls_applied >= 8
    assert all(site_seen.host.startswith(DOMAIN) for site_seen in site.seen)


def test_store_is_reused_while_fresh_and_offline_uses_only_the_store(
        servers: tuple[Site, DnsServer, WhoisServer], ca_pem: tuple[trustme.CA, Path], tmp_path: Path) -> None:
    site, dns_server, whois = servers
    store = tmp_path / "evidence.db"
    settings = settings_for(site, dns_server, whois, ca_pem[1])
    first = assess_with(settings, store)
    asked = len(whois.queries)
    second = assess_with(settings, store, NOW + dt.timedelta(hours=1))
    assert len(whois.queries) == asked, "registration evidence is fresh for 7 days"
    assert second.evidence is not None and first.evidence is not None
    offline = assess_with(settings.model_copy(update={"offline": True}), store, NOW + dt.timedelta(days=30))
    assert offline.evidence is not None and offline.evidence.mode == "offline"
    assert len(whois.queries) == asked
    known = {i.check for i in offline.evidence.items if i.status != "unknown"}
    assert "whois.registrar" in known and "web.hsts" in known


def test_replay_gives_the_same_result_byte_for_byte(
        servers: tuple[Site, DnsServer, WhoisServer], ca_pem: tuple[trustme.CA, Path], tmp_path: Path) -> None:
    site, dns_server, whois = servers
    store = tmp_path / "evidence.db"
    original = assess_with(settings_for(site, dns_server, whois, ca_pem[1]), store)
    site.close()
    clock, source = evidence_source(store, NetworkSettings(), dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
                                    replay=original.assessment_id)
    replayed = assess(SAMPLES / "northwind-mail.xlsx", now=clock, inventory=SAMPLES / "inventory.yaml",
                      evidence_source=source)
    assert replayed.evidence is not None and replayed.evidence.mode == "replay"
    assert replayed.assessment_id == original.assessment_id
    original_json = json.loads(original.model_dump_json())
    replayed_json = json.loads(replayed.model_dump_json())
    original_json["evidence"]["mode"] = replayed_json["evidence"]["mode"] = "-"
    assert original_json == replayed_json


def test_silent_servers_end_as_unknown_within_the_deadline_and_the_assessment_completes(
        ca_pem: tuple[trustme.CA, Path], tmp_path: Path) -> None:
    with DnsServer(ZONE, mode="silent") as dns_server, WhoisServer({DOMAIN: silent}) as whois, \
            Site(ca_pem[0].issue_cert(DOMAIN)) as site:
        site.https_routes["/"] = Reply(200, [], b"x" * 10, drip=0.5)
        settings = settings_for(site, dns_server, whois, ca_pem[1], deadline=2.0, http_port=site.https_port)
        started = time.perf_counter()
        assessment = assess_with(settings, tmp_path / "evidence.db")
        elapsed = time.perf_counter() - started
    assert elapsed < 2.0 + 2.5
    assert assessment.evidence is not None
    unknown = [i for i in assessment.evidence.items if i.status == "unknown"]
    assert len(unknown) >= len(assessment.evidence.items) - 2
    assert all(i.reason for i in unknown)
    assert not [f for f in assessment.findings if f.category == "external"], "unknown is never held against"


def test_invalid_domain_is_unknown_without_any_lookup(tmp_path: Path) -> None:
    with EvidenceStore(tmp_path / "evidence.db") as store:
        evidence = gather_evidence("https://evil.example:8080/x", settings=NetworkSettings(), now=NOW, store=store,
                                   sends_email=False)
    assert isinstance(evidence, EvidenceSet)
    assert {i.status for i in evidence.items} == {"unknown"}
    assert "not a bare domain name" in evidence.items[0].reason


def test_enrich_command_offline_and_replay_from_the_cli(tmp_path: Path) -> None:
    store = tmp_path / "evidence.db"
    shown = run_cli("enrich", DOMAIN, "--json", env={"RISKENGINE_DB": str(store)})
    assert shown.returncode == 0, shown.stderr
    result = json.loads(shown.stdout)
    assert result["mode"] == "offline" and {i["status"] for i in result["items"]} == {"unknown"}
    first = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), "-o", str(tmp_path / "a.pdf"),
                    env={"RISKENGINE_DB": str(store)})
    assert first.returncode == 0, first.stderr
    assessment_id = json.loads((tmp_path / "a.json").read_text())["assessment_id"]
    again = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), "-o", str(tmp_path / "b.pdf"),
                    "--replay", assessment_id, env={"RISKENGINE_DB": str(store), "SOURCE_DATE_EPOCH": "1900000000"})
    assert again.returncode == 0, again.stderr
    first_json = json.loads((tmp_path / "a.json").read_text())
    again_json = json.loads((tmp_path / "b.json").read_text())
    assert again_json["assessment_id"] == assessment_id
    assert again_json["risk"] == first_json["risk"] and again_json["created"] == first_json["created"]
    missing = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), "-o", str(tmp_path / "c.pdf"),
                      "--replay", "RA-NOPE", env={"RISKENGINE_DB": str(store)})
    assert missing.returncode == 2 and "no assessment RA-NOPE" in missing.stderr
    assert not (tmp_path / "c.pdf").exists()
