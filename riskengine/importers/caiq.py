"""CSA CAIQ v4.0.x: one question sheet (``CAIQv4.0.3``), a header row naming the columns, one row per question.

Columns are found by their header labels wherever the header sits (vendors add title and note rows, or a
column in front); question rows by their id (``A&A-01.1``). The CCM control id, title and domain are filled only
on each control's first row (and are often merged cells): they are filled down. Every CAIQ question is
answered Yes / No / NA, so any other answer is kept as unparsed.
"""

from __future__ import annotations

import re

from riskengine.digest import file_sha256
from riskengine.errors import InputError, Problem
from riskengine.importers.foreign import ForeignItem, ForeignQuestionnaire
from riskengine.importers.mapping import THEIR_ID
from riskengine.importers.sheets import Book, Grid, blank, cell_text

SHEET_TITLE = re.compile(r"^\s*caiq\s*v?\s*(\d+(?:\.\d+)*)\s*$", re.IGNORECASE)
_VERSION = re.compile(r"\bv?(4(?:\.\d+){1,2})\b")
_HEADER_SCAN_ROWS = 30

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("question id",),
    "question": ("question", "assessment question"),
    "answer": ("csp caiq answer",),
    "ownership": ("ssrm control ownership",),
    "description": ("csp implementation description",),
    "customer": ("csc responsibilities",),
    "control": ("ccm control id",),
    "title": ("ccm control title",),
    "domain": ("ccm domain title",),
}
"""Header labels (prefixes, case and spacing ignored) of the columns we read."""


def caiq_sheet(book: Book, *, titled_only: bool = False) -> tuple[str, int] | None:
    """The question sheet and its header row: a sheet titled like ``CAIQv4.0.3``, or (unless ``titled_only``) any
    sheet whose header names a ``Question ID`` and a ``CSP CAIQ Answer`` column."""
    titled = [title for title in book.titles if SHEET_TITLE.match(title)]
    others = [] if titled_only else [title for title in book.titles if title not in titled]
    for title in titled + others:
        header = _header_row(book.head(title))
        if header is not None:
            return title, header
    return None


def read_caiq(book: Book) -> ForeignQuestionnaire:
    source = str(book.path)
    found = caiq_sheet(book)
    if found is None:
        raise InputError(source, [Problem(place=source, message="no CAIQ question sheet found: expected a sheet "
                                                                "with 'Question ID' and 'CSP CAIQ Answer' columns")])
    title, header = found
    grid = book.grid(title, columns=40)
    columns = _columns(grid, header)
    pattern = THEIR_ID["caiq"]
    items: list[ForeignItem] = []
    seen: set[str] = set()
    problems: list[Problem] = []
    control = control_title = domain = ""
    for row in sorted(grid.rows):
        if row <= header:
            continue
        their_id = grid.text(row, columns["id"])
        if not pattern.match(their_id):
            continue
        if their_id in seen:
            problems.append(Problem(place=grid.place(row, columns["id"]), severity="warning",
                                    message=f"question {their_id} appears again; the first answer is used"))
            continue
        seen.add(their_id)
        control = _filled(grid, row, columns.get("control"), control, their_id.split(".")[0])
        control_title = _filled(grid, row, columns.get("title"), control_title)
        domain = _filled(grid, row, columns.get("domain"), domain)
        answer = grid.value(row, columns["answer"])
        description_column = columns.get("description")
        description = grid.text(row, description_column) if description_column else ""
        description_place = grid.place(row, description_column) if description and description_column else ""
        ownership = grid.text(row, columns["ownership"]) if "ownership" in columns else ""
        items.append(ForeignItem(
            their_id=their_id, text=grid.text(row, columns["question"]) if "question" in columns else "",
            answer=None if blank(answer) else answer, place=grid.place(row, columns["answer"]),
            evidence=description, evidence_place=description_place,
            note="; ".join(part for part in (ownership, f"{control} {control_title}".strip(), domain) if part),
            yes_no=True))
    return ForeignQuestionnaire(format="caiq", format_version=_version(book, title, grid), source=source,
                                sha256=file_sha256(book.path), items=tuple(items), problems=tuple(problems))


def _header_row(grid: Grid) -> int | None:
    for row in sorted(grid.rows)[:_HEADER_SCAN_ROWS]:
        texts = grid.row_texts(row)
        if any(text in COLUMNS["id"] for text in texts) and any(text.startswith(COLUMNS["answer"]) for text in texts):
            return row
    return None


def _columns(grid: Grid, header: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, text in enumerate(grid.row_texts(header), start=1):
        for name, labels in COLUMNS.items():
            if name in columns:
                continue
            exact = name in ("id", "question")
            if (text in labels) if exact else text.startswith(labels):
                columns[name] = index
                break
    return columns


def _filled(grid: Grid, row: int, column: int | None, previous: str, default: str = "") -> str:
    """A column filled only on a control's first row (or merged down): its value, or the one above."""
    if column is None:
        return default or previous
    value = grid.text(row, column)
    return value or previous or default


def _version(book: Book, title: str, grid: Grid) -> str:
    match = SHEET_TITLE.match(title)
    if match:
        return match.group(1)
    for row in sorted(grid.rows)[:5]:
        for value in grid.rows[row]:
            found = _VERSION.search(cell_text(value))
            if found:
                return found.group(1)
    return "4"

