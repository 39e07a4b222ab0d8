"""Findings, for IT and compliance: per category, each finding as a card in two voices (plain and technical),
with its remediation, the vendor's answer, the points lost and where it comes from; or, in the compact form, one
row per finding with what it is to the approval, the points lost and who can fix it."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from riskengine.report.cards import COMPACT_ROWS, finding_card, finding_role, finding_title, points_lost, severity_fills
from riskengine.report.context import ReportContext
from riskengine.report.kit import CONTENT_WIDTH, NAME_LIMIT, markup, sentence, word
from riskengine.report.text import Text
from riskengine.score.result import Finding, KnockoutHit


def build(ctx: ReportContext) -> list[Flowable]:
    """The findings by category, most severe first, then what the vendor's own questionnaire leaves open."""
    assessment, wording, styles = ctx.assessment, ctx.wording, ctx.styles
    story: list[Flowable] = [ctx.section("findings")]
    if not assessment.findings:
        story.append(ctx.paragraph(wording.findings.none))
        return story
    compact = ctx.form("findings") == "compact"
    story.append(ctx.paragraph(wording.findings.compact_intro if compact else wording.findings.intro))
    for title, in_category in _by_category(ctx):
        if compact:
            story += [*ctx.long_table_heading(title, level=1, style=styles.h3_long_table),
                      _compact_table(ctx, in_category)]
            continue
        heading = ctx.heading(title, styles.h2, level=1)
        for index, finding in enumerate(in_category):
            # keepWithNext does not reach into a KeepTogether, so the heading joins the first finding.
            block = [heading] if index == 0 else []
            story.append(KeepTogether([*block, _finding(ctx, finding), Spacer(1, 4 * mm)]))
    return story + _findings_coverage(ctx)


def _by_category(ctx: ReportContext) -> list[tuple[str, list[Finding]]]:
    """The findings by category in the profile's order (categories it does not name last), most severe first."""
    assessment = ctx.assessment
    titles = {category.id: category.title for category in assessment.risk.categories}
    order = [category.id for category in assessment.risk.categories]
    order += sorted({finding.category for finding in assessment.findings} - set(order))
    findings = ctx.sorted_findings()
    grouped = [(titles.get(category_id, category_id),
                [finding for finding in findings if finding.category == category_id]) for category_id in order]
    return [(title, in_category) for title, in_category in grouped if in_category]


def _compact_table(ctx: ReportContext, findings: Sequence[Finding]) -> Table:
    """One row per finding: severity, title and rule, what it is to the approval, points lost, who can fix it."""
    text, styles = ctx.wording.findings, ctx.styles
    rows = [[
        ctx.tag(finding.severity),
        finding_title(ctx, finding),
        ctx.cell(text.roles[finding_role(ctx, finding)], limit=NAME_LIMIT),
        ctx.cell(ctx.wording.scores.no_points if finding.kind == "requirement" else points_lost(finding),
                 styles.cell_number),
        ctx.cell(text.fixers_short[finding.fixable_by], limit=NAME_LIMIT),
    ] for finding in findings]
    widths = [19 * mm, CONTENT_WIDTH - 19 * mm - 28 * mm - 14 * mm - 17 * mm, 28 * mm, 14 * mm, 17 * mm]
    table = ctx.table([ctx.wording.conditions.severity, text.finding, text.approval, text.points_short,
                       text.fixed_by], rows, widths)
    table.setStyle(TableStyle([*severity_fills(ctx, [finding.severity for finding in findings], light=False),
                               *COMPACT_ROWS]))
    return table


def _findings_coverage(ctx: ReportContext) -> list[Flowable]:
    """What the vendor's own questionnaire leaves open, and the warnings it raises itself."""
    coverage, text, styles = ctx.assessment.coverage, ctx.wording.coverage, ctx.styles
    if coverage is None:
        return []
    story: list[Flowable] = [ctx.heading(text.findings_title, styles.h2, level=1),
                             ctx.paragraph(text.findings.format(**ctx.coverage_figures()))]
    if coverage.flags:
        rows = [[ctx.cell(flag.their_id, styles.cell_small, limit=NAME_LIMIT),
                 ctx.cell(flag.severity, limit=NAME_LIMIT), ctx.cell(flag.text),
                 ctx.cell(flag.place, styles.cell_small, limit=NAME_LIMIT)] for flag in coverage.flags]
        story += [ctx.heading(text.flags_title, styles.h3), ctx.paragraph(text.flags_intro),
                  ctx.table([text.their_id, text.severity, text.warning, text.place], rows,
                            [30 * mm, 20 * mm, CONTENT_WIDTH - 100 * mm, 50 * mm])]
    return story


def _finding(ctx: ReportContext, finding: Finding) -> Table:
    """A finding's card. A gap behind a knockout shows the knockout's remediation (one condition, not two);
    a requirement shows that it costs no points, and no vendor's answer when it reads none."""
    text, styles = ctx.wording.findings, ctx.styles
    knockout = _knockout_hit(ctx, finding.knockout)
    remediation = knockout.remediation if knockout is not None else finding.remediation
    line = text.remediation_line.format(action=remediation.action,
                                        owner=word(ctx.wording.owners, remediation.owner),
                                        due=word(ctx.wording.dues, remediation.due))
    requirement = finding.kind == "requirement"
    points = text.requirement_points if requirement else text.points.format(points=points_lost(finding))
    rows: list[list[Flowable]] = [
        [ctx.tag(finding.severity), finding_title(ctx, finding)],
        [ctx.cell(text.what_it_means, styles.cell_label), ctx.cell(finding.plain)],
        [ctx.cell(text.for_it, styles.cell_label), ctx.cell(finding.technical)],
        [ctx.cell(text.remediation, styles.cell_label), _remediation_cell(ctx, finding, line)],
    ]
    if not (requirement and finding.answer is None):
        rows.append([ctx.cell(text.vendor_answer, styles.cell_label),
                     ctx.cell(_finding_answer(ctx, finding))])
    rows += [
        [ctx.cell(text.points_lost, styles.cell_label), ctx.cell(points)],
        [ctx.cell(text.provenance, styles.cell_label),
         ctx.cell(ctx.provenance(finding.provenance), styles.cell_small)],
    ]
    return finding_card(ctx, finding, rows)


def _knockout_hit(ctx: ReportContext, rule_id: str) -> KnockoutHit | None:
    return next((hit for hit in ctx.assessment.risk.knockouts if rule_id and hit.rule_id == rule_id), None)


def _finding_answer(ctx: ReportContext, finding: Finding) -> str:
    """The vendor's answer, or that the vendor's own questionnaire does not cover the question."""
    coverage = ctx.assessment.coverage
    if finding.answer is None and coverage is not None:
        open_ids = {f"answer.{question_id}" for question_id in coverage.not_covered}
        if any(source.ref in open_ids for source in finding.provenance):
            return ctx.wording.coverage.not_covered_answer
    return ctx.answer(finding.answer)


def _remediation_cell(ctx: ReportContext, finding: Finding, line: str) -> Paragraph:
    """The remediation, marked as the cause of a knockout, a condition of approval or a recommendation (when
    the result says), and who can fix it."""
    text = ctx.wording.findings
    kind = {"knockout": text.causes_knockout.format(knockout=finding.knockout), "condition": text.is_condition,
            "recommendation": text.is_recommendation, "none": ""}[finding_role(ctx, finding)]
    marks = "; ".join(part for part in (sentence(kind).rstrip("."), text.fixers[finding.fixable_by]) if part)
    content = markup(line)
    content += f"<br/><font size=\"7\" color=\"{ctx.muted_hex}\"><i>{markup(marks)}</i></font>"
    return Text(content, ctx.styles.cell)
