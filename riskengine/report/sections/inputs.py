"""Inputs, for compliance: every file the assessment read with its SHA-256, and the versions that judged it, so
the result can be reproduced and defended."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, TableStyle

from riskengine.report.context import ReportContext
from riskengine.report.kit import CONTENT_WIDTH, NAME_LIMIT, capitalised, markup
from riskengine.report.tables import ReportTable
from riskengine.report.text import Text


def build(ctx: ReportContext) -> list[Flowable]:
    """Each input's role, file and whole SHA-256, then the engine, bank, profile and schema versions."""
    assessment, text, styles = ctx.assessment, ctx.wording.inputs, ctx.styles
    rows = [[
        ctx.cell(ctx.wording.roles[item.role]),
        ctx.cell(item.name, limit=NAME_LIMIT),
        Text(f"<font size=\"6.5\">{markup(item.sha256, 128)}</font>", styles.cell),
    ] for item in assessment.inputs]
    versions = assessment.versions
    grid = ReportTable([
        [ctx.cell(text.engine, styles.cell_label), ctx.cell(versions.engine, limit=NAME_LIMIT),
         ctx.cell(text.bank, styles.cell_label), ctx.cell(versions.bank, limit=NAME_LIMIT)],
        [ctx.cell(text.profile, styles.cell_label), ctx.cell(versions.profile, limit=NAME_LIMIT),
         ctx.cell(text.schema_, styles.cell_label), ctx.cell(versions.schema_version)],
    ], colWidths=[30 * mm, CONTENT_WIDTH / 2 - 30 * mm] * 2, hAlign="LEFT")
    grid.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (0, -1), ctx.palette.label_fill),
        ("BACKGROUND", (2, 0), (2, -1), ctx.palette.label_fill),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, ctx.palette.rule),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return [
        ctx.section("inputs"),
        ctx.paragraph(text.intro),
        ctx.table([text.role, text.file, text.sha256], rows, [34 * mm, CONTENT_WIDTH - 34 * mm - 98 * mm, 98 * mm]),
        *_not_considered(ctx),
        ctx.heading(text.versions, styles.h2),
        grid,
    ]


def _not_considered(ctx: ReportContext) -> list[Flowable]:
    """The inputs the run was without, each with what it leaves out."""
    missing = ctx.assessment.not_considered
    if not missing:
        return []
    text = ctx.wording.not_considered
    return [ctx.heading(text.label, ctx.styles.h2), ctx.paragraph(text.intro),
            *(Text(markup(capitalised(item.effect)), ctx.styles.bullet, bulletText="•") for item in missing)]
