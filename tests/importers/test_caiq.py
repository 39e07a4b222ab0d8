"""CAIQ v4: rows by id pattern and columns by header label, whatever the layout quirks; answers mapped."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from riskengine.errors import InputError, UnreadableFileError
from riskengine.importers import detect_format, read_questionnaire
from riskengine.importers.caiq import read_caiq
from riskengine.importers.sheets import open_book
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.reader import read_submission
from tests.conftest import TODAY
from tests.importers.builders import caiq_workbook

ROWS = [
    ("A&A-01.1", "Yes", "Audits run yearly."),
    ("A&A-01.2", "Yes", ""),
    ("CEK-03.1", "Yes", "AES-256 at rest, TLS 1.2+ in transit."),
    ("BCR-08.2", "No", ""),
    ("IVS-06.1", "NA", ""),
    ("HRS-01.1", "Yes - see HR policy", ""),
    ("HRS-11.1", "Yes", ""),
    ("HRS-11.2", "No", ""),
    ("SEF-04.1", "Yes, but only for the EU region", ""),
    ("TVM-06.1", "Sometimes", ""),
]


def read(path: Path, bank: QuestionBank):  # type: ignore[no-untyped-def]
    return read_questionnaire(path, bank, today=TODAY)


def test_a_plain_caiq_is_detected_read_and_mapped(tmp_path: Path, bank: QuestionBank) -> None:
    path = caiq_workbook(tmp_path / "vendor.xlsx", ROWS)
    assert detect_format(path) == "caiq"
    submission = read(path, bank)
    coverage = submission.coverage
    assert coverage is not None
    assert (coverage.format, coverage.format_version, coverage.mapping) == ("caiq", "4.0.3", "caiq-v4@1.0.0")
    assert (coverage.questions_read, coverage.questions_answered) == (10, 10)
    assert submission.value("SEC-05") == "Yes"
    assert submission.answers["SEC-05"].place == "CAIQv4.0.3!C5"
    assert submission.value("DAT-11") == "Partial", "CEK-03.1 Yes and BCR-08.2 No combine to Partial"
    assert submission.answers["DAT-11"].place == "CAIQv4.0.3!C5, CAIQv4.0.3!C6"
    assert submission.value("DAT-12") == "N/A"
    assert submission.value("SEC-17") == "Yes", "'Yes - see HR policy' is Yes with a remark"
    assert "see HR policy" in submission.answers["SEC-17"].comment
    assert submission.value("SEC-18") == "Partial"
    assert coverage.answers_mapped == len(submission.answers) == 6
    assert coverage.not_covered[:2] == ("VEN-01", "VEN-02"), "CAIQ names no vendor: identity stays not covered"
    assert len(coverage.not_covered) == len(bank.questions()) - 6
    assert coverage.sources["DAT-11"] == ("CEK-03.1", "BCR-08.2")


def test_answers_that_are_not_clearly_answers_are_kept_unparsed_with_their_place(tmp_path: Path,
                                                                                 bank: QuestionBank) -> None:
    submission = read(caiq_workbook(tmp_path / "vendor.xlsx", ROWS), bank)
    assert submission.coverage is not None
    unparsed = {item.their_id: item for item in submission.coverage.unparsed}
    assert set(unparsed) == {"SEF-04.1", "TVM-06.1"}
    assert unparsed["SEF-04.1"].place == "CAIQv4.0.3!C11"
    assert unparsed["SEF-04.1"].text == "Yes, but only for the EU region"
    assert "qualified" in unparsed["SEF-04.1"].reason
    assert "SEC-12" not in submission.answers and "SEC-08" not in submission.answers, "never guessed"
    assert "SEC-12" in submission.coverage.not_covered
    assert any(problem.place == "CAIQv4.0.3!C12" and problem.question_id == "SEC-08"
               for problem in submission.warnings)


def test_implementation_descriptions_are_kept_as_the_vendors_evidence(tmp_path: Path, bank: QuestionBank) -> None:
    submission = read(caiq_workbook(tmp_path / "vendor.xlsx", ROWS), bank)
    assert submission.coverage is not None
    evidence = submission.coverage.evidence_for("SEC-05")
    assert [(item.their_id, item.place, item.text) for item in evidence] == [
        ("CEK-03.1", "CAIQv4.0.3!E5", "AES-256 at rest, TLS 1.2+ in transit.")]


def test_shifted_header_note_rows_and_an_extra_column_do_not_matter(tmp_path: Path, bank: QuestionBank) -> None:
    path = caiq_workbook(tmp_path / "shifted.xlsx", ROWS, header_row=6, lead_columns=1,
                         notes=("Note: answers reviewed by our CISO", "", "Section A"))
    submission = read(path, bank)
    assert submission.value("SEC-05") == "Yes"
    assert submission.answers["SEC-05"].place == "CAIQv4.0.3!D12", "answer column found by its header, one right"
    assert submission.coverage is not None and submission.coverage.questions_read == 10


def test_merged_control_cells_are_filled_down(tmp_path: Path) -> None:
    path = caiq_workbook(tmp_path / "merged.xlsx", ROWS, merge_controls=True)
    with open_book(path) as book:
        items = {item.their_id: item for item in read_caiq(book).items}
    assert items["A&A-01.2"].note == "CSP-owned; A&A-01 Title of A&A-01; Domain A&A", "filled down from A&A-01.1"
    assert items["HRS-11.2"].note.startswith("CSP-owned; HRS-11 Title of HRS-11")


def test_a_renamed_question_sheet_is_still_found_by_its_header(tmp_path: Path, bank: QuestionBank) -> None:
    path = caiq_workbook(tmp_path / "renamed.xlsx", ROWS, sheet_title="Our answers")
    assert detect_format(path) == "caiq"
    submission = read(path, bank)
    assert submission.answers["SEC-05"].place == "Our answers!C5"
    assert submission.coverage is not None and submission.coverage.format_version == "4.0.3"


def test_200_trailing_blank_rows_and_a_sheet_claiming_every_row_stay_fast(tmp_path: Path, bank: QuestionBank) -> None:
    path = caiq_workbook(tmp_path / "long.xlsx", ROWS, trailing_blank_rows=200, claim_all_rows=True)
    started = time.perf_counter()
    submission = read(path, bank)
    assert time.perf_counter() - started < 3
    assert submission.value("SEC-05") == "Yes"
    with pytest.raises(UnreadableFileError, match="claims 1,048,576 rows"):
        read_submission(path, bank, today=TODAY)  # our own reader keeps refusing such claims


def test_forcing_a_format_the_file_is_not_says_so(tmp_path: Path, bank: QuestionBank) -> None:
    path = caiq_workbook(tmp_path / "vendor.xlsx", ROWS)
    with pytest.raises(InputError) as caught:
        read_questionnaire(path, bank, today=TODAY, format="hecvat3")
    assert "no HECVAT 3 vendor response sheet found" in str(caught.value.problems[0])
    with pytest.raises(InputError, match="1 problem"):
        read_questionnaire(path, bank, today=TODAY, format="sig")
