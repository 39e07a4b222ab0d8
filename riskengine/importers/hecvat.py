"""EDUCAUSE HECVAT 3.x (Full, Lite, On-Premise) and 4.x workbooks.

HECVAT 3 answers sit on one ``HECVAT - Full | Vendor Response`` sheet: ids in column A, the question text (a
formula over the hidden ``Questions`` sheet), the answer and additional information beside it. There is no
single header row: each section repeats its labels (``Vendor Answers``, ``Additional Information``), so the
columns are taken from the nearest label row above, and a section without labels keeps the previous ones.
When a question's cached text is empty (the file was saved by a tool that does not calculate), the hidden
``Questions`` sheet gives it. The sheet is found by that content (ids in column A under ``Vendor Answers``
labels), whatever its title: vendors and Google Sheets rename it (``HECVAT - Lite``, ``Sheet1``). Full and Lite
reuse ids with other meanings, so the variant is read from the sheet's title, its title row or its version
text, and failing those from the ids themselves (Lite's sections are ``HLAA-``, ``HLAP-`` ...).

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
from riskengine.importers.answers import linked_answer, linked_text, option_key
from riskengine.importers.foreign import ForeignItem, ForeignQuestionnaire
from riskengine.importers.mapping import THEIR_ID
from riskengine.importers.sheets import Book, Grid, blank, cell_text, find_version, normal

V3_SHEET = re.compile(r"^\s*hecvat\s*[-\u2013]\s*(full|lite|on[- ]?prem\w*)\s*\|\s*vendor response\s*$", re.IGNORECASE)
V4_TITLE = "solution provider response"
QUESTIONS_SHEET = "questions"
V3_VERSIONS = ((3, 0), (3, 10))
"""The HECVAT 3 versions riskengine reads (3.00 to 3.10, the last before 4); their ids keep their meanings."""
_VARIANT = re.compile(r"hecvat\W{0,5}(full|lite|on[- ]?prem\w*)\b", re.IGNORECASE)
_VERSION_TEXT = re.compile(r"hecvat\b\D{0,40}?v(?:ersion)?\s*(\d+\.\d+)", re.IGNORECASE)
_RESPONSE_LABELS = ("vendor answers", "vendor answer")
"""HECVAT 3's answer label; HECVAT 4 says ``Answer``."""
_ANSWER_LABELS = (*_RESPONSE_LABELS, "answer", "answers")
"""The labels that move the answer column, in both versions."""
_EVIDENCE_LABELS = ("additional information", "additional info")
_MIN_IDS = 3
"""Ids in column A that make a sheet a response sheet (the first 60 rows of a real one hold 15 or more)."""
_TITLE_ROWS = 3
"""The first rows with content: the title, the version, a note ("Cells contained in this worksheet ...")."""
LITE_SECTION = "HL"
"""HECVAT 3 Lite's own sections start so (``HLAA-``, ``HLAP-``, ``HLDA-`` ...)."""
FULL_SECTIONS = frozenset({"AAAI", "APPL", "BCPL", "CHNG", "CONS", "DATA", "DCTR", "DRPL", "FIDP", "HFIH", "HIPA",
                           "PCID", "PPPR", "QLAS", "THRD", "VULN"})
"""Sections only HECVAT 3 Full has (the 3.04 and 3.06 corpus); Lite has ``COMP``, ``DOCU``, ``ITAC`` too."""
_ID = THEIR_ID["hecvat3"]


def hecvat3_sheet(book: Book) -> str | None:
    """The vendor response sheet of a HECVAT 3 workbook: a visible sheet with HECVAT ids in column A and
    ``Vendor Answers`` labels, those titled like ``HECVAT - Full | Vendor Response`` first."""
    titled = [title for title in book.visible if V3_SHEET.match(title)]
    for title in titled + [title for title in book.visible if title not in titled]:
        if _is_response_sheet(book.head(title)):
            return title
    return None


def _is_response_sheet(grid: Grid) -> bool:
    """Whether a sheet (its head) holds HECVAT 3 answers: ids in column A and ``Vendor Answers`` beside them."""
    return has_hecvat_ids(grid) and any(label in _RESPONSE_LABELS for row in grid.rows
                                        for label in grid.row_texts(row)[1:])


def has_hecvat_ids(grid: Grid) -> bool:
    """Whether column A holds HECVAT-style ids (``DOCU-01``): HECVAT's, or a relative's such as K-12CVAT."""
    return sum(1 for row in grid.rows if _ID.match(grid.text(row, 1).upper())) >= _MIN_IDS


def hecvat3_variant(title: str, head: Grid) -> str:
    """``Full``, ``Lite`` or ``On-Premise`` as the sheet's title or its title rows (its first cell, the version
    text beside it) say; '' if none does. The answers below are not read for it: a Full vendor may write
    "see our HECVAT Lite"."""
    texts = [title, *(cell_text(value) for row in sorted(head.rows)[:_TITLE_ROWS] for value in head.rows[row])]
    for text in texts:
        match = _VARIANT.search(text)
        if match:
            word = match.group(1).lower()
            return "Full" if word == "full" else "Lite" if word == "lite" else "On-Premise"
    return ""


def variant_of_ids(ids: list[str]) -> str:
    """The HECVAT 3 variant its ids show: Lite's own sections, or sections only Full has; '' when neither."""
    if any(their_id.startswith(LITE_SECTION) for their_id in ids):
        return "Lite"
    if any(their_id[:4] in FULL_SECTIONS for their_id in ids):
        return "Full"
    return ""


def hecvat_version(head: Grid) -> str:
    """The version a HECVAT sheet states (``Version 3.04``, or ``HECVAT Lite v3.01`` in its title text)."""
    version = find_version(head)
    if version:
        return version
    for row in sorted(head.rows):
        for value in head.rows[row]:
            match = _VERSION_TEXT.search(cell_text(value))
            if match:
                return match.group(1)
    return ""


def supported_hecvat3(version: str) -> bool:
    """Whether riskengine reads this HECVAT 3 version ('' when the workbook does not say: read by its layout)."""
    parts = tuple(int(part) for part in version.split(".")[:2] if part.isdigit())
    return not parts or V3_VERSIONS[0] <= parts <= V3_VERSIONS[1]


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
    title = hecvat3_sheet(book)
    if title is None:
        raise InputError(source, [Problem(place=source, message="no HECVAT 3 vendor response sheet found "
                                                                "(expected a sheet with ids such as GNRL-01 in "
                                                                "column A under 'Vendor Answers' labels)")])
    head = book.head(title)
    grid = book.grid(title, columns=12)
    texts = _question_texts(book)
    items, problems = _read_tab(grid, texts)
    variant = hecvat3_variant(title, head) or variant_of_ids([item.their_id for item in items])
    version = hecvat_version(head) or "3"
    return ForeignQuestionnaire(format="hecvat3", format_version=f"{version} {variant}".strip(), source=source,
                                sha256=file_sha256(book.path), items=tuple(items), problems=tuple(problems),
                                variant=variant, not_applicable=_not_required(book))


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
        answer, link_note = linked_answer(grid.value(row, columns.answer), grid.link(row, columns.answer))
        evidence = linked_text(grid.text(row, columns.evidence), grid.link(row, columns.evidence)) \
            if columns.evidence != columns.answer else ""
        text = grid.text(row, 2) or texts.get(their_id, "")
        items.append(ForeignItem(
            their_id=their_id, text=text, answer=None if blank(answer) else answer,
            place=grid.place(row, columns.answer), evidence=evidence,
            evidence_place=grid.place(row, columns.evidence) if evidence else "", note=link_note))
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
    return _questions_sheet(book)[0]


def _not_required(book: Book) -> frozenset[str]:
    """The ids HECVAT 3 itself marks not required for this vendor: its Questions sheet's Required column, 0 where
    the qualifiers take a question out (the on-premise data-centre questions of a cloud-hosted product, the HIPAA
    section without health data), as Excel last computed it when the vendor saved the file."""
    return _questions_sheet(book)[1]


def _questions_sheet(book: Book) -> tuple[dict[str, str], frozenset[str]]:
    title = next((title for title in book.titles if normal(title) == QUESTIONS_SHEET), None)
    if title is None:
        return {}, frozenset()
    grid = book.grid(title, columns=12)
    texts: dict[str, str] = {}
    not_required: set[str] = set()
    id_column = question_column = required_column = 0
    for row in sorted(grid.rows):
        labels = grid.row_texts(row)
        if not id_column:
            for index, label in enumerate(labels, start=1):
                if label in ("id", "new id"):
                    id_column = index
                elif label == "question":
                    question_column = index
                elif label == "required":
                    required_column = index
            continue
        their_id = grid.text(row, id_column).upper()
        if not _ID.match(their_id):
            continue
        if question_column:
            texts.setdefault(their_id, grid.text(row, question_column))
        if required_column and grid.value(row, required_column) == 0:
            not_required.add(their_id)
    return texts, frozenset(not_required)
