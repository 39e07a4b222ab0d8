"""Enrichment benchmarks against servers on 127.0.0.1 (never the internet).

1. One vendor's full enrichment (registration, DNS, HTTPS) against responsive local servers: target < 1 s.
2. 100 vendors whose every server is silent, gathered with a thread pool: they must all end, as
   "unknown", within deadline x 100 / concurrency, plus 10 %.
The servers are the ones the test suite uses (tests/enrich), started here in-process.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
DOMAIN = "vendor-bench.example"
VENDORS = 100
CONCURRENCY = 20
SILENT_DEADLINE = 1.0


def main() -> int:
    import trustme

    from riskengine.enrich.gather import gather_evidence
    from riskengine.enrich.settings import NetworkSettings
    from tests.enrich.dns_server import DnsServer
    from tests.enrich.https_server import Reply, Site
    from tests.enrich.whois_server import WhoisServer, fixture, silent

    ca = trustme.CA()
    folder = Path(tempfile.mkdtemp())
    ca_pem = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    zone = {(f"{DOMAIN}.", "TXT"): ["v=spf1 -all"], (f"_dmarc.{DOMAIN}.", "TXT"): ["v=DMARC1; p=reject"],
            (f"{DOMAIN}.", "MX"): ["10 mx.vendor-bench.example."]}
    registrar = fixture("registrar-full.txt", domain=DOMAIN.upper(), registrar_whois="").encode()
    timings = []
    with Site(ca.issue_cert(DOMAIN)) as site, DnsServer(zone) as dns_server, WhoisServer({DOMAIN: registrar}) as whois:
        site.https_routes["/"] = Reply(200, [("Strict-Transport-Security", "max-age=31536000")], b"<a href=/privacy>")
        site.http_routes["/"] = Reply(301, [("Location", site.https_url("/", DOMAIN))])
        settings = NetworkSettings(allow_networks=("127.0.0.0/8",), resolve={DOMAIN: "127.0.0.1"},
                                   https_port=site.https_port, http_port=site.http_port, ca_bundle=str(ca_pem),
                                   dns_server=dns_server.address, whois_server=whois.address, deadline=10)
        for _ in range(5):
            started = time.perf_counter()
            evidence = gather_evidence(DOMAIN, settings=settings, now=NOW, store=None, sends_email=True)
            timings.append(time.perf_counter() - started)
        known = sum(1 for item in evidence.items if item.status != "unknown")
    one_vendor = statistics.median(timings)

    domains = [f"vendor{index}.example" for index in range(VENDORS)]
    with DnsServer({}, mode="silent") as dns_server, WhoisServer({d: silent for d in domains}) as whois, \
            Site(ca.issue_cert(*domains[:1])) as site:
        site.https_routes["/"] = Reply(200, [], b"x" * 100, drip=0.5, drip_headers=True)
        site.http_routes["/"] = Reply(200, [], b"x" * 100, drip=0.5, drip_headers=True)
        settings = NetworkSettings(allow_networks=("127.0.0.0/8",), resolve={d: "127.0.0.1" for d in domains},
                                   https_port=site.https_port, http_port=site.http_port, ca_bundle=str(ca_pem),
                                   dns_server=dns_server.address, whois_server=whois.address,
                                   deadline=SILENT_DEADLINE, connect_timeout=5, read_timeout=5)
        started = time.perf_counter()
        durations: list[float] = []

        def gather(domain: str):  # type: ignore[no-untyped-def]
            begun = time.perf_counter()
            result = gather_evidence(domain, settings=settings, now=NOW, store=None, sends_email=False)
            durations.append(time.perf_counter() - begun)
            return result

        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            results = list(pool.map(gather, domains))
        print(f"per vendor: median {statistics.median(durations):.3f}s, max {max(durations):.3f}s")
        silent_seconds = time.perf_counter() - started
    unknown_share = sum(i.status == "unknown" for r in results for i in r.items) / sum(len(r.items) for r in results)
    budget = SILENT_DEADLINE * VENDORS / CONCURRENCY * 1.1
    rows = [
        (f"one vendor, full enrichment on local servers ({known} checks known, median of 5)", one_vendor, 1.0),
        (f"{VENDORS} vendors, every server silent, {CONCURRENCY} at a time, deadline {SILENT_DEADLINE:g} s "
         f"({unknown_share:.0%} unknown)", silent_seconds, budget),
    ]
    failed = False
    for name, value, target in rows:
        ok = value <= target
        failed |= not ok
        print(f"{name:<100} {value:>7.3f}s target {target:.2f}s  {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
