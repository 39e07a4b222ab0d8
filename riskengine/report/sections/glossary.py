"""The glossary: the acronyms and terms both IT and marketing use (``templates/glossary.yaml``)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from riskengine.report.context import ReportContext
from riskengine.report.kit import CONTENT_WIDTH, NAME_LIMIT
from riskengine.report.wording import glossary_key


def build(ctx: ReportContext) -> list[Flowable]:
    """The acronyms both sides use, from ``templates/glossary.yaml``, sorted by term."""
    text, styles = ctx.wording.glossary, ctx.styles
    entries = sorted(ctx.glossary.terms, key=lambda entry: glossary_key(entry.term))
    rows = [[ctx.cell(entry.term, styles.cell_label, limit=NAME_LIMIT), ctx.cell(entry.meaning)]
            for entry in entries]
    return [ctx.section("glossary"), ctx.paragraph(text.intro),
            ctx.table([text.term, text.meaning], rows, [36 * mm, CONTENT_WIDTH - 36 * mm])]

