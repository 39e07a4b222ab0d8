"""Reading filled questionnaires: typed answers, every problem with its cell, ids over row positions."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from riskengine.errors import InputError
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.reader import read_submission
from tests.conftest import TODAY, FillFactory, sample_answers


def problems_of(path, bank: QuestionBank) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        read_submission(path, bank, today=TODAY)
    return [str(problem) for problem in caught.value.errors]


def cell_of(path, question_id: str) -> str:  # type: ignore[no-untyped-def]
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_col=1, max_col=1):
            if row[0].value == question_id:
                return f"{sheet.title}!D{row[0].row}"
    raise AssertionError(question_id)


def test_sample_answers_read_typed(filled: FillFactory, bank: QuestionBank) -> None:
    submission = read_submission(filled(), bank, today=TODAY)
    expected = sample_answers()["answers"]
    assert submission.value("VEN-01") == expected["VEN-01"]
    assert isinstance(submission.value("VEN-05"), int)
    assert submission.value("SEC-01") in ("Yes", "No", "Partial", "N/A")
    assert isinstance(submission.value("SEC-09"), dt.date)
    assert isinstance(submission.value("DAT-09"), tuple)
    assert len(submission.tables["INT-01"]) == len(sample_answers()["tables"]["INT-01"])


def test_wrong_choice_names_cell_options_and_value(filled: FillFactory, bank: QuestionBank) -> None:
    path = filled(SEC_04="yep")
    assert f'{cell_of(path, "SEC-04")} (SEC-04): expected one of Yes, No, Partial, N/A; got "yep"' in problems_of(
        path, bank)


def test_choices_match_case_and_common_spellings(filled: FillFactory, bank: QuestionBank) -> None:
    submission = read_submission(filled(SEC_04="  yes ", SEC_12="n/a", SEC_13="NA"), bank, today=TODAY)
    assert (submission.value("SEC-04"), submission.value("SEC-12"), submission.value("SEC-13")) == ("Yes", "N/A",
                                                                                                    "N/A")


def test_every_problem_is_reported_at_once(filled: FillFactory, bank: QuestionBank) -> None:
    path = filled(SEC_04="yep", RES_01=120, SEC_09=dt.date(2027, 3, 1), VEN_01=None, VEN_05="long ago")
    found = problems_of(path, bank)
    assert any("(SEC-04)" in p and '"yep"' in p for p in found)
    assert any("(RES-01)" in p and "above the maximum of 100" in p for p in found)
    assert any("(SEC-09)" in p and "2027-03-01 is in the future" in p for p in found)
    assert any("(VEN-01)" in p and "required answer is missing" in p for p in found)
    assert any("(VEN-05)" in p and 'expected a number' in p and '"long ago"' in p for p in found)
    assert len(found) == 5


def test_optional_blank_is_a_warning_not_an_error(filled: FillFactory, bank: QuestionBank) -> None:
    optional = next(q.id for _, q in bank.questions() if not q.required and not q.is_table)
    submission = read_submission(filled(**{optional.replace("-", "_"): None}), bank, today=TODAY)
    assert any(w.question_id == optional and w.severity == "warning" for w in submission.warnings)


def test_unknown_integration_method_is_an_error(filled: FillFactory, bank: QuestionBank) -> None:
    rows = [dict(row) for row in sample_answers()["tables"]["INT-01"]]
    rows[0]["method"] = "carrier pigeon"
    found = problems_of(filled(tables={**sample_answers()["tables"], "INT-01": rows}), bank)
    assert any("(INT-01): Method: expected one of api, webhook, file, sdk, tag, manual; got \"carrier pigeon\"" in p
               for p in found)


def test_reordered_rows_and_extra_blank_rows_still_read(filled: FillFactory, bank: QuestionBank) -> None:
    path = filled()
    workbook = openpyxl.load_workbook(path)
    section = bank.sections[2]
    sheet = workbook[section.sheet]
    sheet.protection.sheet = False
    first = next(r[0].row for r in sheet.iter_rows(min_col=1, max_col=1) if r[0].value == section.questions[0].id)
    last = next(r[0].row for r in sheet.iter_rows(min_col=1, max_col=1) if r[0].value == section.questions[-1].id)
    # swap the first and last question rows, then push everything down with blank rows
    for column in range(1, 7):
        top, bottom = sheet.cell(first, column), sheet.cell(last, column)
        top.value, bottom.value = bottom.value, top.value
    sheet.insert_rows(first, amount=3)
    workbook.save(path)
    submission = read_submission(path, bank, today=TODAY)
    expected = sample_answers()["answers"]
    for question in (section.questions[0], section.questions[-1]):
        value = submission.value(question.id)
        assert submission.text(question.id) == (value if isinstance(value, str) else submission.text(question.id))
        if isinstance(expected.get(question.id), str) and question.type in ("yes_no", "choice", "text"):
            assert value == expected[question.id]
    assert submission.answers[section.questions[0].id].place.endswith(str(last + 3))


def test_formula_in_answer_is_refused_not_evaluated(filled: FillFactory, bank: QuestionBank) -> None:
    path = filled()  # our writer never writes a formula: the vendor types one in Excel
    workbook = openpyxl.load_workbook(path)
    workbook["Vendor profile"]["D6"] = '=HYPERLINK("http://evil.example","click")'  # VEN-02
    workbook.save(path)
    found = problems_of(path, bank)
    assert any("(VEN-02)" in p and "formulas are not accepted" in p for p in found)


def test_long_text_is_cut_with_a_warning(filled: FillFactory, bank: QuestionBank) -> None:
    question = bank.question("VEN-02")
    submission = read_submission(filled(VEN_02="x" * (question.max_length + 500)), bank, today=TODAY)
    value = submission.value("VEN-02")
    assert isinstance(value, str) and len(value) == question.max_length
    assert any(w.question_id == "VEN-02" and "cut to" in w.message for w in submission.warnings)


def test_markup_rtl_and_emoji_survive_literally(filled: FillFactory, bank: QuestionBank) -> None:
    text = '<b>R&D</b> <font color="red">beta</font> שלום 🚀'
    submission = read_submission(filled(VEN_02=text), bank, today=TODAY)
    assert submission.value("VEN-02") == text
