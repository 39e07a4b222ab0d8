"""The web checks against real servers on 127.0.0.x: a test CA, redirects, bad headers and hostile servers."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from riskengine.enrich.evidence import Evidence
from riskengine.enrich.guard import AddressGuard, Deadline
from riskengine.enrich.headers import parse_csp
from riskengine.enrich.settings import NetworkSettings
from riskengine.enrich.tls import parse_certificate
from riskengine.enrich.web import CHECKS, check_web
from riskengine.enrich.web_scoring import WebScoring, load_web_scoring, observatory_score
from riskengine.errors import ConfigurationError
from riskengine.resources import data_path

from .https_server import RawServer, Reply, Site, closed_port

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
MDN = "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring"
HTML = ("Content-Type", "text/html; charset=utf-8")
GOOD_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "
            "form-action 'self'; base-uri 'none'")
GOOD_HEADERS = [
    HTML,
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("Content-Security-Policy", GOOD_CSP),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Set-Cookie", "session=abc; Path=/; Secure; HttpOnly; SameSite=Lax"),
]
GOOD_SECURITY_TXT = b"Contact: mailto:security@vendor.test\nExpires: 2027-06-01T00:00:00Z\nPreferred-Languages: en\n"


@pytest.fixture(scope="session")
def leaf(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("vendor.test", "www.vendor.test")


@pytest.fixture
def site(leaf: trustme.LeafCert) -> Iterator[Site]:
    with Site(leaf) as running:
        yield running


def settings_for(site: Site | None, ca_pem: Path, **overrides: Any) -> NetworkSettings:
    values: dict[str, Any] = {
        "allow_networks": ("127.0.0.0/8",),
        "resolve": {"vendor.test": site.address if site else "127.0.0.1",
                    "www.vendor.test": site.address if site else "127.0.0.1"},
        "https_port": site.https_port if site else closed_port(),
        "http_port": site.http_port if site else closed_port(),
        "ca_bundle": str(ca_pem),
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "deadline": 10.0,
        "max_bytes": 200_000,
    }
    values.update(overrides)
    return NetworkSettings(**values)


def run(settings: NetworkSettings, now: dt.datetime = NOW, domain: str = "vendor.test") -> dict[str, Evidence]:
    evidence = check_web(domain, AddressGuard(settings), Deadline(settings.deadline), now)
    assert [record.check for record in evidence] == list(CHECKS)
    assert all(record.kind == "web" and record.reason for record in evidence)
    return {record.check: record for record in evidence}


def serve_good(site: Site) -> None:
    site.https_routes["/"] = Reply(200, GOOD_HEADERS, b'<html><body><a href="/legal/privacy">Privacy</a></body></html>')
    site.https_routes["/.well-known/security.txt"] = Reply(200, [("Content-Type", "text/plain")], GOOD_SECURITY_TXT)
    site.http_routes["/"] = Reply(301, [("Location", site.https_url("/"))])


def statuses(records: dict[str, Evidence]) -> dict[str, str]:
    return {name: record.status for name, record in records.items()}


# --- the scoring data --------------------------------------------------------------------------------------

def test_scoring_file_cites_every_modifier() -> None:
    scoring = load_web_scoring()
    for test, outcomes in scoring.tests.items():
        for outcome, modifier in outcomes.items():
            assert modifier.source in (MDN, "riskengine judgement"), (test, outcome)
    assert scoring.modifier("content-security-policy", "csp-not-implemented") == -25
    assert scoring.modifier("strict-transport-security", "hsts-not-implemented") == -20
    assert scoring.modifier("cookies", "cookies-session-without-secure-flag") == -40
    assert scoring.pass_score.value == 70 and scoring.pass_score.source == "riskengine judgement"
    assert scoring.hsts_min_max_age.value == 15_552_000


def test_scoring_file_must_price_every_outcome(tmp_path: Path) -> None:
    text = data_path("scoring", "web-observatory.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "web.yaml"
    broken.write_text(text.replace("    csp-not-implemented:\n", "    csp-not-implemnted:\n"), encoding="utf-8")
    with pytest.raises(ConfigurationError) as raised:
        load_web_scoring(broken)
    message = str(raised.value)
    assert "lacks csp-not-implemented" in message and "csp-not-implemnted" in message
    uncited = tmp_path / "uncited.yaml"
    judged = "  value: 70\n  source: riskengine judgement"
    uncited.write_text(text.replace(judged, "  value: 70\n  source: gut feeling"), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="citation"):
        load_web_scoring(uncited)


def test_observatory_score_gives_bonuses_only_from_90() -> None:
    scoring = load_web_scoring()
    good = {"content-security-policy": "csp-implemented-with-no-unsafe-default-src-none",
            "x-content-type-options": "x-content-type-options-not-implemented"}
    score, applied = observatory_score(good, scoring)
    assert score == 100 and applied == ["x-content-type-options-not-implemented -5",
                                        "csp-implemented-with-no-unsafe-default-src-none +10"]
    weak = {"content-security-policy": "csp-implemented-with-no-unsafe-default-src-none",
            "strict-transport-security": "hsts-not-implemented"}
    score, applied = observatory_score(weak, scoring)
    assert score == 80 and "bonuses withheld below 90" in applied
    awful = {"content-security-policy": "csp-not-implemented", "cookies": "cookies-session-without-secure-flag",
             "strict-transport-security": "hsts-not-implemented", "x-frame-options": "x-frame-options-not-implemented"}
    assert observatory_score(awful, scoring)[0] == 0


def test_scoring_model_is_frozen() -> None:
    assert WebScoring.model_config.get("frozen") is True


# --- pure parsers --------------------------------------------------------------------------------------------

def test_csp_parser_combines_policies_as_the_observatory_does() -> None:
    # a directive only a later policy names keeps no source; one both name keeps what both allow
    assert parse_csp(["default-src 'self'; script-src 'self' https://cdn.test", "img-src *"]) == {
        "default-src": frozenset({"'self'"}), "script-src": frozenset({"'self'", "https://cdn.test"}),
        "img-src": frozenset({"'none'"})}
    assert parse_csp(["script-src 'self' https://cdn.test, script-src 'SELF'"]) == {"script-src": frozenset({"'self'"})}
    # a source list left empty is 'none'
    assert parse_csp(["default-src; script-src 'self'"]) == {"default-src": frozenset({"'none'"}),
                                                             "script-src": frozenset({"'self'"})}
    with pytest.raises(ValueError, match="too short"):
        parse_csp(["a"])
    with pytest.raises(ValueError, match="too short"):
        parse_csp(["default-src 'self',"])  # a trailing comma is an empty policy
    with pytest.raises(ValueError, match="script-src appears twice"):
        parse_csp(["script-src 'self'; script-src *"])
    assert parse_csp(["script-src 'self'; script-src *"], repeated="first") == {"script-src": frozenset({"'self'"})}
    assert parse_csp(["default-src 'none'; report-uri /a; report-uri /b"]) == {
        "default-src": frozenset({"'none'"}), "report-uri": frozenset({"/a"})}
    # the Observatory does not check directive names: markup is a directive nobody enforces
    assert parse_csp(["<script>alert(1)</script>"]) == {"<script>alert(1)</script>": frozenset({"'none'"})}


def test_certificate_expiry_is_read_from_der(ca: trustme.CA) -> None:
    expiry = dt.datetime(2031, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    cert = ca.issue_cert("vendor.test", not_after=expiry.replace(tzinfo=None))
    der = ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
    assert parse_certificate(der).not_after == expiry
    with pytest.raises(ValueError, match="not a readable DER certificate"):
        parse_certificate(der[:40])


# --- whole sites ---------------------------------------------------------------------------------------------

def test_good_site_passes_every_check(site: Site, ca_pem: Path) -> None:
    serve_good(site)
    started = time.monotonic()
    records = run(settings_for(site, ca_pem))
    assert time.monotonic() - started < 3
    assert statuses(records) == dict.fromkeys(CHECKS, "pass"), {k: r.reason for k, r in records.items()}
    assert records["web.https"].value is True
    assert records["web.cert_days_left"].value > 300_000  # trustme certificates last until the year 3000
    assert records["web.tls_legacy"].value is False
    assert records["web.redirects_to_https"].value is True
    assert records["web.hsts"].value == 31_536_000
    assert records["web.referrer_policy"].value == "strict-origin-when-cross-origin"
    assert records["web.security_txt"].value == {"contact": ["mailto:security@vendor.test"],
                                                 "expires": "2027-06-01T00:00:00Z", "preferred-languages": "en"}
    assert records["web.privacy_policy"].value == site.https_url("/legal/privacy")
    assert records["web.score"].value >= 90
    home = records["web.hsts"]
    assert home.query == site.https_url("/") and home.address == "127.0.0.1"
    assert "Strict-Transport-Security: max-age=31536000" in home.raw and home.raw_sha256
    assert records["web.cert_days_left"].raw.startswith("-----BEGIN CERTIFICATE-----")
    # One fetch of the home page serves every header check; the privacy link needed no more requests.
    assert [(seen.scheme, seen.path) for seen in site.seen] == [
        ("https", "/"), ("http", "/"), ("https", "/"), ("https", "/.well-known/security.txt")]


def test_the_scoring_passed_in_judges_the_site(site: Site, ca_pem: Path) -> None:
    serve_good(site)
    settings = settings_for(site, ca_pem)
    shipped = load_web_scoring()
    strict = shipped.model_copy(update={
        "pass_score": shipped.pass_score.model_copy(update={"value": 101}),
        "certificate_min_days": shipped.certificate_min_days.model_copy(update={"value": 400_000})})
    evidence = check_web("vendor.test", AddressGuard(settings), Deadline(settings.deadline), NOW, scoring=strict)
    records = {record.check: record for record in evidence}
    assert records["web.score"].status == "fail" and records["web.score"].value == 100
    assert records["web.cert_days_left"].status == "fail"
    assert "under the 400000-day minimum" in records["web.cert_days_left"].reason


def test_bad_site_fails_each_check_with_its_reason(site: Site, ca_pem: Path) -> None:
    site.https_routes["/"] = Reply(200, [HTML, ("Set-Cookie", "sessionid=1; Path=/"),
                                         ("Referrer-Policy", "unsafe-url")], b"<html>welcome</html>")
    site.https_routes["/.well-known/security.txt"] = Reply(
        200, [("Content-Type", "text/plain")], b"Contact: mailto:s@vendor.test\nExpires: 2025-01-01T00:00:00Z\n")
    site.http_routes["/"] = Reply(200, [HTML], b"plain")
    records = run(settings_for(site, ca_pem))
    assert records["web.https"].status == "pass"
    expected = {
        "web.hsts": "no Strict-Transport-Security header",
        "web.csp": "no Content-Security-Policy header",
        "web.frame_protection": "no X-Frame-Options header and no CSP frame-ancestors",
        "web.nosniff": "no X-Content-Type-Options header",
        "web.referrer_policy": "Referrer-Policy unsafe-url sends full or cross-origin URLs",
        "web.cookies_secure": "sessionid lacks Secure",
        "web.security_txt": "it expired on 2025-01-01",
        "web.redirects_to_https": "without redirecting to HTTPS",
        "web.privacy_policy": "/privacy answered HTTP 404; /privacy-policy answered HTTP 404",
    }
    for name, fragment in expected.items():
        assert records[name].status == "fail", name
        assert fragment in records[name].reason, (name, records[name].reason)
    assert "sessionid is a session cookie without HttpOnly" in records["web.cookies_secure"].reason
    assert records["web.hsts"].value is False
    score = records["web.score"]
    assert score.status == "fail" and score.value == 0
    for outcome in ("csp-not-implemented -25", "hsts-not-implemented -20", "redirection-missing -20",
                    "cookies-session-without-secure-flag -40"):
        assert outcome in score.reason
    # The privacy check stayed within its three requests: the home page, /privacy, /privacy-policy.
    assert [seen.path for seen in site.seen if seen.scheme == "https"] == [
        "/", "/.well-known/security.txt", "/privacy", "/privacy-policy"]


@pytest.mark.parametrize(("csp", "status", "outcome"), [
    ("default-src 'self'; script-src 'self' 'unsafe-inline'", "fail", "csp-implemented-with-unsafe-inline"),
    ("script-src *; object-src 'none'", "fail", "csp-implemented-with-unsafe-inline"),
    ("img-src 'self'", "fail", "csp-implemented-with-unsafe-inline"),
    ("default-src 'self'; script-src 'self' 'unsafe-eval'", "fail", "csp-implemented-with-unsafe-eval"),
    ("default-src 'self'; script-src 'nonce-abc' 'unsafe-inline' 'strict-dynamic'", "pass",
     "csp-implemented-with-no-unsafe"),
    ("default-src 'self'; style-src 'self' 'unsafe-inline'", "pass",
     "csp-implemented-with-unsafe-inline-in-style-src-only"),
    ("default-src 'self'; script-src 'self' http://cdn.test", "fail", "csp-implemented-with-insecure-scheme"),
])
def test_csp_follows_the_observatory(site: Site, ca_pem: Path, csp: str, status: str, outcome: str) -> None:
    serve_good(site)
    site.https_routes["/"] = Reply(200, [HTML, ("Content-Security-Policy", csp)], b"<a href='/privacy'>x</a>")
    records = run(settings_for(site, ca_pem))
    assert records["web.csp"].status == status
    assert outcome in records["web.csp"].reason
    if load_web_scoring().modifier("content-security-policy", outcome) < 0:
        assert f"{outcome} -" in records["web.score"].reason


# --- redirects ----------------------------------------------------------------------------------------------

def test_redirect_loop_fails(site: Site, ca_pem: Path) -> None:
    serve_good(site)
    site.http_routes["/"] = Reply(302, [("Location", "/a")])
    site.http_routes["/a"] = Reply(302, [("Location", site.http_url("/"))])
    records = run(settings_for(site, ca_pem))
    redirect = records["web.redirects_to_https"]
    assert redirect.status == "fail" and redirect.value is False
    assert redirect.reason == f"redirect loop: {site.http_url('/a')} sends back to {site.http_url('/')}"
    assert "redirection-not-to-https -20" in records["web.score"].reason


def test_too_many_redirects_fail(site: Site, ca_pem: Path) -> None:
    serve_good(site)
    for hop in range(8):
        site.http_routes["/" if hop == 0 else f"/r{hop}"] = Reply(302, [("Location", f"/r{hop + 1}")])
    records = run(settings_for(site, ca_pem, max_redirects=3))
    assert records["web.redirects_to_https"].status == "fail"
    assert records["web.redirects_to_https"].reason == f"{site.http_url('/')} redirects more than 3 times"
    assert [seen.path for seen in site.seen if seen.scheme == "http"] == ["/", "/r1", "/r2", "/r3"]


def test_redirect_to_another_loopback_address_is_refused(site: Site, ca_pem: Path) -> None:
    serve_good(site)
    target = f"http://127.0.0.2:{site.http_port}/"
    site.http_routes["/"] = Reply(302, [("Location", target)])
    records = run(settings_for(site, ca_pem, allow_networks=("127.0.0.1/32",)))
    redirect = records["web.redirects_to_https"]
    assert redirect.status == "unknown"
    assert redirect.reason == f"{target} refused: 127.0.0.2 is not a public address (loopback)"
    assert "redirection not scored" in records["web.score"].reason
    assert all(seen.path == "/" or seen.scheme == "https" for seen in site.seen)


@pytest.mark.parametrize(("location", "fragment"), [
    ("http://10.0.0.1:{http}/admin", "10.0.0.1 is not a public address (private)"),
    ("https://169.254.169.254:{https}/latest/meta-data/", "169.254.169.254 is not a public address (link-local)"),
    ("http://vendor.test:22/", "port 22 is not the http port"),
    ("file:///etc/passwd", "only http and https are followed"),
    ("http://admin:secret@vendor.test:{http}/", "carries a user name or password"),
    ("http://bad_name.test:{http}/", "is not a valid internationalised domain name"),
])
def test_redirect_targets_are_validated_again(site: Site, ca_pem: Path, location: str, fragment: str) -> None:
    serve_good(site)
    site.http_routes["/"] = Reply(302, [("Location", location.format(http=site.http_port, https=site.https_port))])
    records = run(settings_for(site, ca_pem))
    assert records["web.redirects_to_https"].status == "unknown"
    assert fragment in records["web.redirects_to_https"].reason
    assert [seen.path for seen in site.seen if seen.scheme == "http"] == ["/"]


def test_home_page_redirect_to_metadata_address_leaves_headers_unknown(site: Site, ca_pem: Path) -> None:
    serve_good(site)
    site.https_routes["/"] = Reply(302, [("Location", f"https://169.254.169.254:{site.https_port}/")])
    records = run(settings_for(site, ca_pem))
    assert records["web.https"].status == "pass"  # the domain itself answered with a valid certificate
    for name in ("web.hsts", "web.csp", "web.cookies_secure", "web.score"):
        assert records[name].status == "unknown"
        assert "169.254.169.254 is not a public address" in records[name].reason


# --- certificates and TLS -----------------------------------------------------------------------------------

def test_expired_certificate_fails_https(ca: trustme.CA, ca_pem: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    expired = ca.issue_cert("vendor.test", not_before=(now - dt.timedelta(days=30)).replace(tzinfo=None),
                            not_after=(now - dt.timedelta(days=3)).replace(tzinfo=None))
    with Site(expired) as site:
        serve_good(site)
        records = run(settings_for(site, ca_pem), now=now)
    assert records["web.https"].status == "fail" and records["web.https"].value is False
    assert "certificate has expired" in records["web.https"].reason
    days = records["web.cert_days_left"]
    assert days.status == "fail" and days.value == -3
    assert "expired 3 days ago" in days.reason and "refused (see web.https)" in days.reason
    assert records["web.hsts"].status == "unknown" and "certificate" in records["web.hsts"].reason
    assert records["web.redirects_to_https"].status == "fail"  # it redirects to a refused certificate
    assert "redirection-invalid-cert" not in records["web.score"].reason  # no page, so no score
    assert records["web.score"].status == "unknown"


def test_self_signed_certificate_fails_https(ca_pem: Path) -> None:
    stranger = trustme.CA().issue_cert("vendor.test")
    with Site(stranger) as site:
        serve_good(site)
        records = run(settings_for(site, ca_pem))
    assert records["web.https"].status == "fail"
    assert "unable to get local issuer certificate" in records["web.https"].reason
    assert records["web.cert_days_left"].status == "pass"  # the dates are fine; the trust is not
    assert "refused (see web.https)" in records["web.cert_days_left"].reason


def test_certificate_for_another_name_fails_https(ca: trustme.CA, ca_pem: Path) -> None:
    with Site(ca.issue_cert("other.test")) as site:
        serve_good(site)
        records = run(settings_for(site, ca_pem))
    assert records["web.https"].status == "fail"
    assert "vendor.test" in records["web.https"].reason and "certificate" in records["web.https"].reason


def test_certificate_close_to_expiry_fails_days_left(ca: trustme.CA, ca_pem: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    soon = ca.issue_cert("vendor.test", not_after=(now + dt.timedelta(days=10, hours=1)).replace(tzinfo=None))
    with Site(soon) as site:
        serve_good(site)
        records = run(settings_for(site, ca_pem), now=now)
    assert records["web.https"].status == "pass"
    assert records["web.cert_days_left"].status == "fail" and records["web.cert_days_left"].value == 10
    assert "under the 14-day minimum" in records["web.cert_days_left"].reason


def test_legacy_tls_accepted_fails(leaf: trustme.LeafCert, ca_pem: Path) -> None:
    with Site(leaf, legacy_tls=True) as site:
        serve_good(site)
        records = run(settings_for(site, ca_pem))
    legacy = records["web.tls_legacy"]
    if legacy.status == "unknown":
        pytest.skip(f"this OpenSSL cannot offer TLS 1.0/1.1: {legacy.reason}")
    assert legacy.status == "fail" and legacy.value is True
    assert legacy.reason in ("the server accepted TLSv1.1, deprecated by RFC 8996",
                             "the server accepted TLSv1, deprecated by RFC 8996")


# --- hostile and absent servers -----------------------------------------------------------------------------

def test_silent_server_ends_unknown_within_the_deadline(ca_pem: Path) -> None:
    with RawServer("silent") as https, RawServer("silent") as plain:
        settings = NetworkSettings(allow_networks=("127.0.0.0/8",), resolve={"vendor.test": "127.0.0.1"},
                                   https_port=https.port, http_port=plain.port, ca_bundle=str(ca_pem),
                                   connect_timeout=10, read_timeout=10, deadline=1.5)
        started = time.monotonic()
        records = run(settings)
        elapsed = time.monotonic() - started
    assert elapsed < settings.deadline + 1
    assert statuses(records) == dict.fromkeys(CHECKS, "unknown")
    assert "1.5 s deadline ran out" in records["web.https"].reason


@pytest.mark.parametrize("drip_headers", [False, True], ids=["body", "status-line"])
def test_slow_drip_ends_unknown_within_the_deadline(site: Site, ca_pem: Path, drip_headers: bool) -> None:
    serve_good(site)
    site.https_routes["/"] = Reply(200, [HTML], b"<html>" + b"." * 5_000, drip=0.02, drip_headers=drip_headers)
    settings = settings_for(site, ca_pem, connect_timeout=10, read_timeout=10, deadline=1.5)
    started = time.monotonic()
    records = run(settings)
    assert time.monotonic() - started < settings.deadline + 1
    assert statuses(records) == dict.fromkeys(CHECKS, "unknown")
    assert "the 1.5 s deadline" in records["web.hsts"].reason


def test_huge_body_is_cut_at_max_bytes(site: Site, ca_pem: Path) -> None:
    serve_good(site)
    site.https_routes["/"] = Reply(200, GOOD_HEADERS, b"<html><p>", filler=20_000_000)
    started = time.monotonic()
    records = run(settings_for(site, ca_pem, max_bytes=50_000))
    assert time.monotonic() - started < 5
    assert records["web.hsts"].status == "pass"  # the headers are read whatever the body's size
    privacy = records["web.privacy_policy"]
    assert privacy.status == "fail" and "its body was cut at 50,000 bytes" in privacy.reason
    assert "-- body cut at 50,000 bytes" in records["web.csp"].raw
    assert len(records["web.csp"].raw) < 50_000


def test_garbage_instead_of_tls_or_http_is_unknown(ca_pem: Path) -> None:
    with RawServer("garbage") as https, RawServer("garbage") as plain:
        settings = NetworkSettings(allow_networks=("127.0.0.0/8",), resolve={"vendor.test": "127.0.0.1"},
                                   https_port=https.port, http_port=plain.port, ca_bundle=str(ca_pem), deadline=5)
        records = run(settings)
    assert records["web.https"].status == "unknown"
    assert "TLS handshake" in records["web.https"].reason
    assert records["web.redirects_to_https"].status == "unknown"
    assert "did not answer with valid HTTP" in records["web.redirects_to_https"].reason
    assert records["web.score"].status == "unknown"


def test_garbage_inside_tls_is_unknown(site: Site, ca_pem: Path) -> None:
    serve_good(site)
    site.https_routes["*"] = Reply(garbage=True)
    site.https_routes.pop("/")
    records = run(settings_for(site, ca_pem))
    assert records["web.https"].status == "unknown"
    assert "did not answer with valid HTTP" in records["web.https"].reason
    assert records["web.cert_days_left"].status == "pass"  # read by a separate handshake
    assert records["web.csp"].status == "unknown"


def test_connection_refused_is_unknown(ca_pem: Path) -> None:
    started = time.monotonic()
    records = run(settings_for(None, ca_pem))
    assert time.monotonic() - started < 2
    assert statuses(records) == dict.fromkeys(CHECKS, "unknown")
    assert "connection refused" in records["web.https"].reason
    assert "connection refused" in records["web.redirects_to_https"].reason


def test_default_settings_refuse_loopback(site: Site, ca_pem: Path) -> None:
    serve_good(site)
    settings = NetworkSettings(resolve={"vendor.test": "127.0.0.1"}, https_port=site.https_port,
                               http_port=site.http_port, ca_bundle=str(ca_pem))
    records = run(settings)
    assert statuses(records) == dict.fromkeys(CHECKS, "unknown")
    assert "127.0.0.1 is not a public address (loopback)" in records["web.https"].reason
    assert site.seen == []


def test_connection_goes_to_the_checked_address_only(leaf: trustme.LeafCert, ca_pem: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: the name is resolved once, by the guard; the HTTP stack never looks it up again."""
    looked_up: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def rebinding_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            __import__("ipaddress").ip_address(host)
        except ValueError:
            looked_up.append(str(host))
            return real_getaddrinfo("127.0.0.1", *args, **kwargs)  # a second answer pointing elsewhere
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_getaddrinfo)
    with Site(leaf, address="127.0.0.3") as site:
        serve_good(site)
        records = run(settings_for(site, ca_pem))
    assert looked_up == []
    assert records["web.https"].status == "pass" and records["web.https"].address == "127.0.0.3"
    assert site.seen and {seen.host for seen in site.seen} == {f"vendor.test:{site.https_port}",
                                                              f"vendor.test:{site.http_port}"}


def test_proxies_from_the_environment_are_ignored(site: Site, ca_pem: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem")
    serve_good(site)
    records = run(settings_for(site, ca_pem))
    assert records["web.https"].status == "pass"
    assert records["web.redirects_to_https"].status == "pass"


def test_invalid_domain_and_offline_mode_make_no_connection(site: Site, ca_pem: Path) -> None:
    serve_good(site)
    records = run(settings_for(site, ca_pem), domain="vendor.test/../admin")
    assert statuses(records) == dict.fromkeys(CHECKS, "unknown")
    assert "not a bare domain name" in records["web.https"].reason
    records = run(settings_for(site, ca_pem, offline=True))
    assert statuses(records) == dict.fromkeys(CHECKS, "unknown")
    assert records["web.score"].reason == "offline mode: no connection is made"
    assert site.seen == []
