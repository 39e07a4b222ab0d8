"""The paragraphs' layout memo: shared across reports, it must never change what a report looks like."""

from __future__ import annotations

import hashlib
import io

import pytest
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from riskengine.pipeline import assess
from riskengine.report import render_pdf, text
from riskengine.report.fonts import FONT, register_fonts
from riskengine.report.text import Memo, Text, plain_lines
from tests.conftest import NOW, SAMPLES
from tests.report.drawn import differences, drawn

STYLE = ParagraphStyle("memo-test", fontName=FONT, fontSize=8, leading=10)
SEVERAL_FRAGMENTS = " ".join(f"<b>word{n}</b> plain{n} <i>slanted{n}</i>" for n in range(40))


@pytest.fixture(autouse=True)
def empty_memo() -> None:
    register_fonts()
    text.PARSED.clear()
    text.BROKEN.clear()


def _pdf(flowables: list[Paragraph], width: float | None = None) -> bytes:
    """The paragraphs on A4 pages (as wide as the frame, or ``width`` points)."""
    buffer = io.BytesIO()
    margin = (A4[0] - width) / 2 if width else 72
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, leftMargin=margin - 6, rightMargin=margin - 6).build(
        flowables)
    return buffer.getvalue()


def _words(paragraph: Paragraph) -> list[list[str]]:
    """The text of each word of each line, as the paragraph would draw it."""
    return [[word.text for word in line.words] for line in paragraph.blPara.lines]


def test_memo_forgets_the_least_recently_used_entry_first() -> None:
    memo: Memo[str, int] = Memo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # now "b" is the oldest
    memo.put("c", 3)
    assert (memo.get("b"), memo.get("a"), memo.get("c"), len(memo)) == (None, 1, 3, 2)
    assert (memo.hits, memo.misses) == (3, 1)


@pytest.mark.parametrize("markup", ["plain text " * 30, SEVERAL_FRAGMENTS, "a &amp; b<br/>second line",
                                    f"<b>{'bold and ' * 20}</b><br/><font size=\"6.5\" color=\"#5F6B7A\">small</font>"])
def test_a_remembered_paragraph_draws_what_reportlabs_own_draws(markup: str) -> None:
    reference = _pdf([Paragraph(markup, STYLE)])
    first = _pdf([Text(markup, STYLE)])
    again = _pdf([Text(markup, STYLE)])
    assert first == again
    assert differences(drawn(first)[0], drawn(reference)[0]) == []
    assert text.PARSED.hits == 1 and text.BROKEN.hits >= 1


@pytest.mark.parametrize(("markup", "style"), [
    ("plain text " * 30, STYLE), ("a &amp; b<br/>second line", STYLE), (SEVERAL_FRAGMENTS, STYLE),
    ("centred and wrapped " * 12, ParagraphStyle("centred", parent=STYLE, alignment=TA_CENTER)),
    ("right aligned and wrapped " * 12, ParagraphStyle("right", parent=STYLE, alignment=TA_RIGHT)),
])
def test_a_plain_paragraph_draws_its_lines_itself_where_reportlab_draws_them(markup: str,
                                                                              style: ParagraphStyle) -> None:
    paragraph = Text(markup, style)
    paragraph.wrap(290, 1000)
    lines = plain_lines(paragraph)
    assert lines is not None and len(lines) >= 2
    ours, reportlabs = _pdf([Text(markup, style)], 290), _pdf([Paragraph(markup, style)], 290)
    assert ours != reportlabs  # drawn without reportlab's paragraph machinery ...
    assert differences(drawn(ours)[0], drawn(reportlabs)[0]) == []  # ... the same text at the same places


@pytest.mark.parametrize(("markup", "style"), [
    ("<u>underlined</u> and <a href=\"https://example.com\">linked</a>", STYLE), ("<super>2</super> risen", STYLE),
    ("justified and wrapped " * 12, ParagraphStyle("justified", parent=STYLE, alignment=TA_JUSTIFY)),
    ("indented " * 12, ParagraphStyle("indented", parent=STYLE, leftIndent=10)),
    ("a bullet", ParagraphStyle("bullet", parent=STYLE, bulletFontName=FONT)),
])
def test_any_other_paragraph_is_drawn_by_reportlab(markup: str, style: ParagraphStyle) -> None:
    paragraph = Text(markup, style, bulletText="•" if style.name == "bullet" else None)
    paragraph.wrap(300, 1000)
    assert plain_lines(paragraph) is None
    assert _pdf([Text(markup, style, bulletText=paragraph.bulletText)], 300) == _pdf(
        [Paragraph(markup, style, bulletText=paragraph.bulletText)], 300)


def test_a_different_width_or_style_is_laid_out_anew() -> None:
    narrow, wide = Text(SEVERAL_FRAGMENTS, STYLE), Text(SEVERAL_FRAGMENTS, STYLE)
    assert narrow.wrap(100, 1000)[1] > wide.wrap(400, 1000)[1]
    bold = ParagraphStyle("memo-test-bold", parent=STYLE, fontSize=12, leading=15)
    assert Text(SEVERAL_FRAGMENTS, bold).wrap(400, 1000)[1] > wide.wrap(400, 1000)[1]


def test_splitting_a_paragraph_leaves_the_memo_as_it_was() -> None:
    """reportlab appends a space to each line's last word when it splits a paragraph of several fragments."""
    first = Text(SEVERAL_FRAGMENTS, STYLE)
    first.wrap(150, 1000)
    before = _words(first)
    second = Text(SEVERAL_FRAGMENTS, STYLE)
    second.wrap(150, 1000)
    assert second.blPara is first.blPara  # one layout, shared
    parts = second.split(150, 35)
    assert len(parts) == 2
    third = Text(SEVERAL_FRAGMENTS, STYLE)
    third.wrap(150, 1000)
    assert _words(third) == before


def test_a_report_after_others_is_byte_for_byte_the_report_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo warm from two other vendors' reports gives the same bytes as an empty memo."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    assessments = {name: assess(SAMPLES / f"{name}.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                                tco_trials=500)
                   for name in ("glowup-loyalty", "pixelpath-analytics", "northwind-mail")}
    alone = {}
    for name, assessment in assessments.items():
        text.PARSED.clear()
        text.BROKEN.clear()
        alone[name] = hashlib.sha256(render_pdf(assessment)).hexdigest()
    for name, assessment in assessments.items():
        assert hashlib.sha256(render_pdf(assessment)).hexdigest() == alone[name], name
    assert text.PARSED.hits > text.PARSED.misses
