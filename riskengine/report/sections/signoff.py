"""Sign-off: a block per role (IT, marketing, compliance). A role that signed in the register before the report
was rendered shows what it signed (name, decision, date, note, and which report: its audience and sha256), with the
approval's status in one line; a role that has not keeps a block to fill in by hand. While the decision waits for
answers, there is nothing to sign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import get_args

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from riskengine.register.approvals import Seal, SignOff, approval_status, final_signoff, missing_roles
from riskengine.report.context import ReportContext
from riskengine.report.fonts import FONT
from riskengine.report.kit import ANSWER_LIMIT, CONTENT_WIDTH, NAME_LIMIT, clean, fit
from riskengine.report.tables import ReportTable
from riskengine.report.wording import SignoffRole

SIGNOFF_ROW = 9 * mm
"""Height of a sign-off line to write on by hand; the signature line is taller."""
SIGNATURE_ROW = 16 * mm
LABEL_WIDTH = 40 * mm
_SIGNOFF_ROLES: tuple[SignoffRole, ...] = get_args(SignoffRole)


def build(ctx: ReportContext) -> list[Flowable]:
    """The intro, the status once any role has signed, then one block per role: filled from the register for a
    role that signed, to fill in by hand for the others."""
    assessment, text = ctx.assessment, ctx.wording.signoff
    story: list[Flowable] = [ctx.section("signoff"), ctx.paragraph(text.intro.format(
        assessment_id=clean(assessment.assessment_id, NAME_LIMIT),
        date=ctx.wording.date(assessment.created)), limit=ANSWER_LIMIT + NAME_LIMIT)]
    signoffs = ctx.signoffs
    if assessment.risk.decision == "more_information_needed" and not signoffs:
        story.append(ctx.paragraph(text.pending))
        return story
    if signoffs:
        story.append(ctx.paragraph(_status(ctx, signoffs), ctx.styles.cell_bold))
    signed = {signoff.role: signoff for signoff in signoffs}
    for role in _SIGNOFF_ROLES:
        block = _signed_block(ctx, signed[role]) if role in signed else _signoff_block(ctx, role)
        story.append(KeepTogether([Spacer(1, 5 * mm), block]))
    if ctx.seal is not None:
        story.append(KeepTogether([Spacer(1, 6 * mm), _seal_block(ctx, ctx.seal)]))
    return story


def _seal_block(ctx: ReportContext, seal: Seal) -> Table:
    """The digital signature's block on a report issued signed: who signs it, and the inputs' sha256 it vouches
    for (the same as the approval record inside the file, which ``riskengine verify`` reads)."""
    text, styles = ctx.wording.signoff, ctx.styles
    rows: list[list[Flowable | str]] = [
        [ctx.cell(text.sealed_title, styles.cell_head), ""],
        [ctx.cell(text.sealed.format(signer=clean(seal.signer, NAME_LIMIT), fingerprint=seal.fingerprint,
                                     date=_day(ctx, seal.signed_at)), limit=ANSWER_LIMIT), ""],
        [ctx.cell(text.inputs_title, styles.cell_bold), ""],
        *([ctx.cell(f"{item.role}: {item.name}", styles.cell_label, limit=NAME_LIMIT),
           ctx.cell(item.sha256, styles.cell_small)] for item in sorted(
               ctx.assessment.inputs, key=lambda item: (item.role, item.name))),
    ]
    table = ReportTable(rows, colWidths=[LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH], hAlign="LEFT")
    table.setStyle(_block_style(ctx, [("SPAN", (0, 1), (-1, 1)), ("SPAN", (0, 2), (-1, 2)),
                                      ("BACKGROUND", (0, 1), (-1, 2), colors.white),
                                      ("LINEBELOW", (0, 2), (-1, -1), 0.25, ctx.palette.rule),
                                      ("VALIGN", (0, 1), (-1, -1), "TOP")]))
    return table


def _proof(ctx: ReportContext, signoff: SignOff) -> str:
    """How the sign-off was made: the web app's account, the user's key, or a name typed (not proven)."""
    text, proof = ctx.wording.signoff, signoff.proof
    if proof is None:
        return text.proof_name
    if proof.method == "account":
        return text.proof_account.format(account=clean(proof.subject, NAME_LIMIT))
    return text.proof_key.format(fingerprint=proof.subject)


def _status(ctx: ReportContext, signoffs: Sequence[SignOff]) -> str:
    """The approval's status in the register, in one sentence (``riskengine.register.approvals`` decides it)."""
    text, owners = ctx.wording.signoff, ctx.wording.owners
    status = approval_status(signoffs)
    if status == "pending":
        return text.status_pending.format(signed=", ".join(owners[signoff.role] for signoff in signoffs),
                                          waiting=", ".join(owners[role] for role in missing_roles(signoffs)))
    final = final_signoff(signoffs)
    assert final is not None  # the status is final
    sentence = text.status_rejected if status == "rejected" else text.status_approved
    return sentence.format(role=owners[final.role], date=_day(ctx, final.signed_at))


def _day(ctx: ReportContext, moment: str) -> str:
    """The day of an ISO time in the wording's words (as recorded, if it is not a time)."""
    try:
        return ctx.wording.date(dt.date.fromisoformat(moment[:10]))
    except ValueError:
        return moment


def _signed_block(ctx: ReportContext, signoff: SignOff) -> Table:
    """What ``signoff`` recorded: who, their decision, when, their note, and the report they signed."""
    text, styles = ctx.wording.signoff, ctx.styles
    audience = ctx.wording.audiences.get(signoff.report_audience)
    rows: list[list[Flowable | str]] = [
        [ctx.cell(text.signed_title.format(role=ctx.wording.owners[signoff.role]), styles.cell_head), ""],
        [ctx.cell(text.name, styles.cell_label), ctx.cell(signoff.signed_by, limit=NAME_LIMIT)],
        [ctx.cell(text.decision, styles.cell_label),
         ctx.cell(text.approved if signoff.decision == "approve" else text.rejected, styles.cell_bold)],
        [ctx.cell(text.date, styles.cell_label), ctx.cell(_day(ctx, signoff.signed_at))],
        [ctx.cell(text.note, styles.cell_label), ctx.cell(signoff.note or text.no_note)],
        [ctx.cell(text.report, styles.cell_label),
         ctx.cell(audience.label if audience else signoff.report_audience, limit=NAME_LIMIT)],
        [ctx.cell(text.sha256, styles.cell_label), ctx.cell(signoff.report_sha256, styles.cell_small)],
        *([[ctx.cell(text.proof, styles.cell_label), ctx.cell(_proof(ctx, signoff), limit=ANSWER_LIMIT)]]
          if ctx.seal is not None else []),
    ]
    table = ReportTable(rows, colWidths=[LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH], hAlign="LEFT")
    table.setStyle(_block_style(ctx, [("LINEBELOW", (0, 1), (-1, -1), 0.25, ctx.palette.rule),
                                      ("VALIGN", (0, 1), (-1, -1), "TOP")]))
    return table


def _block_style(ctx: ReportContext, lines: list[tuple[object, ...]]) -> TableStyle:
    """A block's frame: the role's title on the theme's header fill, labels in a tinted column, then ``lines``."""
    palette = ctx.palette
    return TableStyle([
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), palette.header_fill),
        ("BACKGROUND", (0, 1), (0, -1), palette.label_fill),
        ("BOX", (0, 0), (-1, -1), 0.5, palette.rule),
        ("LINEBELOW", (0, 1), (0, -1), 0.25, palette.rule),
        *lines,
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ])


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
    table = ReportTable(rows, colWidths=[LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH], rowHeights=heights,
                        hAlign="LEFT")
    # the lines to write on: darker than the rules, inset from the cell's edges
    table.setStyle(_block_style(ctx, [("LINEBELOW", (1, 1), (1, -1), 0.6, palette.muted),
                                      ("VALIGN", (0, 1), (-1, -1), "BOTTOM")]))
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
