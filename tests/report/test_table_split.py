"""Tall rows that continue on the next page: every word of the row still appears, and nothing overflows its cell.

reportlab measured a cell at the width inside its padding but split it at the whole column width; a row whose
paragraph needs a line less at the wider width crashed the report (``IndexError``) when the page ended within
its last lines. 12 of the benchmark's 500 vendors could not be rendered.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pypdf
import pytest
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table

from riskengine.pipeline import assess, default_policy
from riskengine.report import render_pdf
from riskengine.report.context import ReportContext
from riskengine.report.fonts import register_fonts
from riskengine.report.kit import IN_ROW_SPLIT_MIN, themed_table_style
from tests.conftest import NOW, SAMPLES
from tests.report.test_pdf import make_assessment

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import vendors

SENTENCE = "Webhooks are signed with HMAC-SHA256 and retried with exponential back-off."
TALL = " ".join([SENTENCE] * 6)
"""14 lines inside the padding of a 60 mm column, 12 at the whole width."""
WIDTHS = (20 * mm, 60 * mm)
PAGE_HEIGHTS = [height / 2 for height in range(2 * 150, 2 * 200)]
"""Heights of a page ending within the tall row (the rows above it take 51.6 points, the row 149.8)."""


@pytest.fixture(scope="module")
def ctx() -> ReportContext:
    register_fonts()
    return ReportContext.create(make_assessment(), default_policy(), "full")


def _rows(ctx: ReportContext) -> list[list[Flowable]]:
    return [[ctx.cell("Q-1"), ctx.cell("Yes")], [ctx.cell("Q-2"), ctx.cell("No")], [ctx.cell("Q-3"), ctx.cell(TALL)]]


def _reportlabs_own(ctx: ReportContext) -> Table:
    """The table ``ctx.table`` makes, as reportlab's own ``Table``."""
    table = Table([[ctx.cell("Id"), ctx.cell("Answer")], *_rows(ctx)], colWidths=list(WIDTHS), repeatRows=1,
                  hAlign="LEFT", splitByRow=0, splitInRow=IN_ROW_SPLIT_MIN)
    table.setStyle(themed_table_style(ctx.palette.header_fill, [ctx.palette.stripe], ctx.palette.rule))
    return table


def _split(table: Table, height: float) -> list[Table]:
    table.wrap(sum(WIDTHS), height)
    parts: list[Table] = table.split(sum(WIDTHS), height)
    return parts


def _answers(part: Table) -> list[str]:
    """The words of the answer column of ``part``, below its header."""
    return " ".join(_plain(row[1]) for row in part._cellvalues[1:]).split()


def _plain(cell: str | Paragraph | list[Paragraph] | tuple[Paragraph, ...]) -> str:
    """The text of a cell; the parts of a split paragraph keep their text as words of its lines; a short cell is
    drawn as a string (``tables._as_strings``)."""
    if isinstance(cell, str):
        return cell.replace("\n", " ")
    paragraphs = cell if isinstance(cell, list | tuple) else [cell]
    return " ".join(" ".join(word for fragment in paragraph.frags for word in fragment.words)
                    if paragraph.text is None else paragraph.getPlainText() for paragraph in paragraphs)


def _overflowing(part: Table) -> list[tuple[int, int, float, float]]:
    """The cells of ``part`` whose text, laid out inside their side padding, runs below their row's bottom:
    (row, column, text height, room). reportlab lets the first part of a split row use its bottom padding."""
    part.wrap(sum(WIDTHS), PAGE_HEIGHTS[-1])
    found = []
    for row, cells in enumerate(part._cellvalues):
        for column, cell in enumerate(cells):
            style = part._cellStyles[row][column]
            inside = part._colWidths[column] - style.leftPadding - style.rightPadding
            height = len(cell.split("\n")) * style.leading if isinstance(cell, str) else \
                sum(paragraph.wrap(inside, PAGE_HEIGHTS[-1])[1]
                    for paragraph in (cell if isinstance(cell, list | tuple) else [cell]))
            room = part._rowHeights[row] - style.topPadding
            if height > room + 0.01:
                found.append((row, column, height, room))
    return found


def _pdf(flowables: list[Flowable], height: float) -> bytes:
    """A document whose pages hold ``height`` points of content, no more."""
    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, pagesize=(sum(WIDTHS) + 20, height + 20), invariant=1)
    document.addPageTemplates(PageTemplate("page", [Frame(10, 10, sum(WIDTHS), height, 0, 0, 0, 0)]))
    document.build(flowables)
    return buffer.getvalue()


def test_reportlabs_own_table_fails_on_this_shape(ctx: ReportContext) -> None:
    """The shape the other tests use is the one that crashed (were reportlab to split it at last, the workaround
    in ``context.py`` could go)."""
    failing = []
    for height in PAGE_HEIGHTS:
        try:
            _split(_reportlabs_own(ctx), height)
        except IndexError:
            failing.append(height)
    assert failing


def test_a_tall_row_split_at_a_page_end_keeps_every_word_inside_its_cell(ctx: ReportContext) -> None:
    for height in PAGE_HEIGHTS:
        table = ctx.table(["Id", "Answer"], _rows(ctx), WIDTHS, split_in_row=True)
        first, rest = _split(table, height)
        assert _overflowing(first) == _overflowing(rest) == [], height
        assert _answers(first) + _answers(rest) == ["Yes", "No", *TALL.split()], height
        assert _plain(rest._cellvalues[0][0]) == "Id"  # the header repeats


def test_the_report_that_used_to_fail_renders_the_whole_row(ctx: ReportContext) -> None:
    height = next(height for height in PAGE_HEIGHTS if _fails(_reportlabs_own(ctx), height))
    data = _pdf([ctx.table(["Id", "Answer"], _rows(ctx), WIDTHS, split_in_row=True)], height)
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]
    assert len(pages) == 2
    assert pages[0].split()[:2] == pages[1].split()[:2] == ["Id", "Answer"]
    words = " ".join(pages).split()
    start = words.index("Q-3") + 1
    assert [word for word in words[start:] if word not in ("Id", "Answer")] == TALL.split()


def _fails(table: Table, height: float) -> bool:
    try:
        _split(table, height)
    except IndexError:
        return True
    return False


@pytest.mark.parametrize("number", [66, 75, 91, 95, 286, 498])
def test_benchmark_vendors_that_could_not_be_rendered_are(number: int, tmp_path: Path) -> None:
    """Vendors of ``benchmarks/vendors.py`` whose reports crashed, in their notes on data handling (DAT-16) or on
    costs (CST-14): each renders, with both notes whole."""
    assessment = assess(vendors.write_vendor(number, tmp_path), now=NOW, inventory=SAMPLES / "inventory.yaml",
                        org_profile=SAMPLES / "org-profile.yaml")
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(assessment)))
    words = " ".join(page.extract_text() for page in reader.pages).split()
    answers = vendors.vendor_questionnaire(number)[0]
    for question in ("DAT-16", "CST-14"):
        expected = answers[question].split()
        assert _in_order(expected, words), (question, answers[question])


def _in_order(expected: list[str], words: list[str], gap: int = 40) -> bool:
    """Whether ``expected`` appear in ``words`` in order, at most ``gap`` words apart (a page break puts the
    footer, the header and the table's header between the parts of a split row)."""
    for start in (index for index, word in enumerate(words) if word == expected[0]):
        position = start
        for word in expected[1:]:
            following = words[position + 1:position + 1 + gap]
            if word not in following:
                break
            position += 1 + following.index(word)
        else:
            return True
    return False
