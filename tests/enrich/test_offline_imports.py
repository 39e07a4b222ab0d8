"""An offline run imports nothing of the network stack: listing the checks and reading the store's evidence need
neither requests, urllib3, dnspython nor cryptography (issue #20: they were imported only to list check names)."""

from __future__ import annotations

import subprocess
import sys

NETWORK = ("requests", "urllib3", "dns", "cryptography", "certifi", "charset_normalizer")
"""Third-party network libraries. The standard library's ``ssl`` is not listed: ``xml.sax.saxutils`` imports
``urllib.request`` and with it ``ssl``, for openpyxl and reportlab as for any script reading a workbook."""
CHECK_MODULES = ("riskengine.enrich.http", "riskengine.enrich.tls", "riskengine.enrich.registration",
                 "riskengine.enrich.dns_checks", "riskengine.enrich.web", "riskengine.enrich.resolver",
                 "riskengine.enrich.worker")

_OFFLINE_RUN = f"""
import datetime as dt, sys
import riskengine.cli.assess, riskengine.outputs, riskengine.batch.worker
from riskengine.enrich.gather import gather_evidence
from riskengine.enrich.settings import NetworkSettings
from riskengine.pipeline import fact_catalogue

assert "whois.domain_age_days" in fact_catalogue() and "web.hsts" in fact_catalogue()
evidence = gather_evidence("vendor.example", settings=NetworkSettings(offline=True),
                           now=dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC), store=None, sends_email=True)
assert evidence.mode == "offline" and {{item.status for item in evidence.items}} == {{"unknown"}}
print(sorted(name for name in sys.modules if name.split(".")[0] in {NETWORK!r} or name in {CHECK_MODULES!r}))
"""


def test_an_offline_assessment_imports_no_network_library() -> None:
    result = subprocess.run([sys.executable, "-c", _OFFLINE_RUN], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_check_names_are_those_each_group_publishes() -> None:
    """The catalogue the offline run reads is the one the network code runs: same names, same order."""
    from riskengine.enrich import checks, dns_checks, registration, web

    assert list(checks.all_checks()) == [*registration.CHECKS, *dns_checks.CHECKS, *web.CHECKS]
    assert {kind for kind, _ in checks.all_checks().values()} == {"registration", "dns", "web"}
