"""Table cells of plain text are drawn as strings, and the page looks as it did with Paragraphs (issue #20: most
of a report's rendering was its cells' Paragraph machinery); plain text is parsed without reportlab's parser and
gives the fragments the parser gives."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table
from reportlab.platypus.paragraph import cleanBlockQuotedText

from riskengine.pipeline import default_policy
from riskengine.report import text
from riskengine.report.context import ReportContext
from riskengine.report.fonts import register_fonts
from riskengine.report.kit import themed_table_style
from riskengine.report.tables import _Lines
from tests.report.drawn import drawn as drawn_pieces
from tests.report.drawn import joined
from tests.report.test_pdf import make_assessment

WIDTHS = (25 * mm, 70 * mm, 22 * mm)
LONG = "Webhooks are signed with HMAC-SHA256 and retried with exponential back-off for six hours."


@pytest.fixture(scope="module")
def ctx() -> ReportContext:
    register_fonts()
    return ReportContext.create(make_assessment(), default_policy(), "full")


def _rows(ctx: ReportContext) -> list[list[Flowable]]:
    styles = ctx.styles
    return [
        [ctx.cell("SEC-01", styles.cell_small), ctx.cell(LONG), ctx.cell("1,250", styles.cell_number)],
        [ctx.cell("R&D <beta>", styles.cell_bold), ctx.cell("Yes"), ctx.cell("12", styles.cell_number_bold)],
        [ctx.cell("Zürich"), ctx.cell("日本語のテキスト"), ctx.cell("HIGH", styles.tag)],
        [ctx.cell("two  spaces"), ctx.cell("A line\nand another"), ctx.cell("7", styles.cell_number)],
    ]


def _positions(flowable: Flowable) -> list[tuple[str, float, float, str, float]]:
    """Each piece of text drawn: the text, where its baseline starts (x, y), its font and size."""
    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, pagesize=(sum(WIDTHS) + 20, 400), invariant=1)
    document.addPageTemplates(PageTemplate("page", [Frame(10, 10, sum(WIDTHS), 380, 0, 0, 0, 0)]))
    document.build([flowable])
    return sorted((piece.text.strip(), piece.x, piece.y, piece.font, piece.size)
                  for piece in joined(drawn_pieces(buffer.getvalue())[0]) if piece.text.strip())


def _as_paragraphs(ctx: ReportContext) -> Table:
    """The same table with every cell a Paragraph, as ``ctx.table`` made it before #20."""
    header = [ctx.cell(title, ctx.styles.cell_head) for title in ("Id", "Answer", "Points")]
    table = Table([header, *_rows(ctx)], colWidths=list(WIDTHS), repeatRows=1, hAlign="LEFT")
    table.setStyle(themed_table_style(ctx.palette.header_fill, [ctx.palette.stripe], ctx.palette.rule))
    return table


def test_plain_cells_become_strings_and_the_rest_stay_paragraphs(ctx: ReportContext) -> None:
    table = ctx.table(["Id", "Answer", "Points"], _rows(ctx), WIDTHS)
    table.wrap(sum(WIDTHS), 1000)  # the cells become strings when the table is first measured
    cells = table._cellvalues
    assert [isinstance(cell, _Lines) for cell in cells[0]] == [True, True, True]
    assert cells[1][0] == "SEC-01" and cells[1][2] == "1,250"
    assert cells[1][1].count("\n") >= 1 and cells[1][1].replace("\n", " ") == LONG  # the paragraph's own lines
    assert (cells[2][0], cells[2][1], cells[2][2]) == ("R&D <beta>", "Yes", "12")
    assert cells[3][0] == "Zürich"
    kept = [cells[3][1], cells[4][0], cells[4][1]]  # CJK (a fallback font), double spaces, a line break
    assert all(not isinstance(cell, str) for cell in kept)
    assert isinstance(cells[3][2], str)  # the tag: centred, white, bold


def test_a_table_of_strings_draws_what_its_paragraphs_drew(ctx: ReportContext) -> None:
    strings = _positions(ctx.table(["Id", "Answer", "Points"], _rows(ctx), WIDTHS))
    paragraphs = _positions(_as_paragraphs(ctx))
    assert len(strings) == len(paragraphs) > 12
    for drawn, expected in zip(strings, paragraphs, strict=True):
        assert drawn[0] == expected[0] and drawn[3:] == expected[3:], (drawn, expected)
        assert abs(drawn[1] - expected[1]) < 0.01 and abs(drawn[2] - expected[2]) < 0.01, (drawn, expected)


def test_a_label_and_its_value_are_strings_in_their_faces(ctx: ReportContext) -> None:
    table = ctx.key_values([("Assessment", ctx.cell("RA-20261124-0A1B2C3D4E")), ("Note", Paragraph("<b>x</b>"))],
                           30 * mm)
    table.wrap(120 * mm, 1000)
    assert table._cellvalues[0] == ["Assessment", "RA-20261124-0A1B2C3D4E"]
    assert table._cellvalues[1][0] == "Note" and not isinstance(table._cellvalues[1][1], str)
    label = table._cellStyles[0][0]
    assert (label.fontname, label.fontsize, label.color) == (ctx.styles.cell_label.fontName,
                                                             ctx.styles.cell_label.fontSize,
                                                             ctx.styles.cell_label.textColor)


@pytest.mark.parametrize("words", ["Yes", "a b c", "R2-D2's 100 % answer: done", "  spaces  around ", "ÆØÅ æøå"])
def test_plain_text_parses_to_the_fragments_reportlabs_parser_makes(ctx: ReportContext, words: str) -> None:
    for name, style in vars(ctx.styles).items():
        text.PARSED.clear()
        fast = text._parse(words, style)
        slow = text._parsed_by_reportlab(cleanBlockQuotedText(words), style)
        assert fast[1] is slow[0] and fast[3] is slow[2], name
        assert [fragment.__dict__ for fragment in fast[2]] == [fragment.__dict__ for fragment in slow[1]], name
