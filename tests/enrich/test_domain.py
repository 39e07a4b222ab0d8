"""Domain names: the host the DNS and web checks ask about, the registered domain RDAP and WHOIS ask about, and
DMARC's organisational domain, all from the Public Suffix List snapshot bundled with publicsuffixlist."""

from __future__ import annotations

import pytest

from riskengine.enrich import domain
from riskengine.enrich.domain import NotRegistrable, organisational_domain, registered_domain


@pytest.mark.parametrize("name, registered", [
    ("vendor.com", "vendor.com"),
    ("app.vendor.com", "vendor.com"),
    ("a.b.c.vendor.com", "vendor.com"),
    ("shop.vendor.co.uk", "vendor.co.uk"),  # co.uk: a two-label ICANN suffix
    ("vendor.co.uk", "vendor.co.uk"),
    ("eu.vendor.com.au", "vendor.com.au"),
    ("www.city.kawasaki.jp", "city.kawasaki.jp"),  # *.kawasaki.jp with the exception !city.kawasaki.jp
    ("mail.xn--bcher-kva.de", "xn--bcher-kva.de"),  # an international name, in its ASCII form
    ("app.vendor.test", "vendor.test"),  # a top-level domain the list does not know counts as one label
    ("github.io", "github.io"),  # the platform's own domain is registered like any other
    ("s3.amazonaws.com", "amazonaws.com"),
])
def test_the_registered_domain_is_the_icann_registrable_domain(name: str, registered: str) -> None:
    assert registered_domain(name) == registered


@pytest.mark.parametrize("name, message", [
    ("vendor.github.io", "vendor.github.io sits under github.io, a suffix its operator hands out (Public Suffix "
                         "List, private section): the registry holds github.io, the operator's domain, not the "
                         "vendor's"),
    ("app.vendor.github.io", "app.vendor.github.io sits under github.io"),
    ("shop.myshopify.com", "the registry holds myshopify.com"),
    ("co.uk", "co.uk is a public suffix (Public Suffix List): no one registers it"),
    ("com", "com is a public suffix"),
])
def test_private_suffixes_and_public_suffixes_have_no_registered_domain_of_the_vendor(name: str,
                                                                                      message: str) -> None:
    with pytest.raises(NotRegistrable) as raised:
        registered_domain(name)
    assert message in str(raised.value)


@pytest.mark.parametrize("name, organisational", [
    ("mail.vendor.co.uk", "vendor.co.uk"),
    ("a.b.vendor.com", "vendor.com"),
    ("vendor.github.io", "vendor.github.io"),  # DMARC counts the private section: github.io sites are apart
    ("mail.vendor.github.io", "vendor.github.io"),
    ("vendor.com", "vendor.com"),
])
def test_the_organisational_domain_counts_private_suffixes(name: str, organisational: str) -> None:
    assert organisational_domain(name) == organisational


def test_the_public_suffix_list_is_read_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """publicsuffixlist reads the snapshot bundled in the package: no connection is even tried."""
    import socket

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the Public Suffix List tried the network")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    domain._suffix_list.cache_clear()
    try:
        assert organisational_domain("mail.vendor.co.uk") == "vendor.co.uk"
        assert registered_domain("shop.vendor.co.uk") == "vendor.co.uk"
    finally:
        domain._suffix_list.cache_clear()
