"""HECVAT 3 (Full, Lite) and 4: section labels, hidden question sheet, variants, tabs, duplicates and routing."""

from __future__ import annotations

from pathlib import Path

from riskengine.importers import detect_format, read_questionnaire
from riskengine.importers.hecvat import read_hecvat3
from riskengine.importers.sheets import open_book
from riskengine.questionnaire.bank import QuestionBank
from tests.conftest import TODAY
from tests.importers.builders import hecvat3_workbook, hecvat4_workbook

GENERAL = {"GNRL-01": "Acme Learning Inc.", "GNRL-02": "Acme Campus", "GNRL-04": "https://www.acme.example/privacy",
           "GNRL-14": "AWS us-east-1 and eu-central-1"}


def test_hecvat3_full_reads_sections_and_falls_back_to_the_hidden_questions(tmp_path: Path,
                                                                            bank: QuestionBank) -> None:
    path = hecvat3_workbook(tmp_path / "full.xlsx", {
        "Qualifiers": [("QUAL-01", "No", ""), ("QUAL-05", "No", ""), ("QUAL-07", "4) AWS", "")],
        "Authentication": [("AAAI-01", "1) Yes", "SAML through any IdP"), ("AAAI-12", "Yes - see GNRL-08", "")],
        "Data": [("DATA-03", "Yes", "TLS 1.2"), ("DATA-04", "We think so", ""), ("DATA-17", "Yes", "")],
    }, general=GENERAL)
    assert detect_format(path) == "hecvat3"
    with open_book(path) as book:
        foreign = read_hecvat3(book)
    items = foreign.by_id()
    assert items["AAAI-01"].text == "Placeholder question AAAI-01?", "empty formula cache: text from the hidden sheet"
    assert (foreign.format_version, foreign.variant) == ("3.04 Full", "Full")
    submission = read_questionnaire(path, bank, today=TODAY)
    coverage = submission.coverage
    assert coverage is not None and coverage.mapping == "hecvat-3-full@1.0.0"
    assert submission.value("VEN-01") == "Acme Learning Inc."
    assert submission.value("VEN-02") == "Acme Campus"
    assert submission.value("VEN-03") == "acme.example", "the domain of the privacy notice link"
    assert submission.value("PRV-14") == "https://www.acme.example/privacy"
    assert submission.value("SEC-01") == "Yes", "'1) Yes' is a dropdown's numbered Yes"
    assert submission.value("SEC-03") == "Yes"
    assert "see GNRL-08" in submission.answers["SEC-03"].comment
    assert submission.value("SEC-07") == "Yes"
    assert submission.value("SEC-21") == "AWS; AWS us-east-1 and eu-central-1"
    assert submission.value("DAT-03") == "No"
    assert "DAT-04" not in submission.answers, "'No PHI' says nothing about other health data"
    assert "SEC-05" not in submission.answers
    assert [(item.their_id, item.text) for item in coverage.unparsed] == [("DATA-04", "We think so")]
    assert [item.text for item in coverage.evidence_for("SEC-01")] == ["SAML through any IdP"]
    assert {fact.name: fact.value for fact in coverage.facts} == {"import.hosting": "AWS"}


def test_a_section_without_labels_keeps_the_previous_columns(tmp_path: Path, bank: QuestionBank) -> None:
    path = hecvat3_workbook(tmp_path / "lite.xlsx", {
        "Incident Handling": [("HLIH-01", "Yes", ""), ("HLIH-03", "No", "")],
        "Third Party Assessment": [("HLTP-01", "Yes", "AWS hosts the data")],
    }, variant="Lite", general=GENERAL, unlabelled_sections=("Third Party Assessment",))
    submission = read_questionnaire(path, bank, today=TODAY)
    assert submission.coverage is not None
    assert submission.coverage.mapping == "hecvat-3-lite@1.0.0", "Lite reuses ids with other meanings"
    assert submission.value("SEC-11") == "Yes"
    assert submission.value("VEN-13") == "No"
    assert {fact.name: fact.value for fact in submission.coverage.facts} == {"import.third_party_sharing": "Yes"}


def test_lite_ids_are_not_read_with_the_full_meanings(tmp_path: Path, bank: QuestionBank) -> None:
    path = hecvat3_workbook(tmp_path / "lite.xlsx", {"Company": [("COMP-05", "Yes", ""), ("COMP-06", "No", "")]},
                            variant="Lite")
    submission = read_questionnaire(path, bank, today=TODAY)
    assert submission.value("DAT-04") == "Yes", "Lite COMP-05 is the health-data question"
    assert submission.value("DAT-03") == "No", "Lite COMP-06 is the card-data question"


def test_hecvat4_reads_each_id_once_across_tabs_and_warns_on_a_different_answer(tmp_path: Path,
                                                                                bank: QuestionBank) -> None:
    general = [("GNRL-01", "Acme Learning Inc."), ("GNRL-02", "Acme Campus"), ("GNRL-08", "Ireland")]
    path = hecvat4_workbook(tmp_path / "v4.xlsx", start=[*general, ("REQU-01", "Yes"), ("REQU-04", "Yes"),
                                                          ("REQU-06", "No")], tabs={
        "Organization": [*general, ("PPPR-06", "Yes"), ("PPPR-11", "Yes"), ("PPPR-12", "No")],
        "Product": [("GNRL-01", None), ("GNRL-02", "Acme Campus Pro"), ("AAAI-01", "Yes"), ("DATA-03", "Yes")],
        "AI": [("GNRL-01", "Acme Learning Inc."), ("REQU-04", "Yes"), ("AIGN-02", "Yes"), ("AISC-02", "No")],
        "Privacy": [("DPAI-01", "Yes"), ("PRGN-02", "Yes"), ("INTL-03", "Yes")],
    })
    assert detect_format(path) == "hecvat4"
    submission = read_questionnaire(path, bank, today=TODAY)
    coverage = submission.coverage
    assert coverage is not None and (coverage.format, coverage.format_version) == ("hecvat4", "4.1.4")
    assert coverage.questions_read == 16, "each id once, however many tabs repeat it"
    assert submission.answers["VEN-01"].place == "START HERE!C6", "the first answered occurrence wins"
    assert submission.value("VEN-02") == "Acme Campus"
    assert any(problem.place == "Product!C7" and "'Acme Campus Pro'" in problem.message
               for problem in submission.warnings), "a different answer on another tab is a warning"
    assert submission.value("VEN-04") == "Ireland"
    assert submission.value("SEC-18") == "Partial"
    assert submission.value("AI-01") == "Yes"
    assert submission.value("AI-03") == "No"
    assert submission.value("AI-09") == "Yes"
    assert submission.value("DAT-01") == "Yes"
    assert submission.value("PRV-06") == "SCCs"
    assert submission.value("DAT-03") == "No"


def test_hecvat4_routing_makes_skipped_tabs_answer_nothing(tmp_path: Path, bank: QuestionBank) -> None:
    path = hecvat4_workbook(tmp_path / "routed.xlsx", start=[("REQU-01", "No"), ("REQU-04", "No")], tabs={
        "Product": [("AAAI-01", "Yes"), ("DATA-03", "Yes")],
        "AI": [("AIGN-02", "Yes")],
        "Privacy": [("DPAI-01", "Yes"), ("PRGN-05", "https://acme.example/privacy")],
    })
    submission = read_questionnaire(path, bank, today=TODAY)
    coverage = submission.coverage
    assert coverage is not None
    assert set(coverage.not_applicable) == {"AAAI-01", "DATA-03", "AIGN-02", "DPAI-01"}
    assert "SEC-01" not in submission.answers and "SEC-05" not in submission.answers
    assert "AI-09" not in submission.answers
    assert submission.value("AI-01") == "No", "no AI features: the routing question answers ours"
    assert submission.answers["AI-01"].place == "START HERE!C7"
    assert submission.value("PRV-14") == "https://acme.example/privacy"
