from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.enrich.dns_server import DnsServer
from tests.enrich.https_server import Site

from .fixtures import ZONE, leaf, routes


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_pem(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def dns() -> Iterator[DnsServer]:
    with DnsServer(ZONE) as server:
        yield server


@pytest.fixture
def site(ca: trustme.CA) -> Iterator[Site]:
    with Site(leaf(ca)) as running:
        routes(running)
        yield running
