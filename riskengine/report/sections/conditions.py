"""Conditions: what the decision depends on (the knockouts of a rejection, the answers a decision waits for,
the conditions of approval), the recommendations, and what would change the decision.

The compact form gives one row per condition, by owner, the knockouts marked among them; the short form fits one
page: the conditions whole when they fit, else one line each, the most severe first, the rest counted per owner."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from riskengine.report.cards import (
    COMPACT_ROWS,
    action_cell,
    knockout_cell,
    place_cell,
    severity_cell,
    severity_fills,
    without_knockouts,
)
from riskengine.report.context import ReportContext
from riskengine.report.fonts import FONT
from riskengine.report.kit import (
    CONTENT_WIDTH,
    NAME_LIMIT,
    PAGE_HEIGHT,
    QUESTION_LIMIT,
    SEVERITY_ORDER,
    capitalised,
    clean,
    fit,
    markup,
    score,
    sentence,
    word,
)
from riskengine.report.text import Text
from riskengine.score.result import Condition, ConditionGroup, WhatIf

WHAT_IF_ACTIONS = 12
"""Fixes listed per what-if; the rest are counted and named by their rules, whose fixes the section lists above."""
SHORT_ROWS = 32
"""Table rows of the short form (each owner's heading, its conditions, its "… and N more"): one page with the
introduction, whatever the decision."""
SHORT_ROW_HEIGHT = 18.5
"""Points of one row of one line in the short form's tables, with its share of the space between them."""


def build(ctx: ReportContext) -> list[Flowable]:
    """What the decision depends on: for a rejection the knockouts (what must change to be reconsidered) and
    the conditions that would also apply; for more information needed the missing answers first; then the
    recommendations, and what would change the decision."""
    risk, text, styles = ctx.assessment.risk, ctx.wording.conditions, ctx.styles
    story: list[Flowable] = [ctx.section("conditions")]
    if ctx.form("conditions") != "whole":
        return story + _compact(ctx, short=ctx.form("conditions") == "short")
    groups = risk.conditions
    if risk.decision == "reject":
        story += _knockouts(ctx)
        title, intro, none = text.conditions_title_reconsidered, text.intro_reconsidered, text.none_reconsidered
        groups = without_knockouts(groups)
    elif risk.decision == "more_information_needed":
        story += _missing_answers(ctx)
        title, intro, none = text.conditions_title_pending, text.intro_pending, text.none_pending
    else:
        title, intro = text.conditions_title, text.intro
        none = text.none_approved if risk.decision == "approve" else text.none
    story += ctx.long_table_heading(title, level=1)
    if groups:
        story.append(ctx.paragraph(intro))
        story += _condition_groups(ctx, groups, light=False)
    else:
        story.append(ctx.paragraph(none))
    story += ctx.long_table_heading(text.recommendations_title, level=1)
    if risk.recommendations:
        story.append(ctx.paragraph(text.recommendations_intro))
        story += _condition_groups(ctx, risk.recommendations, light=True)
    else:
        story.append(ctx.paragraph(text.no_recommendations))
    story.append(ctx.heading(text.what_if_title, styles.h2, level=1))
    if risk.what_if:
        story.append(ctx.paragraph(text.what_if_intro))
        story += [_what_if(ctx, scenario) for scenario in risk.what_if]
    elif risk.decision == "more_information_needed":
        story.append(ctx.paragraph(text.what_if_pending))
    else:
        best = risk.decision == "approve" and risk.tier == "low"
        story.append(ctx.paragraph(text.what_if_best if best else text.what_if_none))
    return story


def _compact(ctx: ReportContext, *, short: bool) -> list[Flowable]:
    """What the decision depends on in a sentence, then the conditions by owner, one row each (the knockouts'
    remediations marked); compact adds the missing answers, short keeps to one page; both count the
    recommendations."""
    risk, wording, text = ctx.assessment.risk, ctx.wording, ctx.wording.conditions
    story: list[Flowable] = []
    if risk.decision == "more_information_needed":
        questions = ", ".join(item.question_id or item.fact for item in risk.missing)
        story.append(ctx.paragraph(text.compact_pending.format(count=len(risk.missing), questions=questions)))
        if not short:
            story += _missing_answers(ctx)
            story.append(ctx.heading(text.conditions_title_pending, ctx.styles.h2, level=1))
        none = text.none_pending
    elif risk.decision == "reject":
        story.append(ctx.paragraph(text.compact_reconsidered if risk.knockouts
                                   else text.compact_score.format(tier=wording.tiers[risk.tier])))
        none = text.none_reconsidered
    else:
        story.append(ctx.paragraph(text.compact_intro if risk.conditions else
                                   text.none_approved if risk.decision == "approve" else text.none))
        none = ""
    owners = _by_owner(ctx, risk.conditions)
    if not owners and none:
        story.append(ctx.paragraph(none))
    shown = _short_selection(owners) if short else {owner: len(lines) for owner, lines in owners.items()}
    tables = [_owner_table(ctx, owner, conditions, shown[owner], short=short, one_line=False)
              for owner, conditions in owners.items()]
    if short and not _fit_whole(tables, owners, shown):
        tables = [_owner_table(ctx, owner, conditions, shown[owner], short=short, one_line=True)
                  for owner, conditions in owners.items()]
    for table in tables:
        story += [table, Spacer(1, 2.5 * mm)]
    count = sum(len(group.conditions) for group in risk.recommendations)
    if count and (short or "findings" not in ctx.sections):
        story.append(ctx.paragraph(text.short_recommendations.format(count=count), ctx.styles.muted))
    elif count:
        story.append(ctx.paragraph(text.compact_recommendations.format(
            count=count, section=ctx.wording.sections["findings"]), ctx.styles.muted))
    return story


def _by_owner(ctx: ReportContext, groups: Sequence[ConditionGroup]) -> dict[str, list[Condition]]:
    """The conditions of ``groups`` by owner (in the engine's order of owners), each owner's most severe first,
    the knockouts' remediations first among equals, then by due point."""
    rank = {severity: index for index, severity in enumerate(SEVERITY_ORDER)}
    dues: dict[str, int] = {due: index for index, due in enumerate(ctx.wording.dues)}
    owners: dict[str, list[tuple[int, Condition]]] = {}
    for group in groups:
        for condition in group.conditions:
            owners.setdefault(group.owner, []).append((dues.get(group.due, len(dues)), condition))
    return {owner: [condition for _, condition in sorted(
        lines, key=lambda line: (rank[line[1].severity], not line[1].knockout, line[0]))]
        for owner, lines in owners.items()}


def _short_selection(owners: dict[str, list[Condition]]) -> dict[str, int]:
    """How many of each owner's conditions the short form shows: the most severe across owners first, as many
    as fit in ``SHORT_ROWS`` with each owner's heading and, where some are left out, its "… and N more"."""
    rank = {severity: index for index, severity in enumerate(SEVERITY_ORDER)}
    ranked = sorted(((rank[condition.severity], not condition.knockout, place, owner)
                     for owner, conditions in owners.items() for place, condition in enumerate(conditions)))
    total = len(ranked)
    for count in range(total, -1, -1):
        shown = {owner: 0 for owner in owners}
        for *_, owner in ranked[:count]:
            shown[owner] += 1
        more = sum(1 for owner, conditions in owners.items() if shown[owner] < len(conditions))
        if len(owners) + count + more <= SHORT_ROWS:
            return shown
    return {owner: 0 for owner in owners}


def _fit_whole(tables: Sequence[Table], owners: dict[str, list[Condition]], shown: dict[str, int]) -> bool:
    """Whether the short form can give every condition whole: none is left out, and the tables with whole
    actions are no taller than ``SHORT_ROWS`` rows of one line. (Otherwise each action is cut to one line.)"""
    if any(shown[owner] < len(conditions) for owner, conditions in owners.items()):
        return False
    height = sum(table.wrap(CONTENT_WIDTH, PAGE_HEIGHT)[1] + 2.5 * mm for table in tables)
    return bool(height <= SHORT_ROWS * SHORT_ROW_HEIGHT)


_TAG_WIDTH, _DUE_WIDTH, _EFFORT_WIDTH = 21 * mm, 26 * mm, 17 * mm
"""Columns of the compact and short forms: the tag fits KNOCKOUT, the due point "Within 90 days"."""


def _owner_table(ctx: ReportContext, owner: str, conditions: Sequence[Condition], shown: int, *,
                 short: bool, one_line: bool) -> Table:
    """One owner's conditions, a row each: the severity (KNOCKOUT for a knockout's remediation), the action (in
    the short form without its rules, and cut to ``one_line`` when they would not fit whole), the due point and
    (compact) the effort."""
    wording, text, styles = ctx.wording, ctx.wording.conditions, ctx.styles
    label = text.owner_group.format(owner=word(wording.owners, owner), count=len(conditions))
    due_width, effort_width, tag_width = _DUE_WIDTH, 0 if short else _EFFORT_WIDTH, _TAG_WIDTH
    action_width = CONTENT_WIDTH - tag_width - due_width - effort_width
    header: list[str | Flowable] = [text.severity, ctx.cell(label, styles.cell_head, limit=NAME_LIMIT), text.due]
    widths = [tag_width, action_width, due_width]
    if not short:
        header.append(text.effort)
        widths.append(effort_width)
    rows: list[list[Flowable]] = []
    for condition in conditions[:shown]:
        tag = (Text(markup(text.knockout_mark), styles.tag) if condition.knockout
               else severity_cell(ctx, condition.severity, light=False))
        action = (ctx.cell(_one_line(condition.action, action_width - 8, styles.cell.fontSize)) if one_line
                  else ctx.cell(condition.action) if short
                  else Text(f"{markup(condition.action)} {ctx.rule_ids(condition.rule_ids)}", styles.cell))
        row = [tag, action, ctx.cell(word(wording.dues, condition.due), styles.cell_small, limit=NAME_LIMIT)]
        if not short:
            row.append(ctx.cell(word(wording.efforts, condition.effort), styles.cell_small, limit=NAME_LIMIT))
        rows.append(row)
    hidden = len(conditions) - shown
    if hidden > 0:
        rows.append([ctx.cell(text.short_more.format(count=hidden, owner=word(wording.owners, owner)),
                              styles.muted), *[Spacer(0, 0)] * (len(header) - 1)])
    table = ctx.table(header, rows, widths)
    table.setStyle(TableStyle([
        *severity_fills(ctx, [condition.severity for condition in conditions[:shown]], light=False),
        *([("SPAN", (0, -1), (-1, -1))] if hidden > 0 else []),
        *COMPACT_ROWS,
    ]))
    return table


def _one_line(text: str, width: float, size: float) -> str:
    """``text`` on one line of ``width`` points: whole, else cut after its last whole word that fits, with an
    ellipsis (the IT and compliance reports give it whole)."""
    text = clean(text, NAME_LIMIT).replace("\n", " ")
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    words = text.split()
    for count in range(len(words) - 1, 0, -1):
        cut = f"{' '.join(words[:count]).rstrip(',;:-(')}…"
        if pdfmetrics.stringWidth(cut, FONT, size) <= width:
            return cut
    return fit(text, FONT, size, width)


def _knockouts(ctx: ReportContext) -> list[Flowable]:
    """A rejection: each knockout with the gap behind it, its sources and what must change; or, rejected by
    the score alone, that the residual must leave its tier."""
    wording, text, risk = ctx.wording, ctx.wording.conditions, ctx.assessment.risk
    story: list[Flowable] = ctx.long_table_heading(text.knockouts_title, level=1)
    if not risk.knockouts:
        story.append(ctx.paragraph(text.reconsider_score.format(tier=wording.tiers[risk.tier])))
        return story
    story.append(ctx.paragraph(text.knockouts_intro))
    rows = [[
        knockout_cell(ctx, knockout, sources=True),
        ctx.cell(knockout.remediation.action),
        ctx.cell(word(wording.owners, knockout.remediation.owner)),
        ctx.cell(word(wording.dues, knockout.remediation.due)),
    ] for knockout in risk.knockouts]
    table = ctx.table([text.knockout, text.remediation, text.owner, text.due], rows,
                      [62 * mm, CONTENT_WIDTH - 62 * mm - 22 * mm - 26 * mm, 22 * mm, 26 * mm])
    table.setStyle(TableStyle([("LINEBEFORE", (0, 1), (0, -1), 3, ctx.palette.severities["critical"])]))
    story.append(table)
    return story


def _missing_answers(ctx: ReportContext) -> list[Flowable]:
    """More information needed: every answer the decision waits for, where it belongs, why it does not
    count, and which rules read it."""
    text, styles = ctx.wording.conditions, ctx.styles
    story: list[Flowable] = [*ctx.long_table_heading(text.missing_title, level=1),
                             ctx.paragraph(text.missing_intro)]
    rows = [[
        ctx.cell(item.question_id or item.fact, styles.cell_bold, limit=NAME_LIMIT),
        ctx.cell(item.label, limit=QUESTION_LIMIT),
        place_cell(ctx, item),
        ctx.cell(capitalised(item.why), styles.cell_small, limit=NAME_LIMIT),
        Text("<br/>".join(ctx.rule_ids([rule]) for rule in item.rule_ids), styles.cell),
    ] for item in ctx.assessment.risk.missing]
    if rows:
        story.append(ctx.table([text.question_id, text.question, text.place, text.why, text.needed_by], rows,
                               [18 * mm, CONTENT_WIDTH - 18 * mm - 30 * mm - 26 * mm - 40 * mm, 30 * mm,
                                26 * mm, 40 * mm]))
    return story


def _condition_groups(ctx: ReportContext, groups: Sequence[ConditionGroup], *, light: bool) -> list[Flowable]:
    """One small table per owner and due point, in the engine's order; a group that runs over a page
    repeats its heading row there."""
    story: list[Flowable] = []
    for group in groups:
        story.append(_condition_group(ctx, group, light=light))
        story.append(Spacer(1, 2.5 * mm))
    return story


def _condition_group(ctx: ReportContext, group: ConditionGroup, *, light: bool) -> Table:
    wording, text, styles = ctx.wording, ctx.wording.conditions, ctx.styles
    head_style = styles.cell_head_light if light else styles.cell_head
    label = text.group.format(owner=word(wording.owners, group.owner),
                              due=word(wording.dues, group.due))
    header: list[str | Flowable] = [ctx.cell(label, head_style, limit=NAME_LIMIT), text.severity, text.effort]
    rows = [[
        action_cell(ctx, condition),
        severity_cell(ctx, condition.severity, light=light),
        ctx.cell(word(wording.efforts, condition.effort),
                 styles.cell_small, limit=NAME_LIMIT),
    ] for condition in group.conditions]
    table = ctx.table(header, rows, [CONTENT_WIDTH - 19 * mm - 17 * mm, 19 * mm, 17 * mm], light=light)
    table.setStyle(TableStyle([
        *severity_fills(ctx, [condition.severity for condition in group.conditions], light=light, column=1),
        ("VALIGN", (2, 1), (2, -1), "MIDDLE"),
    ]))
    return table


def _what_if(ctx: ReportContext, scenario: WhatIf) -> Flowable:
    """One scenario: its route, the goal in a sentence, the numbered fixes with their rules (ours marked),
    and where they lead; out of reach, what blocks it."""
    wording, text, styles = ctx.wording, ctx.wording.conditions, ctx.styles
    goal = _goal(ctx, scenario.target)
    count = len(scenario.actions)
    outcome = {"residual": score(scenario.residual), "tier": word(wording.tiers, scenario.tier),
               "decision": word(text.outcomes, scenario.decision)}
    parts: list[Flowable] = [ctx.cell(text.routes[scenario.route].upper(), styles.cell_label)]
    if not scenario.reachable:
        parts.append(Text(f"<b>{markup(text.unreachable.format(goal=goal))}</b>", styles.body))
        blocked = _blocked(ctx, scenario)
        if blocked:
            parts += [ctx.paragraph(line) for line in blocked]
        else:
            parts.append(ctx.paragraph(sentence(scenario.note) or text.unreachable_note))
        if count:
            parts.append(ctx.paragraph(text.unreachable_outcome.format(count=count, **outcome),
                                       styles.muted))
    else:
        headline = (text.fix_these.format(goal=goal, count=count) if count > 1
                    else text.fix_this_one.format(goal=goal) if count == 1
                    else text.nothing_to_fix.format(goal=goal))
        parts.append(Text(f"<b>{markup(headline)}</b>", styles.body))
        for number, action in enumerate(scenario.actions[:WHAT_IF_ACTIONS], start=1):
            rule = scenario.rule_ids[number - 1] if number <= len(scenario.rule_ids) else ""
            content = markup(action) + (f" {ctx.rule_ids([rule])}" if rule else "")
            if rule and rule in scenario.our_side:
                content += f" <b>{markup(text.our_side)}</b>"
            parts.append(Text(content, styles.numbered, bulletText=f"{number}."))
        hidden = count - WHAT_IF_ACTIONS
        if hidden > 0:
            rules = ", ".join(scenario.rule_ids[WHAT_IF_ACTIONS:count])
            parts.append(ctx.paragraph(text.more_actions.format(count=hidden, rules=rules), styles.numbered_more))
        parts.append(Spacer(1, 1.5 * mm))
        parts.append(ctx.paragraph(text.outcome.format(**outcome)))
    block = Table([[parts]], colWidths=[CONTENT_WIDTH], hAlign="LEFT")
    block.setStyle(TableStyle([
        ("LINEBEFORE", (0, 0), (0, 0), 2.5, ctx.palette.accent),
        ("BACKGROUND", (0, 0), (-1, -1), ctx.palette.stripe),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return KeepTogether([block, Spacer(1, 3 * mm)])


def _blocked(ctx: ReportContext, scenario: WhatIf) -> list[str]:
    """One sentence per rule that keeps the goal out of this route's reach: its title and who alone can
    change it. Empty when a rule is not among the findings (the engine's note says it then)."""
    text = ctx.wording.conditions
    findings = {finding.rule_id: finding for finding in ctx.assessment.findings}
    causes = {finding.knockout: finding for finding in ctx.assessment.findings if finding.knockout}
    lines: list[str] = []
    for rule in scenario.blocked_by:
        finding = findings.get(rule) or causes.get(rule)
        if finding is None:
            return []
        lines.append(text.blocked_by.format(rule=rule, title=finding.title,
                                            who=text.blocked_who[finding.fixable_by]))
    return lines


def _goal(ctx: ReportContext, target: str) -> str:
    """``tier:medium`` -> "To move down to the Medium tier"; the decisions have their own sentences."""
    text = ctx.wording.conditions
    kind, _, value = target.partition(":")
    if kind == "tier":
        return text.goal_tier.format(tier=word(ctx.wording.tiers, value))
    if value == "approve_with_conditions":
        return text.goal_approve_with_conditions
    if value == "approve":
        return text.goal_approve
    return target

