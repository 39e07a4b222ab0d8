"""Discovery benchmarks on 127.0.0.1 (never the internet).

1. ``discover`` of a fixture domain with 40 DNS records and 10 same-site pages, against the DNS server and HTTPS site
   the tests use (tests/discover/fixtures.py), no evidence store: target < 2 s.
2. Fingerprint matching of a 1 MB page (markup, links, inline scripts and a dozen tags) against the whole shipped
   set, once loaded: target < 50 ms.

Both are medians of cold passes (``measure.py``: riskengine's caches are emptied before each, so the first figure
loads and compiles the fingerprint set every pass, as a new process does), CPU time beside wall time, the Python
anchor beside them. CPU time is this process's: it includes the local servers' threads.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from measure import Figure, measure, python_anchor, report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = 10
TAGS = ("https://www.googletagmanager.com/gtm.js?id=GTM-ABC123", "https://static.hotjar.com/c/hotjar-1.js?sv=6",
        "https://cdn.cookielaw.org/scripttemplates/otSDKStub.js", "https://widget.intercom.io/widget/abc123",
        "https://js.hs-scripts.com/123456.js", "https://cdn.segment.com/analytics.js/v1/key/analytics.min.js",
        "https://snap.licdn.com/li.lms-analytics/insight.min.js", "https://cdn.optimizely.com/js/123456.js",
        "https://static.klaviyo.com/onsite/js/klaviyo.js", "https://js.stripe.com/v3",
        "https://widget.trustpilot.com/bootstrap/v5/tp.widget.bootstrap.min.js", "https://bat.bing.com/bat.js")


def page(size: int, number: int = 0) -> str:
    """A page of about ``size`` characters: product tiles, links, one inline script per block, the tags at the top."""
    head = "".join(f'<script async src="{tag}"></script>\n' for tag in TAGS)
    block = (f'<div class="tile" data-sku="SKU-{number}"><a href="/p{number % PAGES + 1}">Trail jacket</a>'
             '<img src="/img/jacket.webp" alt="jacket" loading="lazy"><span class="price">129.00</span>'
             "<script>window.dataLayer=window.dataLayer||[];dataLayer.push({event:'view_item',value:129});</script>"
             "</div>\n")
    body = block * max(1, (size - len(head)) // len(block))
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def main() -> int:
    import trustme

    from riskengine.discover import discover, shipped_fingerprints
    from riskengine.discover.analysis import match_html
    from tests.discover.fixtures import DOMAIN, HTML, NOW, ZONE, leaf, settings_for
    from tests.enrich.dns_server import DnsServer
    from tests.enrich.https_server import Reply, Site

    zone = dict(ZONE)
    for index in range(40 - len(zone)):
        zone[(f"extra{index}.{DOMAIN}.", "TXT")] = [f"token-{index}"]
    assert len(zone) >= 40
    ca = trustme.CA()
    folder = Path(tempfile.mkdtemp())
    ca_pem = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    with DnsServer(zone) as dns, Site(leaf(ca)) as site:
        links = "".join(f'<a href="/p{number}">page {number}</a>' for number in range(1, PAGES + 1))
        site.https_routes["/"] = Reply(200, [HTML], (page(30_000) + links).encode())
        for number in range(1, PAGES + 1):
            site.https_routes[f"/p{number}"] = Reply(200, [HTML, ("Set-Cookie", "_ga=GA1.2.3.4")],
                                                     page(30_000, number).encode())
        settings = settings_for(dns, site, ca_pem)
        one, found = measure(lambda: discover(DOMAIN, settings=settings, now=NOW, store=None, pages=PAGES),
                             python_anchor, 5)
    fingerprints = shipped_fingerprints()
    big = page(1_000_000)
    matching, detected = measure(lambda: match_html(fingerprints, f"https://{DOMAIN}/", big), python_anchor, 9)
    print(f"discover: {found.dns_questions} DNS questions, {len(found.pages)} pages, {len(found.detections)} tools "
          f"(first run, imports included: {one.first:.3f} s); 1 MB page ({len(big):,} characters): "
          f"{len(detected)} tools among {len(fingerprints.technologies)} fingerprints")
    assert len(found.pages) == PAGES + 1 and len(detected) >= len(TAGS), (found.pages, detected)
    return report([
        Figure.timed(f"discover: fixture domain, {len(zone)} records, {PAGES} pages, loopback (median of 5)", one,
                     2.0),
        Figure.timed(f"fingerprint matching: 1 MB page, {len(fingerprints.technologies)} technologies (median of 9)",
                     matching, 0.05),
    ])


if __name__ == "__main__":
    sys.exit(main())
