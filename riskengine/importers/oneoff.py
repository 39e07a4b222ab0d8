"""The generic importer: any workbook with an id column, a question column and an answer column.

A mapping's ``source`` says which sheets to read, how their ids look and which columns hold what, by header
label or by letter. Rows are found by the id pattern, never by row numbers, so title rows, notes, blank rows
and reordered sections do not matter. An id that appears on several sheets is read once: the first answered
occurrence wins (SIG and many one-off formats repeat their general questions per tab).
"""

from __future__ import annotations

import re

from openpyxl.utils import column_index_from_string

from riskengine.digest import file_sha256
from riskengine.errors import InputError, Problem
from riskengine.importers.answers import linked_answer, linked_text
from riskengine.importers.foreign import ForeignItem, ForeignQuestionnaire
from riskengine.importers.mapping import Column, ColumnLetter, SourceLayout
from riskengine.importers.sheets import Book, Grid, blank, find_version, normal

_HEADER_SCAN_ROWS = 50


def read_mapped(book: Book, layout: SourceLayout, mapping_label: str) -> ForeignQuestionnaire:
    source = str(book.path)
    pattern = re.compile(layout.id_pattern)
    wanted = {normal(title) for title in layout.sheets}
    titles = [title for title in book.titles if not wanted or normal(title) in wanted]
    present = {normal(title) for title in book.titles}
    missing = [title for title in layout.sheets if normal(title) not in present]
    if missing:
        raise InputError(source, [Problem(place=source, message=f"sheet {title!r} named by mapping {mapping_label} "
                                                                f"is not in the workbook ({', '.join(book.titles)})")
                                  for title in missing])
    chosen: dict[str, ForeignItem] = {}
    order: list[str] = []
    read_any = False
    letters = [column for column in (layout.id_column, layout.answer_column, layout.question_column,
                                     layout.evidence_column) if isinstance(column, ColumnLetter)]
    width = max([60, *(int(column_index_from_string(column.letter)) for column in letters)])
    for title in titles:
        grid = book.grid(title, columns=width)
        columns = _columns(grid, layout)
        if columns is None:
            continue
        read_any = True
        header, id_column, answer_column, question_column, evidence_column = columns
        for row in sorted(grid.rows):
            if row <= header:
                continue
            their_id = grid.text(row, id_column)
            if not pattern.fullmatch(their_id):
                continue
            answer, link_note = linked_answer(grid.value(row, answer_column), grid.link(row, answer_column))
            evidence = linked_text(grid.text(row, evidence_column), grid.link(row, evidence_column)) \
                if evidence_column else ""
            evidence_place = grid.place(row, evidence_column) if evidence and evidence_column else ""
            item = ForeignItem(their_id=their_id, text=grid.text(row, question_column) if question_column else "",
                               answer=None if blank(answer) else answer, place=grid.place(row, answer_column),
                               evidence=evidence, evidence_place=evidence_place, note=link_note)
            first = chosen.get(their_id)
            if first is None:
                order.append(their_id)
            if first is None or (not first.answered and item.answered):
                chosen[their_id] = item
    if not read_any:
        labels = ", ".join(repr(_describe(column)) for column in (layout.id_column, layout.answer_column))
        raise InputError(source, [Problem(place=source, message=f"no sheet has the columns {labels} that mapping "
                                                                f"{mapping_label} expects")])
    version = next((found for title in titles if (found := find_version(book.head(title)))), "")
    return ForeignQuestionnaire(format="mapped", format_version=version or mapping_label, source=source,
                                sha256=file_sha256(book.path), items=tuple(chosen[their_id] for their_id in order))


def _columns(grid: Grid, layout: SourceLayout) -> tuple[int, int, int, int | None, int | None] | None:
    """(header row, id, answer, question, evidence columns), or None when the sheet lacks the header."""
    specs = (layout.id_column, layout.answer_column, layout.question_column, layout.evidence_column)
    labels = [column for column in specs if isinstance(column, str)]
    header = 0
    found: dict[str, int] = {}
    if labels:
        for row in sorted(grid.rows)[:_HEADER_SCAN_ROWS]:
            texts = grid.row_texts(row)
            if all(normal(label) in texts for label in labels):
                header = row
                found = {normal(label): texts.index(normal(label)) + 1 for label in labels}
                break
        else:
            return None

    def index(column: Column | None) -> int | None:
        if column is None:
            return None
        if isinstance(column, ColumnLetter):
            return int(column_index_from_string(column.letter))
        return found[normal(column)]

    id_column, answer_column = index(layout.id_column), index(layout.answer_column)
    assert id_column is not None and answer_column is not None
    return header, id_column, answer_column, index(layout.question_column), index(layout.evidence_column)


def _describe(column: Column) -> str:
    return f"column {column.letter}" if isinstance(column, ColumnLetter) else column
