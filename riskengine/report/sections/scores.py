"""Scores, for IT and compliance: control effectiveness per category (chart and table), the vendor's own
answers beside our controls, and the inherent-risk factors with their sources."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from riskengine.questionnaire.submission import own_answered, own_summary
from riskengine.report.charts import effectiveness_chart
from riskengine.report.context import ReportContext
from riskengine.report.kit import CONTENT_WIDTH, NAME_LIMIT, percent, points, score
from riskengine.score.result import CategoryScore

OWN_IDS_LIMIT = 6000
"""The ids a vendor answers No in one category, with the answers: 261 CAIQ ids at ~20 characters each."""


def build(ctx: ReportContext) -> list[Flowable]:
    """Effectiveness per category, the vendor's own answers beside our controls, the inherent-risk factors."""
    assessment, wording, styles = ctx.assessment, ctx.wording, ctx.styles
    risk, scores = assessment.risk, wording.scores
    story: list[Flowable] = [ctx.section("scores"), ctx.paragraph(scores.intro)]
    charted = [category for category in risk.categories if category.effectiveness is not None]
    skipped = [category for category in risk.categories if category.effectiveness is None]
    story.append(_chart(ctx, charted) if charted else ctx.paragraph(scores.no_chart))
    if skipped:
        names = ", ".join(category.title for category in skipped)
        story.append(ctx.paragraph(scores.not_applicable_list.format(categories=names), styles.muted))
    story.append(Spacer(1, 3 * mm))
    rows = [[
        ctx.cell(category.title, limit=NAME_LIMIT),
        ctx.cell(f"{category.weight:g}"),
        ctx.cell(scores.not_applicable if category.effectiveness is None
                 else score(category.effectiveness)),
        ctx.cell(scores.no_points if category.effectiveness is None else scores.earned_possible_value.format(
            earned=points(category.earned), possible=points(category.possible))),
        ctx.cell(f"{category.controls_met} / {category.controls_applied}"),
    ] for category in risk.categories]
    header = [scores.category, scores.weight, scores.effectiveness, scores.earned_possible, scores.controls]
    story.append(ctx.table(header, rows, [CONTENT_WIDTH - 120 * mm, 18 * mm, 30 * mm, 36 * mm, 36 * mm]))
    story += _own_answers(ctx)
    story.append(Spacer(1, 2 * mm))
    story.append(ctx.paragraph(scores.overall.format(
        effectiveness=score(risk.control_effectiveness), inherent=score(risk.inherent),
        residual=score(risk.residual))))
    story.append(ctx.heading(scores.inherent_title, styles.h2))
    if risk.inherent_factors:
        story.append(ctx.paragraph(scores.inherent_intro.format(inherent=score(risk.inherent))))
        rows = [[ctx.cell(factor.reason), ctx.cell(f"{factor.points:g}"),
                 ctx.cell(ctx.provenance(factor.provenance), styles.cell_small)]
                for factor in risk.inherent_factors]
        story.append(ctx.table([scores.factor, scores.points, scores.provenance], rows,
                               [CONTENT_WIDTH - 20 * mm - 70 * mm, 20 * mm, 70 * mm]))
    else:
        story.append(ctx.paragraph(scores.no_factors))
    return story


def _own_answers(ctx: ReportContext) -> list[Flowable]:
    """The vendor's own answers by our category, beside our controls: counts, the share scored and every id
    not in place (the same figures the OWN- rules score: ``own_summary``)."""
    coverage, text, styles = ctx.assessment.coverage, ctx.wording.coverage, ctx.styles
    if coverage is None or not coverage.own_answers:
        return []
    titles = {category.id: category.title for category in ctx.assessment.risk.categories}
    label = ctx.coverage_figures()["format"]
    answered, total = own_answered(coverage)
    columns = text.own_columns
    rows = []
    order = list(titles)
    for summary in sorted(own_summary(coverage), key=lambda item: (
            order.index(item.category) if item.category in order else len(order), item.category)):
        counts = summary.counts
        short = "; ".join(f"{answer.their_id}: {answer.answer or text.own_blank}"
                          for answer in summary.short)
        rows.append([
            ctx.cell(titles.get(summary.category, summary.category), limit=NAME_LIMIT),
            ctx.cell(str(counts["met"])), ctx.cell(str(counts["gap"])), ctx.cell(str(counts["partial"])),
            ctx.cell(str(counts["not_applicable"])),
            ctx.cell(str(counts["unanswered"] + counts["unclear"])),
            ctx.cell(ctx.wording.scores.not_applicable if summary.share is None
                     else f"{percent(summary.share, 1)} %"),
            ctx.cell(short or (text.own_none if summary.share is not None else text.own_all_na),
                     styles.cell_small, limit=OWN_IDS_LIMIT)])
    header = [columns[key] for key in ("category", "met", "gap", "partial", "not_applicable", "open", "share",
                                       "not_in_place")]
    narrow = 15 * mm
    return [ctx.heading(text.own_title, styles.h2),
            ctx.paragraph(text.own_intro.format(format=label, answered=answered, scored=total,
                                                percent=f"{100 * answered / max(total, 1):.0f}")),
            ctx.table(header, rows, [34 * mm, *[narrow] * 5, 18 * mm,
                                     CONTENT_WIDTH - 34 * mm - 5 * narrow - 18 * mm], split_in_row=True)]


def _chart(ctx: ReportContext, categories: Sequence[CategoryScore]) -> Drawing:
    """Horizontal bars of effectiveness per category, first category on top, on a 0-100 axis."""
    theme = ctx.chart_theme()
    drawing = effectiveness_chart([(category.title, category.effectiveness or 0.0) for category in categories],
                                  CONTENT_WIDTH, theme, ctx.palette.chart_bar)
    drawing.hAlign = "LEFT"
    return drawing

