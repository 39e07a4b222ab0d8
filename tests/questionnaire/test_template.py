"""The blank questionnaire: sections, questions, dropdowns, protection, and that it fails validation."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from riskengine.errors import InputError
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.layout import ANSWER_COLUMN, META_SHEET
from riskengine.questionnaire.reader import read_submission
from riskengine.questionnaire.template import write_template
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, bank: QuestionBank) -> Path:
    path = tmp_path_factory.mktemp("template") / "blank.xlsx"
    write_template(bank, path)
    return path


def test_bank_is_big_enough(bank: QuestionBank) -> None:
    assert len(bank.sections) >= 8
    assert len(bank.questions()) >= 80
    assert all(question.help for _, question in bank.questions()), "every question has help text"


def test_template_has_instructions_then_one_sheet_per_section(template: Path, bank: QuestionBank) -> None:
    workbook = openpyxl.load_workbook(template)
    visible = [sheet.title for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    assert visible == ["Instructions", *(section.sheet for section in bank.sections)]
    assert workbook[META_SHEET]["B1"].value == bank.id


def test_every_choice_answer_has_a_dropdown(template: Path, bank: QuestionBank) -> None:
    workbook = openpyxl.load_workbook(template)
    vocabularies = dict(bank.vocabularies)
    lists = workbook["Lists"]
    checked = 0
    for section in bank.sections:
        sheet = workbook[section.sheet]
        cells = {row[0].value: row[0].row for row in sheet.iter_rows(min_col=1, max_col=1) if row[0].value}
        for question in section.questions:
            if question.type not in ("choice", "yes_no"):
                continue
            coordinate = f"{openpyxl.utils.get_column_letter(ANSWER_COLUMN)}{cells[question.id]}"
            matching = [dv for dv in sheet.data_validations.dataValidation if coordinate in dv.sqref]
            assert len(matching) == 1, f"{section.sheet}!{coordinate} ({question.id}) has no dropdown"
            validation = matching[0]
            assert validation.type == "list"
            column = validation.formula1.split("!")[1].split(":")[0].replace("$", "")
            letter = "".join(ch for ch in column if ch.isalpha())
            options = tuple(cell.value for cell in lists[letter] if cell.value is not None)
            assert options == question.choices(vocabularies)
            checked += 1
    assert checked >= 40


def test_table_choice_columns_have_dropdowns(template: Path, bank: QuestionBank) -> None:
    question = bank.by_role("integrations")
    assert question is not None
    workbook = openpyxl.load_workbook(template)
    sheet = next(workbook[s.sheet] for s in bank.sections if question in s.questions)
    list_validations = [dv for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    choice_columns = [c for c in question.columns if c.type == "choice"]
    covered = {str(r).rstrip("0123456789")[:1] for dv in list_validations for r in dv.sqref.ranges}
    assert len(covered) >= len(choice_columns)


def test_questions_are_locked_and_answers_are_not(template: Path, bank: QuestionBank) -> None:
    workbook = openpyxl.load_workbook(template)
    section = bank.sections[0]
    sheet = workbook[section.sheet]
    assert sheet.protection.sheet is True
    row = next(r[0].row for r in sheet.iter_rows(min_col=1, max_col=1) if r[0].value == section.questions[0].id)
    assert sheet.cell(row=row, column=1).protection.locked is True
    assert sheet.cell(row=row, column=2).protection.locked is True
    assert sheet.cell(row=row, column=ANSWER_COLUMN).protection.locked is False
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows


def test_blank_template_fails_with_sheet_and_cell_places(template: Path, bank: QuestionBank) -> None:
    with pytest.raises(InputError) as caught:
        read_submission(template, bank, today=TODAY)
    errors = caught.value.errors
    required = [q for _, q in bank.questions() if q.required]
    assert len(errors) >= len(required) - 1
    first_section = bank.sections[0]
    assert any(str(e).startswith(f"{first_section.sheet}!D") and "required answer is missing" in str(e)
               for e in errors)
    assert all("!" in error.place for error in errors)
