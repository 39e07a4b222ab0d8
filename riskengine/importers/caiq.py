"""CSA CAIQ v4.0.x and v3.1: one question sheet, a header naming the columns, one row per question.

- **v4** (``CAIQv4.0.3``): ``Question ID``, ``Question``, ``CSP CAIQ Answer`` (Yes / No / NA, typed or picked),
  ``SSRM Control Ownership``, ``CSP Implementation Description``, ``CSC Responsibilities``, then the CCM
  control id, title and domain.
- **v3.1** (``CAIQ v3.1``): ``Control Domain``, ``Control ID``, ``Question ID``, ``Control Specification``,
  ``Consensus Assessment Questions``, then ``Consensus Assessment Answers`` over three columns ``Yes`` / ``No`` /
  ``Not Applicable`` in which the vendor marks one (an X), then ``Notes``. The header spans three rows.

The sheet is found by its content (the header), whatever its title: vendors and Google Sheets rename it.
Columns are found by their labels wherever the header sits (vendors add title and note rows, or a column in
front); question rows by their id (``A&A-01.1``, ``AIS-01.1``). The control columns are filled only on each
control's first row (and are often merged cells): they are filled down. Every CAIQ question is answered Yes / No /
N/A, so any other answer is kept as unparsed; so is a v3.1 row marked in two columns, or with something in an
answer column that is not clearly a mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from openpyxl.utils import get_column_letter

from riskengine.digest import file_sha256
from riskengine.errors import InputError, Problem
from riskengine.importers.answers import linked_answer, linked_text
from riskengine.importers.foreign import ForeignItem, ForeignQuestionnaire
from riskengine.importers.mapping import THEIR_ID
from riskengine.importers.sheets import Book, Grid, blank, cell_text, normal
from riskengine.questionnaire.submission import UnparsedAnswer

Layout = Literal["v3", "v4"]

SHEET_TITLE = re.compile(r"^\s*caiq\s*v?\s*(\d+(?:\.\d+)*)\s*$", re.IGNORECASE)
_VERSION_CELL = re.compile(r"^\s*v(?:ersion)?\s*(\d+(?:\.\d+){1,2})\s*$", re.IGNORECASE)
_VERSION_TEXT = re.compile(r"(?:caiq|consensus assessments? initiative questionnaire)\W*(?:\(\s*caiq\s*\))?\W*"
                           r"v(?:ersion)?\s*(\d+(?:\.\d+){1,2})", re.IGNORECASE)
_HEADER_SCAN_ROWS = 30
_V3_HEADER_ROWS = 3
"""CAIQ v3.1's header spans rows 2 to 4: the answer words sit up to three rows below ``Question ID``."""

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
"""Header labels (prefixes, case and spacing ignored) of the v4 columns we read."""

V3_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("question id",),
    "question": ("consensus assessment questions", "consensus assessment question"),
    "control": ("control id",),
    "domain": ("control domain",),
    "notes": ("notes", "note", "comments"),
}
"""Header labels (whole, case and spacing ignored) of the v3.1 columns we read, besides the answer columns."""

ANSWER_WORDS = ("Yes", "No", "N/A")
"""What a mark in each of v3.1's three answer columns says, in their order."""
_COLUMN_WORDS = (frozenset({"yes", "y"}), frozenset({"no", "n"}), frozenset({"not applicable", "n/a", "na"}))
"""The labels of v3.1's answer columns; a vendor who writes the column's own word in it marks it too."""
MARKS = frozenset({"x", "\u2713", "\u2714", "\u2611", "\u2612", "\u2717", "\u2718", "\u2022", "\u25cf", "*", "1",
                   "true"})
"""What counts as a mark in a v3.1 answer column (X, ticks, crosses, bullets, a 1, a ticked checkbox)."""


@dataclass(frozen=True)
class CaiqSheet:
    """A CAIQ question sheet as found: its title, the row of its column labels and which layout it has."""

    title: str
    header: int
    """The row of the column labels (v3.1: the row of ``Yes`` / ``No`` / ``Not Applicable``)."""
    layout: Layout
    version: str
    """As the workbook states it (``4.0.3``, ``3.1``); '' when it does not."""

    @property
    def supported(self) -> bool:
        """Whether riskengine's mappings are made for this version: v3.1 and every v4."""
        parts = _version_parts(self.version)
        if self.layout == "v4":
            return not parts or parts[0] == 4
        return not parts or parts in ((3, 1), (3, 1, 0))

    @property
    def format_version(self) -> str:
        return self.version or ("4" if self.layout == "v4" else "3.1")


def caiq_sheet(book: Book) -> CaiqSheet | None:
    """The CAIQ question sheet: the first sheet (those titled like ``CAIQv4.0.3`` first) whose header names a
    ``Question ID`` column and an answer column (v4's ``CSP CAIQ Answer``, v3.1's ``Yes`` / ``No`` / ``Not
    Applicable``)."""
    titled = [title for title in book.titles if SHEET_TITLE.match(title)]
    for title in titled + [title for title in book.titles if title not in titled]:
        head = book.head(title)
        found = _header(head)
        if found is not None:
            header, layout = found
            return CaiqSheet(title=title, header=header, layout=layout, version=_version(title, head))
    return None


def read_caiq(book: Book) -> ForeignQuestionnaire:
    source = str(book.path)
    sheet = caiq_sheet(book)
    if sheet is None:
        raise InputError(source, [Problem(place=source, message=(
            "no CAIQ question sheet found: expected a sheet with a 'Question ID' column and a 'CSP CAIQ Answer' "
            "column (v4) or 'Yes', 'No' and 'Not Applicable' answer columns (v3.1)"))])
    grid = book.grid(sheet.title, columns=40)
    if sheet.layout == "v4":
        items, unparsed, problems = _read_v4(grid, sheet.header)
    else:
        items, unparsed, problems = _read_v3(grid, sheet.header)
    problems.extend(_version_warnings(sheet, source))
    return ForeignQuestionnaire(format="caiq", format_version=sheet.format_version, source=source,
                                sha256=file_sha256(book.path), items=tuple(items), problems=tuple(problems),
                                variant=sheet.layout, unparsed=tuple(unparsed))


def _version_warnings(sheet: CaiqSheet, source: str) -> list[Problem]:
    if not sheet.version:
        return [Problem(place=source, severity="warning", message=(
            f"the workbook does not say which CAIQ version it is; read as CAIQ {sheet.format_version} by its "
            "layout"))]
    if not sheet.supported:  # only when the format is forced: recognition refuses it otherwise
        return [Problem(place=source, severity="warning", message=(
            f"this is CAIQ {sheet.version}; the shipped CAIQ mappings are made for v3.1 and v4, and its question "
            "ids may mean other things: check every answer"))]
    return []


def _header(grid: Grid) -> tuple[int, Layout] | None:
    """The header row and layout of a CAIQ question sheet, or None."""
    for row in sorted(grid.rows)[:_HEADER_SCAN_ROWS]:
        texts = grid.row_texts(row)
        if not any(text in COLUMNS["id"] for text in texts):
            continue
        if any(text.startswith(COLUMNS["answer"]) for text in texts):
            return row, "v4"
        for below in (number for number in sorted(grid.rows) if row <= number <= row + _V3_HEADER_ROWS):
            if _answer_columns(grid.row_texts(below)) is not None:
                return below, "v3"
    return None


def _answer_columns(texts: list[str]) -> int | None:
    """The column of ``Yes`` among three adjacent labels ``Yes`` / ``No`` / ``Not Applicable``, or None."""
    for index in range(len(texts) - 2):
        if all(texts[index + offset] in words for offset, words in enumerate(_COLUMN_WORDS)):
            return index + 1
    return None


# --- v4 --------------------------------------------------------------------------------------------------------

def _read_v4(grid: Grid, header: int) -> tuple[list[ForeignItem], list[UnparsedAnswer], list[Problem]]:
    columns = _v4_columns(grid, header)
    items: list[ForeignItem] = []
    problems: list[Problem] = []
    control = control_title = domain = ""
    for row, their_id in _question_rows(grid, header, columns["id"], problems):
        control = _filled(grid, row, columns.get("control"), control, their_id.split(".")[0])
        control_title = _filled(grid, row, columns.get("title"), control_title)
        domain = _filled(grid, row, columns.get("domain"), domain)
        answer, link_note = linked_answer(grid.value(row, columns["answer"]), grid.link(row, columns["answer"]))
        description, description_place = _notes(grid, row, columns.get("description"))
        ownership = grid.text(row, columns["ownership"]) if "ownership" in columns else ""
        items.append(ForeignItem(
            their_id=their_id, text=grid.text(row, columns["question"]) if "question" in columns else "",
            answer=None if blank(answer) else answer, place=grid.place(row, columns["answer"]),
            evidence=description, evidence_place=description_place,
            note=_joined(ownership, f"{control} {control_title}".strip(), domain, link_note), yes_no=True))
    return items, [], problems


def _v4_columns(grid: Grid, header: int) -> dict[str, int]:
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


# --- v3.1 ------------------------------------------------------------------------------------------------------

def _read_v3(grid: Grid, header: int) -> tuple[list[ForeignItem], list[UnparsedAnswer], list[Problem]]:
    columns, first_answer = _v3_columns(grid, header)
    answer_columns = tuple(range(first_answer, first_answer + len(ANSWER_WORDS)))
    items: list[ForeignItem] = []
    unparsed: list[UnparsedAnswer] = []
    problems: list[Problem] = []
    control = domain = ""
    for row, their_id in _question_rows(grid, header, columns["id"], problems):
        control = _filled(grid, row, columns.get("control"), control, their_id.split(".")[0])
        domain = _filled(grid, row, columns.get("domain"), domain)
        notes, notes_place = _notes(grid, row, columns.get("notes"))
        marking = _marking(grid, row, answer_columns)
        # An unclear row has no answer (so no mapping reads it) and is kept as unparsed with its cells.
        items.append(ForeignItem(
            their_id=their_id, text=grid.text(row, columns["question"]) if "question" in columns else "",
            answer=marking.answer, place=marking.place, evidence=notes, evidence_place=notes_place,
            note=_joined(control, " - ".join(line.strip() for line in domain.splitlines() if line.strip())),
            yes_no=True))
        if marking.reason:
            unparsed.append(UnparsedAnswer(their_id=their_id, place=marking.place, text=marking.shown,
                                           reason=marking.reason))
    return items, unparsed, problems


def _v3_columns(grid: Grid, header: int) -> tuple[dict[str, int], int]:
    """The v3.1 columns by their labels on any of the header's rows, and the column of ``Yes``."""
    first_answer = _answer_columns(grid.row_texts(header))
    assert first_answer is not None  # the header row was chosen by it
    answers = range(first_answer, first_answer + len(ANSWER_WORDS))
    columns: dict[str, int] = {}
    for row in (number for number in sorted(grid.rows) if header - _V3_HEADER_ROWS <= number <= header):
        for index, text in enumerate(grid.row_texts(row), start=1):
            for name, labels in V3_COLUMNS.items():
                if name not in columns and text in labels and index not in answers:
                    columns[name] = index
    return columns, first_answer


@dataclass(frozen=True)
class _Marking:
    """What a v3.1 row's three answer cells say: an answer word, nothing, or why it is unclear."""

    answer: str | None
    place: str
    shown: str = ""
    reason: str = ""


def _marking(grid: Grid, row: int, columns: tuple[int, ...]) -> _Marking:
    marks = [(column, word, _mark(grid.value(row, column), words))
             for column, word, words in zip(columns, ANSWER_WORDS, _COLUMN_WORDS, strict=True)]
    marked = [(column, word) for column, word, mark in marks if mark is True]
    unclear = [(column, word) for column, word, mark in marks if mark is None]
    if not marked and not unclear:
        return _Marking(answer=None, place=grid.place(row, columns[0]))
    if len(marked) == 1 and not unclear:
        column, word = marked[0]
        return _Marking(answer=word, place=grid.place(row, column))
    involved = sorted(marked + unclear)
    reasons = []
    if len(marked) > 1:
        reasons.append(f"marked in {len(marked)} answer columns ({', '.join(word for _, word in marked)}); one "
                       "answer is expected")
    reasons.extend(f"{cell_text(grid.value(row, column))[:40]!r} in the {word} column is not a mark such as X"
                   for column, word in unclear)
    place = grid.place(row, involved[0][0])
    if len(involved) > 1:
        place += f":{get_column_letter(involved[-1][0])}{row}"
    shown = "; ".join(f"{word}: {cell_text(grid.value(row, column))}" for column, word in involved)
    return _Marking(answer=None, place=place, shown=shown, reason="; ".join(reasons))


def _mark(value: Any, words: frozenset[str]) -> bool | None:
    """Whether an answer cell is marked: True, False (blank, or an unticked checkbox), None (something that is
    not clearly a mark: "Partially", "see notes")."""
    if value is False or blank(value):
        return False
    if value is True:
        return True
    text = normal(cell_text(value))
    return True if text in MARKS or text in words else None


# --- both layouts ----------------------------------------------------------------------------------------------

def _question_rows(grid: Grid, header: int, id_column: int, problems: list[Problem]) -> list[tuple[int, str]]:
    """(row, id) of every question below the header, each id once (a repeat is a warning)."""
    pattern = THEIR_ID["caiq"]
    found: list[tuple[int, str]] = []
    seen: set[str] = set()
    for row in sorted(grid.rows):
        their_id = grid.text(row, id_column)
        if row <= header or not pattern.match(their_id):
            continue
        if their_id in seen:
            problems.append(Problem(place=grid.place(row, id_column), severity="warning",
                                    message=f"question {their_id} appears again; the first answer is used"))
            continue
        seen.add(their_id)
        found.append((row, their_id))
    return found


def _notes(grid: Grid, row: int, column: int | None) -> tuple[str, str]:
    """The vendor's free text in ``column`` (with the address its cell links to) and its place."""
    if column is None:
        return "", ""
    text = linked_text(grid.text(row, column), grid.link(row, column))
    return text, grid.place(row, column) if text else ""


def _filled(grid: Grid, row: int, column: int | None, previous: str, default: str = "") -> str:
    """A column filled only on a control's first row (or merged down): its value, or the one above."""
    if column is None:
        return default or previous
    value = grid.text(row, column)
    return value or previous or default


def _joined(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def _version(title: str, grid: Grid) -> str:
    """The CAIQ version the workbook states: in the sheet's title, a cell of its own (``v4.0.3``), or a title
    text (``Consensus Assessments Initiative Questionnaire v3.1``) in the first rows; '' when none does."""
    match = SHEET_TITLE.match(title)
    if match:
        return match.group(1)
    for row in sorted(grid.rows)[:5]:
        for value in grid.rows[row]:
            text = cell_text(value)
            found = _VERSION_CELL.match(text) or _VERSION_TEXT.search(text)
            if found:
                return found.group(1)
    return ""


def _version_parts(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit()) if version else ()
