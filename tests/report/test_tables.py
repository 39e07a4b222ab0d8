"""A ReportTable draws what reportlab's Table draws, where it draws it, in the same order, with fewer text objects
(issue #20: a report's cells were most of its rendering time); and a subset font encodes each string as
reportlab's own does, byte for byte."""

from __future__ import annotations

import io
from typing import Any

import pytest
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table, TableStyle

from riskengine.pipeline import default_policy
from riskengine.report.context import ReportContext
from riskengine.report.fonts import FONT, _subset_font_class, register_fonts
from riskengine.report.kit import themed_table_style
from riskengine.report.tables import ReportTable
from riskengine.report.text import Text
from riskengine.resources import data_path
from tests.report.drawn import differences, drawn, text_objects
from tests.report.test_pdf import make_assessment

WIDTHS = (25 * mm, 70 * mm, 30 * mm)
LONG = "Webhooks are signed with HMAC-SHA256 and retried with exponential back-off for six hours."


@pytest.fixture(scope="module")
def ctx() -> ReportContext:
    register_fonts()
    return ReportContext.create(make_assessment(), default_policy(), "full")


def _rows(ctx: ReportContext) -> list[list[Flowable | str]]:
    """Every kind of cell a report has: plain cells (strings once measured), plain paragraphs (double spaces,
    centred and right-aligned, wrapped), and paragraphs reportlab must draw (fragments, a fallback font, a
    break), an empty string, in rows aligned to the top, the middle and the bottom."""
    styles = ctx.styles
    centred = ParagraphStyle("centred", parent=styles.cell, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=styles.cell, alignment=TA_RIGHT)
    return [
        [ctx.cell("SEC-01", styles.cell_small), ctx.cell(LONG), ctx.cell("1,250", styles.cell_number)],
        [ctx.cell("HIGH", styles.tag), ctx.cell("two  spaces,  and  a  wrapped  line  " * 3),
         ctx.cell("R&D <beta>", styles.cell_bold)],
        [Text(f"{LONG} {LONG}", centred), Text("<b>bold</b> and plain", styles.cell),
         Text("right and wrapped " * 3, right)],
        [ctx.cell("Zürich"), ctx.cell("日本語のテキスト"), ctx.cell("A line\nand another")],
        [ctx.cell("Yes"), "", ctx.cell("7", styles.cell_number)],
    ]


def _style(ctx: ReportContext) -> TableStyle:
    style = themed_table_style(ctx.palette.header_fill, [ctx.palette.stripe], ctx.palette.rule)
    return TableStyle([*style.getCommands(), ("VALIGN", (0, 2), (-1, 2), "MIDDLE"),
                       ("VALIGN", (0, 3), (-1, 3), "BOTTOM"), ("ALIGN", (0, 4), (0, 4), "RIGHT")])


def _table(ctx: ReportContext, kind: type[Table]) -> Table:
    table = kind([[ctx.cell(title, ctx.styles.cell_head) for title in ("Id", "Answer", "Points")], *_rows(ctx)],
                 colWidths=list(WIDTHS), repeatRows=1, hAlign="LEFT")
    table.setStyle(_style(ctx))
    return table


def _pdf(flowables: list[Flowable], height: float = 400) -> bytes:
    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, pagesize=(sum(WIDTHS) + 20, height + 20), invariant=1)
    document.addPageTemplates(PageTemplate("page", [Frame(10, 10, sum(WIDTHS), height, 0, 0, 0, 0)]))
    document.build(flowables)
    return buffer.getvalue()


def test_a_report_table_draws_every_piece_where_reportlabs_table_draws_it(ctx: ReportContext) -> None:
    ours, theirs = _pdf([_table(ctx, ReportTable)]), _pdf([_table(ctx, Table)])
    pieces = drawn(ours)[0]
    assert differences(pieces, drawn(theirs)[0]) == []
    assert len(pieces) > 30 and {"日本語", "テキスト"} < {piece.text for piece in pieces}
    # reportlab: a text object for each string and each paragraph; ours: one for each run of plain cells
    assert text_objects(ours)[0] * 2 < text_objects(theirs)[0]


def test_a_table_of_plain_cells_is_one_text_object_and_the_same_bytes_every_time(ctx: ReportContext) -> None:
    def table(kind: type[Table]) -> Table:
        rows = [[ctx.cell(f"Q-{number}"), ctx.cell(LONG if number % 3 else "Yes"),
                 ctx.cell(str(number * 7), ctx.styles.cell_number)] for number in range(12)]
        made = kind(rows, colWidths=list(WIDTHS))
        made.setStyle(_style(ctx))
        return made

    ours = _pdf([table(ReportTable)])
    assert text_objects(ours) == [1]
    assert _pdf([table(ReportTable)]) == ours
    assert differences(drawn(ours)[0], drawn(_pdf([table(Table)]))[0]) == []


def test_the_parts_of_a_split_table_draw_what_reportlabs_parts_draw(ctx: ReportContext) -> None:
    def table(kind: type[Table]) -> Table:
        made = kind([["Id", "Answer"], *[[ctx.cell(f"Q-{number}"), ctx.cell(LONG)] for number in range(30)]],
                    colWidths=[30 * mm, 90 * mm], repeatRows=1)
        made.setStyle(_style(ctx))
        return made

    ours, theirs = drawn(_pdf([table(ReportTable)], 300)), drawn(_pdf([table(Table)], 300))
    assert len(ours) == len(theirs) >= 3
    for page, expected in zip(ours, theirs, strict=True):
        assert differences(page, expected) == []


def test_a_cell_within_a_span_keeps_its_paragraph(ctx: ReportContext) -> None:
    table = ReportTable([[ctx.cell("A title over both columns", ctx.styles.cell_head), ""],
                         [ctx.cell("Label", ctx.styles.cell_label), ctx.cell("Value")]],
                        colWidths=[30 * mm, 60 * mm])
    table.setStyle(TableStyle([("SPAN", (0, 0), (-1, 0))]))
    table.wrap(90 * mm, 1000)
    assert not isinstance(table._cellvalues[0][0], str)
    assert table._cellvalues[1] == ["Label", "Value"]


# --- the subset font ---

STRINGS = ["Yes", "", "Zürich 1,250 €", "Yes", "a\xa0b", "«déjà vu» \u2013 5 %", "日本", "\x01", "Zürich 1,250 €",
           "".join(chr(code) for code in range(0x100, 0x250)), "Ωμέγα … Ελλάδα", "R&D (beta) \\ back"]
"""ASCII, Latin-1, a no-break space, characters the font lacks, a control character, more characters than one
subset holds (a second subset), and strings met again."""


class _Document:
    """What reportlab keys a document's subsets by (weakly)."""


def test_a_subset_font_encodes_every_string_as_reportlabs_own_and_assigns_the_same_codes() -> None:
    path = str(data_path("templates", "fonts", "DejaVuSans.ttf"))
    ours, theirs = _subset_font_class()("subset-test", path), TTFont("subset-test-reportlab", path)
    ours_document, theirs_document = _Document(), _Document()
    for text in STRINGS * 2:
        assert ours.splitString(text, ours_document) == theirs.splitString(text, theirs_document), text
        mine, reportlabs = ours.state[ours_document], theirs.state[theirs_document]
        assert (mine.assignments, mine.subsets, mine.nextCode) == (reportlabs.assignments, reportlabs.subsets,
                                                                   reportlabs.nextCode), text
    assert len(ours.state[ours_document].subsets) == 2


def test_the_report_fonts_are_subset_fonts() -> None:
    """(Of the class made when the fonts were first registered: reportlab keeps the first font of a name, and the
    benchmarks' cold passes empty the cache of the class.)"""
    register_fonts()
    font: Any = pdfmetrics.getFont(FONT)
    assert type(font).__qualname__ == _subset_font_class().__qualname__ and type(font) is not TTFont
