"""CAIQ v4 and v3.1: rows by id pattern and columns by header label, whatever the layout quirks; answers mapped."""

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
from tests.importers.builders import caiq_v3_workbook, caiq_workbook

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


# --- CAIQ v3.1: Yes / No / Not Applicable marked in three columns -----------------------------------------------

V3_ROWS = [
    ("AIS-01.1", "X", None, None, ""),
    ("AIS-01.5", "x", None, None, "Reviewed before every release."),
    ("EKM-03.1", "\u2713", None, None, ""),
    ("EKM-03.2", "X", "X", None, ""),
    ("DSI-05.1", "Yes", None, None, ""),
    ("HRS-02.1", None, None, "X", "Contractors are screened by their agencies."),
    ("HRS-09.5", None, "Partially", None, ""),
    ("SEF-02.1", None, None, None, ""),
    ("IAM-12.1", True, False, False, ""),
    ("GRM-01.1", "X", None, "X", ""),
    ("SEF-02.4", None, "No", None, ""),
]


def test_a_caiq_v31_is_read_from_its_marks_and_mapped_with_its_own_mapping(tmp_path: Path,
                                                                           bank: QuestionBank) -> None:
    path = caiq_v3_workbook(tmp_path / "v31.xlsx", V3_ROWS)
    assert detect_format(path) == "caiq"
    submission = read(path, bank)
    coverage = submission.coverage
    assert coverage is not None
    assert (coverage.format, coverage.format_version, coverage.mapping) == ("caiq", "3.1", "caiq-v3@1.0.0")
    assert (coverage.questions_read, coverage.questions_answered) == (11, 7), "unmarked and unclear rows: no answer"
    assert submission.value("SEC-05") == "Yes", "a tick is a mark"
    assert submission.answers["SEC-05"].place == "CAIQ v3.1!W7"
    assert submission.value("SEC-01") == "Yes", "a ticked checkbox is TRUE, an unticked one FALSE"
    assert submission.value("DAT-15") == "No", "production data kept out of test: not copied into it"
    assert submission.value("SEC-12") == "No"
    assert submission.answers["SEC-12"].place == "CAIQ v3.1!X15", "the No column's cell"
    assert submission.value("SEC-16") == "Yes"
    assert [item.text for item in coverage.evidence_for("SEC-16")] == ["Reviewed before every release."]
    assert coverage.evidence_for("SEC-16")[0].place == "CAIQ v3.1!Z6"
    assert submission.answers["SEC-17"].place == "CAIQ v3.1!Y10", "N/A is the third column"
    assert "SEC-11" not in submission.answers and "SEC-11" in coverage.not_covered, "no mark: unanswered"


def test_two_marks_or_something_that_is_no_mark_are_unparsed_with_their_cells(tmp_path: Path,
                                                                             bank: QuestionBank) -> None:
    submission = read(caiq_v3_workbook(tmp_path / "v31.xlsx", V3_ROWS), bank)
    coverage = submission.coverage
    assert coverage is not None
    unparsed = {item.their_id: item for item in coverage.unparsed}
    assert set(unparsed) == {"EKM-03.2", "HRS-09.5", "GRM-01.1"}
    assert (unparsed["EKM-03.2"].place, unparsed["EKM-03.2"].text) == ("CAIQ v3.1!W8:X8", "Yes: X; No: X")
    assert unparsed["EKM-03.2"].reason == "marked in 2 answer columns (Yes, No); one answer is expected"
    assert (unparsed["HRS-09.5"].place, unparsed["HRS-09.5"].text) == ("CAIQ v3.1!X11", "No: Partially")
    assert unparsed["HRS-09.5"].reason == "'Partially' in the No column is not a mark such as X"
    assert unparsed["GRM-01.1"].place == "CAIQ v3.1!W14:Y14", "the range from the first to the last mark"
    assert "SEC-18" not in submission.answers, "never guessed from an unclear row"
    assert any(problem.place == "CAIQ v3.1!X11" and "HRS-09.5" in problem.message for problem in submission.warnings)


def test_the_header_may_span_three_rows_and_the_sheet_any_title(tmp_path: Path, bank: QuestionBank) -> None:
    path = caiq_v3_workbook(tmp_path / "renamed.xlsx", V3_ROWS, sheet_title="Consensus Assessments",
                            words_row_below=2)
    assert detect_format(path) == "caiq"
    submission = read(path, bank)
    assert submission.coverage is not None and submission.coverage.format_version == "3.1", "from the title text"
    assert submission.answers["SEC-05"].place == "Consensus Assessments!W7"


def test_a_v3_layout_that_names_no_version_is_read_as_31_with_a_warning(tmp_path: Path, bank: QuestionBank) -> None:
    path = caiq_v3_workbook(tmp_path / "sheet1.xlsx", V3_ROWS, sheet_title="Sheet1", title_text="Our answers")
    submission = read(path, bank)
    assert submission.coverage is not None and submission.coverage.mapping == "caiq-v3@1.0.0"
    assert any("does not say which CAIQ version" in problem.message for problem in submission.warnings)


def test_caiq_301_is_refused_unless_forced(tmp_path: Path, bank: QuestionBank) -> None:
    path = caiq_v3_workbook(tmp_path / "v301.xlsx", V3_ROWS, sheet_title="CAIQ v3.0.1",
                            title_text="Consensus Assessments Initiative Questionnaire v3.0.1")
    with pytest.raises(InputError) as caught:
        read(path, bank)
    messages = [problem.message for problem in caught.value.problems]
    assert messages[0] == ("looks like a CSA CAIQ v3.0.1; riskengine reads CAIQ v3.1 and v4.x, whose question ids "
                           "its mappings know")
    assert messages[1].endswith("--format caiq")
    forced = read_questionnaire(path, bank, today=TODAY, format="caiq")
    assert forced.coverage is not None and forced.coverage.format_version == "3.0.1"
    assert forced.value("SEC-05") == "Yes"
    assert any("this is CAIQ 3.0.1" in problem.message for problem in forced.warnings)
