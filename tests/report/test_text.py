"""The paragraphs' layout memo: shared across reports, it must never change what a report looks like."""

from __future__ import annotations

import hashlib
import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from riskengine.pipeline import assess
from riskengine.report import render_pdf, text
from riskengine.report.fonts import FONT, register_fonts
from riskengine.report.text import Memo, Text
from tests.conftest import NOW, SAMPLES

STYLE = ParagraphStyle("memo-test", fontName=FONT, fontSize=8, leading=10)
SEVERAL_FRAGMENTS = " ".join(f"<b>word{n}</b> plain{n} <i>slanted{n}</i>" for n in range(40))


@pytest.fixture(autouse=True)
def empty_memo() -> None:
    register_fonts()
    text.PARSED.clear()
    text.BROKEN.clear()


def _pdf(flowables: list[Paragraph]) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(flowables)
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


@pytest.mark.parametrize("markup", ["plain text " * 30, SEVERAL_FRAGMENTS, "a &amp; b<br/>second line"])
def test_a_remembered_paragraph_draws_what_reportlabs_own_draws(markup: str) -> None:
    reference = _pdf([Paragraph(markup, STYLE)])
    first = _pdf([Text(markup, STYLE)])
    again = _pdf([Text(markup, STYLE)])
    assert first == again == reference
    assert text.PARSED.hits == 1 and text.BROKEN.hits >= 1


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
