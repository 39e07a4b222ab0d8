"""Registration dates that are the domain's: every registry layout of ``tests/enrich/conformance.py`` served by a
WHOIS server on 127.0.0.1 (RDAP knows none of them), and RDAP's own events."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from riskengine.enrich.evidence import Evidence
from riskengine.enrich.guard import AddressGuard, Deadline
from riskengine.enrich.registration import check_registration, parse_rdap
from riskengine.enrich.settings import NetworkSettings
from riskengine.enrich.whois_layout import contexts, domain_created, read_lines
from tests.conftest import NOW
from tests.enrich.conformance import WHOIS_CASES, WhoisCase
from tests.enrich.whois_server import FIXTURES, RdapServer, WhoisServer

LAYOUTS = FIXTURES / "layouts"


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[WhoisServer, RdapServer]]:
    replies = {case.domain: (LAYOUTS / case.file).read_bytes() for case in WHOIS_CASES}
    with WhoisServer(replies) as whois, RdapServer() as rdap:
        yield whois, rdap


def run(domain: str, whois: WhoisServer, rdap: RdapServer) -> dict[str, Evidence]:
    settings = NetworkSettings(allow_networks=("127.0.0.0/8",), whois_server=whois.address, rdap_base=rdap.base(),
                               deadline=10.0)
    return {item.check: item for item in check_registration(domain, AddressGuard(settings),
                                                            Deadline(settings.deadline), NOW)}


def days_since(day: dt.date) -> int:
    return (NOW - dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)).days


def test_the_layouts_cover_the_gtlds_and_a_dozen_cctlds() -> None:
    assert len({case.id for case in WHOIS_CASES}) == len(WHOIS_CASES) >= 20
    cctlds = {case.domain.rsplit(".", 1)[1] for case in WHOIS_CASES} - {"com", "net", "org", "io"}
    assert len(cctlds) >= 12
    assert {"de", "uk", "fr", "nl", "jp", "br", "au", "ca", "it", "pl", "ru", "se", "ch", "eu"} <= cctlds


@pytest.mark.parametrize("case", WHOIS_CASES, ids=lambda case: case.id)
def test_registry_layout(servers: tuple[WhoisServer, RdapServer], case: WhoisCase) -> None:
    whois, rdap = servers
    found = run(case.domain, whois, rdap)
    age, registrar, expiry = found["whois.domain_age_days"], found["whois.registrar"], found["whois.expiry_days"]
    if case.created is None:
        assert (age.status, age.value) == ("unknown", None), age.reason
        assert "gives no registration date" in age.reason
    else:
        assert age.value in (days_since(case.created) - 1, days_since(case.created)), age.reason  # time of day
        assert age.reason.startswith(f"registered on {case.created:%Y-%m-%d}")
        assert age.status == ("fail" if age.value < 365 else "pass")
    if case.registrar is None:
        assert (registrar.status, registrar.value) == ("unknown", None), registrar.reason
    else:
        assert (registrar.status, registrar.value) == ("pass", case.registrar)
    if case.expires is not None:
        assert expiry.reason.startswith(f"expires on {case.expires:%Y-%m-%d}"), expiry.reason


WITH_OTHER_DATES = ("gtld-legacy", "fr", "br", "it", "cz", "ee", "at")
"""Layouts whose contacts, registrar or name-server set carry dates of their own."""


@pytest.mark.parametrize("case", [case for case in WHOIS_CASES if case.id in WITH_OTHER_DATES],
                         ids=lambda case: case.id)
def test_a_contacts_creation_line_is_never_the_domains(case: WhoisCase) -> None:
    """Where contacts, registrars or name-server sets carry their own dates, each such line is read as theirs."""
    text = (LAYOUTS / case.file).read_text(encoding="utf-8")
    lines = read_lines(text)
    own = [line.value for line, context in zip(lines, contexts(lines), strict=True)
           if line is not None and context == "domain" and line.key in ("created", "registered", "creation date",
                                                                        "record created on")]
    others = [line.value for line, context in zip(lines, contexts(lines), strict=True)
              if line is not None and context == "other" and line.key in ("created", "changed", "registered")]
    assert others, "the layout holds dates of other objects"
    assert case.created is not None or not own
    assert domain_created(text) == (own[0] if own else None)


def test_rdap_reads_the_domains_own_events_only() -> None:
    data: dict[str, Any] = json.loads((FIXTURES / "rdap-northwindmail.com.json").read_text(encoding="utf-8"))
    data["events"] = [{"eventAction": "registration", "eventDate": "2026-10-30T00:00:00Z"},
                      {"eventAction": "expiration", "eventDate": "2027-10-30T00:00:00Z"}]
    data["entities"] = [{"objectClassName": "entity", "roles": ["registrar"],
                         "events": [{"eventAction": "registration", "eventDate": "1999-01-01T00:00:00Z"}],
                         "vcardArray": ["vcard", [["fn", {}, "text", "Example Registrar, LLC"]]]}]
    record = parse_rdap(data, NOW)
    assert record.created == dt.datetime(2026, 10, 30, tzinfo=dt.UTC)  # not the registrar's 1999


def test_rdap_counts_a_reregistration_as_a_new_start() -> None:
    data: dict[str, Any] = {"objectClassName": "domain", "events": [
        {"eventAction": "registration", "eventDate": "2004-02-02T00:00:00Z"},
        {"eventAction": "reregistration", "eventDate": "2026-09-01T00:00:00Z"},
        {"eventAction": "expiration", "eventDate": "2027-09-01T00:00:00Z"}]}
    assert parse_rdap(data, NOW).created == dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def test_registrar_placeholders_are_no_registrar() -> None:
    from riskengine.enrich.replies import _registrar

    for placeholder in ("No registrar listed.  This domain is registered directly with Nominet.", "Not Available",
                        "N/A", "none", "-", "Unknown"):
        assert _registrar(placeholder) is None, placeholder
    assert _registrar("Nominal Registrar Ltd") == "Nominal Registrar Ltd"
    assert _registrar("Beispiel Registrar GmbH ( https://nic.at/registrar/999 )") == "Beispiel Registrar GmbH"
