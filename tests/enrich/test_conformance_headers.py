"""Security headers by the cited method: every case of ``tests/enrich/conformance.py`` served by an HTTPS server on
127.0.0.1. The verdict of each check and the Observatory outcome its score uses are both asserted; where browsers
behave otherwise than the Observatory counts, the case says so and the verdict follows browsers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from riskengine.enrich.guard import AddressGuard, Deadline
from riskengine.enrich.settings import NetworkSettings
from riskengine.enrich.web import check_web, load_web_scoring
from tests.conftest import NOW
from tests.enrich.conformance import HEADER_CASES, HeaderCase
from tests.enrich.https_server import Reply, Site

TEST_FOR_CHECK = {"web.csp": "content-security-policy", "web.hsts": "strict-transport-security",
                  "web.frame_protection": "x-frame-options", "web.nosniff": "x-content-type-options",
                  "web.referrer_policy": "referrer-policy"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, NetworkSettings]]:
    authority = trustme.CA()
    bundle: Path = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    with Site(authority.issue_cert("vendor.test")) as running:
        running.http_routes["/"] = Reply(301, [("Location", running.https_url("/"))])
        settings = NetworkSettings(allow_networks=("127.0.0.0/8",), resolve={"vendor.test": "127.0.0.1"},
                                   https_port=running.https_port, http_port=running.http_port, ca_bundle=str(bundle),
                                   deadline=10.0, connect_timeout=2.0, read_timeout=2.0)
        yield running, settings


def test_there_are_enough_cases() -> None:
    assert len({case.id for case in HEADER_CASES}) == len(HEADER_CASES) >= 25
    scoring = load_web_scoring()
    for case in HEADER_CASES:  # every outcome is one the scoring file prices
        assert case.outcome in scoring.tests[TEST_FOR_CHECK[case.check]], case.id


@pytest.mark.parametrize("case", HEADER_CASES, ids=lambda case: case.id)
def test_header(site: tuple[Site, NetworkSettings], case: HeaderCase) -> None:
    running, settings = site
    running.https_routes["/"] = Reply(200, [("Content-Type", "text/html"), *case.headers],
                                      b'<a href="/privacy">Privacy</a>')
    found = {item.check: item for item in check_web("vendor.test", AddressGuard(settings),
                                                   Deadline(settings.deadline), NOW)}
    record = found[case.check]
    assert record.status == case.status, record.reason
    assert f"({case.outcome}" in record.reason, record.reason
    modifier = load_web_scoring().modifier(TEST_FOR_CHECK[case.check], case.outcome)
    if modifier < 0:  # the score applies the Observatory's outcome, whatever the verdict
        assert f"{case.outcome} {modifier:+d}" in found["web.score"].reason
