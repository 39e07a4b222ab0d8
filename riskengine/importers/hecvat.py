"""EDUCAUSE HECVAT 3.x (Full, Lite, On-Premise) and 4.x workbooks.

HECVAT 3 answers sit on one ``HECVAT - Full | Vendor Response`` sheet: ids in column A, the question text (a
formula over the hidden ``Questions`` sheet), the answer and additional information beside it. There is no
single header row: each section repeats its labels (``Vendor Answers``, ``Additional Information``), so the
columns are taken from the nearest label row above, and a section without labels keeps the previous ones.
When a question's cached text is empty (the file was saved by a tool that does not calculate), the hidden
``Questions`` sheet gives it.

HECVAT 4 is one workbook with a response tab per topic (Organization, Product, Infrastructure, IT
Accessibility, Case-Specific, AI, Privacy); the general questions repeat on every tab, mostly as formulas that
copy the START HERE answers, so an id is read once: the first tab that answers it wins, and a different answer
on another tab is a warning. Which tabs apply is decided by the routing questions (REQU-01 ...), applied by
the mapping (``routing``). Its dropdowns live in an Excel extension openpyxl cannot read; answers are read as
text and normalised like every other format's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from riskengine.digest import file_sha256
from riskengine.errors import InputError, Problem
from riskengine.importers.answers import option_key
from riskengine.importers.foreign import ForeignItem, ForeignQuestionnaire
from riskengine.importers.mapping import THEIR_ID
from riskengine.importers.sheets import Book, Grid, blank, cell_text, find_version, normal

V3_SHEET = re.compile(r"^\s*hecvat\s*[-\u2013]\s*(full|lite|on[- ]?prem\w*)\s*\|\s*vendor response\s*$", re.IGNORECASE)
V4_TITLE = "solution provider response"
QUESTIONS_SHEET = "questions"
_ANSWER_LABELS = ("vendor answers", "vendor answer", "answer", "answers")
_EVIDENCE_LABELS = ("additional information", "additional info")
_ID = THEIR_ID["hecvat3"]


def hecvat3_sheet(book: Book, *, titled_only: bool = False) -> tuple[str, str] | None:
    """The vendor response sheet of a HECVAT 3 workbook and its variant (``Full``, ``Lite`` ...): a sheet titled
    like ``HECVAT - Full | Vendor Response``, or (unless ``titled_only``) one whose first cell says so."""
    for title in book.titles:
        match = V3_SHEET.match(title)
        if match:
            return title, match.group(1).title()
    for title in [] if titled_only else book.titles:
        if title in book.hidden:
            continue
        head = book.head(title)
        first = normal(head.text(min(head.rows), 1)) if head.rows else ""
        if "hecvat" in first and "vendor response" in first and find_version(head).startswith("3"):
            variant = next((word.title() for word in ("full", "lite", "on-premise") if word in first), "")
            return title, variant
    return None


def hecvat4_tabs(book: Book) -> list[str]:
    """The visible response tabs of a HECVAT 4 workbook (their title rows say 'Solution Provider Response')."""
    tabs: list[str] = []
    for title in book.titles:
        if title in book.hidden:
            continue
        head = book.head(title)
        texts = [normal(cell_text(value)) for row in sorted(head.rows)[:6] for value in head.rows[row]]
        if any(V4_TITLE in text for text in texts):
            tabs.append(title)
    return tabs


def read_hecvat3(book: Book) -> ForeignQuestionnaire:
    source = str(book.path)
    found = hecvat3_sheet(book)
    if found is None:
        raise InputError(source, [Problem(place=source, message="no HECVAT 3 vendor response sheet found "
                                                                "(expected one titled like 'HECVAT - Full | "
                                                                "Vendor Response')")])
    title, variant = found
    grid = book.grid(title, columns=12)
    texts = _question_texts(book)
    items, problems = _read_tab(grid, texts)
    version = find_version(book.head(title)) or "3"
    return ForeignQuestionnaire(format="hecvat3", format_version=f"{version} {variant}".strip(), source=source,
                                sha256=file_sha256(book.path), items=tuple(items), problems=tuple(problems),
                                variant=variant)


def read_hecvat4(book: Book) -> ForeignQuestionnaire:
    source = str(book.path)
    tabs = hecvat4_tabs(book)
    if not tabs:
        raise InputError(source, [Problem(place=source, message="no HECVAT 4 response tab found (expected tabs "
                                                                "titled 'HECVAT Solution Provider Response - ...')")])
    texts = _question_texts(book)
    chosen: dict[str, ForeignItem] = {}
    order: list[str] = []
    problems: list[Problem] = []
    for title in tabs:
        items, tab_problems = _read_tab(book.grid(title, columns=12), texts)
        problems.extend(tab_problems)
        for item in items:
            first = chosen.get(item.their_id)
            if first is None:
                chosen[item.their_id] = item
                order.append(item.their_id)
            elif not first.answered and item.answered:
                chosen[item.their_id] = item
            elif first.answered and item.answered and option_key(cell_text(first.answer)) != option_key(
                    cell_text(item.answer)):
                problems.append(Problem(
                    place=item.place, question_id=None, severity="warning",
                    message=f"{item.their_id} is answered {cell_text(item.answer)[:60]!r} here but "
                            f"{cell_text(first.answer)[:60]!r} at {first.place}; the first is used"))
    version = find_version(book.head(tabs[0])) or "4"
    return ForeignQuestionnaire(format="hecvat4", format_version=version, source=source,
                                sha256=file_sha256(book.path), items=tuple(chosen[their_id] for their_id in order),
                                problems=tuple(problems))


@dataclass
class _Columns:
    answer: int = 3
    evidence: int = 4


def _read_tab(grid: Grid, texts: dict[str, str]) -> tuple[list[ForeignItem], list[Problem]]:
    """One response sheet: sections each with their own label row, ids in column A."""
    columns = _Columns()
    items: list[ForeignItem] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for row in sorted(grid.rows):
        labels = grid.row_texts(row)
        their_id = labels[0].upper() if labels else ""
        if not _ID.match(their_id):
            _update_columns(labels, columns)
            continue
        if their_id in seen:
            problems.append(Problem(place=grid.place(row, 1), severity="warning",
                                    message=f"{their_id} appears twice on this sheet; the first is used"))
            continue
        seen.add(their_id)
        answer = grid.value(row, columns.answer)
        evidence = grid.text(row, columns.evidence) if columns.evidence != columns.answer else ""
        text = grid.text(row, 2) or texts.get(their_id, "")
        items.append(ForeignItem(
            their_id=their_id, text=text, answer=None if blank(answer) else answer,
            place=grid.place(row, columns.answer), evidence=evidence,
            evidence_place=grid.place(row, columns.evidence) if evidence else ""))
    return items, problems


def _update_columns(labels: list[str], columns: _Columns) -> None:
    """A section's label row moves the answer and evidence columns; a row without labels changes nothing."""
    for index, label in enumerate(labels, start=1):
        if label in _ANSWER_LABELS:
            columns.answer = index
        elif label in _EVIDENCE_LABELS:
            columns.evidence = index


def _question_texts(book: Book) -> dict[str, str]:
    """Question texts from the hidden ``Questions`` sheet, by id: the fallback when a cached text is empty."""
    title = next((title for title in book.titles if normal(title) == QUESTIONS_SHEET), None)
    if title is None:
        return {}
    grid = book.grid(title, columns=4)
    texts: dict[str, str] = {}
    id_column = question_column = 0
    for row in sorted(grid.rows):
        labels = grid.row_texts(row)
        if not id_column:
            for index, label in enumerate(labels, start=1):
                if label in ("id", "new id"):
                    id_column = index
                elif label == "question":
                    question_column = index
            continue
        their_id = grid.text(row, id_column).upper()
        if _ID.match(their_id) and question_column:
            texts.setdefault(their_id, grid.text(row, question_column))
    return texts
