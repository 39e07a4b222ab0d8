"""Registration checks against real RDAP and WHOIS servers on 127.0.0.1: formats, quirks, referrals and faults."""

from __future__ import annotations

import datetime as dt
import json
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest

from riskengine.enrich import registration
from riskengine.enrich.evidence import Evidence
from riskengine.enrich.guard import AddressGuard, Deadline
from riskengine.enrich.registration import (
    CHECKS,
    MAX_REFERRALS,
    RegistrationUnreadable,
    check_registration,
    parse_whois,
    rdap_base_for,
)
from riskengine.enrich.settings import NetworkSettings
from tests.conftest import NOW
from tests.enrich.whois_server import FIXTURES, RdapAnswer, RdapServer, Reply, WhoisServer, drip, fixture, huge, silent

UTC = dt.UTC
LOCAL = ("127.0.0.0/8",)


def days_since(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    return (NOW - dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)).days


def days_until(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    return (dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC) - NOW).days


def rdap_json(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"rdap-{name}.json").read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def rdap() -> Iterator[RdapServer]:
    with RdapServer({"northwindmail.com": rdap_json("northwindmail.com"),
                     "northwind-analytics.org": rdap_json("northwind-analytics.org")}) as server:
        yield server


@pytest.fixture
def whois() -> Iterator[WhoisServer]:
    with WhoisServer() as server:
        yield server


def settings_for(whois: WhoisServer | None, rdap: RdapServer | None, **extra: Any) -> NetworkSettings:
    values: dict[str, Any] = {"allow_networks": LOCAL, "deadline": 10.0, "read_timeout": 5.0, "connect_timeout": 2.0}
    if whois is not None:
        values["whois_server"] = whois.address
    if rdap is not None:
        values["rdap_base"] = rdap.base()
    values.update(extra)
    return NetworkSettings(**values)


def run(domain: str, settings: NetworkSettings) -> dict[str, Evidence]:
    items = check_registration(domain, AddressGuard(settings), Deadline(settings.deadline), NOW)
    assert [item.check for item in items] == list(CHECKS)
    return {item.check: item for item in items}


def facts(items: dict[str, Evidence]) -> dict[str, tuple[str, Any]]:
    return {check.removeprefix("whois."): (item.status, item.value) for check, item in items.items()}


# ------------------------------------------------------------------------------------------ RDAP


def test_rdap_answer_gives_every_fact(rdap: RdapServer, whois: WhoisServer) -> None:
    items = run("NorthwindMail.com", settings_for(whois, rdap))

    assert facts(items) == {
        "domain_age_days": ("pass", days_since(2018, 11, 20, 16, 45, 31)),
        "expiry_days": ("pass", days_until(2027, 11, 20, 16, 45, 31)),
        "registrar": ("pass", "Example Registrar, LLC"),
        "client_hold": ("pass", False),
        "transfer_lock": ("pass", True),
        "dnssec": ("pass", True),
        "privacy_redacted": ("unknown", None),  # a thin registry's RDAP holds no registrant at all
    }
    assert days_since(2018, 11, 20, 16, 45, 31) == 2925 and days_until(2027, 11, 20, 16, 45, 31) == 361
    age = items["whois.domain_age_days"]
    assert age.reason == "registered on 2018-11-20, 2925 days ago"
    assert age.query == f"RDAP GET {rdap.base()}domain/northwindmail.com"
    assert age.address == "127.0.0.1" and age.tool.startswith("riskengine-rdap/")
    assert age.fetched_at == NOW and '"ldhName": "NORTHWINDMAIL.COM"' in age.raw and len(age.raw_sha256) == 64
    assert rdap.requests == [("/domain/northwindmail.com", f"127.0.0.1:{rdap.port}")]
    assert whois.queries == []  # RDAP answered: WHOIS is never asked


def test_rdap_redaction_and_unsigned_delegation(rdap: RdapServer, whois: WhoisServer) -> None:
    items = run("northwind-analytics.org", settings_for(whois, rdap))

    assert facts(items)["dnssec"] == ("fail", False)
    assert facts(items)["privacy_redacted"] == ("pass", True)
    assert "informational" in items["whois.privacy_redacted"].reason
    assert facts(items)["domain_age_days"] == ("pass", days_since(2021, 3, 2, 11, 22, 33))
    assert facts(items)["transfer_lock"] == ("pass", True)


def test_rdap_404_falls_back_to_whois(rdap: RdapServer, whois: WhoisServer) -> None:
    whois.replies["brightpixel-cdp.io"] = fixture("identitydigital-io.txt").encode()

    items = run("brightpixel-cdp.io", settings_for(whois, rdap))

    assert rdap.requests[0][0] == "/domain/brightpixel-cdp.io"
    assert whois.queries == ["brightpixel-cdp.io"]
    age = items["whois.domain_age_days"]
    assert age.tool.startswith("riskengine-whois/1 python-whois/")
    assert age.query == f"WHOIS brightpixel-cdp.io via {whois.hostport}"
    assert "Cheap Names Inc." in age.raw
    assert facts(items) == {
        "domain_age_days": ("fail", days_since(2026, 6, 11, 7)),
        "expiry_days": ("fail", days_until(2026, 12, 11, 7)),
        "registrar": ("pass", "Cheap Names Inc."),
        "client_hold": ("fail", True),
        "transfer_lock": ("fail", False),
        "dnssec": ("fail", False),
        "privacy_redacted": ("pass", False),
    }
    assert age.reason == f"registered on 2026-06-11, {days_since(2026, 6, 11, 7)} days ago: younger than 365 days"
    assert items["whois.expiry_days"].reason == "expires on 2026-12-11, in 16 days: under 30"
    assert items["whois.client_hold"].reason.startswith("the domain is on clientHold")


def test_rdap_redirect_is_not_followed(whois: WhoisServer) -> None:
    answer = RdapAnswer(status=302, headers={"Location": "http://10.0.0.1/domain/northwindmail.com"})
    whois.replies["northwindmail.com"] = fixture("registrar-full.txt", domain="northwindmail.com",
                                                 registrar_whois=whois.hostport).encode()
    with RdapServer({"northwindmail.com": answer}) as rdap:
        items = run("northwindmail.com", settings_for(whois, rdap))

    assert items["whois.registrar"].query.startswith("WHOIS northwindmail.com")
    assert facts(items)["registrar"] == ("pass", "Example Registrar, LLC")


def test_silent_rdap_server_falls_back_to_whois_after_the_read_timeout(whois: WhoisServer) -> None:
    whois.replies["northwind-analytics.org"] = fixture("pir.txt").encode()
    with RdapServer({"northwind-analytics.org": RdapAnswer(silent=True)}) as rdap:
        started = time.monotonic()
        items = run("northwind-analytics.org", settings_for(whois, rdap, read_timeout=0.5))
        elapsed = time.monotonic() - started

    assert 0.4 < elapsed < 2.0
    assert items["whois.registrar"].query.startswith("WHOIS ")
    assert facts(items)["expiry_days"] == ("pass", days_until(2027, 3, 2, 11, 22, 33))


@pytest.mark.parametrize("drip", ["headers", "body"])
def test_rdap_server_dripping_ends_as_unknown_within_the_deadline(whois: WhoisServer,
                                                                  drip: Literal["headers", "body"]) -> None:
    # each byte comes well within the read timeout: only the total deadline can end the exchange
    with RdapServer({"northwindmail.com": RdapAnswer(drip=drip)}) as rdap:
        started = time.monotonic()
        items = run("northwindmail.com", settings_for(whois, rdap, deadline=1.5))
        elapsed = time.monotonic() - started

    assert 1.3 < elapsed < 2.0
    for item in items.values():
        assert item.status == "unknown"
        assert item.reason.startswith(f"RDAP {rdap.base()}domain/northwindmail.com: the 1.5 s deadline ran out")
        assert f"WHOIS {whois.hostport}: the 1.5 s deadline for this vendor ran out" in item.reason


def test_rdap_body_without_length_is_cut_at_max_bytes(whois: WhoisServer) -> None:
    body = json.dumps({**rdap_json("northwindmail.com"), "padding": "x" * 200_000}).encode()
    with RdapServer({"northwindmail.com": RdapAnswer(body, declare_length=False)}) as rdap:
        items = run("northwindmail.com", settings_for(whois, rdap, max_bytes=100_000))
        assert run("northwindmail.com", settings_for(whois, rdap))["whois.registrar"].status == "pass"

    assert items["whois.registrar"].status == "unknown"
    assert "the answer is larger than the 100000-byte cap" in items["whois.registrar"].reason


def test_rdap_over_https_verifies_the_name_while_connecting_to_the_checked_address(
        tmp_path: Path, whois: WhoisServer) -> None:
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("rdap.registry.test").configure_cert(context)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    with RdapServer({"northwindmail.com": rdap_json("northwindmail.com")}, context=context) as rdap:
        good = settings_for(whois, None, rdap_base=rdap.base("rdap.registry.test", "https"), ca_bundle=str(bundle),
                            resolve={"rdap.registry.test": "127.0.0.1", "rdap.wrong-name.test": "127.0.0.1"})
        items = run("northwindmail.com", good)
        assert facts(items)["registrar"] == ("pass", "Example Registrar, LLC")
        assert items["whois.registrar"].address == "127.0.0.1"
        assert rdap.requests[-1][1] == f"rdap.registry.test:{rdap.port}"

        wrong = good.model_copy(update={"rdap_base": rdap.base("rdap.wrong-name.test", "https")})
        refused = run("northwindmail.com", wrong)
    reason = refused["whois.registrar"].reason
    assert refused["whois.registrar"].status == "unknown"
    assert "TLS failed" in reason and "rdap.wrong-name.test" in reason
    assert "WHOIS" in reason  # then WHOIS was asked (and had no record)


# ------------------------------------------------------------------------------------------ WHOIS


def test_thin_registry_reply_refers_to_the_registrar(rdap: RdapServer, whois: WhoisServer) -> None:
    with WhoisServer() as registrar:
        registrar.replies["northwindmail.net"] = fixture("registrar-full.txt", domain="northwindmail.net",
                                                         registrar_whois=registrar.hostport).encode()
        whois.replies["northwindmail.net"] = fixture("verisign-thin.txt", domain_upper="NORTHWINDMAIL.NET",
                                                     registrar_whois=registrar.hostport).encode()
        items = run("northwindmail.net", settings_for(whois, rdap))

    assert whois.queries == ["northwindmail.net"] and registrar.queries == ["northwindmail.net"]
    age = items["whois.domain_age_days"]
    assert age.query == f"WHOIS northwindmail.net via {whois.hostport} -> {registrar.hostport}"
    assert age.raw.count("Creation Date: 2018-11-20T16:45:31Z") == 2  # both replies are kept as evidence
    assert facts(items) == {
        "domain_age_days": ("pass", 2925),
        "expiry_days": ("pass", 361),
        "registrar": ("pass", "Example Registrar, LLC"),
        "client_hold": ("pass", False),
        "transfer_lock": ("pass", True),
        "dnssec": ("pass", True),
        "privacy_redacted": ("pass", True),  # only the registrar's reply holds registrant data
    }
    assert items["whois.transfer_lock"].reason == ("transfer lock set (status: clientDeleteProhibited, "
                                                   "clientTransferProhibited, clientUpdateProhibited)")


def test_iana_refers_to_the_registry_and_referrals_stop_after_two(rdap: RdapServer) -> None:
    with WhoisServer() as iana, WhoisServer() as registry, WhoisServer() as registrar, WhoisServer() as further:
        iana.replies["northwindmail.net"] = fixture("iana-com.txt", registry_whois=registry.hostport).encode()
        registry.replies["northwindmail.net"] = fixture("verisign-thin.txt", domain_upper="NORTHWINDMAIL.NET",
                                                        registrar_whois=registrar.hostport).encode()
        registrar.replies["northwindmail.net"] = fixture("registrar-full.txt", domain="northwindmail.net",
                                                         registrar_whois=further.hostport).encode()
        items = run("northwindmail.net", settings_for(iana, rdap))

        assert [iana.queries, registry.queries, registrar.queries, further.queries] == [
            ["northwindmail.net"], ["northwindmail.net"], ["northwindmail.net"], []]
    assert MAX_REFERRALS == 2
    registrar_fact = items["whois.registrar"]
    assert registrar_fact.status == "pass"
    assert f"referral to 127.0.0.1:{further.port} not followed: at most 2 referrals" in registrar_fact.reason
    # IANA's answer describes .com, not the domain: its "created: 1985-01-01" must not become the domain's age
    assert facts(items)["domain_age_days"] == ("pass", 2925)
    assert facts(items)["client_hold"] == ("pass", False)


def test_iana_record_of_the_tld_is_never_read_as_the_domain(rdap: RdapServer, whois: WhoisServer) -> None:
    whois.replies["northwindmail.net"] = fixture("iana-com.txt", registry_whois="").encode()  # no referral

    items = run("northwindmail.net", settings_for(whois, rdap))

    for item in items.values():
        assert item.status == "unknown"  # not "created 1985", not "status: ACTIVE"
        assert f"WHOIS {whois.hostport}: no registry answered for northwindmail.net" in item.reason


@pytest.mark.parametrize("target, allowed, refusal", [
    ("10.0.0.1", ("127.0.0.0/8",), "10.0.0.1 is not a public address (private)"),
    ("127.0.0.2:4343", ("127.0.0.1/32",), "127.0.0.2 is not a public address (loopback)"),
])
def test_referral_to_a_non_allowed_address_is_refused(rdap: RdapServer, whois: WhoisServer, target: str,
                                                      allowed: tuple[str, ...], refusal: str) -> None:
    whois.replies["northwindmail.net"] = fixture("verisign-thin.txt", domain_upper="NORTHWINDMAIL.NET",
                                                 registrar_whois=target).encode()

    items = run("northwindmail.net", settings_for(whois, rdap, allow_networks=allowed))

    host, _, port = target.partition(":")
    for item in items.values():
        assert f"referral to {host}:{port or 43} not followed: {refusal}" in item.reason
    # the registry's own reply still counts
    assert facts(items)["expiry_days"] == ("pass", 361)
    assert facts(items)["privacy_redacted"] == ("unknown", None)


@pytest.mark.parametrize("domain, name, expected", [
    ("northwindmail.de", "denic.txt", {
        "domain_age_days": ("unknown", None),  # DENIC publishes neither creation nor expiry
        "expiry_days": ("unknown", None),
        "registrar": ("unknown", None),
        "client_hold": ("pass", False),  # Status: connect
        "transfer_lock": ("unknown", None),  # no EPP status codes in .de WHOIS
        "dnssec": ("pass", True),  # a Dnskey line
        "privacy_redacted": ("pass", True),  # "doesn't disclose any information concerning the domain holder"
    }),
    ("northwindmail.co.uk", "nominet.txt", {
        "domain_age_days": ("pass", days_since(2015, 2, 3)),
        "expiry_days": ("pass", days_until(2027, 2, 3)),
        "registrar": ("pass", "Example Registrar Ltd t/a Example Domains"),
        "client_hold": ("pass", False),
        "transfer_lock": ("unknown", None),
        "dnssec": ("unknown", None),
        "privacy_redacted": ("unknown", None),
    }),
    ("northwind-analytics.org", "pir.txt", {
        "domain_age_days": ("pass", days_since(2021, 3, 2, 11, 22, 33)),
        "expiry_days": ("pass", days_until(2027, 3, 2, 11, 22, 33)),
        "registrar": ("pass", "Example Registrar, LLC"),
        "client_hold": ("pass", False),
        "transfer_lock": ("pass", True),
        "dnssec": ("fail", False),
        "privacy_redacted": ("pass", True),
    }),
])
def test_registry_formats(whois: WhoisServer, domain: str, name: str, expected: dict[str, tuple[str, Any]]) -> None:
    whois.replies[domain] = fixture(name).encode()
    with RdapServer() as rdap:  # knows no domain: every lookup falls back to WHOIS
        items = run(domain, settings_for(whois, rdap))

    assert facts(items) == expected
    assert items["whois.dnssec"].raw.startswith(f"% {whois.hostport} (127.0.0.1)\n")


def test_nominet_dates_are_read_from_the_multi_line_blocks() -> None:
    record = parse_whois("northwindmail.co.uk", fixture("nominet.txt"), NOW)

    assert record.created == dt.datetime(2015, 2, 3, tzinfo=UTC)
    assert record.expires == dt.datetime(2027, 2, 3, tzinfo=UTC)
    assert record.statuses == ("Registered until expiry date.",)


def test_dates_given_as_lists_take_the_domains_first_creation_line_and_the_next_expiry(rdap: RdapServer,
                                                                                      whois: WhoisServer) -> None:
    text = fixture("registrar-listed-dates.txt", registrar_whois=whois.hostport)
    from whois.parser import WhoisEntry

    entry = WhoisEntry.load("quirkydates.com", text)
    assert isinstance(entry["creation_date"], list) and isinstance(entry["expiration_date"], list)  # the quirk
    whois.replies["quirkydates.com"] = text.encode()

    items = run("quirkydates.com", settings_for(whois, rdap))

    # the registry's own creation line, not the registrar block's 2020 below it
    assert facts(items)["domain_age_days"] == ("pass", days_since(2019, 3, 14, 8, 30))
    # 2026-03-14 is past: the registry's 2027-03-14 is the expiry that counts
    assert facts(items)["expiry_days"] == ("pass", days_until(2027, 3, 14, 8, 30))
    assert facts(items)["transfer_lock"] == ("fail", False)  # "ok": EPP codes, but no lock
    assert facts(items)["privacy_redacted"] == ("pass", False)
    assert whois.queries == ["quirkydates.com"]  # the registrar names itself: not asked twice


def test_an_expired_registration_fails_with_the_days_since(rdap: RdapServer, whois: WhoisServer) -> None:
    whois.replies["lapsed.com"] = (b"   Domain Name: LAPSED.COM\r\n   Creation Date: 2010-01-01T00:00:00Z\r\n"
                                   b"   Registry Expiry Date: 2026-11-01T00:00:00Z\r\n"
                                   b"   Domain Status: redemptionPeriod https://icann.org/epp#redemptionPeriod\r\n")

    items = run("lapsed.com", settings_for(whois, rdap))

    assert facts(items)["expiry_days"] == ("fail", -23)  # 23 days and 9 hours ago
    assert items["whois.expiry_days"].reason == "expired on 2026-11-01, 23 days ago"
    assert facts(items)["transfer_lock"] == ("fail", False)
    assert facts(items)["registrar"] == ("unknown", None)
    assert items["whois.registrar"].reason == "the WHOIS record names no registrar"


@pytest.mark.parametrize("reply, reason", [
    (fixture("rate-limited.txt").encode(), "rate limited: 'WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS'"),
    (b"", "the reply was empty"),
    (b"\r\n\r\n", "the reply was empty"),
    (b"% Query rate exceeded: too many queries from your address, try again later\r\n",
     "rate limited: '% Query rate exceeded: too many queries from your address, try again later'"),
])
def test_rate_limited_and_empty_replies_are_unknown_never_bad(rdap: RdapServer, whois: WhoisServer, reply: bytes,
                                                              reason: str) -> None:
    whois.replies["quietvendor.org"] = reply

    items = run("quietvendor.org", settings_for(whois, rdap))

    for item in items.values():
        assert item.status == "unknown" and item.value is None
        assert reason in item.reason
        assert "RDAP" in item.reason and "HTTP 404" in item.reason


def test_python_whois_all_none_parse_is_unreadable() -> None:
    with pytest.raises(RegistrationUnreadable, match="rate limited"):
        parse_whois("northwind-analytics.org", fixture("rate-limited.txt"), NOW)
    with pytest.raises(RegistrationUnreadable, match=r"no record of northwind\.com"):
        parse_whois("northwind.com", 'No match for "NORTHWIND.COM".\r\n', NOW)


@pytest.mark.parametrize("behaviour, expected", [
    (silent, "no answer within"),
    (drip(0.05), "deadline ran out while the server was still sending"),
])
def test_silent_and_slow_drip_servers_end_as_unknown_within_the_deadline(rdap: RdapServer, whois: WhoisServer,
                                                                         behaviour: Reply, expected: str) -> None:
    whois.replies["northwindmail.net"] = behaviour
    settings = settings_for(whois, rdap, deadline=1.5)

    started = time.monotonic()
    items = run("northwindmail.net", settings)
    elapsed = time.monotonic() - started

    assert 1.3 < elapsed < 2.2
    for item in items.values():
        assert item.status == "unknown" and expected in item.reason
        assert f"WHOIS {whois.hostport}" in item.reason


def test_a_huge_reply_is_cut_at_max_bytes(rdap: RdapServer, whois: WhoisServer) -> None:
    head = fixture("pir.txt")
    whois.replies["quietvendor.org"] = huge(head, 20_000_000)
    settings = settings_for(whois, rdap, max_bytes=65_536)

    started = time.monotonic()
    items = run("quietvendor.org", settings)

    assert time.monotonic() - started < 5
    expiry = items["whois.expiry_days"]
    assert expiry.status == "pass"  # the record came before the filler
    assert f"{whois.hostport} sent more than 65536 bytes; the reply was cut there" in expiry.reason
    header = f"% {whois.hostport} (127.0.0.1)\n"
    assert len(expiry.raw.encode()) == len(header) + 65_536 + 1


def test_default_settings_refuse_loopback(rdap: RdapServer, whois: WhoisServer) -> None:
    whois.replies["northwindmail.com"] = fixture("registrar-full.txt", domain="northwindmail.com",
                                                 registrar_whois=whois.hostport).encode()
    settings = NetworkSettings(whois_server=whois.address, rdap_base=rdap.base(), deadline=5.0)

    items = run("northwindmail.com", settings)

    assert rdap.requests == [] and whois.queries == []
    for item in items.values():
        assert item.status == "unknown"
        assert item.reason.count("127.0.0.1 is not a public address (loopback)") == 2  # RDAP, then WHOIS


def test_refused_connection_is_unknown(rdap: RdapServer) -> None:
    with WhoisServer() as closed:
        address = closed.address
    items = run("quietvendor.org", settings_for(None, rdap, whois_server=address))
    assert all(item.status == "unknown" and "could not connect (connection refused)" in item.reason
               for item in items.values())


# ------------------------------------------------------------------------------------------ edges


def test_bootstrap_snapshot_is_well_formed_and_matches_the_longest_suffix() -> None:
    snapshot = json.loads((Path(registration.__file__).parent / "rdap-bootstrap.json").read_text(encoding="utf-8"))
    assert snapshot["version"] == "1.0" and "data.iana.org/rdap/dns.json" in snapshot["description"]
    for suffixes, urls in snapshot["services"]:
        assert suffixes and all(isinstance(suffix, str) and suffix == suffix.lower() for suffix in suffixes)
        assert urls and all(url.startswith("https://") and url.endswith("/") for url in urls)
    assert rdap_base_for("northwindmail.com") == "https://rdap.verisign.com/com/v1/"
    assert rdap_base_for("northwindmail.co.uk") == "https://rdap.nominet.uk/uk/"
    assert rdap_base_for("northwind.dev") == "https://pubapi.registry.google/rdap/"
    assert rdap_base_for("northwindmail.de") is None


def test_offline_and_invalid_domains_never_connect(rdap: RdapServer, whois: WhoisServer) -> None:
    offline = run("northwindmail.com", settings_for(whois, rdap, offline=True))
    assert all(item.status == "unknown" and item.reason.startswith("offline") for item in offline.values())

    invalid = run("https://northwindmail.com:8443/x", settings_for(whois, rdap))
    assert all(item.status == "unknown" and "not a bare domain name" in item.reason for item in invalid.values())
    assert rdap.requests == [] and whois.queries == []


def test_every_check_is_described() -> None:
    assert set(CHECKS) == {"whois.domain_age_days", "whois.expiry_days", "whois.registrar", "whois.client_hold",
                           "whois.transfer_lock", "whois.dnssec", "whois.privacy_redacted"}
    assert all(description.endswith(".") for description in CHECKS.values())


# ------------------------------------------------------------------------------------------ registered domains


def test_rdap_is_asked_about_the_registered_domain_of_a_host(rdap: RdapServer, whois: WhoisServer) -> None:
    items = run("app.NorthwindMail.com", settings_for(whois, rdap))

    assert rdap.requests == [("/domain/northwindmail.com", f"127.0.0.1:{rdap.port}")]
    assert facts(items)["domain_age_days"] == ("pass", days_since(2018, 11, 20, 16, 45, 31))
    assert items["whois.domain_age_days"].reason == ("registered on 2018-11-20, 2925 days ago "
                                                     "(northwindmail.com is the registered domain of "
                                                     "app.northwindmail.com)")


def test_whois_is_asked_about_the_registered_domain_under_a_two_label_suffix(whois: WhoisServer) -> None:
    whois.replies["northwindmail.co.uk"] = fixture("nominet.txt").encode()
    with RdapServer() as rdap:  # knows no domain: WHOIS answers
        items = run("shop.eu.northwindmail.co.uk", settings_for(whois, rdap))

    assert [path for path, _ in rdap.requests] == ["/domain/northwindmail.co.uk"]
    assert whois.queries == ["northwindmail.co.uk"]
    assert facts(items)["domain_age_days"] == ("pass", days_since(2015, 2, 3))
    assert items["whois.registrar"].query.startswith("WHOIS northwindmail.co.uk via ")
    assert "northwindmail.co.uk is the registered domain of shop.eu.northwindmail.co.uk" in \
        items["whois.registrar"].reason


@pytest.mark.parametrize("domain, platform, held", [
    ("northwind.github.io", "github.io", "github.io"),
    ("eu.northwind.github.io", "github.io", "github.io"),
    ("northwind.s3.amazonaws.com", "s3.amazonaws.com", "amazonaws.com"),
])
def test_a_name_under_a_private_suffix_asks_no_registry(rdap: RdapServer, whois: WhoisServer, domain: str,
                                                        platform: str, held: str) -> None:
    """The registry holds only the platform's domain: its age would be read as the vendor's, so nothing is asked."""
    items = run(domain, settings_for(whois, rdap))

    assert rdap.requests == [] and whois.queries == []
    assert {item.status for item in items.values()} == {"unknown"}
    assert items["whois.domain_age_days"].reason == (
        f"no registry was asked: {domain} sits under {platform}, a suffix its operator hands out (Public Suffix "
        f"List, private section): the registry holds {held}, the operator's domain, not the vendor's")


def test_a_public_suffix_itself_asks_no_registry(rdap: RdapServer, whois: WhoisServer) -> None:
    items = run("co.uk", settings_for(whois, rdap))

    assert rdap.requests == [] and whois.queries == []
    assert items["whois.registrar"].reason == ("no registry was asked: co.uk is a public suffix (Public Suffix "
                                               "List): no one registers it")
