"""Workbooks are recognised by their content, whatever their sheets are called; the rest is refused in a few
lines that say what the file looks like and how to read it through a mapping."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from riskengine.errors import InputError
from riskengine.importers import detect_format, read_questionnaire
from riskengine.importers.recognition import EXAMPLE_MAPPING, ONE_OFF_DOCS
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.layout import META_SHEET
from riskengine.questionnaire.template import write_template
from tests.conftest import TODAY
from tests.importers.builders import (
    caiq_workbook,
    hecvat3_workbook,
    hecvat4_workbook,
    sig_workbook,
    vendor_sheet_workbook,
)
from tests.importers.test_caiq import ROWS as CAIQ_ROWS
from tests.importers.test_oneoff import one_off

GENERAL = {"GNRL-01": "Acme Learning Inc.", "GNRL-02": "Acme Campus", "GNRL-04": "https://www.acme.example/privacy"}
LITE = {"Company": [("COMP-05", "Yes", ""), ("COMP-06", "No", "")],
        "Incident Handling": [("HLIH-01", "Yes", ""), ("HLIH-03", "No", "")]}
FULL = {"Qualifiers": [("QUAL-01", "No", "")], "Authentication": [("AAAI-01", "Yes", ""), ("AAAI-12", "Yes", "")]}


def refusal(path: Path, bank: QuestionBank) -> list[str]:
    """The messages of the refusal of ``path``, after checking it is short and says how to map the file."""
    with pytest.raises(InputError) as caught:
        read_questionnaire(path, bank, today=TODAY)
    messages = [problem.message for problem in caught.value.problems]
    assert 2 <= len(messages) <= 5, messages
    assert all(problem.place == str(path) and problem.severity == "error" for problem in caught.value.problems)
    assert any(f"riskengine import {path} --mapping MAPPING.yaml -o OUT.xlsx" in message for message in messages)
    assert messages[-1] == f"how to write the mapping: {ONE_OFF_DOCS}; start from {EXAMPLE_MAPPING}"
    assert not any("not found" in message or "sheet missing" in message for message in messages), messages
    return messages


def test_a_lite_301_whose_sheet_is_titled_hecvat_lite_is_read_as_lite(tmp_path: Path, bank: QuestionBank) -> None:
    path = hecvat3_workbook(tmp_path / "lite.xlsx", LITE, variant="Lite", general=GENERAL,
                            sheet_title="HECVAT - Lite", title_text="HECVAT - Lite", version="Version 3.01")
    assert detect_format(path) == "hecvat3"
    submission = read_questionnaire(path, bank, today=TODAY)
    assert submission.coverage is not None
    assert (submission.coverage.format_version, submission.coverage.mapping) == ("3.01 Lite", "hecvat-3-lite@1.0.0")
    assert submission.value("DAT-04") == "Yes", "Lite's COMP-05, read with the Lite mapping"
    assert read_questionnaire(path, bank, today=TODAY, format="hecvat3").value("DAT-04") == "Yes", \
        "forcing the format finds the same sheet"


@pytest.mark.parametrize(("sections", "variant"), [(LITE, "Lite"), (FULL, "Full")])
def test_a_sheet_renamed_by_google_sheets_gets_its_variant_from_its_ids(tmp_path: Path, bank: QuestionBank,
                                                                        sections: dict[str, list[tuple[str, str, str]]],
                                                                        variant: str) -> None:
    path = hecvat3_workbook(tmp_path / "sheet1.xlsx", sections, general=GENERAL, sheet_title="Sheet1",
                            title_text="Higher Education Community Vendor Assessment Toolkit")
    assert detect_format(path) == "hecvat3"
    submission = read_questionnaire(path, bank, today=TODAY)
    assert submission.coverage is not None
    assert submission.coverage.format_version == f"3.04 {variant}"
    assert submission.coverage.mapping == f"hecvat-3-{variant.lower()}@1.0.0"
    assert not any("no mapping is made" in problem.message for problem in submission.warnings)


def test_the_title_row_names_the_variant_when_the_sheet_title_does_not(tmp_path: Path, bank: QuestionBank) -> None:
    path = hecvat3_workbook(tmp_path / "response.xlsx", {"Company": [("COMP-01", "Acme", "")]}, variant="Lite",
                            general=GENERAL, sheet_title="Vendor Response", version="Version 3.10")
    submission = read_questionnaire(path, bank, today=TODAY)
    assert submission.coverage is not None and submission.coverage.format_version == "3.10 Lite"


def test_hecvat_4_tabs_are_found_by_their_title_rows_whatever_their_names(tmp_path: Path,
                                                                          bank: QuestionBank) -> None:
    path = hecvat4_workbook(tmp_path / "v4.xlsx", start=[("GNRL-01", "Acme Learning Inc."), ("REQU-01", "Yes")],
                            tabs={"Sheet2": [("AAAI-01", "Yes")], "Sheet3": [("PRGN-02", "Yes")]})
    assert detect_format(path) == "hecvat4"
    submission = read_questionnaire(path, bank, today=TODAY)
    assert submission.value("SEC-01") == "Yes"
    assert submission.answers["SEC-01"].place == "Sheet2!C6"


def test_a_caiq_renamed_sheet1_is_still_a_caiq(tmp_path: Path, bank: QuestionBank) -> None:
    path = caiq_workbook(tmp_path / "sheet1.xlsx", CAIQ_ROWS, sheet_title="Sheet1")
    assert detect_format(path) == "caiq"
    assert read_questionnaire(path, bank, today=TODAY).answers["SEC-05"].place == "Sheet1!C5"


def test_our_template_without_its_hidden_sheet_still_goes_to_our_reader(tmp_path: Path,
                                                                        bank: QuestionBank) -> None:
    path = tmp_path / "ours.xlsx"
    write_template(bank, path, answers={"VEN-01": "Acme Mail GmbH", "VEN-03": "acme.example"})
    workbook = openpyxl.load_workbook(path)
    del workbook[META_SHEET]
    workbook.save(path)
    assert detect_format(path, bank) == "riskengine"
    with pytest.raises(InputError) as caught:
        read_questionnaire(path, bank, today=TODAY)
    # our reader's own messages, one per required answer left blank: not a refusal
    assert any(problem.question_id == "VEN-02" and "required answer is missing" in problem.message
               for problem in caught.value.problems)
    submission = read_questionnaire(path, bank, today=TODAY, require_answers=False)
    assert submission.coverage is None and submission.value("VEN-01") == "Acme Mail GmbH"


def test_our_template_with_renamed_sheets_is_known_by_its_header_row(tmp_path: Path, bank: QuestionBank) -> None:
    path = tmp_path / "renamed.xlsx"
    write_template(bank, path, answers={"VEN-01": "Acme Mail GmbH"})
    workbook = openpyxl.load_workbook(path)
    del workbook[META_SHEET]
    for number, sheet in enumerate(workbook.worksheets, start=1):
        sheet.title = f"Sheet{number}"
    workbook.save(path)
    assert detect_format(path) == "riskengine", "no bank given: the header row alone says it is ours"


def test_a_k12cvat_is_refused_as_a_hecvat_relative(tmp_path: Path, bank: QuestionBank) -> None:
    path = hecvat3_workbook(tmp_path / "k12.xlsx", {"Documentation": [("DOCU-01", "Yes", ""), ("DOCU-02", "No", "")]},
                            general=GENERAL, sheet_title="Vendor Response", title_text="K12CVAT - Vendor Response",
                            version="Version 1.0")
    messages = refusal(path, bank)
    assert messages[0].startswith("looks like a CoSN K-12CVAT (K-12 Cybersecurity Vendor Assessment Tool), a HECVAT "
                                  "relative; ")
    assert len(messages) == 3, "no reader of ours to force on it"
    with pytest.raises(InputError):
        detect_format(path)


def test_a_sig_is_refused_by_name(tmp_path: Path, bank: QuestionBank) -> None:
    messages = refusal(sig_workbook(tmp_path / "sig.xlsx"), bank)
    assert messages[0].startswith("looks like a Shared Assessments SIG Lite; the SIG is licensed to Shared "
                                  "Assessments members")


def test_an_unsupported_hecvat_version_says_which_it_reads_and_how_to_force_it(tmp_path: Path,
                                                                               bank: QuestionBank) -> None:
    path = hecvat3_workbook(tmp_path / "h2.xlsx", FULL, general=GENERAL, version="Version 2.11")
    messages = refusal(path, bank)
    assert messages[0] == ("looks like an EDUCAUSE HECVAT 2.11 Full; riskengine reads HECVAT 3.00 to 3.10 and 4.x, "
                           "whose question ids its mappings know")
    assert messages[1].endswith("--format hecvat3")
    forced = read_questionnaire(path, bank, today=TODAY, format="hecvat3")
    assert forced.value("SEC-01") == "Yes", "forced, the HECVAT 3 reader reads it"


def test_a_vendor_sheet_with_ids_like_ours_is_refused_in_three_lines(tmp_path: Path, bank: QuestionBank) -> None:
    messages = refusal(vendor_sheet_workbook(tmp_path / "vendor.xlsx"), bank)
    assert messages[0].startswith("looks like a workbook with sheets 'Vendor' and no questionnaire riskengine "
                                  "knows; ")
    assert len(messages) == 3


def test_an_unknown_workbook_names_at_most_five_of_its_sheets(tmp_path: Path, bank: QuestionBank) -> None:
    workbook = openpyxl.Workbook()
    for number in range(8):
        workbook.create_sheet(f"Tab {number}")["A1"] = "notes"
    path = tmp_path / "tabs.xlsx"
    workbook.save(path)
    messages = refusal(path, bank)
    assert messages[0].startswith("looks like a workbook with sheets 'Sheet', 'Tab 0', 'Tab 1', 'Tab 2', 'Tab 3' "
                                  "and 4 more and no questionnaire")


def test_a_path_with_a_space_is_quoted_in_the_command_to_run(tmp_path: Path, bank: QuestionBank) -> None:
    path = one_off(tmp_path / "acme security.xlsx")
    with pytest.raises(InputError) as caught:
        read_questionnaire(path, bank, today=TODAY)
    assert f"riskengine import '{path}' --mapping MAPPING.yaml" in caught.value.problems[-2].message


def test_a_hecvat_4_of_a_later_version_is_refused_with_the_way_to_force_it(tmp_path: Path,
                                                                          bank: QuestionBank) -> None:
    path = hecvat4_workbook(tmp_path / "v5.xlsx", start=[("GNRL-01", "Acme"), ("REQU-01", "Yes")],
                            tabs={"Product": [("AAAI-01", "Yes")]})
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        if sheet["F2"].value == "Version 4.1.4":
            sheet["F2"] = "Version 5.0"
    workbook.save(path)
    messages = refusal(path, bank)
    assert messages[0].startswith("looks like an EDUCAUSE HECVAT 5.0 in HECVAT 4's layout; ")
    assert messages[1].endswith("--format hecvat4")


def test_a_hecvat_whose_answers_are_nowhere_says_so(tmp_path: Path, bank: QuestionBank) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Instructions"
    sheet["A1"] = "HECVAT - Lite | Instructions"
    path = tmp_path / "instructions-only.xlsx"
    workbook.save(path)
    messages = refusal(path, bank)
    assert messages[0].startswith("looks like a HECVAT; no sheet holds its answers as HECVAT 3 and 4 do")
