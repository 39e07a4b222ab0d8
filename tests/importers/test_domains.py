"""The vendor's domain: a link shortener's is a warning that asks for the vendor's own, whatever the format."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskengine.errors import ConfigurationError
from riskengine.importers import read_questionnaire
from riskengine.importers.domains import host_of, load_shorteners, shortener_of
from riskengine.questionnaire.bank import QuestionBank
from tests.conftest import TODAY, FillFactory
from tests.importers.builders import hecvat3_workbook

SECTIONS = {"Authentication": [("AAAI-01", "Yes", "")]}


def test_the_shipped_list_loads_with_the_common_services() -> None:
    shorteners = load_shorteners()
    assert {"bit.ly", "t.co", "tinyurl.com", "lnkd.in", "linktr.ee", "forms.gle", "inst.bid"} <= shorteners
    assert len(shorteners) >= 30


@pytest.mark.parametrize(("listed", "expected"), [
    ("[bit.ly, bit.ly]", "listed twice: bit.ly"),
    ("[https://bit.ly]", "not a lowercase domain without scheme or path: 'https://bit.ly'"),
    ("[Bit.ly]", "not a lowercase domain"),
    ("[]", "at least 1 item"),
])
def test_a_broken_list_is_refused_with_its_line(tmp_path: Path, listed: str, expected: str) -> None:
    path = tmp_path / "link-shorteners.yaml"
    path.write_text(f"# a comment\ndomains: {listed}\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_shorteners(path)
    assert any(problem.place.endswith("link-shorteners.yaml:2") and expected in problem.message
               for problem in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(("text", "host", "shortener"), [
    ("https://bit.ly/acme-privacy", "bit.ly", "bit.ly"),
    ("inst.bid/privacy", "inst.bid", "inst.bid"),
    ("https://www.linktr.ee/acme", "linktr.ee", "linktr.ee"),
    ("go.tinyurl.com/x", "go.tinyurl.com", "tinyurl.com"),
    ("mailto:privacy@acme.example?subject=hi", "acme.example", None),
    ("https://www.acme.example/privacy", "acme.example", None),
    ("notbit.ly", "notbit.ly", None),
    ("http://[broken", None, None),
    ("see our website", None, None),
])
def test_hosts_and_shorteners(text: str, host: str | None, shortener: str | None) -> None:
    assert host_of(text) == host
    assert shortener_of(text) == shortener


def test_a_short_link_for_the_privacy_notice_is_a_warning_asking_for_the_domain(tmp_path: Path,
                                                                                bank: QuestionBank) -> None:
    path = hecvat3_workbook(tmp_path / "full.xlsx", SECTIONS,
                            general={"GNRL-01": "Acme", "GNRL-02": "Acme Campus", "GNRL-04": "https://bit.ly/acme-p"})
    submission = read_questionnaire(path, bank, today=TODAY)
    assert submission.value("VEN-03") == "bit.ly", "the answer stays what the vendor gave; the warning says why not"
    warning = next(problem for problem in submission.warnings if problem.question_id == "VEN-03")
    assert warning.severity == "warning" and warning.place == "HECVAT - Full | Vendor Response!C7"
    assert warning.message == (
        "the vendor's domain 'bit.ly' is the link shortener bit.ly's, not the vendor's own: the outside evidence "
        "(registration, DNS, HTTPS) would describe the shortener; give the vendor's domain with riskengine assess "
        "--vendor-domain DOMAIN")


def test_our_own_template_is_checked_too(filled: FillFactory, bank: QuestionBank) -> None:
    submission = read_questionnaire(filled(VEN_03="linktr.ee/acme"), bank, today=TODAY)
    assert any(problem.question_id == "VEN-03" and "link shortener linktr.ee's" in problem.message
               for problem in submission.warnings)
    plain = read_questionnaire(filled("plain.xlsx"), bank, today=TODAY)
    assert not any(problem.question_id == "VEN-03" for problem in plain.warnings)
