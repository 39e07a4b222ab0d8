"""Replies too big or too slow to parse, and resolver traffic, against real servers on 127.0.0.1.

Every network reply is parsed under the vendor's deadline: a WHOIS server sending 50 MB of long lines, an
RDAP server sending a huge or hostile JSON, an HTTPS server sending a page HTMLParser is slow to read, each
ends as "unknown" evidence with the reason within the deadline plus a small margin. A ``--dns-server`` the
allow-list does not permit gets no packet at all, not even the web checks' name lookups.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from riskengine.enrich.guard import AddressGuard, AddressRefused, Deadline, DeadlineExceeded
from riskengine.enrich.registration import check_registration
from riskengine.enrich.replies import MAX_WHOIS_LINE_CHARS, MAX_WHOIS_TEXT_BYTES
from riskengine.enrich.settings import NetworkSettings
from riskengine.enrich.web import check_web
from riskengine.enrich.worker import parse_within
from tests.conftest import NOW, run_cli
from tests.enrich.dns_server import DnsServer
from tests.enrich.https_server import Reply, Site
from tests.enrich.whois_server import RdapAnswer, RdapServer, WhoisServer, fixture, long_lines

DOMAIN = "quietvendor.test"
"""``.test`` has no RDAP service in the bootstrap snapshot: registration goes straight to WHOIS."""
MARGIN = 3.0
"""Seconds past the deadline a command may take: the CLI's own start-up and the last socket closing."""


def online(tmp_path: Path) -> dict[str, str]:
    """The environment of a CLI run that may connect (to 127.0.0.1 only), with its own evidence store."""
    return {"RISKENGINE_OFFLINE": "0", "RISKENGINE_DB": str(tmp_path / "evidence.db")}


def evidence(stdout: str) -> dict[str, dict[str, Any]]:
    return {item["check"]: item for item in json.loads(stdout)["items"]}


@pytest.fixture(scope="module")
def ca_pem(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[trustme.CA, Path]]:
    ca = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    yield ca, path


# ------------------------------------------------------------------------------------------ WHOIS


def test_a_whois_server_sending_50_mb_of_long_lines_ends_within_the_deadline(tmp_path: Path) -> None:
    with WhoisServer({DOMAIN: long_lines(50_000_000, width=1_000)}) as whois, DnsServer({}) as dns_server:
        started = time.monotonic()
        result = run_cli("enrich", DOMAIN, "--whois-server", whois.hostport, "--dns-server",
                         f"127.0.0.1:{dns_server.port}", "--allow-network", "127.0.0.0/8", "--deadline", "5", "--json",
                         env=online(tmp_path))
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert elapsed < 5 + MARGIN, f"took {elapsed:.1f} s"  # before: 28-40 s in python-whois's expressions
    items = evidence(result.stdout)
    for check in ("whois.domain_age_days", "whois.expiry_days", "whois.registrar"):
        item = items[check]
        assert item["status"] == "unknown"
        assert "the reply holds no registration data" in item["reason"]
        assert f"{whois.hostport} sent more than 1000000 bytes; the reply was cut there" in item["reason"]
        assert f"{whois.hostport}: reply cut at {MAX_WHOIS_TEXT_BYTES:,} bytes for parsing" in item["reason"]
        assert f"lines cut at {MAX_WHOIS_LINE_CHARS} characters for parsing" in item["reason"]


def test_a_record_before_megabytes_of_one_long_line_is_still_read(tmp_path: Path) -> None:
    head = fixture("pir.txt").encode()
    with WhoisServer({"quietvendor.org": head + b"%" * 5_000_000}) as whois:
        settings = NetworkSettings(allow_networks=("127.0.0.0/8",), whois_server=whois.address,
                                   rdap_base="http://127.0.0.1:9/", deadline=5.0, connect_timeout=1.0)
        started = time.monotonic()
        items = {item.check: item for item in check_registration("quietvendor.org", AddressGuard(settings),
                                                                 Deadline(settings.deadline), NOW)}
        elapsed = time.monotonic() - started
    assert elapsed < 5 + 1
    assert items["whois.registrar"].status == "pass"
    reason = items["whois.registrar"].reason
    assert f"reply cut at {MAX_WHOIS_TEXT_BYTES:,} bytes for parsing" in reason
    assert f"lines cut at {MAX_WHOIS_LINE_CHARS} characters for parsing" in reason


# ------------------------------------------------------------------------------------------ RDAP


def test_a_huge_rdap_reply_ends_as_unknown_within_the_deadline(tmp_path: Path) -> None:
    huge = b'{"objectClassName": "domain", "remarks": ["' + b"a" * 50_000_000 + b'"]}'
    with RdapServer({"northwindmail.com": RdapAnswer(huge, declare_length=False)}) as rdap, WhoisServer() as whois, \
            DnsServer({}) as dns_server:
        started = time.monotonic()
        result = run_cli("enrich", "northwindmail.com", "--rdap-server", rdap.base(), "--whois-server", whois.hostport,
                         "--dns-server", f"127.0.0.1:{dns_server.port}", "--allow-network", "127.0.0.0/8",
                         "--deadline", "5", "--json", env=online(tmp_path))
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert elapsed < 5 + MARGIN, f"took {elapsed:.1f} s"
    reason = evidence(result.stdout)["whois.registrar"]["reason"]
    assert evidence(result.stdout)["whois.registrar"]["status"] == "unknown"
    assert f"RDAP {rdap.base()}domain/northwindmail.com: the answer is larger than the 1000000-byte cap" in reason
    assert "No match" in reason, "WHOIS was asked next"


@pytest.mark.parametrize(("body", "expected"), [
    (b"[" * 500_000 + b"]" * 500_000, "the answer is JSON nested too deeply to read"),
    (b'{"objectClassName": "domain", "port43": ' + b"9" * 900_000 + b"}",
     "the answer holds a number of more than 20 digits"),
    (b'{"objectClassName": "domain", "events": [' + b"{}," * 300_000 + b"{}]}",
     "the domain object holds no registration data"),
])
def test_an_rdap_reply_hostile_to_parse_is_unknown_within_the_deadline(body: bytes, expected: str) -> None:
    with RdapServer({"northwindmail.com": body}) as rdap, WhoisServer() as whois:
        settings = NetworkSettings(allow_networks=("127.0.0.0/8",), rdap_base=rdap.base(), whois_server=whois.address,
                                   deadline=5.0)
        started = time.monotonic()
        items = check_registration("northwindmail.com", AddressGuard(settings), Deadline(settings.deadline), NOW)
        elapsed = time.monotonic() - started
    assert elapsed < 5
    assert {item.status for item in items} == {"unknown"}
    assert f"RDAP {rdap.base()}domain/northwindmail.com: {expected}" in items[0].reason


# ------------------------------------------------------------------------------------------ HTML


def test_a_page_htmlparser_is_slow_to_read_ends_as_unknown_within_the_deadline(
        ca_pem: tuple[trustme.CA, Path]) -> None:
    ca, pem = ca_pem
    with Site(ca.issue_cert(DOMAIN)) as site:
        # A megabyte of "<a" keeps the standard library's HTMLParser busy for minutes (its time grows with the
        # square of the page); the page is 50 MB, of which the first megabyte is read.
        site.https_routes["/"] = Reply(200, [("Content-Type", "text/html"), ("X-Content-Type-Options", "nosniff")],
                                       b"<html><body>", filler=50_000_000, filler_pattern=b"<a")
        settings = NetworkSettings(allow_networks=("127.0.0.0/8",), resolve={DOMAIN: "127.0.0.1"},
                                   https_port=site.https_port, http_port=site.http_port, ca_bundle=str(pem),
                                   deadline=5.0, connect_timeout=2.0, read_timeout=2.0)
        started = time.monotonic()
        items = {item.check: item for item in check_web(DOMAIN, AddressGuard(settings), Deadline(settings.deadline),
                                                         NOW)}
        elapsed = time.monotonic() - started
    assert elapsed < 5 + 1, f"took {elapsed:.1f} s"
    privacy = items["web.privacy_policy"]
    assert privacy.status == "unknown", "a page that could not be read is never held against the vendor"
    assert "the home page's HTML was not read: the 5 s deadline ran out while the HTML of https://" in privacy.reason
    assert "(the parser was stopped)" in privacy.reason
    assert items["web.nosniff"].status == "pass", "the headers were read before the body was parsed"


def test_a_security_txt_is_parsed_from_its_first_64_kb_and_says_so(ca_pem: tuple[trustme.CA, Path]) -> None:
    ca, pem = ca_pem
    with Site(ca.issue_cert(DOMAIN)) as site:
        site.https_routes["/"] = Reply(200, [("Content-Type", "text/html")], b"<a href=/privacy>Privacy</a>")
        site.https_routes["/.well-known/security.txt"] = Reply(
            200, [("Content-Type", "text/plain")],
            b"Contact: mailto:s@quietvendor.test\nExpires: 2027-06-01T00:00:00Z\n", filler=900_000,
            filler_pattern=b"# comment\n")
        settings = NetworkSettings(allow_networks=("127.0.0.0/8",), resolve={DOMAIN: "127.0.0.1"},
                                   https_port=site.https_port, http_port=site.http_port, ca_bundle=str(pem),
                                   deadline=5.0)
        items = {item.check: item for item in check_web(DOMAIN, AddressGuard(settings), Deadline(5.0), NOW)}
    security = items["web.security_txt"]
    assert security.status == "pass"
    assert security.reason.endswith("(file cut at 65,536 bytes for parsing)")
    assert items["web.privacy_policy"].status == "pass"


# ------------------------------------------------------------------------------------------ the worker


def test_a_parse_that_outlives_the_deadline_is_stopped_and_the_next_one_runs() -> None:
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded, match=r"the 1 s deadline ran out while the test page was being parsed "
                                                r"\(the parser was stopped\)"):
        parse_within("privacy-link", {"html": "<a" * 500_000}, Deadline(1.0), what="the test page")
    assert time.monotonic() - started < 1.5
    assert parse_within("privacy-link", {"html": '<a href="/p">Privacy</a>'}, Deadline(5.0), what="a page") == "/p"


def test_an_unknown_task_fails_in_the_worker_not_in_us() -> None:
    from riskengine.enrich.worker import ParseFailed

    with pytest.raises(ParseFailed, match="the parser failed on a reply"):
        parse_within("no-such-task", {}, Deadline(5.0), what="a reply")


# ------------------------------------------------------------------------------------------ resolver traffic


ZONE = {(f"{DOMAIN}.", "A"): ["127.0.0.1"], (f"{DOMAIN}.", "TXT"): ["v=spf1 -all"]}


def test_a_dns_server_the_allow_list_does_not_permit_gets_no_packet(tmp_path: Path) -> None:
    with DnsServer(ZONE) as dns_server:
        result = run_cli("enrich", DOMAIN, "--dns-server", f"127.0.0.1:{dns_server.port}", "--deadline", "5",
                         "--json", env=online(tmp_path))
        asked = list(dns_server.queries)
    assert result.returncode == 0, result.stderr
    assert asked == [], "not one query, not even the web checks' name lookups"
    items = evidence(result.stdout)
    refused = "the DNS server 127.0.0.1 may not be used: 127.0.0.1 is not a public address (loopback)"
    # no resolver may be asked, so the network cannot show it answers: every check is unknown, none asked
    assert json.loads(result.stdout)["network"]["reason"] == f"no network: {refused}"
    assert {(item["status"], item["reason"]) for item in items.values()} == {("unknown", f"no network: {refused}")}


def test_the_same_dns_server_allowed_is_asked(tmp_path: Path) -> None:
    """The control: the query log does record what reaches the server, so the empty log above means something."""
    with DnsServer(ZONE) as dns_server:
        result = run_cli("enrich", DOMAIN, "--dns-server", f"127.0.0.1:{dns_server.port}", "--allow-network",
                         "127.0.0.0/8", "--whois-server", "127.0.0.1:9", "--deadline", "5", "--json",
                         env=online(tmp_path))
        asked = {(name, kind) for name, kind, _ in dns_server.queries}
    assert result.returncode == 0, result.stderr
    assert (f"{DOMAIN}.", "A") in asked, "the web checks' lookup of the domain"
    assert (f"{DOMAIN}.", "TXT") in asked
    assert evidence(result.stdout)["dns.spf"]["status"] == "pass"


def test_names_the_system_resolver_answers_are_still_guarded() -> None:
    guard = AddressGuard(NetworkSettings(resolve={"intranet.test": "10.1.2.3"}))
    with pytest.raises(AddressRefused, match="is not a public address"):
        guard.resolve("localhost", Deadline(5.0))  # answered from /etc/hosts: 127.0.0.1 or ::1
    with pytest.raises(AddressRefused, match=r"10\.1\.2\.3 is not a public address"):
        guard.resolve("intranet.test", Deadline(5.0))

