"""The generic importer: a one-off workbook read through the example mapping, quirks and all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from riskengine.errors import InputError
from riskengine.importers import detect_format, read_questionnaire
from riskengine.questionnaire.bank import QuestionBank
from riskengine.resources import data_path
from tests.conftest import TODAY

EXAMPLE = data_path("questionnaires", "mappings", "example-oneoff.yaml")
ROWS = [
    ("SQ-001", "Company legal name", "Acme Widgets GmbH", ""),
    ("SQ-002", "Company website", "https://www.acme.example/", ""),
    ("SQ-010", "Single sign-on?", "Y", "Okta, Entra ID"),
    ("SQ-011", "Which protocols?", "SAML and OIDC", ""),
    ("SQ-012", "MFA for everyone?", "In place", ""),
    ("SQ-020", "Databases encrypted?", "Y", "AES-256, AWS KMS"),
    ("SQ-021", "File storage encrypted?", "N", "planned"),
    ("SQ-030", "Last external penetration test", dt.datetime(2026, 3, 1), ""),
    ("SQ-031", "Days to fix a critical vulnerability", 14, ""),
    ("SQ-040", "Production data kept out of test?", "Y", ""),
    ("SQ-050", "Support hours", "Whenever we can", ""),
]


def one_off(path: Path, rows: list[tuple[str, object, object, str]] = ROWS, *, title: str = "Security questions",
            header_at: int = 4) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet["A1"] = "Acme security questionnaire"
    sheet["A2"] = "Please answer every question; add comments where helpful."
    for column, label in enumerate(("Ref", "Question", "Response", "Comments"), start=1):
        sheet.cell(row=header_at, column=column, value=label)
    for offset, row in enumerate(rows, start=header_at + 1):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=offset + (2 if offset > header_at + 5 else 0), column=column, value=value)
    workbook.save(path)
    return path


def test_the_example_mapping_reads_a_one_off_workbook(tmp_path: Path, bank: QuestionBank) -> None:
    path = one_off(tmp_path / "acme.xlsx")
    with pytest.raises(InputError, match="3 problems"):
        detect_format(path)  # a one-off format is not recognised: it needs --mapping (see test_recognition.py)
    submission = read_questionnaire(path, bank, today=TODAY, mapping=EXAMPLE)
    coverage = submission.coverage
    assert coverage is not None and (coverage.format, coverage.mapping) == ("mapped", "example-oneoff@1.0.0")
    assert coverage.questions_read == 11
    assert submission.value("VEN-01") == "Acme Widgets GmbH"
    assert submission.value("VEN-03") == "acme.example"
    assert submission.value("SEC-01") == "Yes"
    assert submission.value("SEC-02") == ("SAML", "OIDC")
    assert submission.value("SEC-03") == "Yes", "'In place' is Yes in this vendor's words"
    assert submission.value("SEC-05") == "Partial"
    assert submission.value("SEC-09") == dt.date(2026, 3, 1)
    assert submission.value("SEC-10") == 14
    assert submission.value("DAT-15") == "No", "asked the other way round: their Yes is our No"
    assert "read reversed" in submission.answers["DAT-15"].comment
    assert submission.answers["SEC-10"].place == "Security questions!C15", "rows after a gap are still found"
    assert [(item.their_id, item.text) for item in coverage.unparsed] == [("SQ-050", "Whenever we can")]
    assert [item.text for item in coverage.evidence_for("SEC-05")] == ["AES-256, AWS KMS", "planned"]


def test_a_date_in_the_future_or_a_number_out_of_range_is_unparsed(tmp_path: Path, bank: QuestionBank) -> None:
    rows = [("SQ-030", "Last test", dt.datetime(2027, 1, 1), ""), ("SQ-031", "Days", 400, "")]
    submission = read_questionnaire(one_off(tmp_path / "acme.xlsx", rows), bank, today=TODAY, mapping=EXAMPLE)
    assert submission.coverage is not None
    reasons = {item.their_id: item.reason for item in submission.coverage.unparsed}
    assert reasons == {"SQ-030": "date 2027-01-01 is in the future",
                       "SQ-031": "400 is outside the range SEC-10 accepts"}


def test_a_workbook_without_the_mappings_columns_says_which_it_expects(tmp_path: Path, bank: QuestionBank) -> None:
    path = one_off(tmp_path / "other.xlsx", title="Security questions")
    sheet_path = tmp_path / "renamed.xlsx"
    workbook = openpyxl.load_workbook(path)
    workbook["Security questions"]["C4"] = "Answer"
    workbook.save(sheet_path)
    with pytest.raises(InputError) as caught:
        read_questionnaire(sheet_path, bank, today=TODAY, mapping=EXAMPLE)
    assert "no sheet has the columns 'Ref', 'Response'" in caught.value.problems[0].message
    with pytest.raises(InputError) as missing:
        read_questionnaire(one_off(tmp_path / "x.xlsx", title="Other"), bank, today=TODAY, mapping=EXAMPLE)
    assert "sheet 'Security questions' named by mapping example-oneoff@1.0.0 is not in the workbook" in \
        missing.value.problems[0].message


def test_the_generic_format_needs_a_mapping(tmp_path: Path, bank: QuestionBank) -> None:
    with pytest.raises(InputError) as caught:
        read_questionnaire(one_off(tmp_path / "acme.xlsx"), bank, today=TODAY, format="mapped")
    assert "needs a mapping" in caught.value.problems[0].message
