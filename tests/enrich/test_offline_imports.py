"""An offline run imports nothing of the network stack: listing the checks and reading the store's evidence need
neither requests, urllib3, dnspython nor cryptography (issue #20: they were imported only to list check names)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import EPOCH, SAMPLES

NETWORK = ("requests", "urllib3", "dns", "cryptography", "certifi", "charset_normalizer")
"""Third-party network libraries."""
STANDARD_NETWORK = ("ssl", "http.client", "urllib.request")
"""The standard library's: ``xml.sax.saxutils`` (and SAX's expat reader) import them, so riskengine escapes markup
with ``html.escape`` and reads a sheet's hyperlinks with SAX only when it has some."""
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


_PROGRAM = ("import atexit, runpy, sys\n"
            f"atexit.register(lambda: print(sorted(set(sys.modules) & set({STANDARD_NETWORK!r}))))\n"
            "sys.argv = ['riskengine', *sys.argv[1:]]\n"
            "runpy.run_module('riskengine', run_name='__main__')\n")


def test_an_offline_assess_command_imports_no_network_module(tmp_path: Path) -> None:
    """The whole command, as a user runs it on a sample (typed addresses, no hyperlinks), report included."""
    result = subprocess.run(
        [sys.executable, "-c", _PROGRAM, "assess", str(SAMPLES / "pixelpath-analytics.xlsx"), "--inventory",
         str(SAMPLES / "inventory.yaml"), "--org", str(SAMPLES / "org-profile.yaml"), "--offline", "--db",
         str(tmp_path / "register.db"), "-o", str(tmp_path / "report.pdf")],
        capture_output=True, text=True, timeout=120, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "report.pdf").stat().st_size > 0
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_check_names_are_those_each_group_publishes() -> None:
    """The catalogue the offline run reads is the one the network code runs: same names, same order."""
    from riskengine.enrich import checks, dns_checks, registration, web

    assert list(checks.all_checks()) == [*registration.CHECKS, *dns_checks.CHECKS, *web.CHECKS]
    assert {kind for kind, _ in checks.all_checks().values()} == {"registration", "dns", "web"}
