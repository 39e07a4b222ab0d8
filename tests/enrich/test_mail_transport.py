"""MTA-STS (RFC 8461) and TLS-RPT (RFC 8460): TXT records from a DNS server and policy files from an HTTPS server,
both on 127.0.0.1, fetched through the guarded transport of the web checks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import trustme

from riskengine.enrich.dns_checks import check_dns
from riskengine.enrich.evidence import Evidence
from riskengine.enrich.guard import AddressGuard, Deadline
from riskengine.enrich.mail_transport import parse_policy, parse_sts_record, parse_tlsrpt_record
from riskengine.enrich.settings import NetworkSettings
from tests.conftest import NOW
from tests.enrich.dns_server import DnsServer
from tests.enrich.https_server import Reply, Site

POLICY = b"version: STSv1\r\nmode: enforce\r\nmx: mx1.{d}\r\nmx: *.mail.{d}\r\nmax_age: 1209600\r\n"
TEXT = [("Content-Type", "text/plain; charset=utf-8")]
DOMAINS = ("enforce", "testing", "short-age", "no-txt", "not-found", "redirect", "html", "no-mx", "two-txt",
           "bad-id", "extension", "wrong-cert", "refused", "none-mode")
PATH = "/.well-known/mta-sts.txt"


def policy(domain: str, text: bytes = POLICY) -> bytes:
    return text.replace(b"{d}", domain.encode())


def zone() -> dict[tuple[str, str], list[str]]:
    records: dict[tuple[str, str], list[str]] = {}
    for name in DOMAINS:
        domain = f"{name}.test"
        if name != "no-txt":
            records[(f"_mta-sts.{domain}.", "TXT")] = ["v=STSv1; id=20261101T000000"]
    records[("_mta-sts.two-txt.test.", "TXT")].append("v=STSv1; id=second")
    records[("_mta-sts.bad-id.test.", "TXT")] = ["v=STSv1; id=" + "x" * 33]
    records[("_mta-sts.extension.test.", "TXT")] = ["v=STSv1 ;id=abc123; ext_field=yes;"]
    records[("_smtp._tls.enforce.test.", "TXT")] = ["v=TLSRPTv1; rua=mailto:tlsrpt@enforce.test,https://r.test/tls"]
    records[("_smtp._tls.testing.test.", "TXT")] = ["v=TLSRPTv1; rua=tlsrpt@testing.test"]
    records[("_smtp._tls.short-age.test.", "TXT")] = ["v=TLSRPTv1;", "v=TLSRPTv10; rua=mailto:a@short-age.test"]
    records[("_smtp._tls.html.test.", "TXT")] = ["v=TLSRPTv1; rua=mailto:a@html.test",
                                                 "v=TLSRPTv1; rua=mailto:b@h.test"]
    return records


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NetworkSettings]:
    authority = trustme.CA()
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    names = [f"mta-sts.{name}.test" for name in DOMAINS if name != "wrong-cert"] + ["www.wrong-cert.test"]
    with Site(authority.issue_cert(*names)) as site, DnsServer(zone()) as dns_server:
        for name in DOMAINS:
            host = f"mta-sts.{name}.test"
            site.https_routes[host + PATH] = Reply(200, TEXT, policy(f"{name}.test"))
        site.https_routes["mta-sts.testing.test" + PATH] = Reply(200, TEXT, policy(
            "testing.test", POLICY.replace(b"enforce", b"testing")))
        site.https_routes["mta-sts.none-mode.test" + PATH] = Reply(200, TEXT, policy(
            "none-mode.test", POLICY.replace(b"enforce", b"none")))
        site.https_routes["mta-sts.short-age.test" + PATH] = Reply(200, TEXT, policy(
            "short-age.test", POLICY.replace(b"1209600", b"86400")))
        site.https_routes["mta-sts.not-found.test" + PATH] = Reply(404, TEXT, b"no")
        site.https_routes["mta-sts.redirect.test" + PATH] = Reply(301, [("Location", f"https://mta-sts.enforce.test:"
                                                                                    f"{site.https_port}{PATH}")])
        site.https_routes["mta-sts.html.test" + PATH] = Reply(200, [("Content-Type", "text/html")], policy("html.test"))
        site.https_routes["mta-sts.no-mx.test" + PATH] = Reply(200, TEXT, b"version: STSv1\nmode: enforce\n"
                                                                         b"max_age: 1209600\n")
        site.https_routes["mta-sts.extension.test" + PATH] = Reply(200, TEXT, policy(
            "extension.test", POLICY + b"future_field: 1\nmode: testing\n"))
        resolve = {f"mta-sts.{name}.test": "127.0.0.1" for name in DOMAINS}
        resolve["mta-sts.refused.test"] = "127.0.0.2"  # nothing listens there
        yield NetworkSettings(allow_networks=("127.0.0.0/8",), dns_server=dns_server.address, resolve=resolve,
                              https_port=site.https_port, ca_bundle=str(bundle), deadline=10.0, connect_timeout=2.0,
                              read_timeout=2.0)


def run(settings: NetworkSettings, name: str) -> dict[str, Evidence]:
    found = check_dns(f"{name}.test", AddressGuard(settings), Deadline(settings.deadline), NOW, sends_email=True)
    return {item.check: item for item in found}


@pytest.mark.parametrize(("name", "mode", "status", "reason"), [
    ("enforce", "enforce", "pass", "mode: enforce: senders must deliver over TLS"),
    ("extension", "enforce", "pass", "mode: enforce"),  # unknown fields ignored, a repeated mode keeps the first
    ("testing", "testing", "fail", "only report failures and deliver anyway"),
    ("none-mode", "none", "fail", "the policy is withdrawn"),
    ("no-txt", None, "fail", "no MTA-STS record at _mta-sts.no-txt.test"),
    ("two-txt", None, "fail", "2 MTA-STS records at _mta-sts.two-txt.test: senders assume none (RFC 8461 §3.1)"),
    ("bad-id", None, "fail", "is not 1 to 32 letters or digits"),
    ("not-found", None, "fail", "answered HTTP 404"),
    ("redirect", None, "fail", "redirects are not followed (RFC 8461 §3.3)"),
    ("html", None, "fail", "not text/plain (RFC 8461 §3.3)"),
    ("no-mx", None, "fail", "no mx line"),
    ("wrong-cert", None, "fail", "certificate"),
    ("refused", None, "unknown", "connection refused"),
])
def test_mta_sts_policy(servers: NetworkSettings, name: str, mode: str | None, status: str, reason: str) -> None:
    found = run(servers, name)
    record = found["dns.mta_sts.mode"]
    assert (record.status, record.value) == (status, mode), record.reason
    assert reason in record.reason
    assert found["dns.mta_sts.max_age"].status in (("pass", "fail") if mode else (status,))
    if mode is not None:
        assert f"GET https://mta-sts.{name}.test:" in record.query
        assert "version: STSv1" in record.raw and record.address == "127.0.0.1"


def test_mta_sts_max_age_under_a_week_fails(servers: NetworkSettings) -> None:
    good, short = run(servers, "enforce")["dns.mta_sts.max_age"], run(servers, "short-age")["dns.mta_sts.max_age"]
    assert (good.status, good.value) == ("pass", 1_209_600)
    assert (short.status, short.value) == ("fail", 86_400)
    assert "under a week" in short.reason


@pytest.mark.parametrize(("name", "status", "value", "reason"), [
    ("enforce", "pass", ["mailto:tlsrpt@enforce.test", "https://r.test/tls"], "reported to mailto:tlsrpt@enforce.test"),
    ("testing", "fail", None, "is not a mailto: or https: URI"),
    ("short-age", "fail", None, "no rua= field"),
    ("html", "fail", None, "2 TLS-RPT records"),
    ("no-txt", "fail", None, "no TLS-RPT record at _smtp._tls.no-txt.test"),
])
def test_tls_reporting(servers: NetworkSettings, name: str, status: str, value: list[str] | None,
                       reason: str) -> None:
    record = run(servers, name)["dns.tlsrpt"]
    assert (record.status, record.value) == (status, value), record.reason
    assert reason in record.reason


def test_parsers_read_the_rfc_grammar() -> None:
    assert parse_sts_record("v=STSv1; id=abc").problems == ()
    assert parse_sts_record("v=STSv1; id=a-b").problems  # id is letters and digits only
    assert parse_sts_record("v=STSv1;").problems == ("no id= field (RFC 8461 §3.1: required)",)
    policy_text = "version: STSv1\nmode: enforce\nmx: mail.example.test\nmax_age: 31557601\n"
    assert "max_age '31557601' is not a number of seconds up to 31557600" in parse_policy(policy_text).problems
    assert "no mode line" in parse_policy("version: STSv1\nMode: enforce\nmx: a.test\nmax_age: 1\n").problems
    assert parse_tlsrpt_record("v=TLSRPTv1; rua=https://reports.test/tls").problems == ()
