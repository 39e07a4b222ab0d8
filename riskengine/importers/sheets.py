"""Worksheets of a vendor's workbook, read once into sparse grids of cached values.

Foreign questionnaires are read with ``data_only``: a cell holds what Excel showed when the vendor saved the
file (HECVAT's question texts are formulas over a hidden sheet), and nothing is ever evaluated. The file
goes through the same hostile-file guard as our own template, in its sparse mode: real workbooks claim all
1,048,576 rows, so rows are walked lazily, empty ones cost nothing, and a sheet whose rows with values
exceed ``MAX_ROWS`` is refused. A sheet a reader reads whole also carries its cells' web and mail links
(``Grid.links``), which openpyxl's read-only mode does not load (see ``hyperlinks.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from riskengine.errors import UnreadableFileError
from riskengine.importers.hyperlinks import sheet_links
from riskengine.questionnaire.workbook import MAX_ROWS, open_workbook, quiet_openpyxl

EXCEL_MAX_ROWS = 1_048_576
"""The most rows an Excel sheet can have; a row numbered beyond it is a forged file."""
HEAD_ROWS = 60
HEAD_COLUMNS = 30


@dataclass(frozen=True)
class Grid:
    """The rows of one worksheet that hold a value: row number -> values, column 1 first."""

    title: str
    hidden: bool
    rows: dict[int, tuple[Any, ...]]
    links: Mapping[tuple[int, int], str] = field(default_factory=dict)
    """(row, column) -> the web or mail address the cell links to; read for whole sheets only (``Book.grid``
    without ``max_row``), since a quick look to recognise a format needs none."""

    def value(self, row: int, column: int) -> Any:
        cells = self.rows.get(row, ())
        return cells[column - 1] if 0 < column <= len(cells) else None

    def text(self, row: int, column: int) -> str:
        """The cell as one line of text ('' when empty)."""
        return cell_text(self.value(row, column))

    def link(self, row: int, column: int) -> str:
        """The address the cell links to ('' when none)."""
        return self.links.get((row, column), "")

    def place(self, row: int, column: int) -> str:
        return f"{self.title}!{get_column_letter(column)}{row}"

    def row_texts(self, row: int) -> list[str]:
        return [normal(cell_text(value)) for value in self.rows.get(row, ())]


@dataclass
class Book:
    """An open vendor workbook: its sheet titles and states; grids are read on demand and kept."""

    path: Path
    workbook: Any
    titles: tuple[str, ...]
    hidden: frozenset[str]

    def __post_init__(self) -> None:
        self._grids: dict[tuple[str, int, int | None], Grid] = {}

    def grid(self, title: str, *, columns: int = 30, max_row: int | None = None) -> Grid:
        """The sheet ``title`` read up to ``columns`` columns (and ``max_row`` rows, for a quick look)."""
        key = (title, columns, max_row)
        if key not in self._grids:
            links = sheet_links(self.path, title) if max_row is None else {}
            self._grids[key] = _read_grid(self.workbook[title], str(self.path), columns, max_row,
                                          hidden=title in self.hidden, links=links)
        return self._grids[key]

    def head(self, title: str) -> Grid:
        """The first 60 rows and 30 columns of a sheet: enough to recognise a format (CAIQ v3.1's answer
        columns are W to Y; a HECVAT 3 sheet's first label row comes after 20 rows of general questions)."""
        return self.grid(title, columns=HEAD_COLUMNS, max_row=HEAD_ROWS)

    @property
    def visible(self) -> tuple[str, ...]:
        """The titles of the sheets a person sees, in order."""
        return tuple(title for title in self.titles if title not in self.hidden)


@contextmanager
def open_book(path: Path) -> Iterator[Book]:
    """Open ``path`` through the hostile-file guard, values only; close it on leaving."""
    workbook = open_workbook(path, data_only=True, sparse=True)
    try:
        titles = tuple(sheet.title for sheet in workbook.worksheets)
        hidden = frozenset(sheet.title for sheet in workbook.worksheets
                           if getattr(sheet, "sheet_state", "visible") != "visible")
        yield Book(path=path, workbook=workbook, titles=titles, hidden=hidden)
    finally:
        workbook.close()


def _read_grid(worksheet: Any, source: str, columns: int, max_row: int | None, *, hidden: bool,
               links: Mapping[tuple[int, int], str]) -> Grid:
    rows: dict[int, tuple[Any, ...]] = {}
    previous: Any = None
    # The stored dimension is a claim, too large (a formatted column) or too small (tools that write "A1"): rows are
    # read as they are stored, and only their number is trusted.
    worksheet.reset_dimensions()
    with quiet_openpyxl():
        for index, row in enumerate(worksheet.iter_rows(max_col=columns, max_row=max_row, values_only=True),
                                    start=1):
            if row is previous:
                # openpyxl fills a gap between stored rows with one shared empty tuple: skipping it by identity
                # keeps a sheet that stores row 1,048,576 (a formatted column) as fast as a short one.
                continue
            previous = row
            if index > EXCEL_MAX_ROWS:
                raise UnreadableFileError(source, f"sheet {worksheet.title!r} has a row beyond Excel's limit of "
                                                  f"{EXCEL_MAX_ROWS:,}; the workbook is damaged or forged")
            if any(not blank(value) for value in row):
                rows[index] = tuple(row)
                if len(rows) > MAX_ROWS:
                    raise UnreadableFileError(source, f"sheet {worksheet.title!r} holds more than {MAX_ROWS:,} "
                                                      "rows with values; questionnaires are far smaller")
    return Grid(title=worksheet.title, hidden=hidden, rows=rows, links=links)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell's value as text: whole floats without ``.0``, midnight datetimes as dates, strings stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def normal(text: str) -> str:
    """Lowercase with whitespace collapsed: how header labels are compared."""
    return " ".join(text.split()).lower()


VERSION = re.compile(r"\bversion\s*:?\s*v?(\d+(?:\.\d+)*)", re.IGNORECASE)


def find_version(grid: Grid) -> str:
    """The first ``Version 3.04``-style label in a grid, or ''."""
    for row in sorted(grid.rows):
        for value in grid.rows[row]:
            if isinstance(value, str) and (match := VERSION.search(value)):
                return match.group(1)
    return ""
