"""The summary, one page for the marketer: the decision and why, what it turns on, the top findings, the cost
of both options and when to look again."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from riskengine.report.cards import (
    action_cell,
    knockout_cell,
    place_cell,
    reassess_sentence,
    severity_cell,
    severity_fills,
    tagged_list,
    without_knockouts,
)
from riskengine.report.context import ReportContext
from riskengine.report.kit import (
    CONTENT_WIDTH,
    NAME_LIMIT,
    QUESTION_LIMIT,
    SEVERITY_ORDER,
    capitalised,
    markup,
    points,
    score,
    word,
)
from riskengine.report.text import Text
from riskengine.score.result import Borderline, Condition, MissingAnswer

SUMMARY_ROWS = 12
"""Rows of the summary's recommendations table (approval without conditions); the rest are counted."""
SUMMARY_CONDITION_ROWS = 5
"""Rows of the summary's before-go-live conditions, most severe first, so the summary stays one page; the
Conditions section lists them all."""
SUMMARY_MISSING_ROWS = 6
"""Missing answers listed in the summary (a vendor's own questionnaire can leave fifteen open); the rest are
counted, and the Conditions section lists them all."""
BEFORE_GO_LIVE = "before-go-live"


def build(ctx: ReportContext) -> list[Flowable]:
    """One page: the decision and why, what blocks it (the knockouts of a rejection, the answers a decision
    waits for) or the conditions before go-live, the top findings, the cost, and when to look again."""
    assessment, wording, styles = ctx.assessment, ctx.wording, ctx.styles
    risk, summary = assessment.risk, wording.summary
    decision = wording.decisions[risk.decision]
    story: list[Flowable] = [
        ctx.section("summary"),
        ctx.heading(summary.decision, styles.h2),
        Text(f"<b>{markup(decision.badge)}</b>. {markup(decision.verdict)}", styles.body),
        ctx.heading(summary.why, styles.h2),
    ]
    if risk.knockouts:
        story.append(ctx.paragraph(summary.knockouts.format(count=len(risk.knockouts))))
    story.append(ctx.paragraph(_score_sentence(ctx)))
    if risk.borderline is not None:
        story.append(ctx.paragraph(_borderline_sentence(ctx, risk.borderline)))
    if assessment.coverage is not None:
        story.append(ctx.paragraph(wording.coverage.summary.format(**ctx.coverage_figures())))
    counts = [(severity, sum(1 for f in assessment.findings if f.severity == severity))
              for severity in SEVERITY_ORDER]
    if assessment.findings:
        text = ", ".join(f"{wording.severities[severity]} {count}" for severity, count in counts if count)
        story.append(ctx.paragraph(summary.findings_count.format(counts=text)))
    else:
        story.append(ctx.paragraph(summary.no_findings))
    if risk.decision == "reject":
        story += _to_be_reconsidered(ctx)
    elif risk.decision == "more_information_needed":
        story += _before_a_decision(ctx)
    story += _top_findings(ctx)
    if risk.decision in ("approve", "approve_with_conditions"):
        story.append(ctx.heading(summary.before_go_live, styles.h2))
        story += _before_go_live(ctx)
    story.append(ctx.heading(summary.cost_title, styles.h2))
    story += _summary_cost(ctx)
    story.append(ctx.heading(summary.reassess_title, styles.h2))
    story.append(ctx.paragraph(reassess_sentence(ctx)))
    return story


def _score_sentence(ctx: ReportContext) -> str:
    """The residual with one decimal (the figure the tier was decided on) and the tier, and what set it."""
    risk, summary, tiers = ctx.assessment.risk, ctx.wording.summary, ctx.wording.tiers
    residual, tier = score(risk.residual), tiers[risk.tier]
    if risk.decision == "more_information_needed":
        return summary.score_pending.format(residual=residual, tier=tier)
    if risk.knockouts and risk.tier != risk.score_tier:
        return summary.score_knockout.format(residual=residual, tier=tier, score_tier=tiers[risk.score_tier])
    if risk.knockouts:
        return summary.score_knockout_same.format(residual=residual, tier=tier)
    if risk.tier != risk.score_tier:
        return summary.score_floor.format(residual=residual, tier=tier, score_tier=tiers[risk.score_tier])
    return summary.score.format(residual=residual, tier=tier)


def _borderline_sentence(ctx: ReportContext, border: Borderline) -> str:
    """How close the residual is to a tier threshold, and what the tier across it would decide."""
    risk, wording = ctx.assessment.risk, ctx.wording
    summary, tiers = wording.summary, wording.tiers
    template = (summary.borderline_below if border.distance < 0 else summary.borderline_at
                if border.distance == 0 else summary.borderline_above)
    other = tiers[border.other_tier]
    first = template.format(residual=score(risk.residual), distance=score(abs(border.distance)),
                            threshold=points(border.threshold), tier=tiers[risk.tier], other_tier=other)
    then = summary.borderline_same if border.other_decision == risk.decision else summary.borderline_differs
    return f"{first} {then.format(other_tier=other, decision=wording.decisions[border.other_decision].name)}"


def _top_findings(ctx: ReportContext) -> list[Flowable]:
    """The three most severe findings in plain words; for a rejection, those besides the gaps behind the
    knockouts (the knockouts are listed already)."""
    risk, summary = ctx.assessment.risk, ctx.wording.summary
    findings = ctx.sorted_findings()
    title = summary.top_findings
    if risk.decision == "reject" and risk.knockouts:
        findings = [finding for finding in findings if not finding.knockout]
        title = summary.other_top_findings
    top = findings[:3]
    if not top:
        return []
    table = tagged_list(ctx, [(ctx.tag(finding.severity), ctx.palette.severities[finding.severity], finding.title,
                               finding.plain) for finding in top], 22 * mm)
    return [ctx.heading(title, ctx.styles.h2), table]


def _to_be_reconsidered(ctx: ReportContext) -> list[Flowable]:
    """A rejection: each knockout with what must change (never "before go-live": there is none), then how many
    further conditions would apply if the vendor were reconsidered."""
    risk, wording, summary, styles = ctx.assessment.risk, ctx.wording, ctx.wording.summary, ctx.styles
    story: list[Flowable] = [ctx.heading(summary.reconsider_title, styles.h2)]
    if risk.knockouts:
        story.append(ctx.paragraph(summary.reconsider_intro))
        rows = [[knockout_cell(ctx, knockout, sources=False), ctx.cell(knockout.remediation.action),
                 ctx.cell(word(wording.owners, knockout.remediation.owner), limit=NAME_LIMIT)]
                for knockout in risk.knockouts]
        table = ctx.table([summary.knockout, summary.what_must_change, wording.conditions.owner], rows,
                          [64 * mm, CONTENT_WIDTH - 64 * mm - 24 * mm, 24 * mm])
        table.setStyle(TableStyle([("LINEBEFORE", (0, 1), (0, -1), 3, ctx.palette.severities["critical"])]))
        story.append(table)
    else:
        story.append(ctx.paragraph(summary.reconsider_score.format(tier=wording.tiers[risk.tier])))
    others = sum(len(group.conditions) for group in without_knockouts(risk.conditions))
    story.append(Spacer(1, 2 * mm))
    story.append(ctx.paragraph(summary.reconsider_also.format(count=others) if others
                               else summary.reconsider_also_none))
    return story


def _before_a_decision(ctx: ReportContext) -> list[Flowable]:
    """More information needed: the first answers the decision waits for (the rest counted), then how many
    conditions the answers given already make."""
    risk, summary, styles = ctx.assessment.risk, ctx.wording.summary, ctx.styles
    story: list[Flowable] = [ctx.heading(summary.missing_title, styles.h2),
                             ctx.paragraph(summary.missing_intro)]
    # without a Conditions section in this audience's report, the summary is the only place to list them
    shown = risk.missing[:SUMMARY_MISSING_ROWS] if "conditions" in ctx.sections else risk.missing
    if shown:
        rows: list[list[Flowable]] = [[_question_cell(ctx, item), place_cell(ctx, item),
                                       Text(f"{markup(capitalised(item.why), NAME_LIMIT)}<br/>"
                                            f"{ctx.rule_ids(item.rule_ids)}", styles.cell)]
                                      for item in shown]
        hidden = len(risk.missing) - len(shown)
        if hidden > 0:
            rows.append([ctx.cell(summary.missing_more.format(count=hidden), styles.muted),
                         Spacer(0, 0), Spacer(0, 0)])
        table = ctx.table([summary.question, summary.place, summary.why_missing], rows,
                          [CONTENT_WIDTH - 44 * mm - 46 * mm, 44 * mm, 46 * mm])
        if hidden > 0:
            table.setStyle(TableStyle([("SPAN", (0, -1), (-1, -1))]))
        story.append(table)
    conditions = sum(len(group.conditions) for group in risk.conditions)
    story.append(Spacer(1, 2 * mm))
    story.append(ctx.paragraph(summary.missing_conditions.format(count=conditions) if conditions
                               else summary.missing_conditions_none))
    return story


def _question_cell(ctx: ReportContext, item: MissingAnswer) -> Paragraph:
    """The question's id in bold, then its text."""
    identifier = markup(item.question_id or item.fact, NAME_LIMIT)
    return Text(f"<b>{identifier}</b> {markup(item.label, QUESTION_LIMIT)}", ctx.styles.cell)


def _before_go_live(ctx: ReportContext) -> list[Flowable]:
    """An approval: the conditions due before go-live, most severe first; when the tool is approved without
    conditions, says so and lists the recommendations. (A rejection and a decision waiting for answers have
    no go-live: see ``_to_be_reconsidered`` and ``_before_a_decision``.)"""
    risk, summary = ctx.assessment.risk, ctx.wording.summary
    story: list[Flowable] = []
    if not risk.conditions and risk.decision == "approve":
        recommendations = [condition for group in risk.recommendations for condition in group.conditions]
        if not recommendations:
            return [ctx.paragraph(summary.no_conditions_or_recommendations)]
        story.append(ctx.paragraph(summary.no_conditions))
        story.append(_summary_table(ctx, recommendations, light=True))
        return story
    before = sorted((condition for group in risk.conditions if group.due == BEFORE_GO_LIVE
                     for condition in group.conditions), key=lambda condition: SEVERITY_ORDER.index(
                         condition.severity))
    later = sum(len(group.conditions) for group in risk.conditions if group.due != BEFORE_GO_LIVE)
    if before:
        story.append(ctx.paragraph(summary.before_go_live_intro))
        story.append(_summary_table(ctx, before, light=False))
    else:
        story.append(ctx.paragraph(summary.nothing_before_go_live))
    if later:
        story.append(Spacer(1, 2 * mm))
        story.append(ctx.paragraph(summary.conditions_later.format(count=later)))
    return story


def _summary_cost(ctx: ReportContext) -> list[Flowable]:
    """Both options' expected cost (the headline), the recommendation in bold, and that a rejection stands."""
    tco, summary = ctx.assessment.tco, ctx.wording.summary
    if tco is None:
        return [ctx.paragraph(summary.cost_none)]
    headline = tco.headline
    totals = {option.id: ctx.money(option.expected_total) for option in headline.options}
    sentence = summary.cost.format(horizon=ctx.horizon(tco), good_enough=totals.get("good_enough", ""),
                                   built_to_last=totals.get("built_to_last", ""))
    story: list[Flowable] = [Text(f"{markup(sentence)} <b>{markup(headline.recommendation)}</b>",
                                  ctx.styles.body)]
    if headline.decision_stands:
        story.append(ctx.paragraph(headline.decision_note, ctx.styles.muted))
    return story


def _summary_table(ctx: ReportContext, conditions: Sequence[Condition], *, light: bool) -> Table:
    """Severity, action with its rules, owner; recommendations (light) add their due point. The table stops
    at ``SUMMARY_ROWS`` recommendations or ``SUMMARY_CONDITION_ROWS`` conditions and counts the rest."""
    wording, text, styles = ctx.wording, ctx.wording.conditions, ctx.styles
    shown = conditions[:SUMMARY_ROWS if light else SUMMARY_CONDITION_ROWS]
    rows: list[list[Flowable]] = []
    for condition in shown:
        row = [severity_cell(ctx, condition.severity, light=light), action_cell(ctx, condition),
               ctx.cell(word(wording.owners, condition.owner), limit=NAME_LIMIT)]
        if light:
            row.append(ctx.cell(word(wording.dues, condition.due), limit=NAME_LIMIT))
        rows.append(row)
    header = [text.severity, text.action, text.owner]
    widths = [19 * mm, CONTENT_WIDTH - 19 * mm - 24 * mm, 24 * mm]
    if light:
        header.append(text.due)
        widths = [19 * mm, CONTENT_WIDTH - 19 * mm - 24 * mm - 26 * mm, 24 * mm, 26 * mm]
    hidden = len(conditions) - len(shown)
    if hidden > 0:
        rows.append([ctx.cell(text.more_rows.format(count=hidden), styles.muted),
                     *[Spacer(0, 0)] * (len(header) - 1)])
    table = ctx.table(header, rows, widths, light=light)
    table.setStyle(TableStyle(severity_fills(ctx, [condition.severity for condition in shown], light=light)))
    if hidden > 0:
        table.setStyle(TableStyle([("SPAN", (0, -1), (-1, -1))]))
    return table

