"""Sign-off: a block per role (IT, marketing, compliance) to fill in by hand, or that there is nothing to sign
while the decision waits for answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from riskengine.report.context import ReportContext
from riskengine.report.fonts import FONT
from riskengine.report.kit import ANSWER_LIMIT, CONTENT_WIDTH, NAME_LIMIT, clean, fit
from riskengine.report.wording import SignoffRole

SIGNOFF_ROW = 9 * mm
"""Height of a sign-off line to write on by hand; the signature line is taller."""
SIGNATURE_ROW = 16 * mm
_SIGNOFF_ROLES: tuple[SignoffRole, ...] = get_args(SignoffRole)


def build(ctx: ReportContext) -> list[Flowable]:
    """One block per role to fill in by hand: name, decision, date, conditions accepted, signature."""
    assessment, text = ctx.assessment, ctx.wording.signoff
    story: list[Flowable] = [ctx.section("signoff"), ctx.paragraph(text.intro.format(
        assessment_id=clean(assessment.assessment_id, NAME_LIMIT),
        date=ctx.wording.date(assessment.created)), limit=ANSWER_LIMIT + NAME_LIMIT)]
    if assessment.risk.decision == "more_information_needed":
        story.append(ctx.paragraph(text.pending))
        return story
    for role in _SIGNOFF_ROLES:
        story.append(KeepTogether([Spacer(1, 5 * mm), _signoff_block(ctx, role)]))
    return story


def _signoff_block(ctx: ReportContext, role: SignoffRole) -> Table:
    text, styles, palette = ctx.wording.signoff, ctx.styles, ctx.palette
    title = text.block_title.format(role=ctx.wording.owners[role])
    rows: list[list[Flowable | str]] = [
        [ctx.cell(title, styles.cell_head), ""],
        [ctx.cell(text.name, styles.cell_label), ""],
        [ctx.cell(text.decision, styles.cell_label), _TickBoxes([text.approve, text.reject], palette.text)],
        [ctx.cell(text.date, styles.cell_label), ""],
        [ctx.cell(text.conditions, styles.cell_label), _TickBoxes([text.conditions_accepted], palette.text)],
        [ctx.cell(text.signature, styles.cell_label), ""],
    ]
    heights = [None, *[SIGNOFF_ROW] * 4, SIGNATURE_ROW]
    table = Table(rows, colWidths=[40 * mm, CONTENT_WIDTH - 40 * mm], rowHeights=heights, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), palette.header_fill),
        ("BACKGROUND", (0, 1), (0, -1), palette.label_fill),
        ("BOX", (0, 0), (-1, -1), 0.5, palette.rule),
        ("LINEBELOW", (0, 1), (0, -1), 0.25, palette.rule),
        # the lines to write on: darker than the rules, inset from the cell's edges
        ("LINEBELOW", (1, 1), (1, -1), 0.6, palette.muted),
        ("VALIGN", (0, 1), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return table



class _TickBoxes(Flowable):  # type: ignore[misc]
    """Empty boxes to tick by hand, each followed by its label, in one row."""

    BOX = 3.4 * mm
    GAP = 8 * mm

    def __init__(self, labels: Sequence[str], colour: colors.Color, size: float = 8.5) -> None:
        super().__init__()
        self.labels = [clean(label, NAME_LIMIT).replace("\n", " ") for label in labels]
        self.colour = colour
        self.size = size
        self.width = 0.0
        self.height = self.BOX

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.8)
        canvas.setFont(FONT, self.size)
        room = (self.width - self.GAP * (len(self.labels) - 1)) / max(len(self.labels), 1) - self.BOX - 2 * mm
        x = 0.0
        for label in self.labels:
            canvas.rect(x, 0, self.BOX, self.BOX, stroke=1, fill=0)
            text = fit(label, FONT, self.size, room)
            canvas.drawString(x + self.BOX + 2 * mm, (self.BOX - self.size * 0.7) / 2, text)
            x += self.BOX + 2 * mm + pdfmetrics.stringWidth(text, FONT, self.size) + self.GAP
        canvas.restoreState()
