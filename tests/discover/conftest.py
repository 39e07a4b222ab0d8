from __future__ import annotations

from collections.abc import Iterator

import pytest
import trustme

from tests.enrich.dns_server import DnsServer
from tests.enrich.https_server import Site

from .fixtures import ZONE, leaf, routes


@pytest.fixture
def dns() -> Iterator[DnsServer]:
    with DnsServer(ZONE) as server:
        yield server


@pytest.fixture
def site(ca: trustme.CA) -> Iterator[Site]:
    with Site(leaf(ca)) as running:
        routes(running)
        yield running
