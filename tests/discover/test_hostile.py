"""A hostile site: a huge page, a slow drip, a redirect loop, a redirect off the site and markup injection. The
discovery ends cleanly within its deadline and nothing the pages say leaks into the patch's structure."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from riskengine.discover import discover, inventory_patch
from riskengine.enrich.store import EvidenceStore
from riskengine.inventory.loader import load_inventory
from riskengine.inventory.vocabulary import load_vocabularies
from tests.enrich.dns_server import DnsServer
from tests.enrich.https_server import Reply, Site

from .fixtures import DOMAIN, HTML, NOW, leaf, settings_for

DEADLINE = 3.0
INJECTED = (b'<html><head><meta name="generator" content="WordPress 6.4.2\n  - id: injected\n    name: x">'
            b'<script src="https://js.hs-scripts.com/123.js"></script></head><body>'
            b'<div title="</script><script src=https://static.hotjar.com/c/hotjar-1.js>">text</div></body></html>')


@pytest.fixture
def hostile(ca: trustme.CA) -> Iterator[Site]:
    with Site(leaf(ca)) as site:
        port = site.https_port
        home = (b'<html><body><a href="/huge">1</a><a href="/loop1">2</a><a href="/offsite">3</a>'
                b'<a href="/inject">4</a><a href="/slow">5</a></body></html>')
        site.https_routes.update({
            "/": Reply(200, [HTML], home),
            "/huge": Reply(200, [HTML], b"<html><script src='https://cdn.segment.com/analytics.js/v1/k/analytics.min.js'>"
                                        b"</script>", filler=20_000_000, filler_pattern=b"<a"),
            "/loop1": Reply(302, [("Location", f"https://{DOMAIN}:{port}/loop2")]),
            "/loop2": Reply(302, [("Location", f"https://{DOMAIN}:{port}/loop1")]),
            "/offsite": Reply(302, [("Location", "https://evil.test/steal")]),
            "/inject": Reply(200, [HTML], INJECTED),
            "/slow": Reply(200, [HTML], b"<html>" + b"x" * 2000, drip=0.05),
        })
        yield site


def test_a_hostile_site_ends_within_the_deadline(dns: DnsServer, hostile: Site, ca_pem: Path,
                                                 tmp_path: Path) -> None:
    settings = settings_for(dns, hostile, ca_pem, deadline=DEADLINE, max_bytes=300_000)
    started = time.monotonic()
    with EvidenceStore(tmp_path / "evidence.db") as store:
        found = discover(DOMAIN, settings=settings, now=NOW, store=store, pages=10)
    elapsed = time.monotonic() - started
    assert elapsed < DEADLINE + 1.5
    paths = [seen.path for seen in hostile.seen]
    assert paths.count("/loop1") == 1 and paths.count("/loop2") == 1  # the loop is seen once, then left
    assert "evil.test" not in {seen.host.split(":")[0] for seen in hostile.seen}
    names = {detection.technology for detection in found.detections}
    assert {"Segment", "HubSpot", "WordPress", "Hotjar"} <= names  # the huge page read up to max_bytes
    wordpress = next(detection for detection in found.detections if detection.technology == "WordPress")
    assert wordpress.version == "6.4.2"
    assert any("/slow" in item and "deadline" in item for item in found.unknown)


def test_injected_markup_stays_in_comments(dns: DnsServer, hostile: Site, ca_pem: Path, tmp_path: Path) -> None:
    settings = settings_for(dns, hostile, ca_pem, deadline=DEADLINE, max_bytes=300_000)
    with EvidenceStore(tmp_path / "evidence.db") as store:
        found = discover(DOMAIN, settings=settings, now=NOW, store=store, pages=10)
    patch = tmp_path / "found.yaml"
    patch.write_text(inventory_patch(found))
    systems = load_inventory(patch, vocabularies=load_vocabularies()).systems
    assert "injected" not in {system.id for system in systems}
    assert {system.name for system in systems} == {detection.technology for detection in found.detections
                                                   if detection.in_use}
    assert all(line.startswith(("#", "  ", "organisation:", "systems:", "integrations:"))
               for line in patch.read_text().splitlines())
