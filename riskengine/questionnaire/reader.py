"""Read a filled native questionnaire into a ``Submission``, reporting every problem with its cell.

Questions are found by the ids in column A, not by row positions, so a workbook whose rows were
reordered or padded with blank rows still reads. Nothing is evaluated: a formula in an answer is an error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from riskengine.errors import InputError, Problem
from riskengine.questionnaire.bank import QUESTION_ID, AnswerSpec, Question, QuestionBank
from riskengine.questionnaire.layout import (
    ANSWER_COLUMN,
    CATALOGUE_SHEET,
    COMMENT_COLUMN,
    META_SHEET,
    TABLE_FIRST_COLUMN,
)
from riskengine.questionnaire.not_applicable import screen_not_applicable
from riskengine.questionnaire.submission import Answer, AnswerValue, Submission, TableRow
from riskengine.questionnaire.workbook import open_workbook, quiet_openpyxl

_HEADER_SCAN_ROWS = 30
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d+)?|\d{1,3}(,\d{3})+(\.\d+)?|\.\d+)$")
_ALIASES = {"na": "n/a", "n.a.": "n/a", "not applicable": "n/a"}


@dataclass(frozen=True)
class _Cell:
    value: Any
    is_formula: bool


@dataclass
class _Sheet:
    title: str
    rows: dict[int, tuple[_Cell, ...]]
    answer_column: int
    id_rows: dict[str, int]

    def cell(self, row: int, column: int) -> _Cell:
        cells = self.rows.get(row, ())
        return cells[column - 1] if column - 1 < len(cells) else _Cell(None, False)


@quiet_openpyxl()  # read-only rows are parsed while read: openpyxl warns then, not on load
def read_submission(path: Path, bank: QuestionBank, *, today: dt.date, require_answers: bool = True) -> Submission:
    """Read ``path`` against ``bank``; raise ``InputError`` listing every problem if any is an error.

    ``today`` decides which dates lie in the future. With ``require_answers`` (the intake check, ``validate``)
    a required answer left blank is an error; without it (``assess``) it is a warning and the answer stays
    blank, for the scoring to judge: unanswered.
    """
    workbook = open_workbook(path)
    try:
        width = max(COMMENT_COLUMN, TABLE_FIRST_COLUMN + max(
            (len(question.columns) for _, question in bank.questions()), default=0))
        # the list of our systems (template --with-systems) holds no answers, and a system named like a question id
        # ("ERP-01") must not be taken for one
        skipped = {CATALOGUE_SHEET.lower()} - {section.sheet.strip().lower() for section in bank.sections}
        sheets = {title: _load_sheet(sheet, width) for sheet in workbook.worksheets
                  if (title := sheet.title.strip().lower()) not in skipped}
    finally:
        workbook.close()
    return _Reading(bank, sheets, str(path), today, require_answers).run()


class _Reading:
    """One pass over a workbook: collects answers, table rows and problems."""

    def __init__(self, bank: QuestionBank, sheets: dict[str, _Sheet], source: str, today: dt.date,
                 require_answers: bool) -> None:
        self.bank, self.sheets, self.source, self.today = bank, sheets, source, today
        self.missing = "error" if require_answers else "warning"
        self.vocabularies = dict(bank.vocabularies)
        self.problems: list[Problem] = []
        self.answers: dict[str, Answer] = {}
        self.tables: dict[str, tuple[TableRow, ...]] = {}

    def run(self) -> Submission:
        self._check_meta()
        located = self._locate_questions()
        if not located:
            sheets = ", ".join(sheet.title for sheet in self.sheets.values())
            self._problem(self.source, f"no question of {self.bank.id} found in column A of any sheet ({sheets}); "
                                       "is this the questionnaire made by 'riskengine template'?")
            raise InputError(self.source, self.problems)
        for section, question in self.bank.questions():
            where = located.get(question.id)
            if where is None:  # an older questionnaire, or a row deleted: unanswered, like a blank
                sheet = section.sheet if section.sheet.lower() in self.sheets else f"{section.sheet} (sheet missing)"
                self._problem(sheet, f"question {question.id} not found: column A of the sheet must hold "
                                     "its id" + ("" if self.missing == "error" else "; it counts as unanswered"),
                              question.id, severity=self.missing if question.required else "warning")
                continue
            if question.is_table:
                self.tables[question.id] = self._read_table(where[0], where[1], question)
            else:
                self._read_answer(where[0], where[1], question)
        # N/A answers are judged even when other answers are wrong: validate lists every problem at once.
        submission = screen_not_applicable(Submission(
            bank_id=self.bank.id, bank_version=self.bank.version, source=self.source, answers=self.answers,
            tables=self.tables, warnings=tuple(self.problems)), self.bank)
        if any(problem.severity == "error" for problem in submission.warnings):
            raise InputError(self.source, submission.warnings)
        return submission

    def _check_meta(self) -> None:
        meta = self.sheets.get(META_SHEET.lower())
        if meta is None:
            return
        declared = meta.cell(1, 2).value
        if declared not in (None, self.bank.id):
            self._problem(f"{META_SHEET}!B1", f"this workbook was made for questionnaire {declared!r}, "
                                              f"not {self.bank.id!r}")

    def _locate_questions(self) -> dict[str, tuple[_Sheet, int]]:
        located: dict[str, tuple[_Sheet, int]] = {}
        for sheet in self.sheets.values():
            for question_id, row in sheet.id_rows.items():
                if question_id in located:
                    first_sheet, first_row = located[question_id]
                    self._problem(f"{sheet.title}!A{row}", f"question {question_id} appears again (first at "
                                                           f"{first_sheet.title}!A{first_row})", question_id)
                    continue
                located[question_id] = (sheet, row)
        return located

    def _read_answer(self, sheet: _Sheet, row: int, question: Question) -> None:
        place = f"{sheet.title}!{get_column_letter(sheet.answer_column)}{row}"
        value = self._value(sheet.cell(row, sheet.answer_column), place, question, question.id)
        comment = sheet.cell(row, COMMENT_COLUMN).value
        comment_text = "" if comment is None else _cut(str(comment), 2000)
        self.answers[question.id] = Answer(question_id=question.id, value=value, place=place, comment=comment_text,
                                           reason=comment_text)

    def _read_table(self, sheet: _Sheet, row: int, question: Question) -> tuple[TableRow, ...]:
        header_row = row + 1
        titles = {_normal(str(sheet.cell(header_row, column).value or "")): column
                  for column in range(1, len(sheet.rows.get(header_row, ())) + 1)}
        columns: dict[str, int] = {}
        for spec in question.columns:
            column = titles.get(_normal(spec.title))
            if column is None:
                self._problem(f"{sheet.title}!{get_column_letter(TABLE_FIRST_COLUMN)}{header_row}",
                              f"table header {spec.title!r} not found", question.id)
            else:
                columns[spec.id] = column
        if len(columns) < len(question.columns):
            return ()
        end = min((other for other in sheet.id_rows.values() if other > row), default=max(sheet.rows, default=row) + 1)
        rows: list[TableRow] = []
        for data_row in range(header_row + 1, end):
            cells = {spec.id: sheet.cell(data_row, columns[spec.id]) for spec in question.columns}
            if all(_blank(cell.value) for cell in cells.values()):
                continue
            values: dict[str, AnswerValue | None] = {}
            places: dict[str, str] = {}
            for spec in question.columns:
                place = f"{sheet.title}!{get_column_letter(columns[spec.id])}{data_row}"
                places[spec.id] = place
                values[spec.id] = self._value(cells[spec.id], place, spec, question.id, label=spec.title)
            first, last = min(columns.values()), max(columns.values())
            rows.append(TableRow(place=f"{sheet.title}!{get_column_letter(first)}{data_row}:"
                                       f"{get_column_letter(last)}{data_row}", values=values, places=places))
        if not rows:
            severity = self.missing if question.required else "warning"
            self._problem(f"{sheet.title}!{get_column_letter(TABLE_FIRST_COLUMN)}{header_row + 1}",
                          "no rows filled in" + ("" if question.required else " (optional)"), question.id,
                          severity=severity)
        return tuple(rows)

    def _value(self, cell: _Cell, place: str, spec: AnswerSpec, question_id: str,
               label: str | None = None) -> AnswerValue | None:
        what = f"{label}: " if label else ""
        if cell.is_formula:
            self._problem(place, f"{what}formulas are not accepted in answers; type the value itself "
                                 f"(found {_quote(str(cell.value), 60)})", question_id)
            return None
        raw = cell.value
        if _blank(raw):
            if spec.required and label is not None:
                self._problem(place, f"{what}required answer is missing", question_id)
            elif spec.required:
                self._problem(place, "required answer is missing" + (
                    "" if self.missing == "error" else "; it counts as unanswered"), question_id,
                    severity=self.missing)
            elif label is None:
                self._problem(place, f"{what}optional answer left blank", question_id, severity="warning")
            return None
        try:
            return self._coerce(raw, spec, place, question_id, what)
        except ValueError as exc:
            self._problem(place, f"{what}{exc}", question_id)
            return None

    def _coerce(self, raw: Any, spec: AnswerSpec, place: str, question_id: str, what: str) -> AnswerValue:
        if spec.type in ("choice", "yes_no"):
            return _choose(_as_text(raw), spec.choices(self.vocabularies))
        if spec.type == "multi_choice":
            options = spec.choices(self.vocabularies)
            picked = {_choose(item, options) for item in re.split(r"[,;\n]+", _as_text(raw)) if item.strip()}
            return tuple(option for option in options if option in picked)
        if spec.type == "number":
            return _number(raw, spec)
        if spec.type == "date":
            value = _date(raw)
            if spec.not_future and value > self.today:
                raise ValueError(f"date {value.isoformat()} is in the future (today is {self.today.isoformat()})")
            if spec.not_past and value < self.today:
                self._problem(place, f"{what}date {value.isoformat()} has already passed", question_id,
                              severity="warning")
            return value
        text = _as_text(raw)
        if len(text) > spec.max_length:
            self._problem(place, f"{what}answer is {len(text):,} characters; cut to {spec.max_length:,}",
                          question_id, severity="warning")
            return _cut(text, spec.max_length)
        return text

    def _problem(self, place: str, message: str, question_id: str | None = None,
                 severity: str = "error") -> None:
        self.problems.append(Problem(place=place, message=message, question_id=question_id,
                                     severity="warning" if severity == "warning" else "error"))


def _load_sheet(worksheet: Any, width: int) -> _Sheet:
    rows: dict[int, tuple[_Cell, ...]] = {}
    for index, row in enumerate(worksheet.iter_rows(min_row=1, max_col=width), start=1):
        cells = tuple(_Cell(getattr(cell, "value", None), getattr(cell, "data_type", None) == "f")
                      for cell in row)
        if any(not _blank(cell.value) for cell in cells):
            rows[index] = cells
    answer_column = ANSWER_COLUMN
    for index in sorted(rows)[:_HEADER_SCAN_ROWS]:
        titles = [_normal(str(cell.value or "")) for cell in rows[index]]
        if "id" in titles and "answer" in titles:
            answer_column = titles.index("answer") + 1
            break
    id_rows: dict[str, int] = {}
    for index, cells in rows.items():
        first = cells[0].value if cells else None
        if isinstance(first, str) and QUESTION_ID.match(first.strip()):
            id_rows.setdefault(first.strip(), index)
    return _Sheet(title=worksheet.title, rows=rows, answer_column=answer_column, id_rows=id_rows)


def _choose(text: str, options: Sequence[str]) -> str:
    normal = {_normal(option): option for option in options}
    wanted = _normal(text)
    if wanted in normal:
        return normal[wanted]
    if _ALIASES.get(wanted) in normal:
        return normal[_ALIASES[wanted]]
    raise ValueError(f"expected one of {', '.join(options)}; got {_quote(text)}")


def _number(raw: Any, spec: AnswerSpec) -> int | float:
    if isinstance(raw, bool | dt.date):
        raise ValueError(f"expected a number; got {_quote(str(raw))}")
    if isinstance(raw, int | float):
        value: float = float(raw)
    else:
        text = str(raw).strip()
        for suffix in (spec.unit or "", "%"):
            if suffix and text.lower().endswith(suffix.lower()):
                text = text[: -len(suffix)].strip()
        if not _NUMBER.match(text):
            unit = f" in {spec.unit}" if spec.unit else ""
            raise ValueError(f"expected a number{unit}; got {_quote(str(raw))}")
        value = float(text.replace(",", ""))
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"expected a finite number; got {raw!r}")
    if spec.integer and not value.is_integer():
        raise ValueError(f"expected a whole number; got {value:g}")
    if spec.minimum is not None and value < spec.minimum:
        raise ValueError(f"{value:g} is below the minimum of {spec.minimum:g}")
    if spec.maximum is not None and value > spec.maximum:
        raise ValueError(f"{value:g} is above the maximum of {spec.maximum:g}")
    return int(value) if spec.integer else value


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD; got {_quote(text)}") from None


def _as_text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _normal(text: str) -> str:
    return " ".join(text.split()).lower()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quote(text: str, limit: int = 80) -> str:
    return '"' + _cut(text.replace("\n", " "), limit) + '"'
