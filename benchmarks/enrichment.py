"""Enrichment benchmarks against servers on 127.0.0.1 (never the internet).

1. One vendor's full enrichment (registration, DNS, HTTPS) against responsive local servers: target < 1 s.
2. 100 vendors whose every server is silent, gathered with a thread pool: they must all end, as
   "unknown", within deadline x 100 / concurrency, plus 10 %.
The servers are the ones the test suite uses (tests/enrich), started here in-process.

The first figure is the median of five cold passes (``measure.py``: riskengine's caches, among them the TLS
contexts and the public suffix list, are emptied before each), the second one run; both with CPU time beside
wall time and a pure-Python anchor timed beside them. CPU time is this process's: it includes the local
servers' threads and leaves out the parser worker processes (``riskengine.enrich.worker``). Those workers are
kept between passes, as a long-running process keeps them: starting them is Python start-up and imports (about
0.5 s), which no figure here counts, and riskengine has no public call that ends the pool (only its private
``_POOL``). The first vendor of a new process, which starts them, is printed beside the figures.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from measure import Figure, Timing, clear_caches, measure, python_anchor, report

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
    with Site(ca.issue_cert(DOMAIN)) as site, DnsServer(zone) as dns_server, WhoisServer({DOMAIN: registrar}) as whois:
        site.https_routes["/"] = Reply(200, [("Strict-Transport-Security", "max-age=31536000")], b"<a href=/privacy>")
        site.http_routes["/"] = Reply(301, [("Location", site.https_url("/", DOMAIN))])
        settings = NetworkSettings(allow_networks=("127.0.0.0/8",), resolve={DOMAIN: "127.0.0.1"},
                                   https_port=site.https_port, http_port=site.http_port, ca_bundle=str(ca_pem),
                                   dns_server=dns_server.address, whois_server=whois.address, deadline=10)
        one_vendor, evidence = measure(
            lambda: gather_evidence(DOMAIN, settings=settings, now=NOW, store=None, sends_email=True),
            python_anchor, 5)
        known = sum(1 for item in evidence.items if item.status != "unknown")

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
        python_anchor()
        anchor = time.perf_counter() - started
        clear_caches()
        started, cpu = time.perf_counter(), time.process_time()
        durations: list[float] = []

        def gather(domain: str):  # type: ignore[no-untyped-def]
            begun = time.perf_counter()
            result = gather_evidence(domain, settings=settings, now=NOW, store=None, sends_email=False)
            durations.append(time.perf_counter() - begun)
            return result

        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            results = list(pool.map(gather, domains))
        silent = Timing.once(time.perf_counter() - started, time.process_time() - cpu, anchor)
        print(f"enrichment: silent servers, per vendor: median {statistics.median(durations):.3f}s, max "
              f"{max(durations):.3f}s")
    unknown_share = sum(i.status == "unknown" for r in results for i in r.items) / sum(len(r.items) for r in results)
    budget = SILENT_DEADLINE * VENDORS / CONCURRENCY * 1.1
    print(f"enrichment: one vendor, {known} checks known (the first of this process, imports and parser workers "
          f"started: {one_vendor.first:.3f} s); silent vendors {unknown_share:.0%} unknown")
    return report([
        Figure.timed("one vendor, full enrichment on local servers (median of 5)", one_vendor, 1.0),
        Figure.timed(f"{VENDORS} vendors, every server silent, {CONCURRENCY} at a time, deadline "
                     f"{SILENT_DEADLINE:g} s", silent, budget),
    ])


if __name__ == "__main__":
    sys.exit(main())
