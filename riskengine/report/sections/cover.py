"""The cover: who and what was assessed, when, for whom and when to look again, the decision in a badge beside
the scores, and the three main reasons for it. (Every input's hash is in the Inputs section.)"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from riskengine.report.cards import MAIN_REASONS, reasons, reassess_sentence, tagged_list
from riskengine.report.context import ReportContext
from riskengine.report.fonts import FONT, FONT_BOLD
from riskengine.report.kit import CONTENT_WIDTH, NAME_LIMIT, capitalised, fit, score
from riskengine.report.wording import DecisionTheme


def build(ctx: ReportContext) -> list[Flowable]:
    """The cover page: the vendor, the assessment's id and date, the reassessment, the decision and scores, and the
    main reasons."""
    assessment, wording, styles = ctx.assessment, ctx.wording, ctx.styles
    risk, vendor, cover = assessment.risk, assessment.vendor, wording.cover
    title = ctx.heading(wording.title, styles.cover_title, level=0)
    title.outline_title = wording.sections["cover"]
    subtitle = " · ".join(part for part in (vendor.product, vendor.domain) if part)
    story: list[Flowable] = [
        Spacer(1, 10 * mm),
        title,
        ctx.paragraph(vendor.legal_name or wording.blank, styles.cover_vendor, NAME_LIMIT),
        ctx.paragraph(subtitle or wording.blank, styles.cover_sub, NAME_LIMIT),
        ctx.key_values([
            (cover.assessment_id, ctx.cell(assessment.assessment_id, limit=NAME_LIMIT)),
            (cover.date, ctx.cell(wording.date(assessment.created))),
            (cover.requested_by, ctx.cell(assessment.requested_by or wording.blank, limit=NAME_LIMIT)),
            (cover.report, ctx.cell(ctx.audience_label)),
            *_cover_coverage(ctx),
            *_cover_not_considered(ctx),
            (cover.reassess, ctx.cell(reassess_sentence(ctx))),
        ], label_width=42 * mm),
        Spacer(1, 8 * mm),
    ]
    tier = wording.tiers[risk.tier]
    detail = cover.badge_tier_pending if risk.decision == "more_information_needed" else cover.badge_tier
    badge = _Badge(wording.decisions[risk.decision].badge, detail.format(tier=tier),
                   wording.theme.decisions[risk.decision], width=80 * mm)
    scores_width = CONTENT_WIDTH - 80 * mm - 6 * mm
    scores = ctx.key_values([
        (cover.tier, ctx.cell(tier, styles.cell_large_bold)),
        (cover.residual, ctx.cell(cover.out_of_100.format(score=score(risk.residual)),
                                  styles.cell_large_bold)),
        (cover.inherent, ctx.cell(cover.out_of_100.format(score=score(risk.inherent)),
                                  styles.cell_large)),
        (cover.effectiveness, ctx.cell(cover.out_of_100.format(
            score=score(risk.control_effectiveness)), styles.cell_large)),
    ], label_width=40 * mm, width=scores_width, valign="MIDDLE")
    side_by_side = Table([[badge, scores]], colWidths=[80 * mm + 6 * mm, scores_width], hAlign="LEFT")
    side_by_side.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    story += [side_by_side, Spacer(1, 6 * mm), *_reasons(ctx)]
    return story


def _reasons(ctx: ReportContext) -> list[Flowable]:
    """The three main reasons for the decision, each tagged (its severity, a knockout, a missing answer) with a
    sentence; the rest counted, and where they are listed."""
    cover, styles = ctx.wording.cover, ctx.styles
    found = reasons(ctx)
    story: list[Flowable] = [ctx.heading(cover.reasons, styles.h2)]
    if not found:
        return [*story, ctx.paragraph(cover.no_reasons)]
    shown = found[:MAIN_REASONS]
    table = tagged_list(ctx, [(ctx.cell(reason.tag, styles.tag, limit=NAME_LIMIT),
                               ctx.palette.severities[reason.severity], reason.title, reason.detail)
                              for reason in shown], 24 * mm)
    story.append(table)
    hidden = len(found) - len(shown)
    if hidden > 0:
        more = (cover.reasons_more.format(count=hidden, section=ctx.wording.sections["findings"])
                if "findings" in ctx.sections else cover.reasons_more_elsewhere.format(count=hidden))
        story += [Spacer(1, 2 * mm), ctx.paragraph(more, styles.muted)]
    return story


def _cover_coverage(ctx: ReportContext) -> list[tuple[str, Flowable]]:
    if ctx.assessment.coverage is None:
        return []
    text = ctx.wording.coverage
    return [(text.cover_label, ctx.cell(text.cover.format(**ctx.coverage_figures())))]


def _cover_not_considered(ctx: ReportContext) -> list[tuple[str, Flowable]]:
    """The inputs the run was without (no inventory, no organisation profile) and what that leaves out: on the
    cover, so that no reader takes a result judged on less for a whole one."""
    missing = ctx.assessment.not_considered
    if not missing:
        return []
    return [(ctx.wording.not_considered.label, ctx.cell("\n".join(capitalised(item.effect) for item in missing)))]


class _Badge(Flowable):  # type: ignore[misc]
    """The decision in a coloured box; label text and border style differ too, so greyscale still reads."""

    def __init__(self, label: str, detail: str, theme: DecisionTheme, width: float) -> None:
        super().__init__()
        self.label = label
        self.detail = detail
        self.theme = theme
        self.width = width
        self.height = 66.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        stroke = colors.HexColor(self.theme.stroke)
        canvas.saveState()
        canvas.setFillColor(colors.HexColor(self.theme.fill))
        canvas.setStrokeColor(stroke)
        if self.theme.border == "double":
            canvas.setLineWidth(1.2)
            canvas.roundRect(0, 0, self.width, self.height, 5, stroke=1, fill=1)
            canvas.roundRect(3.5, 3.5, self.width - 7, self.height - 7, 3, stroke=1, fill=0)
        elif self.theme.border in ("dashed", "dotted"):
            canvas.setLineWidth(2)
            if self.theme.border == "dashed":
                canvas.setDash(6, 3)
            else:
                canvas.setLineCap(1)
                canvas.setDash(0.1, 4)
            canvas.roundRect(1, 1, self.width - 2, self.height - 2, 5, stroke=1, fill=1)
        else:
            canvas.setLineWidth(2)
            canvas.roundRect(1, 1, self.width - 2, self.height - 2, 5, stroke=1, fill=1)
        canvas.setFillColor(colors.HexColor(self.theme.text))
        size = 15.0
        while size > 8 and pdfmetrics.stringWidth(self.label, FONT_BOLD, size) > self.width - 20:
            size -= 0.5
        canvas.setFont(FONT_BOLD, size)
        canvas.drawCentredString(self.width / 2, self.height * 0.52, self.label)
        canvas.setFont(FONT, 9)
        detail = fit(self.detail, FONT, 9, self.width - 20)
        canvas.drawCentredString(self.width / 2, self.height * 0.24, detail)
        canvas.restoreState()
