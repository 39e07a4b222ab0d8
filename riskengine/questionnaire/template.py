"""Write the Excel questionnaire a vendor fills in, generated from the question bank."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from riskengine.cells import put_value
from riskengine.errors import UsageError
from riskengine.questionnaire.bank import AnswerSpec, Question, QuestionBank, Section
from riskengine.questionnaire.layout import (
    ANSWER_COLUMN,
    CATALOGUE_SHEET,
    COLUMN_TITLES,
    COMMENT_COLUMN,
    FIRST_QUESTION_ROW,
    HEADER_ROW,
    META_SHEET,
    TABLE_FIRST_COLUMN,
)

if TYPE_CHECKING:
    from riskengine.inventory.catalogue import SystemCatalogue

_TITLE = Font(name="Calibri", size=16, bold=True, color="1F3A5F")
_HEADER = Font(name="Calibri", size=11, bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F4F7")
_ANSWER_FILL = PatternFill("solid", fgColor="FFF8DC")
_TABLE_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_THIN = Side(style="thin", color="B7C0CC")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)
_LISTS_SHEET = "Lists"
_WIDTHS = {"A": 10, "B": 52, "C": 46, "D": 30, "E": 26, "F": 30}
_CATALOGUE_FIRST_ROW = 5
SYSTEM_COLUMN = "system"
"""The column of the Integrations table (the question with role ``integrations``) that names one of our systems:
with a catalogue, its cells offer the catalogue's names in a dropdown."""
CATALOGUE_SHARES = ("The sheet \"Our systems\" lists the name and capabilities of each system of ours (sanctioned ones "
                    "only) that your tool may connect to; nothing else about them is shared.")
"""What the catalogue shares, as the Instructions sheet says it (and ``riskengine template --help``)."""


def write_template(
    bank: QuestionBank,
    path: Path,
    *,
    answers: Mapping[str, Any] | None = None,
    tables: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    comments: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
    catalogue: SystemCatalogue | None = None,
) -> None:
    """Write the questionnaire workbook for ``bank`` to ``path``.

    ``answers`` (question id -> value), ``comments`` (question id -> the Comments cell, where a vendor gives the
    reason for a Partial or an N/A) and ``tables`` (question id -> rows of column id -> value) prefill it, which is
    how the samples and the tests make filled questionnaires. ``now`` fixes the document's timestamps so the same
    bank gives the same workbook. Text is written as text, never as a formula (``riskengine.cells``): an answer
    ``=1+1`` reads back as ``=1+1``.

    ``catalogue`` (``riskengine.inventory.catalogue.system_catalogue``) adds the sheet "Our systems", after the
    Integrations sheet: each system's name and capabilities, and a dropdown of the names in the Integrations
    table's System column (a name not on the list is still accepted, after a warning).
    """
    workbook = build_workbook(bank, answers=answers or {}, tables=tables or {}, comments=comments or {}, now=now,
                              catalogue=catalogue)
    from riskengine.atomic import atomic_write

    with atomic_write(path) as handle:
        workbook.save(handle)


def build_workbook(
    bank: QuestionBank,
    *,
    answers: Mapping[str, Any],
    tables: Mapping[str, Sequence[Mapping[str, Any]]],
    comments: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
    catalogue: SystemCatalogue | None = None,
) -> Workbook:
    unknown = sorted((set(answers) | set(tables) | set(comments or {})) - {q.id for _, q in bank.questions()})
    if unknown:
        raise KeyError(f"prefilled answers for questions not in {bank.id}: {', '.join(unknown)}")
    workbook = Workbook()
    instructions = workbook.active
    assert instructions is not None
    _write_instructions(instructions, bank, catalogue is not None)
    lists = workbook.create_sheet(_LISTS_SHEET)
    list_ranges = _write_lists(lists, bank)
    integrations = bank.by_role("integrations")
    if catalogue is not None and integrations is None:
        raise UsageError(f"question bank {bank.id} has no Integrations table (role integrations) to name our "
                         "systems in; write the questionnaire without its list of our systems")
    for section in bank.sections:
        sheet = workbook.create_sheet(section.sheet)
        with_systems = catalogue is not None and integrations in section.questions
        names = _catalogue_range(catalogue) if catalogue is not None and with_systems else None
        _write_section(sheet, section, bank, list_ranges, answers, tables, comments or {}, names)
        if catalogue is not None and with_systems:
            _write_catalogue(workbook.create_sheet(CATALOGUE_SHEET), catalogue)
    meta = workbook.create_sheet(META_SHEET)
    for row, (key, value) in enumerate((("bank", bank.id), ("version", bank.version)), start=1):
        _put(meta, row, 1, key)
        _put(meta, row, 2, value)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    lists.sheet_state = "hidden"
    lists.protection.sheet = True
    stamp = (now or dt.datetime(2026, 1, 1)).replace(tzinfo=None, microsecond=0)
    workbook.properties.creator = "riskengine"
    workbook.properties.title = bank.title
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    return workbook


def _write_instructions(sheet: Worksheet, bank: QuestionBank, with_systems: bool) -> None:
    sheet.title = "Instructions"
    _put(sheet, 1, 1, bank.title).font = _TITLE
    _put(sheet, 2, 1, f"Questionnaire {bank.id}, version {bank.version}").font = Font(italic=True, color="555555")
    row = 4
    for paragraph in (*bank.instructions, *((CATALOGUE_SHARES,) if with_systems else ())):
        cell = _put(sheet, row, 1, paragraph)
        cell.alignment = _WRAP
        sheet.row_dimensions[row].height = 15 * max(1, len(paragraph) // 62 + 1)
        row += 1
    row += 1
    _put(sheet, row, 1, "Sections").font = Font(bold=True)
    for section in bank.sections:
        row += 1
        count = len(section.questions)
        _put(sheet, row, 1, f"{section.sheet}: {count} question{'s' if count > 1 else ''}")
    sheet.column_dimensions["A"].width = 72  # fits A4 portrait at 100 %, whatever the viewer does with fit-to-page
    sheet.protection.sheet = True
    _print_setup(sheet, landscape=False)


def _write_lists(sheet: Worksheet, bank: QuestionBank) -> dict[tuple[str, ...], str]:
    """Put every option list on the hidden Lists sheet; return list -> absolute range for validations."""
    ranges: dict[tuple[str, ...], str] = {}
    for _, question in bank.questions():
        for spec in (question, *question.columns):
            if spec.type not in ("choice", "yes_no"):
                continue
            options = spec.choices(dict(bank.vocabularies))
            if options in ranges:
                continue
            column = len(ranges) + 1
            for row, option in enumerate(options, start=1):
                _put(sheet, row, column, option)
            letter = get_column_letter(column)
            ranges[options] = f"{quote_sheetname(_LISTS_SHEET)}!${letter}$1:${letter}${len(options)}"
    return ranges


def _write_section(
    sheet: Worksheet,
    section: Section,
    bank: QuestionBank,
    list_ranges: dict[tuple[str, ...], str],
    answers: Mapping[str, Any],
    tables: Mapping[str, Sequence[Mapping[str, Any]]],
    comments: Mapping[str, str],
    system_names: str | None,
) -> None:
    """One section's sheet; ``system_names`` (a range of the catalogue sheet) offers our systems in the
    Integrations table's System column."""
    vocabularies = dict(bank.vocabularies)
    validations: dict[str, DataValidation] = {}
    _put(sheet, 1, 1, section.title).font = _TITLE
    _put(sheet, 2, 1, section.intro).alignment = _WRAP
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=6)
    sheet.row_dimensions[2].height = 15 * max(1, len(section.intro) // 150 + 1)
    for column, title in enumerate(COLUMN_TITLES, start=1):
        cell = _put(sheet, HEADER_ROW, column, title)
        cell.font, cell.fill, cell.border = _HEADER, _HEADER_FILL, _BOX
    row = FIRST_QUESTION_ROW
    for question in section.questions:
        for column, value in ((1, question.id), (2, question.text), (3, question.help)):
            cell = _put(sheet, row, column, value)
            cell.alignment, cell.fill, cell.border = _WRAP, _LOCKED_FILL, _BOX
        sheet.cell(row=row, column=1).font = Font(bold=True)
        if question.is_table:
            sheet.merge_cells(start_row=row, start_column=3, end_row=row, end_column=6)
            sheet.row_dimensions[row].height = 15 * max(2, len(question.help) // 120 + 1)
            names = system_names if question.role == "integrations" else None
            row = _write_table(sheet, row + 1, question.columns, vocabularies, list_ranges, validations,
                               tables.get(question.id, ()), question.rows, names)
            continue
        answer = _put(sheet, row, ANSWER_COLUMN, answers.get(question.id))
        answer.alignment, answer.fill, answer.border, answer.protection = _WRAP, _ANSWER_FILL, _BOX, _UNLOCKED
        if question.type == "date":
            answer.number_format = "yyyy-mm-dd"
        fmt = _put(sheet, row, ANSWER_COLUMN + 1, _format_text(bank, question, vocabularies))
        fmt.alignment, fmt.fill, fmt.border = _WRAP, _LOCKED_FILL, _BOX
        fmt.font = Font(size=9, color="555555")
        comment = _put(sheet, row, COMMENT_COLUMN, comments.get(question.id))
        comment.alignment, comment.border, comment.protection = _WRAP, _BOX, _UNLOCKED
        _validate(sheet, answer.coordinate, question, vocabularies, list_ranges, validations)
        longest = max(len(question.text) / 50, len(question.help) / 44, 1)
        sheet.row_dimensions[row].height = min(15 * (int(longest) + 1), 150)
        row += 1
    for letter, width in _WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=FIRST_QUESTION_ROW, column=1)
    sheet.protection.sheet = True
    sheet.protection.formatRows = False
    sheet.protection.formatColumns = False
    _print_setup(sheet, landscape=True)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _format_text(bank: QuestionBank, question: Question, vocabularies: dict[str, tuple[str, ...]]) -> str:
    """The Format column: what to enter, and for a yes/no question whether N/A is accepted and when."""
    text = question.describe(vocabularies)
    if question.type != "yes_no":
        return text
    rule = bank.na_rule(question.id)
    if rule is None:
        return text + ". N/A is not accepted here"
    return text + (f". N/A only if {rule.because}, with the reason" if rule.when is not None
                   else f". N/A (for example if {rule.because}) with the reason")


def _write_table(
    sheet: Worksheet,
    header_row: int,
    columns: Sequence[AnswerSpec],
    vocabularies: dict[str, tuple[str, ...]],
    list_ranges: dict[tuple[str, ...], str],
    validations: dict[str, DataValidation],
    prefill: Sequence[Mapping[str, Any]],
    blank_rows: int,
    system_names: str | None = None,
) -> int:
    """Write a table question's header and its rows; return the first row after it. With ``system_names``, the
    System column's cells offer those names (the catalogue's) instead of checking the text's length."""
    for offset, column in enumerate(columns):
        cell = _put(sheet, header_row, TABLE_FIRST_COLUMN + offset, getattr(column, "title", ""))
        cell.font, cell.fill, cell.border = Font(bold=True), _TABLE_HEADER_FILL, _BOX
        cell.alignment = _WRAP
    total = max(blank_rows, len(prefill) + 5)
    for index in range(total):
        row = header_row + 1 + index
        values = prefill[index] if index < len(prefill) else {}
        for offset, column in enumerate(columns):
            column_id = getattr(column, "id", "")
            cell = _put(sheet, row, TABLE_FIRST_COLUMN + offset, values.get(column_id))
            cell.fill, cell.border, cell.protection, cell.alignment = _ANSWER_FILL, _BOX, _UNLOCKED, _WRAP
            if system_names is not None and column_id == SYSTEM_COLUMN:
                _our_systems(sheet, cell.coordinate, system_names, validations)
            else:
                _validate(sheet, cell.coordinate, column, vocabularies, list_ranges, validations)
    return header_row + total + 2


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    """The cell at (row, column) holding ``value``; text stays text, never a formula (``riskengine.cells``)."""
    cell = sheet.cell(row=row, column=column)
    put_value(cell, value)
    return cell


def _validate(
    sheet: Worksheet,
    coordinate: str,
    spec: AnswerSpec,
    vocabularies: dict[str, tuple[str, ...]],
    list_ranges: dict[tuple[str, ...], str],
    validations: dict[str, DataValidation],
) -> None:
    """Attach Excel data validation to an answer cell: a dropdown for every choice answer."""
    key, validation = _validation_for(spec, vocabularies, list_ranges)
    if validation is None:
        return
    if key not in validations:
        validations[key] = validation
        sheet.add_data_validation(validation)
    validations[key].add(coordinate)


def _validation_for(
    spec: AnswerSpec, vocabularies: dict[str, tuple[str, ...]], list_ranges: dict[tuple[str, ...], str]
) -> tuple[str, DataValidation | None]:
    common: dict[str, Any] = {"allow_blank": True, "showErrorMessage": True, "showInputMessage": False}
    if spec.type in ("choice", "yes_no"):
        source = list_ranges[spec.choices(vocabularies)]
        return f"list:{source}", DataValidation(type="list", formula1=source, errorTitle="Pick from the list",
                                                error="Choose one of the options in the dropdown.", **common)
    if spec.type == "number":
        kind = "whole" if spec.integer else "decimal"
        low = spec.minimum if spec.minimum is not None else -1e15
        high = spec.maximum if spec.maximum is not None else 1e15
        low_text, high_text = f"{low:g}", f"{high:g}"
        return f"{kind}:{low_text}:{high_text}", DataValidation(
            type=kind, operator="between", formula1=low_text, formula2=high_text,
            errorTitle="Number expected", error=spec.describe(vocabularies), **common)
    if spec.type == "date":
        return "date", DataValidation(type="date", operator="greaterThan", formula1="1",
                                      errorTitle="Date expected", error="Enter a date as YYYY-MM-DD.", **common)
    if spec.type == "text":
        limit = str(spec.max_length)
        return f"text:{limit}", DataValidation(type="textLength", operator="lessThanOrEqual", formula1=limit,
                                               errorTitle="Too long", error=f"At most {limit} characters.",
                                               **common)
    return "", None


def _catalogue_range(catalogue: SystemCatalogue) -> str:
    """The names column of the catalogue sheet, as a dropdown's source."""
    last = _CATALOGUE_FIRST_ROW + max(len(catalogue.systems), 1) - 1
    return f"{quote_sheetname(CATALOGUE_SHEET)}!$A${_CATALOGUE_FIRST_ROW}:$A${last}"


def _our_systems(sheet: Worksheet, coordinate: str, names: str, validations: dict[str, DataValidation]) -> None:
    """A dropdown of our systems' names that still lets the vendor keep another text ("our CRM") after a warning:
    a system we did not list, or one it names by what it does, is matched by meaning when it is assessed."""
    key = f"systems:{names}"
    if key not in validations:
        validations[key] = DataValidation(
            type="list", formula1=names, allow_blank=True, showErrorMessage=True, showInputMessage=False,
            errorStyle="warning", errorTitle="Not on our list",
            error=f"This is not a name on the sheet \"{CATALOGUE_SHEET}\". Keep it only for a system we did not "
                  "list, and say what it does (\"our CRM\").")
        sheet.add_data_validation(validations[key])
    validations[key].add(coordinate)


def _write_catalogue(sheet: Worksheet, catalogue: SystemCatalogue) -> None:
    """The systems a vendor may connect to: a title, what is shared, then one row per system."""
    who = catalogue.organisation.strip() or "We"
    _put(sheet, 1, 1, CATALOGUE_SHEET).font = _TITLE
    intro = _put(sheet, 2, 1, f"{who} share{'s' if who != 'We' else ''} the name and capabilities of each "
                              "system your tool may connect to, so that you can name them on the Integrations "
                              "sheet (the System column offers them in a list). Nothing else about them is shared: "
                              "not how critical they are, what data they hold, who runs them or how they connect.")
    intro.alignment = _WRAP
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=2)
    sheet.row_dimensions[2].height = 48
    for column, title in enumerate(("System", "What it does (capabilities)"), start=1):
        cell = _put(sheet, _CATALOGUE_FIRST_ROW - 1, column, title)
        cell.font, cell.fill, cell.border = _HEADER, _HEADER_FILL, _BOX
    for row, system in enumerate(catalogue.systems, start=_CATALOGUE_FIRST_ROW):
        for column, value in enumerate((system.name, ", ".join(system.capabilities)), start=1):
            cell = _put(sheet, row, column, value)
            cell.alignment, cell.border = _WRAP, _BOX
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 60
    sheet.freeze_panes = sheet.cell(row=_CATALOGUE_FIRST_ROW, column=1)
    sheet.protection.sheet = True
    _print_setup(sheet, landscape=False)
    sheet.print_title_rows = f"{_CATALOGUE_FIRST_ROW - 1}:{_CATALOGUE_FIRST_ROW - 1}"


def _print_setup(sheet: Worksheet, *, landscape: bool) -> None:
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "&A, page &P of &N"
