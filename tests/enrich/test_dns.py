"""DNS checks against a real DNS server on 127.0.0.1: good and poor configurations, and broken servers."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from riskengine.enrich.dns_checks import CHECKS, DKIM_SELECTORS, check_dns
from riskengine.enrich.evidence import Evidence
from riskengine.enrich.guard import AddressGuard, Deadline
from riskengine.enrich.settings import NetworkSettings
from tests.conftest import NOW
from tests.enrich.dns_server import NEGATIVE_TTL, DnsServer, Mode

DNSKEY = "257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="
LONG_KEY = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + "x" * 340 + "IDAQAB"

ZONE: dict[tuple[str, str], list[str]] = {
    # A well-configured vendor. SPF lookups: include, mx, a (3); _spf: include, exists (5);
    # _spf2: a, redirect (7); _spf3: ptr (8). ip4/ip6/all cost nothing.
    ("good.test.", "TXT"): ["v=spf1 include:_spf.good.test mx a ip4:192.0.2.0/24 -all", "google-site-verification=x"],
    ("_spf.good.test.", "TXT"): ["v=spf1 include:_spf2.good.test exists:%{i}._ip.good.test ip6:2001:db8::/32 ~all"],
    ("_spf2.good.test.", "TXT"): ["v=spf1 a:mail.good.test redirect=_spf3.good.test"],
    ("_spf3.good.test.", "TXT"): ["v=spf1 ptr ?all"],
    ("_dmarc.good.test.", "TXT"): ["v=DMARC1; p=reject; rua=mailto:dmarc@good.test"],
    ("_smtp._tls.good.test.", "TXT"): ["v=TLSRPTv1; rua=mailto:tls-reports@good.test"],
    ("good.test.", "MX"): ["10 mx1.good.test.", "20 mx2.good.test.", "5 mx0.good.test."],
    ("good.test.", "DNSKEY"): [DNSKEY],
    ("good.test.", "CAA"): ['0 issue "letsencrypt.org"', '0 issue "digicert.com; cansignhttpexchanges=yes"',
                           '0 issuewild ";"', '0 iodef "mailto:security@good.test"'],
    ("selector1._domainkey.good.test.", "CNAME"): ["selector1-good._domainkey.esp.test."],
    ("selector1-good._domainkey.esp.test.", "TXT"): [f"v=DKIM1; k=rsa; p={LONG_KEY}"],
    ("google._domainkey.good.test.", "TXT"): ["k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"],
    ("k1._domainkey.good.test.", "TXT"): ["v=DKIM1; p="],  # revoked: not a key
    # Anyone may send; DMARC only reports; no MX, CAA, DNSKEY (the name exists: NODATA).
    ("plus.test.", "TXT"): ["v=spf1 +all"],
    ("_dmarc.plus.test.", "TXT"): ["v=DMARC1; p=none; rua=mailto:d@plus.test"],
    ("plus.test.", "A"): ["192.0.2.1"],
    # Two SPF records, no DMARC record at all (NXDOMAIN), CAA without an issuer.
    ("double.test.", "TXT"): ["v=spf1 -all", "v=spf1 include:_spf.good.test ~all"],
    ("double.test.", "CAA"): ['0 iodef "mailto:security@double.test"'],
    # Too many lookups through includes: i1 a mx (3) i2 a mx (6) i3 a mx (9) i4 a (11) -> stop. Each name has
    # an address and an MX, so no lookup is void (more than two void lookups would stop it first).
    ("many.test.", "TXT"): ["v=spf1 " + " ".join(f"include:i{n}.many.test" for n in range(1, 7)) + " -all"],
    **{(f"i{n}.many.test.", "TXT"): ["v=spf1 a mx ~all"] for n in range(1, 7)},
    **{(f"i{n}.many.test.", "A"): ["192.0.2.10"] for n in range(1, 7)},
    **{(f"i{n}.many.test.", "MX"): ["10 mx.many.test."] for n in range(1, 7)},
    ("loop.test.", "TXT"): ["v=spf1 include:loop.test -all"],
    ("broken.test.", "TXT"): ["v=spf1 include:missing.test -all"],
    ("neutral.test.", "TXT"): ["v=spf1 mx"],
    ("_dmarc.neutral.test.", "TXT"): ["v=DMARC1; p=quarantine", "v=DMARC1; p=reject"],
    ("neutral.test.", "MX"): ["0 ."],
    ("redirect.test.", "TXT"): ["v=spf1 redirect=_spf.good.test"],
    ("_dmarc.redirect.test.", "TXT"): ["v=DMARC1; p=quarantine"],
    ("query.test.", "TXT"): ["v=spf1 ?all"],
}
TTLS = {("_dmarc.good.test.", "TXT"): 3600, ("_spf3.good.test.", "TXT"): 120}


@pytest.fixture
def server() -> Iterator[DnsServer]:
    with DnsServer(ZONE, ttls=TTLS) as running:
        yield running


def settings_for(server: DnsServer, **options: object) -> NetworkSettings:
    return NetworkSettings(allow_networks=("127.0.0.0/8",), dns_server=server.address, **options)


def run(domain: str, settings: NetworkSettings, *, sends_email: bool = True) -> dict[str, Evidence]:
    evidence = check_dns(domain, AddressGuard(settings), Deadline(settings.deadline), NOW, sends_email=sends_email)
    assert [item.check for item in evidence] == list(CHECKS)
    assert all(item.kind == "dns" and item.fetched_at == NOW for item in evidence)
    return {item.check: item for item in evidence}


def statuses(evidence: dict[str, Evidence]) -> dict[str, str]:
    return {check: item.status for check, item in evidence.items()}


# --- a well-configured vendor ----------------------------------------------------------------------------------


def test_well_configured_domain_passes_every_check(server: DnsServer) -> None:
    found = run("good.test", settings_for(server))

    no_mta_sts = {"dns.mta_sts.mode": "fail", "dns.mta_sts.max_age": "fail"}  # served over HTTPS: test_mail_transport
    assert statuses(found) == dict.fromkeys(CHECKS, "pass") | no_mta_sts
    assert found["dns.spf"].value == ["v=spf1 include:_spf.good.test mx a ip4:192.0.2.0/24 -all"]
    assert found["dns.spf.result"].value == "fail"
    assert found["dns.spf.result"].reason.startswith("-all: mail from unlisted senders is refused (fail)")
    assert "exists:%{i}._ip.good.test depends on the sender" in found["dns.spf.result"].reason
    assert "ptr SHOULD NOT be used" in found["dns.spf.result"].reason
    assert found["dns.spf.permerror"].value is False
    assert found["dns.spf_lookups"].value == 8
    assert "(limit 10; 2 void)" in found["dns.spf_lookups"].reason  # a:mail.good.test and a at good.test
    assert found["dns.dmarc.policy"].value == "reject"
    assert found["dns.dmarc.p"].value == "reject" and found["dns.dmarc.sp"].value == "reject"
    assert found["dns.dmarc.pct"].value == 100 and found["dns.dmarc.org_fallback"].value is False
    assert found["dns.dmarc.rua"].value == ["mailto:dmarc@good.test"]
    assert found["dns.tlsrpt"].value == ["mailto:tls-reports@good.test"]
    assert found["dns.mx"].value == ["mx0.good.test", "mx1.good.test", "mx2.good.test"]
    assert found["dns.dnssec"].value is True
    assert found["dns.caa"].value == ["digicert.com", "letsencrypt.org"]
    assert found["dns.dkim_selectors"].value == ["selector1", "google"]  # through a CNAME; k1 is revoked


def test_evidence_keeps_the_answer_text_ttl_and_server(server: DnsServer) -> None:
    found = run("good.test", settings_for(server))

    dmarc = found["dns.dmarc.policy"]
    assert dmarc.ttl == 3600
    assert dmarc.query == "_dmarc.good.test. TXT"
    assert dmarc.address == "127.0.0.1"
    assert dmarc.tool.startswith("riskengine-dns/1 dnspython/")
    assert dmarc.raw.startswith(";; _dmarc.good.test. TXT -> NOERROR; ttl=3600; ad=0\n")
    assert '_dmarc.good.test. 3600 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@good.test"' in dmarc.raw
    assert len(dmarc.raw_sha256) == 64
    # The lookup count rests on every answer the walk read; the smallest TTL among them is the record's.
    lookups = found["dns.spf_lookups"]
    assert lookups.ttl == NEGATIVE_TTL  # the void lookups' negative TTL is the smallest
    assert [line.split(" -> ")[0] for line in lookups.raw.splitlines() if line.startswith(";;")] == [
        ";; good.test. TXT", ";; _spf.good.test. TXT", ";; _spf2.good.test. TXT", ";; mail.good.test. A",
        ";; mail.good.test. AAAA", ";; _spf3.good.test. TXT", ";; good.test. MX", ";; good.test. A",
        ";; good.test. AAAA"]
    # NXDOMAIN at the missing selectors brings the SOA's negative TTL.
    assert found["dns.dkim_selectors"].ttl == NEGATIVE_TTL
    assert "selector1._domainkey.good.test. 300 IN CNAME selector1-good._domainkey.esp.test." in (
        found["dns.dkim_selectors"].raw)


def test_each_question_is_asked_once_and_the_total_is_bounded(server: DnsServer) -> None:
    run("good.test", settings_for(server))

    asked = [(name, record_type) for name, record_type, _ in server.asked()]
    assert len(asked) == len(set(asked))
    # SPF: 4 TXT, A and AAAA of mail.good.test, MX, A and AAAA of good.test; DMARC, DNSKEY, CAA (MX was asked
    # already); the selectors; _mta-sts and _smtp._tls.
    assert len(asked) == 9 + 3 + len(DKIM_SELECTORS) + 2
    assert all(transport == "udp" for _, _, transport in server.asked())


# --- poorly configured vendors ---------------------------------------------------------------------------------


def test_plus_all_and_report_only_dmarc_fail_with_reasons(server: DnsServer) -> None:
    found = run("plus.test", settings_for(server))

    assert found["dns.spf"].status == "pass"
    assert (found["dns.spf.result"].status, found["dns.spf.result"].value) == ("fail", "pass")
    assert "anyone may send as this domain" in found["dns.spf.result"].reason
    assert (found["dns.spf_lookups"].status, found["dns.spf_lookups"].value) == ("pass", 0)
    assert (found["dns.dmarc.policy"].status, found["dns.dmarc.policy"].value) == ("fail", "none")
    assert "p=none" in found["dns.dmarc.policy"].reason and "still delivered" in found["dns.dmarc.policy"].reason
    assert (found["dns.mx"].status, found["dns.mx"].value) == ("fail", [])
    assert (found["dns.dnssec"].status, found["dns.dnssec"].value) == ("fail", False)
    assert "not signed" in found["dns.dnssec"].reason
    assert (found["dns.caa"].status, found["dns.caa"].value) == ("fail", [])
    assert "no CAA records" in found["dns.caa"].reason
    assert (found["dns.dkim_selectors"].status, found["dns.dkim_selectors"].value) == ("fail", [])
    assert found["dns.caa"].ttl == NEGATIVE_TTL


def test_two_spf_records_and_missing_dmarc_fail(server: DnsServer) -> None:
    found = run("double.test", settings_for(server))

    assert found["dns.spf"].status == "fail"
    assert "multiple SPF records" in found["dns.spf"].reason
    assert len(found["dns.spf"].value) == 2
    assert found["dns.spf.result"].value == "permerror"
    assert found["dns.spf.permerror"].value is True
    assert found["dns.spf.result"].status == found["dns.spf_lookups"].status == "fail"
    assert found["dns.dmarc.policy"].status == "fail"
    assert found["dns.dmarc.policy"].value is None
    assert "no DMARC record at _dmarc.double.test" in found["dns.dmarc.policy"].reason
    assert "does not exist" in found["dns.dmarc.policy"].reason
    assert found["dns.caa"].status == "fail"
    assert "name no issuer" in found["dns.caa"].reason


def test_more_than_ten_lookups_through_includes_fail_and_stop_counting(server: DnsServer) -> None:
    found = run("many.test", settings_for(server))

    lookups = found["dns.spf_lookups"]
    assert (lookups.status, lookups.value) == ("fail", 11)
    assert "more than 10 DNS lookups" in lookups.reason
    assert "RFC 7208" in lookups.reason
    fetched = [name for name, record_type, _ in server.asked(record_type="TXT") if name.startswith("i")]
    assert fetched == ["i1.many.test.", "i2.many.test.", "i3.many.test.", "i4.many.test."]
    # a permanent error earns nothing, whatever the record ends with
    assert (found["dns.spf.result"].status, found["dns.spf.result"].value) == ("fail", "permerror")
    assert "(a at i4.many.test is the 11th)" in found["dns.spf.result"].reason


def test_an_include_loop_ends_at_the_limit(server: DnsServer) -> None:
    found = run("loop.test", settings_for(server))

    assert (found["dns.spf_lookups"].status, found["dns.spf_lookups"].value) == ("fail", 11)
    assert len(server.asked("loop.test.", "TXT")) == 1


def test_an_include_without_spf_is_a_permanent_error(server: DnsServer) -> None:
    found = run("broken.test", settings_for(server))

    assert found["dns.spf_lookups"].status == "fail"
    assert "include:missing.test leads to no SPF record (permerror, RFC 7208 §5.2)" in found["dns.spf_lookups"].reason
    assert found["dns.spf.permerror"].value is True


def test_all_qualifier_through_redirect_and_when_absent(server: DnsServer) -> None:
    redirected = run("redirect.test", settings_for(server))
    assert (redirected["dns.spf.result"].status, redirected["dns.spf.result"].value) == ("pass", "softfail")
    assert "~all (at _spf.good.test)" in redirected["dns.spf.result"].reason
    # redirect (1) + _spf: include, exists (3) + _spf2: a, redirect (5) + _spf3: ptr (6)
    assert redirected["dns.spf_lookups"].value == 6
    assert redirected["dns.dmarc.policy"].value == "quarantine"

    neutral = run("neutral.test", settings_for(server))
    assert (neutral["dns.spf.result"].status, neutral["dns.spf.result"].value) == ("fail", "neutral")
    assert "no mechanism matches an unlisted sender and there is no redirect" in neutral["dns.spf.result"].reason
    assert neutral["dns.dmarc.policy"].status == "fail"
    assert "multiple DMARC records" in neutral["dns.dmarc.policy"].reason
    assert neutral["dns.mx"].status == "fail"
    assert "null MX" in neutral["dns.mx"].reason

    query = run("query.test", settings_for(server))
    assert (query["dns.spf.result"].status, query["dns.spf.result"].value) == ("fail", "neutral")


def test_a_domain_that_does_not_exist_fails_rather_than_unknown(server: DnsServer) -> None:
    found = run("absent.test", settings_for(server))

    # no record is no permanent error, and where no DMARC record came from is informational
    assert statuses(found) == dict.fromkeys(CHECKS, "fail") | {"dns.dmarc.org_fallback": "pass",
                                                              "dns.spf.permerror": "pass"}
    assert "absent.test. does not exist" in found["dns.spf"].reason
    assert ";; absent.test. TXT -> NXDOMAIN; ttl=60; ad=0" in found["dns.spf"].raw


def test_an_authenticated_answer_counts_as_signed() -> None:
    with DnsServer({("plus.test.", "TXT"): ["v=spf1 -all"]}, authenticated=True) as running:
        found = run("plus.test", settings_for(running))

    assert (found["dns.dnssec"].status, found["dns.dnssec"].value) == ("pass", True)
    assert "AD flag" in found["dns.dnssec"].reason


def test_not_an_email_sending_tool_skips_dkim(server: DnsServer) -> None:
    found = run("good.test", settings_for(server), sends_email=False)

    for check in ("dns.dkim_selectors", "dns.mta_sts.mode", "dns.mta_sts.max_age", "dns.tlsrpt"):
        skipped = found[check]
        assert (skipped.status, skipped.reason, skipped.value) == ("unknown", "not an email-sending tool", None)
    assert not [name for name, _, _ in server.asked() if "_domainkey" in name or name.startswith(("_mta-sts", "_smtp"))]
    assert found["dns.mx"].status == "pass"


# --- broken servers and refused addresses ----------------------------------------------------------------------


def test_a_silent_server_gives_unknown_within_the_deadline() -> None:
    deadline = 1.5
    with DnsServer(ZONE, mode="silent") as running:
        started = time.monotonic()
        found = run("good.test", settings_for(running, deadline=deadline))
        elapsed = time.monotonic() - started

    assert elapsed <= deadline + 1
    assert statuses(found) == dict.fromkeys(CHECKS, "unknown")
    assert "no answer from the DNS server" in found["dns.spf"].reason
    assert "deadline" in found["dns.caa"].reason
    assert all(item.ttl is None and item.value is None for item in found.values())


@pytest.mark.parametrize(("mode", "expected"), [("servfail", "answered SERVFAIL"), ("refused", "answered REFUSED")])
def test_a_failing_server_gives_unknown_with_its_rcode(mode: Mode, expected: str) -> None:
    with DnsServer(ZONE, mode=mode) as running:
        found = run("good.test", settings_for(running))

    assert statuses(found) == dict.fromkeys(CHECKS, "unknown")
    assert all(expected in item.reason for item in found.values())


def test_garbage_answers_give_unknown_within_the_deadline() -> None:
    with DnsServer(ZONE, mode="garbage") as running:
        started = time.monotonic()
        found = run("good.test", settings_for(running, deadline=1.0))
        elapsed = time.monotonic() - started

    assert elapsed <= 2.0
    assert statuses(found) == dict.fromkeys(CHECKS, "unknown")
    assert running.asked()


def test_garbage_over_tcp_gives_unknown_with_the_reason() -> None:
    with DnsServer(ZONE, mode="truncate-garbage") as running:
        found = run("good.test", settings_for(running, deadline=5.0))

    assert statuses(found) == dict.fromkeys(CHECKS, "unknown")
    assert "answer was unusable" in found["dns.mx"].reason


def test_a_truncated_answer_is_retried_over_tcp() -> None:
    with DnsServer(ZONE, mode="truncate", ttls=TTLS) as running:
        found = run("good.test", settings_for(running))
        transports = {transport for _, _, transport in running.asked()}

    assert statuses(found) == dict.fromkeys(CHECKS, "pass") | {"dns.mta_sts.mode": "fail",
                                                              "dns.mta_sts.max_age": "fail"}
    assert found["dns.spf_lookups"].value == 8
    assert transports == {"udp", "tcp"}


def test_a_dns_server_on_a_non_public_address_is_refused(server: DnsServer) -> None:
    found = run("good.test", NetworkSettings(dns_server=server.address))

    assert statuses(found) == dict.fromkeys(CHECKS, "unknown")
    assert all("not a public address" in item.reason for item in found.values())
    assert server.asked() == []


def test_a_dns_server_named_by_host_is_guarded_too(server: DnsServer) -> None:
    found = run("good.test", NetworkSettings(dns_server=("localhost", server.port)))

    assert statuses(found) == dict.fromkeys(CHECKS, "unknown")
    assert "may not be used" in found["dns.spf"].reason
    assert server.asked() == []


def test_offline_and_invalid_domains_make_no_query(server: DnsServer) -> None:
    offline = run("good.test", settings_for(server, offline=True))
    assert statuses(offline) == dict.fromkeys(CHECKS, "unknown")
    assert "offline" in offline["dns.spf"].reason

    invalid = run("https://good.test/", settings_for(server))
    assert statuses(invalid) == dict.fromkeys(CHECKS, "unknown")
    assert "not a bare domain name" in invalid["dns.mx"].reason
    assert server.asked() == []
