"""Read the Excel inventory format into records placed as ``Sheet!Cell``.

Sheet ``Systems`` holds one row per system and sheet ``Integrations`` one row per data flow, each under a
header row naming the fields; an optional ``Organisation`` sheet names the company. The layout is described
in docs/inventory.md ("Excel workbook"). Values are passed on as typed: ``build_inventory`` checks them, so
this module only reports what is wrong with the sheet itself (missing sheet or headers, formulas).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from riskengine.errors import InputError, Problem
from riskengine.inventory.model import Integration, System
from riskengine.inventory.records import Record
from riskengine.questionnaire.workbook import open_workbook, quiet_openpyxl

HEADER_SCAN_ROWS = 20
"""The header row must be among the first rows, so a title or a note may sit above it."""

_SEPARATORS = re.compile(r"[\s_\-]+")
_ORGANISATION_SHEETS = {"organisation", "organization"}
_ORGANISATION_LABELS = {"organisation", "organization", "company", "name"}


@dataclass(frozen=True)
class _Table:
    """One sheet of the format: its name, the header that marks its header row, its columns."""

    sheet: str
    key: str
    fields: tuple[str, ...]
    required: tuple[str, ...]


SYSTEMS = _Table("Systems", "id", tuple(name for name in System.model_fields if name != "place"),
                 ("id", "name", "criticality"))
INTEGRATIONS = _Table("Integrations", "from",
                      tuple(info.alias or name for name, info in Integration.model_fields.items() if name != "place"),
                      ("from", "to", "method"))


@quiet_openpyxl()  # read-only rows are parsed while read: openpyxl warns then, not on load
def read_workbook(path: Path) -> tuple[str, list[Record], list[Record]]:
    """The organisation, system records and integration records of an Excel inventory.

    Raises ``UnreadableFileError`` for a file that is not a safe workbook and ``InputError`` listing every
    problem with the sheet's layout (each at its cell); field values are checked later by ``build_inventory``.
    """
    name = str(path)
    problems: list[Problem] = []
    workbook = open_workbook(path)
    try:
        sheets: dict[str, Any] = {}
        for worksheet in workbook.worksheets:
            sheets.setdefault(_sheet_key(worksheet.title), worksheet)
        organisation = ""
        for key in sorted(_ORGANISATION_SHEETS & set(sheets)):
            organisation = _organisation(sheets[key], problems)
            break
        systems: list[Record] = []
        if "systems" in sheets:
            systems = _read_table(sheets["systems"], SYSTEMS, problems)
        else:
            titles = ", ".join(repr(worksheet.title) for worksheet in workbook.worksheets)
            problems.append(Problem(place=name, message=f"no sheet named Systems; the workbook has {titles}"))
        integrations: list[Record] = []
        if "integrations" in sheets:
            integrations = _read_table(sheets["integrations"], INTEGRATIONS, problems)
    finally:
        workbook.close()
    if problems:
        raise InputError(name, problems)
    return organisation, systems, integrations


def _read_table(worksheet: Any, table: _Table, problems: list[Problem]) -> list[Record]:
    title = worksheet.title.strip()
    columns: dict[int, str] = {}
    labelled: set[int] = set()
    header_row = 0
    records: list[Record] = []
    for number, row in enumerate(worksheet.iter_rows(), start=1):
        cells: tuple[Any, ...] = tuple(row)
        if not header_row:
            if number > HEADER_SCAN_ROWS:
                break
            if table.key in (_header_key(cell.value) for cell in cells):
                header_row = number
                columns = _header(title, number, cells, table, problems)
                labelled = {index for index, cell in enumerate(cells) if not _blank(cell.value)}
            continue
        if all(_blank(cell.value) for cell in cells):
            continue
        records.append(_record(title, number, cells, columns, labelled, problems))
    if not header_row:
        problems.append(Problem(place=f"{title}!A1",
                                message=f"no header row: expected a row with an {table.key!r} column within the "
                                        f"first {HEADER_SCAN_ROWS} rows (columns: {', '.join(table.fields)})"))
    return records


def _header(title: str, number: int, cells: tuple[Any, ...], table: _Table,
            problems: list[Problem]) -> dict[int, str]:
    """The field each column holds; unknown, repeated and missing headers are problems."""
    known = {_header_key(field): field for field in table.fields}
    columns: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, cell in enumerate(cells):
        if _blank(cell.value):
            continue
        place = f"{title}!{get_column_letter(index + 1)}{number}"
        field = known.get(_header_key(cell.value) or "")
        if field is None:
            problems.append(Problem(place=place, message=f"unknown column {cell.value!r}; expected one of "
                                                         f"{', '.join(table.fields)}"))
        elif field in seen:
            problems.append(Problem(place=place, message=f"column {field!r} repeats {seen[field]}"))
        else:
            seen[field] = place
            columns[index] = field
    missing = [field for field in table.required if field not in seen]
    if missing:
        first = get_column_letter(min(columns) + 1) if columns else "A"
        problems.append(Problem(place=f"{title}!{first}{number}",
                                message=f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                                        f"in the header row"))
    return columns


def _record(title: str, number: int, cells: tuple[Any, ...], columns: dict[int, str], labelled: set[int],
            problems: list[Problem]) -> Record:
    """One row: each header's cell becomes a field (blank cells are left out, so defaults apply)."""
    first = min(columns) if columns else 0
    fields: dict[str, Any] = {}
    field_places: dict[str, str] = {}
    for index, cell in enumerate(cells):
        place = f"{title}!{get_column_letter(index + 1)}{number}"
        field = columns.get(index)
        value = cell.value
        if field is None:
            # a value under an unknown header was reported with its header; one under no header at all is
            # data the user expects to be read, so say it is not
            if not _blank(value) and index >= first and index not in labelled:
                problems.append(Problem(place=place, message="value in a column without a header; add a header "
                                                             "or clear the cell"))
            continue
        field_places[field] = place
        kind = getattr(cell, "data_type", None)
        if kind == "f":
            problems.append(Problem(place=place, message=f"{field}: formulas are not accepted; type the value "
                                                         f"itself (found {str(value)[:80]!r})"))
        elif kind == "e":
            problems.append(Problem(place=place, message=f"{field}: the cell holds the Excel error {value}"))
        elif not _blank(value):
            fields[field] = _value(value)
    for index, field in columns.items():
        field_places.setdefault(field, f"{title}!{get_column_letter(index + 1)}{number}")
    return Record(place=f"{title}!{get_column_letter(first + 1)}{number}", fields=fields, field_places=field_places)


def _organisation(worksheet: Any, problems: list[Problem]) -> str:
    """The company's name: the value beside an ``Organisation`` label, or the first filled cell alone."""
    title = worksheet.title.strip()
    for number, row in enumerate(worksheet.iter_rows(max_row=HEADER_SCAN_ROWS), start=1):
        filled = [(index, cell) for index, cell in enumerate(row) if not _blank(cell.value)]
        if not filled:
            continue
        for index, cell in filled[:2]:
            if getattr(cell, "data_type", None) == "f":
                problems.append(Problem(place=f"{title}!{get_column_letter(index + 1)}{number}",
                                        message="formulas are not accepted; type the organisation's name"))
                return ""
        values = [str(_value(cell.value)) for _, cell in filled]
        if _header_key(filled[0][1].value) in _ORGANISATION_LABELS:
            return values[1] if len(values) > 1 else ""
        return values[0]
    return ""


def _sheet_key(title: str) -> str:
    return title.strip().casefold()


def _header_key(value: Any) -> str | None:
    """Headers match field names ignoring case, spaces, underscores and dashes: "Data classes" is data_classes."""
    return _SEPARATORS.sub("", value).casefold() if isinstance(value, str) else None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _value(value: Any) -> Any:
    """A cell's value as the records expect it: text trimmed, and numbers as text, because Excel turns a typed
    ``365`` or ``2024`` into a number the user never meant; booleans and dates pass through."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value
