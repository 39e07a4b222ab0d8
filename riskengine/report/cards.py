"""What more than one section shows of the risk result, built alike wherever it appears: a finding's card, a
knockout's reason, where a missing answer belongs, a condition's action and severity, and the conditions
without the knockouts' own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from riskengine.report.context import ReportContext
from riskengine.report.kit import CONTENT_WIDTH, NAME_LIMIT, markup
from riskengine.report.text import Text
from riskengine.score.profile import Severity
from riskengine.score.result import Condition, ConditionGroup, Finding, KnockoutHit, MissingAnswer


def without_knockouts(groups: Sequence[ConditionGroup]) -> tuple[ConditionGroup, ...]:
    """The groups without the knockouts' remediations (listed on their own for a rejection), empty groups
    dropped: a knockout and the gap behind it are one condition, shown once."""
    kept = (group.model_copy(update={"conditions": tuple(c for c in group.conditions if not c.knockout)})
            for group in groups)
    return tuple(group for group in kept if group.conditions)


def severity_cell(ctx: ReportContext, severity: Severity, *, light: bool) -> Paragraph:
    """A filled tag (the cell's background is set by ``severity_fills``), or coloured words when light."""
    label = markup(ctx.wording.severities[severity].upper())
    if light:
        return Text(f"<font color=\"{ctx.wording.theme.severities[severity]}\">{label}</font>",
                    ctx.styles.tag)
    return Text(label, ctx.styles.tag)


def severity_fills(ctx: ReportContext, severities: Sequence[Severity], *, light: bool, column: int = 0,
                   first_row: int = 1) -> list[tuple[Any, ...]]:
    """Table commands that fill the severity tags' cells (none when light) and centre them."""
    commands: list[tuple[Any, ...]] = [("VALIGN", (column, first_row), (column, -1), "MIDDLE")]
    if not light:
        commands += [("BACKGROUND", (column, row), (column, row), ctx.palette.severities[severity])
                     for row, severity in enumerate(severities, start=first_row)]
    return commands


def action_cell(ctx: ReportContext, condition: Condition) -> Paragraph:
    content = markup(condition.action)
    if condition.rule_ids:
        content += f"<br/>{ctx.rule_ids(condition.rule_ids)}"
    return Text(content, ctx.styles.cell)


def place_cell(ctx: ReportContext, item: MissingAnswer) -> Paragraph:
    """Where the answer belongs, or that the vendor's questionnaire has no place for it."""
    if item.place:
        return ctx.cell(item.place, ctx.styles.cell_small, limit=NAME_LIMIT)
    return Text(f"<i>{markup(ctx.wording.conditions.not_in_questionnaire)}</i>", ctx.styles.cell_small)


def knockout_cell(ctx: ReportContext, knockout: KnockoutHit, *, sources: bool) -> Paragraph:
    """The knockout's reason in bold, its rule id and the control gap behind it, and (``sources``) the cells
    and records it rests on."""
    rule_ids = [knockout.rule_id, *([knockout.control] if knockout.control else [])]
    content = f"<b>{markup(knockout.reason)}</b><br/>{ctx.rule_ids(rule_ids)}"
    if sources and knockout.provenance:
        line = ctx.wording.conditions.sources.format(sources=ctx.provenance(knockout.provenance))
        content += f"<br/><font size=\"6.5\" color=\"{ctx.muted_hex}\">{markup(line)}</font>"
    return Text(content, ctx.styles.cell)


def finding_title(ctx: ReportContext, finding: Finding) -> Paragraph:
    return Text(f"<b>{markup(finding.title, NAME_LIMIT)}</b>  <font size=\"7\" "
                f"color=\"{ctx.muted_hex}\">{markup(finding.rule_id, NAME_LIMIT)}</font>",
                ctx.styles.cell)


def finding_card(ctx: ReportContext, finding: Finding, rows: list[list[Flowable]]) -> Table:
    """A finding as a card: its severity tag and title on top, one labelled row per detail."""
    table = Table(rows, colWidths=[30 * mm, CONTENT_WIDTH - 30 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (0, 0), ctx.palette.severities[finding.severity]),
        ("BACKGROUND", (1, 0), (1, 0), ctx.palette.label_fill),
        ("BOX", (0, 0), (-1, -1), 0.5, ctx.palette.rule),
        ("LINEBELOW", (0, 1), (-1, -2), 0.25, ctx.palette.rule),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (0, 0), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table
