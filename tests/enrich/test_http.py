"""The guarded transport against real servers on 127.0.0.x: what a response holds, redirects re-guarded hop by hop,
the byte cap, the deadline, and addresses the guard refuses before any packet is sent."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from riskengine.enrich.guard import AddressGuard, AddressRefused, Deadline
from riskengine.enrich.http import Fetch, fetch, handshake, inspecting_context
from riskengine.enrich.settings import NetworkSettings
from riskengine.enrich.tls import parse_certificate

from .https_server import Reply, Site

TEXT = ("Content-Type", "text/plain; charset=utf-8")


@pytest.fixture
def site(ca: trustme.CA) -> Iterator[Site]:
    with Site(ca.issue_cert("vendor.test")) as running:
        yield running


def settings_for(site: Site, ca_pem: Path, **overrides: Any) -> NetworkSettings:
    values: dict[str, Any] = {"allow_networks": ("127.0.0.0/8",), "resolve": {"vendor.test": site.address},
                              "https_port": site.https_port, "http_port": site.http_port, "ca_bundle": str(ca_pem),
                              "connect_timeout": 2.0, "read_timeout": 2.0, "deadline": 10.0}
    values.update(overrides)
    return NetworkSettings(**values)


def get(url: str, settings: NetworkSettings, **options: Any) -> Fetch:
    return fetch(url, AddressGuard(settings), Deadline(settings.deadline), **options)


def test_an_https_answer_carries_its_head_body_and_tls_session(site: Site, ca_pem: Path) -> None:
    site.https_routes["/hello"] = Reply(200, [TEXT, ("X-Test", "1")], b"hello")
    fetched = get(site.https_url("/hello"), settings_for(site, ca_pem))
    assert fetched.failure is None and fetched.final is not None
    response = fetched.final
    assert (response.url, response.address, response.status, response.body) == (
        site.https_url("/hello"), "127.0.0.1", 200, b"hello")
    assert response.first("x-test") == "1" and response.content_type == "text/plain"
    assert response.tls_version in ("TLSv1.2", "TLSv1.3") and response.cipher
    assert response.certificate is not None
    assert parse_certificate(response.certificate).dns_names == ("vendor.test",)
    assert 0 < response.elapsed < 5
    assert site.seen[-1].host == f"vendor.test:{site.https_port}"  # the name, though the address was dialled


def test_a_plain_answer_has_no_tls_session(site: Site, ca_pem: Path) -> None:
    site.http_routes["/"] = Reply(200, [TEXT], b"plain")
    response = get(site.http_url("/"), settings_for(site, ca_pem)).final
    assert response is not None and response.certificate is None and response.tls_version is None


def test_redirects_are_followed_and_each_hop_is_guarded_again(site: Site, ca_pem: Path) -> None:
    site.http_routes["/"] = Reply(301, [("Location", site.https_url("/home"))])
    site.https_routes["/home"] = Reply(302, [("Location", f"https://127.0.0.2:{site.https_port}/admin")])
    fetched = get(site.http_url("/"), settings_for(site, ca_pem, allow_networks=("127.0.0.1/32",)))
    assert [response.status for response in fetched.responses] == [301, 302]
    assert fetched.final is None and fetched.failure is not None
    assert fetched.failure.kind == "address" and isinstance(fetched.failure.cause, AddressRefused)
    assert fetched.failure.reason == (f"https://127.0.0.2:{site.https_port}/admin refused: 127.0.0.2 is not a "
                                      f"public address (loopback)")
    assert [seen.path for seen in site.seen] == ["/", "/home"]  # nothing was sent to the refused hop
    assert f"-- stopped: {fetched.failure.reason}" in fetched.raw().decode()


def test_a_hop_to_another_port_is_refused_unless_the_caller_lets_the_url_choose(site: Site, ca_pem: Path) -> None:
    site.https_routes["/"] = Reply(302, [("Location", site.http_url("/next"))])
    site.http_routes["/next"] = Reply(200, [TEXT], b"next")
    settings = settings_for(site, ca_pem, http_port=site.http_port + 1 if site.http_port < 65535 else 1)
    refused = get(site.https_url("/"), settings)
    assert refused.failure is not None and refused.failure.kind == "address"
    assert f"port {site.http_port} is not the http port" in refused.failure.reason
    allowed = get(site.https_url("/"), settings, any_port=True)
    assert allowed.final is not None and allowed.final.body == b"next"


def test_redirects_are_left_to_the_caller_when_asked(site: Site, ca_pem: Path) -> None:
    site.https_routes["/"] = Reply(307, [("Location", "/elsewhere")], b"moved")
    fetched = get(site.https_url("/"), settings_for(site, ca_pem), follow_redirects=False)
    assert fetched.failure is None and fetched.final is not None
    assert fetched.final.status == 307 and fetched.final.body == b""  # a redirect's body is never read
    assert [seen.path for seen in site.seen] == ["/"]


def test_too_many_hops_and_loops_stop_the_fetch(site: Site, ca_pem: Path) -> None:
    site.https_routes["/a"] = Reply(302, [("Location", "/b")])
    site.https_routes["/b"] = Reply(302, [("Location", "/a")])
    loop = get(site.https_url("/a"), settings_for(site, ca_pem))
    assert loop.failure is not None and loop.failure.kind == "redirect"
    assert loop.failure.reason == f"redirect loop: {site.https_url('/b')} sends back to {site.https_url('/a')}"
    budget = get(site.https_url("/a"), settings_for(site, ca_pem), max_requests=1)
    assert budget.failure is not None and budget.requests_made == 1
    assert budget.failure.reason == f"{site.https_url('/a')} still redirects after the 1 requests this check may make"


def test_the_body_is_cut_at_max_bytes(site: Site, ca_pem: Path) -> None:
    site.https_routes["/big"] = Reply(200, [TEXT], b"start", filler=20_000_000)
    started = time.monotonic()
    fetched = get(site.https_url("/big"), settings_for(site, ca_pem, max_bytes=50_000))
    assert time.monotonic() - started < 5
    response = fetched.final
    assert response is not None and response.truncated and len(response.body) == 50_000
    assert response.body.startswith(b"startxxx")
    assert b"-- body cut at 50,000 bytes" in fetched.raw()
    exact = Reply(200, [TEXT], b"y" * 50_000)
    site.https_routes["/exact"] = exact
    whole = get(site.https_url("/exact"), settings_for(site, ca_pem, max_bytes=50_000)).final
    assert whole is not None and not whole.truncated and len(whole.body) == 50_000


def test_the_body_is_read_only_for_the_statuses_asked(site: Site, ca_pem: Path) -> None:
    site.https_routes["/gone"] = Reply(404, [TEXT], b"not here")
    settings = settings_for(site, ca_pem)
    assert get(site.https_url("/gone"), settings).responses[0].body == b"not here"
    assert get(site.https_url("/gone"), settings, body_statuses=(200,)).responses[0].body == b""


@pytest.mark.parametrize("drip_headers", [False, True], ids=["body", "status-line"])
def test_a_dripping_server_is_cut_off_at_the_deadline(site: Site, ca_pem: Path, drip_headers: bool) -> None:
    site.https_routes["/slow"] = Reply(200, [TEXT], b"." * 5_000, drip=0.02, drip_headers=drip_headers)
    settings = settings_for(site, ca_pem, connect_timeout=10, read_timeout=10, deadline=1.5)
    started = time.monotonic()
    fetched = get(site.https_url("/slow"), settings)
    assert time.monotonic() - started < settings.deadline + 1
    assert fetched.failure is not None and fetched.failure.kind == "deadline"
    # cut between two chunks of the body ("... before URL answered") or by the watchdog ("... while fetching URL")
    assert fetched.failure.reason.startswith("the 1.5 s deadline")
    assert site.https_url("/slow") in fetched.failure.reason
    assert fetched.responses == ()


def test_default_settings_refuse_loopback_and_private_addresses_before_connecting(site: Site, ca_pem: Path) -> None:
    settings = NetworkSettings(resolve={"vendor.test": "127.0.0.1", "intranet.test": "10.0.0.1"},
                               https_port=site.https_port, ca_bundle=str(ca_pem))
    loopback = get(site.https_url("/"), settings)
    assert loopback.failure is not None and loopback.failure.kind == "address"
    assert loopback.failure.reason == f"{site.https_url('/')} refused: 127.0.0.1 is not a public address (loopback)"
    private = get(f"https://intranet.test:{site.https_port}/", settings)
    assert private.failure is not None and "10.0.0.1 is not a public address (private)" in private.failure.reason
    assert loopback.addresses == private.addresses == () and site.seen == []


def test_a_certificate_for_another_name_is_a_certificate_failure(ca: trustme.CA, ca_pem: Path) -> None:
    with Site(ca.issue_cert("other.test")) as other:
        fetched = get(other.https_url("/"), settings_for(other, ca_pem))
        assert fetched.failure is not None and fetched.failure.kind == "certificate"
        assert fetched.failure.reason.startswith(f"the certificate of {other.https_url('/')}")
        # a bare handshake that accepts any certificate still reads it, for the checks that date it
        session = handshake("127.0.0.1", "vendor.test", AddressGuard(settings_for(other, ca_pem)), Deadline(5),
                            inspecting_context())
    assert session.certificate is not None and parse_certificate(session.certificate).dns_names == ("other.test",)
    assert session.version in ("TLSv1.2", "TLSv1.3")
