"""``riskengine discover`` as a user runs it: refused domains and files exit 2 with their place; a run against the
fixture zone writes the patch and the JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SAMPLES, run_cli
from tests.enrich.dns_server import DnsServer

from .fixtures import DOMAIN

ORG = """organisation: Larkspur Outdoor Group
currency: EUR
horizon_years: 3
discount_rate: 0.08
domains: [larkspur.test]
"""


def _org(tmp_path: Path) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(ORG)
    return path


def test_a_domain_not_in_the_profile_exits_2_with_its_place(tmp_path: Path) -> None:
    org = _org(tmp_path)
    result = run_cli("discover", "competitor.test", "--org", str(org), "--db", str(tmp_path / "e.db"), cwd=tmp_path)
    assert result.returncode == 2
    assert f"{org}: domains: competitor.test is not one of the organisation's domains" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run_cli("discover", DOMAIN, "--db", str(tmp_path / "e.db"), cwd=tmp_path)
    assert missing.returncode == 2 and "--org: discover needs the organisation profile" in missing.stderr


def test_a_bad_fingerprint_file_exits_2_with_file_and_entry(tmp_path: Path) -> None:
    bad = tmp_path / "tech.json"
    bad.write_text(json.dumps({"Foo": {"cats": [10], "website": "https://foo.test", "html": ["(?<=x)foo"],
                                       "capability": "web-analytics", "source": "https://foo.test/docs"}}))
    result = run_cli("discover", DOMAIN, "--org", str(_org(tmp_path)), "--fingerprints", str(bad), "--db",
                     str(tmp_path / "e.db"), cwd=tmp_path)
    assert result.returncode == 2
    assert f"{bad} entry 'Foo': html[0]: /(?<=x)foo/ is not a pattern RE2 runs" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_patch_may_not_replace_an_input(tmp_path: Path) -> None:
    org = _org(tmp_path)
    result = run_cli("discover", DOMAIN, "--org", str(org), "-o", str(org), "--db", str(tmp_path / "e.db"),
                     cwd=tmp_path)
    assert result.returncode == 2 and "organisation profile" in result.stderr
    assert org.read_text() == ORG


def test_a_run_against_the_fixture_zone(dns: DnsServer, tmp_path: Path) -> None:
    """DNS only: the fixture site's port cannot be given on the command line, so the home page is unknown."""
    org, patch = _org(tmp_path), tmp_path / "found.yaml"
    options = ["--org", str(org), "--inventory", str(SAMPLES / "inventory.yaml"), "--db", str(tmp_path / "e.db"),
               "--online", "--dns-server", f"127.0.0.1:{dns.port}", "--allow-network", "127.0.0.0/8",
               "--resolve", f"{DOMAIN}:127.0.0.1", "--pages", "0", "--deadline", "10"]
    result = run_cli("discover", DOMAIN, *options, "-o", str(patch), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "stale trace  Atlassian Cloud" in result.stdout
    assert "duplicate    Google Workspace" in result.stdout
    assert "sanctioned   Mailchimp" in result.stdout
    assert "include loop.larkspur.test                   own record" in result.stdout
    assert "flagged: spf.unknown-sender.test may send mail as larkspur.test" in result.stdout
    assert patch.read_text().startswith("# Inventory patch written by riskengine discover for larkspur.test")
    assert run_cli("inventory", "check", str(patch), cwd=tmp_path).returncode == 0
    again = run_cli("discover", DOMAIN, *options, "--json", "-o", str(patch), cwd=tmp_path)
    assert again.returncode == 0, again.stderr  # the patch it wrote may be replaced
    found = json.loads(again.stdout)
    assert {finding["technology"] for finding in found["findings"]} == {
        "Atlassian Cloud", "Google Search Console", "Google Workspace", "HubSpot", "Mailchimp", "Unbounce", "Zendesk"}
    replay = run_cli("discover", DOMAIN, *options, "--json", "--replay", found["run_id"], cwd=tmp_path)
    assert json.loads(replay.stdout)["findings"] == found["findings"]


def test_a_webappanalyzer_folder_and_an_empty_store(tmp_path: Path) -> None:
    """--fingerprints takes webappanalyzer's technologies folder; offline with nothing stored, every tool is
    unknown, none is reported missing."""
    folder = tmp_path / "technologies"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps({"Foo": {"cats": [10], "website": "https://foo.test",
                                                       "scriptSrc": "foo\\.test/f\\.js"}}))
    result = run_cli("discover", DOMAIN, "--org", str(_org(tmp_path)), "--fingerprints", str(folder), "--offline",
                     "--json", "--db", str(tmp_path / "e.db"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["fingerprints"] == f"{folder} (1 technologies)" and found["findings"] == []
    assert f"{DOMAIN}. TXT: offline: no stored answer" in found["unknown"]
