"""What more than one section shows of the risk result, built alike wherever it appears: a finding's card, a
knockout's reason, where a missing answer belongs, a condition's action and severity, the conditions
without the knockouts' own, what a finding is to the approval, the main reasons and the reassessment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from riskengine.report.context import ReportContext
from riskengine.report.kit import CONTENT_WIDTH, NAME_LIMIT, capitalised, markup
from riskengine.report.tables import ReportTable
from riskengine.report.text import Text
from riskengine.report.wording import FindingRole
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


COMPACT_ROWS: tuple[tuple[Any, ...], ...] = (("TOPPADDING", (0, 0), (-1, -1), 2),
                                             ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5))
"""Table commands of a compact list (one row per finding or condition): less padding, so more rows to a page."""


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
    table = ReportTable(rows, colWidths=[30 * mm, CONTENT_WIDTH - 30 * mm], hAlign="LEFT")
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


def finding_role(ctx: ReportContext, finding: Finding) -> FindingRole:
    """What ``finding`` is to the approval: the cause of a knockout, a condition, a recommendation, or none."""
    risk = ctx.assessment.risk

    def rules(groups: Sequence[ConditionGroup]) -> set[str]:
        return {rule for group in groups for condition in group.conditions for rule in condition.rule_ids}

    if finding.knockout:
        return "knockout"
    if finding.rule_id in rules(risk.conditions):
        return "condition"
    if finding.rule_id in rules(risk.recommendations):
        return "recommendation"
    return "none"


def points_lost(finding: Finding) -> str:
    """The points of control effectiveness a finding costs, as every form of the findings prints them."""
    return f"{finding.points_lost:.1f}"


def reassess_sentence(ctx: ReportContext) -> str:
    """When to assess the vendor again: the date and the interval the tier sets, or after the missing answers."""
    risk, wording, summary = ctx.assessment.risk, ctx.wording, ctx.wording.summary
    tier = wording.tiers[risk.tier]
    if risk.decision == "more_information_needed":
        return summary.reassess_pending
    if risk.reassess_by:
        return summary.reassess_by.format(date=wording.date(dt.date.fromisoformat(risk.reassess_by)),
                                          months=risk.reassess_months, tier=tier)
    return summary.reassess.format(months=risk.reassess_months, tier=tier)


MAIN_REASONS = 3
"""Reasons the cover gives for the decision; the rest are counted."""


@dataclass(frozen=True)
class Reason:
    """One reason for the decision: its tag (a severity, KNOCKOUT or NO ANSWER), a title and a sentence."""

    tag: str
    severity: Severity
    title: str
    detail: str


def reasons(ctx: ReportContext) -> list[Reason]:
    """Every reason for the decision, the weightiest first: the knockouts (a rejection), the answers the decision
    waits for, then the findings most severe first (a gap behind a knockout is its knockout, given once)."""
    risk, wording = ctx.assessment.risk, ctx.wording
    found: list[Reason] = [Reason(wording.cover.knockout, "critical", knockout.reason,
                                  knockout.remediation.action) for knockout in risk.knockouts]
    if risk.decision == "more_information_needed":
        found += [Reason(wording.cover.missing, "critical", item.label, capitalised(item.why))
                  for item in risk.missing]
    knocked = {knockout.rule_id for knockout in risk.knockouts}
    found += [Reason(wording.severities[finding.severity].upper(), finding.severity, finding.title, finding.plain)
              for finding in ctx.sorted_findings() if not (finding.knockout and finding.knockout in knocked)]
    return found


def tagged_list(ctx: ReportContext, items: Sequence[tuple[Flowable, colors.Color, str, str]],
                tag_width: float) -> Table:
    """A short list, each item a coloured tag beside its title in bold over a plain sentence (the cover's main
    reasons, the summary's top findings); ``items`` are (tag, its fill, title, detail)."""
    rows = [[tag, Text(f"<b>{markup(title, NAME_LIMIT)}</b><br/>{markup(detail)}", ctx.styles.cell)]
            for tag, _, title, detail in items]
    table = ReportTable(rows, colWidths=[tag_width, CONTENT_WIDTH - tag_width], hAlign="LEFT")
    table.setStyle(TableStyle([
        *[("BACKGROUND", (0, index), (0, index), fill) for index, (_, fill, _, _) in enumerate(items)],
        ("VALIGN", (0, 0), (0, -1), "MIDDLE"),
        ("VALIGN", (1, 0), (1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 3, colors.white),
        ("LINEBELOW", (1, 0), (1, -1), 0.25, ctx.palette.rule),
        ("LEFTPADDING", (1, 0), (1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return table
