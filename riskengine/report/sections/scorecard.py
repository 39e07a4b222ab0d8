"""The joint scorecard: what IT and marketing each watch after approval, with targets from this assessment."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from riskengine.report.context import ReportContext
from riskengine.report.kit import CONTENT_WIDTH, NAME_LIMIT
from riskengine.report.kpis import joint_scorecard


def build(ctx: ReportContext) -> list[Flowable]:
    """What IT and marketing each watch after approval, side by side, with targets from this assessment."""
    spec, styles = ctx.scorecard, ctx.styles
    kpis = joint_scorecard(ctx.assessment, spec)
    story: list[Flowable] = [ctx.section("scorecard"), ctx.paragraph(spec.intro)]
    widths = [28 * mm, 58 * mm, 52 * mm, CONTENT_WIDTH - 138 * mm]
    for side, title in (("it", spec.title_it), ("marketing", spec.title_marketing)):
        rows = [[ctx.cell(kpi.title, styles.cell_label, limit=NAME_LIMIT), ctx.cell(kpi.measure),
                 ctx.cell(kpi.target, styles.cell_bold), ctx.cell(kpi.basis, styles.cell_small)]
                for kpi in kpis if kpi.side == side]
        story += [ctx.heading(title, styles.h2, level=1),
                  ctx.table([spec.kpi, spec.measure, spec.target, spec.basis], rows, widths)]
    return story

