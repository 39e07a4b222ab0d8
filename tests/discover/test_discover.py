"""Discovery against the fixture company on 127.0.0.1: a real DNS server and a real HTTPS site, every tool planted
found and nothing else, judged against the sample inventory, repeated offline and replayed exactly."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from riskengine.discover import Discovery, check_domain, discover, inventory_patch
from riskengine.discover.collect import Plan, collect
from riskengine.enrich.network import probe_names
from riskengine.enrich.store import EvidenceStore
from riskengine.errors import InputError
from riskengine.inventory.loader import load_inventory
from riskengine.inventory.model import Inventory
from riskengine.inventory.vocabulary import load_vocabularies
from tests.conftest import SAMPLES
from tests.enrich.dns_server import DnsServer
from tests.enrich.https_server import Site

from .fixtures import DOMAIN, NOW, PLANTED, WEAK, settings_for


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return load_inventory(SAMPLES / "inventory.yaml", vocabularies=load_vocabularies())


def run(dns: DnsServer, site: Site | None, ca_pem: Path, store: EvidenceStore, inventory: Inventory | None = None,
        *, pages: int = 10, offline: bool = False, replay: str | None = None) -> Discovery:
    return discover(DOMAIN, settings=settings_for(dns, site, ca_pem, offline=offline), now=NOW, store=store,
                    pages=pages, inventory=inventory, replay=replay)


def test_every_planted_tool_is_found_and_nothing_else(dns: DnsServer, site: Site, ca_pem: Path,
                                                      tmp_path: Path) -> None:
    with EvidenceStore(tmp_path / "evidence.db") as store:
        found = run(dns, site, ca_pem, store)
    assert {detection.technology for detection in found.detections} == PLANTED
    assert {hint.technology for hint in found.hints} == WEAK  # one weak cookie each: listed, never reported
    assert all(hint.confidence < 100 for hint in found.hints)
    assert found.pages == (f"https://{DOMAIN}:{site.https_port}/", f"https://{DOMAIN}:{site.https_port}/about",
                           f"https://{DOMAIN}:{site.https_port}/pricing")
    assert not any("elsewhere.test" in seen.host for seen in site.seen)  # a third-party link is never followed
    assert not any(seen.path.endswith(".pdf") for seen in site.seen)


def test_where_each_tool_was_seen(dns: DnsServer, site: Site, ca_pem: Path, tmp_path: Path) -> None:
    with EvidenceStore(tmp_path / "evidence.db") as store:
        found = run(dns, site, ca_pem, store)
    kinds = {detection.technology: {match.kind for match in detection.matches} for detection in found.detections}
    assert kinds["Meta Pixel"] == {"scriptSrc", "html", "csp"} - {"scriptSrc"}  # noscript pixel, fbq() and the CSP
    assert kinds["Google Workspace"] == {"mx", "spf", "dkim"}
    assert kinds["Mailchimp"] == {"spf", "dkim"}  # k1._domainkey is a CNAME to dkim.mcsv.net
    assert kinds["Zendesk"] == {"spf", "cname"}
    assert kinds["OneTrust"] == {"scriptSrc", "cookies"}
    assert kinds["Google Search Console"] == {"txt", "meta"}
    mailchimp = next(detection for detection in found.detections if detection.technology == "Mailchimp")
    dkim = next(match for match in mailchimp.matches if match.kind == "dkim")
    assert dkim.key == "k1" and "dkim.mcsv.net" in dkim.snippet


def test_findings_against_the_inventory(dns: DnsServer, site: Site, ca_pem: Path, tmp_path: Path,
                                        inventory: Inventory) -> None:
    with EvidenceStore(tmp_path / "evidence.db") as store:
        found = run(dns, site, ca_pem, store, inventory)
    status = {finding.technology: (finding.status, finding.system_id) for finding in found.findings}
    assert status == {
        "Mailchimp": ("sanctioned", "mailchimp"), "Zendesk": ("sanctioned", "support"),
        "HubSpot": ("sanctioned", "marketing-automation"), "Google Tag Manager": ("sanctioned", "tag-manager"),
        "Google Analytics": ("sanctioned", "web-analytics"), "Meta Pixel": ("sanctioned", "meta-ads"),
        "OneTrust": ("sanctioned", "consent"),
        "Hotjar": ("shadow-it", "hotjar"),  # listed, but as unsanctioned
        "Google Workspace": ("duplicate", "microsoft-365"), "Intercom": ("duplicate", "slack"),
        "Unbounce": ("duplicate", "marketing-automation"),
        "Google Search Console": ("stale-trace", ""), "Atlassian Cloud": ("stale-trace", ""),
    }
    intercom = found.finding("Intercom")
    assert intercom is not None and intercom.duplicates == ("slack", "support")
    atlassian = found.finding("Atlassian Cloud")
    assert atlassian is not None and "verification TXT record" in atlassian.reason


def test_spf_chain_loops_limits_and_unknown_senders(dns: DnsServer, ca_pem: Path, tmp_path: Path) -> None:
    with EvidenceStore(tmp_path / "evidence.db") as store:
        found = run(dns, None, ca_pem, store, pages=0)
        email = found.email
        assert email.spf_result == "permerror" and email.spf_limit_exceeded  # the include loop hits the limit
        assert email.unknown_senders == ("spf.unknown-sender.test",)  # own subdomains and vendors' own are not
        assert {include.domain: include.technology for include in email.includes}["servers.mcsv.net"] == "Mailchimp"
        assert email.dmarc_policy == "quarantine"
        over = discover(f"news.{DOMAIN}", settings=settings_for(dns, None, ca_pem), now=NOW, store=store, pages=0)
    assert over.email.spf_limit_exceeded and over.email.spf_lookups == 11
    sendgrid = next(include for include in over.email.includes if include.domain == "sendgrid.net")
    assert not sendgrid.followed and sendgrid.technology == "Twilio SendGrid"  # named past the limit, not asked
    assert ("sendgrid.net.", "TXT", "udp") not in dns.queries
    finding = over.finding("Twilio SendGrid")
    assert finding is not None and finding.status == "stale-trace"


def test_evidence_is_stored_hashed_and_replayable(dns: DnsServer, site: Site, ca_pem: Path, tmp_path: Path,
                                                  inventory: Inventory) -> None:
    with EvidenceStore(tmp_path / "evidence.db") as store:
        first = run(dns, site, ca_pem, store, inventory)
        asked, fetched = len(dns.queries), len(site.seen)
        _, _, recorded = store.run(first.run_id)
        ids = {item.id for item in recorded}
        for detection in first.detections:
            for match in detection.matches:
                assert match.evidence_id in ids
                assert match.snippet_sha256 == hashlib.sha256(match.snippet.encode()).hexdigest()
        offline = run(dns, site, ca_pem, store, inventory, offline=True)
        replayed = run(dns, site, ca_pem, store, inventory, replay=first.run_id)
        cached = run(dns, site, ca_pem, store, inventory)  # the store's fresh records answer: nothing is asked
    assert (len(dns.queries), len(site.seen)) == (asked, fetched)
    for again in (offline, replayed, cached):
        assert again.findings == first.findings and again.email == first.email
    assert offline.mode == "offline" and replayed.mode == "replay" and replayed.run_id == first.run_id


def test_the_request_budget_is_kept(dns: DnsServer, site: Site, ca_pem: Path) -> None:
    plan = Plan(dkim_selectors=("google",), subdomains=("help",), dns_budget=5, web_budget=1)
    collected = collect(DOMAIN, settings=settings_for(dns, site, ca_pem), now=NOW, store=None, pages=10, plan=plan)
    probes = {f"{name}." for name in probe_names()}
    assert len({(name, kind) for name, kind, _ in dns.queries if name not in probes}) == 5
    assert len(site.seen) == 1
    reasons = [item.reason for item in collected.items if item.status == "unknown"]
    assert any("budget of 5 DNS questions" in reason for reason in reasons)
    assert any("budget of 1 web requests" in reason for reason in reasons)


def test_the_patch_is_an_inventory_to_merge(dns: DnsServer, site: Site, ca_pem: Path, tmp_path: Path,
                                            inventory: Inventory) -> None:
    with EvidenceStore(tmp_path / "evidence.db") as store:
        found = run(dns, site, ca_pem, store, inventory)
    patch = tmp_path / "found.yaml"
    patch.write_text(inventory_patch(found, inventory))
    loaded = load_inventory(patch, vocabularies=load_vocabularies())
    assert {(system.id, system.sanctioned) for system in loaded.systems} == {
        ("google-workspace", False), ("intercom", False), ("unbounce", False)}
    text = patch.read_text()
    assert "#   Atlassian Cloud: txt at larkspur.test. TXT" in text
    assert "spf.unknown-sender.test" in text and found.run_id in text
    merged = tmp_path / "merged.yaml"
    original = (SAMPLES / "inventory.yaml").read_text()
    added = text.split("systems:\n", 1)[1].split("# Stale traces", 1)[0]
    merged.write_text(original.replace("\nsystems:\n", "\nsystems:\n" + added, 1))
    assert len(load_inventory(merged, vocabularies=load_vocabularies()).systems) == len(inventory.systems) + 3
    assert inventory_patch(found, inventory) == patch.read_text()  # deterministic


def test_a_domain_outside_the_organisation_is_refused() -> None:
    assert check_domain("Shop.Larkspur.TEST", ("larkspur.test",), "org.yaml") == "shop.larkspur.test"
    with pytest.raises(InputError) as refused:
        check_domain("competitor.test", ("larkspur.test",), "org.yaml")
    assert refused.value.problems[0].place == "org.yaml: domains"
    assert "competitor.test is not one of the organisation's domains" in refused.value.problems[0].message
    with pytest.raises(InputError):
        check_domain("notlarkspur.test", ("larkspur.test",), "org.yaml")  # a suffix is not a subdomain


def test_no_network_makes_everything_unknown_never_absent(ca_pem: Path, tmp_path: Path) -> None:
    """A resolver with no way out (NXDOMAIN for every name): nothing is concluded from its silence."""
    from .fixtures import ZONE

    with DnsServer(ZONE, internet=False) as offline_dns, EvidenceStore(tmp_path / "evidence.db") as store:
        found = run(offline_dns, None, ca_pem, store, pages=0)
        assert len(offline_dns.queries) <= 3  # the well-known names only
    assert found.detections == () and found.findings == ()
    assert found.unknown and all("no network" in item for item in found.unknown)
    assert found.email.spf_result == "temperror"


def test_the_apex_records_are_shown(dns: DnsServer, ca_pem: Path, tmp_path: Path) -> None:
    from riskengine.discover.text import render_text

    with EvidenceStore(tmp_path / "evidence.db") as store:
        found = run(dns, None, ca_pem, store, pages=0)
    assert found.apex["MX"] == ("1 aspmx.l.google.com.", "5 alt1.aspmx.l.google.com.")
    assert found.apex["CAA"] == ('0 issue "letsencrypt.org"',)
    assert "atlassian-domain-verification=4nT8pQ2rS9vX1yZ3" in found.apex["TXT"]
    assert 'CAA: 0 issue "letsencrypt.org"' in render_text(found).splitlines()
