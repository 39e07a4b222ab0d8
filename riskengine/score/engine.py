"""The scoring engine: facts and a profile in, a RiskResult and findings out. Knows nothing of Excel.

Control effectiveness is additive: each gap costs a known number of points (its ``points_lost``), so the
fewest fixes that reach a target residual score are the largest gaps first, which is what the what-if
list uses (exact, not a heuristic, for a target on the residual score).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from riskengine.facts import Fact, FactSet, Provenance
from riskengine.score.conditions import Condition as Test
from riskengine.score.conditions import fact_tests
from riskengine.score.profile import (
    EFFORT_RANK,
    SEVERITY_RANK,
    TIER_ORDER,
    Control,
    Decision,
    Remediation,
    ScoringProfile,
    Severity,
    Tier,
)
from riskengine.score.result import (
    CategoryScore,
    Condition,
    ConditionGroup,
    Contribution,
    Finding,
    KnockoutHit,
    RiskResult,
    RuleScore,
    WhatIf,
)

NOT_APPLICABLE = "N/A"
_DUE_ORDER = ("before-go-live", "within-30-days", "within-90-days", "at-renewal")
_OWNER_ORDER = ("vendor", "it", "marketing", "compliance")


def derive_facts(facts: FactSet, profile: ScoringProfile) -> FactSet:
    """Add the profile's derived facts (``data.personal`` from the data-class answers, ...), in order."""
    for derived in profile.derived_facts:
        holds = derived.when.holds(facts)
        sources = _sources(derived.when, facts) if holds else ()
        facts = facts.with_facts(Fact(name=derived.name, value=holds,
                                      sources=(*sources, Provenance(kind="derived", ref=derived.name))))
    return facts


@dataclass(frozen=True)
class _Outcome:
    effectiveness: float
    inherent: float
    residual: float
    tier: Tier
    decision: Decision
    categories: tuple[CategoryScore, ...]
    findings: tuple[Finding, ...]
    knockouts: tuple[KnockoutHit, ...]
    inherent_factors: tuple[Contribution, ...]


def score(facts: FactSet, profile: ScoringProfile, *,
          today: dt.date | None = None) -> tuple[RiskResult, tuple[Finding, ...]]:
    """Score ``facts`` (with the derived ones already added, see ``derive_facts``) with ``profile``.

    ``today`` dates the reassessment; without it ``reassess_by`` stays empty.
    """
    outcome = _evaluate(facts, profile)
    conditions, recommendations = _conditions(outcome, profile)
    reassess_months = profile.reassess_months[outcome.tier]
    result = RiskResult(
        profile=f"{profile.id}@{profile.version}", inherent=round(outcome.inherent, 1),
        control_effectiveness=round(outcome.effectiveness, 1), residual=round(outcome.residual, 1),
        tier=outcome.tier, decision=outcome.decision, reassess_months=reassess_months,
        inherent_factors=outcome.inherent_factors, categories=outcome.categories, knockouts=outcome.knockouts,
        conditions=conditions, recommendations=recommendations, what_if=_what_if(profile, outcome),
        reassess_by=_add_months(today, reassess_months).isoformat() if today else "")
    return result, outcome.findings


def _evaluate(facts: FactSet, profile: ScoringProfile) -> _Outcome:
    """The whole score: categories, findings, inherent and residual risk, knockouts, tier and decision."""
    category_weight = {category.id: category.weight for category in profile.categories}
    applied: dict[str, list[tuple[Control, float]]] = {category.id: [] for category in profile.categories}
    for control in profile.controls:
        if control.applies is not None and not control.applies.holds(facts):
            continue
        met = _control_score(control, facts)
        if met is not None:
            applied[control.category].append((control, met))
    total_weight = sum(category_weight[cid] for cid, pairs in applied.items() if pairs) or 1.0
    categories: list[CategoryScore] = []
    findings: list[Finding] = []
    effectiveness = 0.0
    for category in profile.categories:
        pairs = applied[category.id]
        possible = sum(control.weight for control, _ in pairs)
        earned = sum(control.weight * met for control, met in pairs)
        value = 100 * earned / possible if pairs else None
        categories.append(CategoryScore(
            id=category.id, title=category.title, weight=category.weight,
            effectiveness=None if value is None else round(value, 1), controls_applied=len(pairs),
            controls_met=sum(1 for _, met in pairs if met >= 1), earned=round(earned, 3), possible=possible,
            rules=tuple(RuleScore(rule_id=control.id, earned=round(control.weight * met, 3), possible=control.weight,
                                  answer=facts.value(control.fact)) for control, met in pairs)))
        if value is None:
            continue
        share = category.weight / total_weight
        effectiveness += share * value
        findings.extend(_finding(control, facts, 100 * share * control.weight * (1 - met) / possible)
                        for control, met in pairs if met < 1)
    inherent_factors = tuple(
        Contribution(rule_id=factor.id, points=factor.points, reason=factor.reason,
                     provenance=_sources(factor.when, facts))
        for factor in profile.inherent.factors if factor.when.holds(facts))
    inherent = min(100.0, profile.inherent.base + sum(factor.points for factor in inherent_factors))
    residual = inherent * (1 - profile.residual_reduction * effectiveness / 100)
    knockouts = tuple(
        KnockoutHit(rule_id=knockout.id, reason=knockout.reason, remediation=knockout.remediation,
                    provenance=_sources(knockout.when, facts))
        for knockout in profile.knockouts if knockout.when.holds(facts))
    tier = profile.tier_for(residual)
    decision = _decision(profile, tier, knockouts, findings)
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], -f.points_lost, f.rule_id))
    return _Outcome(effectiveness=effectiveness, inherent=inherent, residual=residual, tier=tier, decision=decision,
                    categories=tuple(categories), findings=tuple(findings), knockouts=knockouts,
                    inherent_factors=inherent_factors)


def _decision(profile: ScoringProfile, tier: Tier, knockouts: tuple[KnockoutHit, ...],
              findings: list[Finding]) -> Decision:
    if knockouts:
        return "reject"
    decision = profile.decisions[tier]
    if decision == "approve" and any(_is_condition(f.severity, profile) for f in findings):
        return "approve_with_conditions"
    return decision


def _is_condition(severity: Severity, profile: ScoringProfile) -> bool:
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[profile.condition_severity]


def _conditions(outcome: _Outcome, profile: ScoringProfile) -> tuple[tuple[ConditionGroup, ...],
                                                                      tuple[ConditionGroup, ...]]:
    """Remediations grouped by owner and due point: the conditions, then the recommendations."""
    required: list[tuple[Remediation, str, Severity]] = [(k.remediation, k.rule_id, "critical")
                                                         for k in outcome.knockouts]
    optional: list[tuple[Remediation, str, Severity]] = []
    for finding in outcome.findings:
        target = required if _is_condition(finding.severity, profile) else optional
        target.append((finding.remediation, finding.rule_id, finding.severity))
    return _group(required), _group(optional)


def _group(items: list[tuple[Remediation, str, Severity]]) -> tuple[ConditionGroup, ...]:
    merged: dict[tuple[str, str, str], list[tuple[Remediation, str, Severity]]] = {}
    for remediation, rule_id, severity in items:
        merged.setdefault((remediation.owner, remediation.due, remediation.action), []).append(
            (remediation, rule_id, severity))
    groups: dict[tuple[str, str], list[Condition]] = {}
    for (owner, due, action), entries in merged.items():
        worst = max((severity for _, _, severity in entries), key=lambda s: SEVERITY_RANK[s])
        groups.setdefault((owner, due), []).append(Condition(
            action=action, owner=owner, due=due, effort=entries[0][0].effort, severity=worst,
            rule_ids=tuple(sorted(rule_id for _, rule_id, _ in entries))))
    return tuple(
        ConditionGroup(owner=owner, due=due, conditions=tuple(sorted(
            conditions, key=lambda c: (-SEVERITY_RANK[c.severity], c.rule_ids))))
        for (owner, due), conditions in sorted(groups.items(), key=lambda item: (
            _OWNER_ORDER.index(item[0][0]), _DUE_ORDER.index(item[0][1]))))


def _what_if(profile: ScoringProfile, outcome: _Outcome) -> tuple[WhatIf, ...]:
    """The fewest fixes that move the vendor one tier down, and that reach approval (with or without
    conditions). Effectiveness is additive in each gap's points, so after the knockouts and blocking
    findings a decision needs, the largest gaps first give the fewest fixes; cheaper fixes win ties.
    Pure arithmetic on the outcome: no rule is evaluated again."""
    effort = {f.rule_id: EFFORT_RANK[f.remediation.effort] for f in outcome.findings}
    lost = {f.rule_id: f.points_lost for f in outcome.findings}
    gaps = sorted(outcome.findings, key=lambda f: (-f.points_lost, effort[f.rule_id], f.rule_id))
    knockouts = frozenset(k.rule_id for k in outcome.knockouts)
    blocking = frozenset(f.rule_id for f in outcome.findings if _is_condition(f.severity, profile))
    actions = {f.rule_id: f.remediation.action for f in outcome.findings}
    actions.update({k.rule_id: k.remediation.action for k in outcome.knockouts})
    targets: list[tuple[str, str]] = []
    index = TIER_ORDER.index(outcome.tier)
    if index > 0:
        targets.append((f"tier:{TIER_ORDER[index - 1]}", TIER_ORDER[index - 1]))
    if outcome.decision == "reject":
        targets.append(("decision:approve_with_conditions", "approve_with_conditions"))
    if outcome.decision != "approve":
        targets.append(("decision:approve", "approve"))

    def result(fixed: frozenset[str]) -> tuple[float, Tier, Decision]:
        effectiveness = min(100.0, outcome.effectiveness + sum(lost.get(rule, 0.0) for rule in fixed))
        residual = outcome.inherent * (1 - profile.residual_reduction * effectiveness / 100)
        tier = profile.tier_for(residual)
        if knockouts - fixed:
            return residual, tier, "reject"
        decision = profile.decisions[tier]
        if decision == "approve" and blocking - fixed:
            decision = "approve_with_conditions"
        return residual, tier, decision

    scenarios: list[WhatIf] = []
    for name, goal in targets:
        fixed: frozenset[str] = frozenset()
        if name.startswith("decision:"):
            fixed = knockouts | (blocking if goal == "approve" else frozenset())
        residual, tier, decision = result(fixed)
        for gap in gaps:
            if _reached(tier, decision, goal):
                break
            if gap.rule_id not in fixed:
                fixed = fixed | {gap.rule_id}
                residual, tier, decision = result(fixed)
        reached = _reached(tier, decision, goal)
        ordered = sorted(fixed, key=lambda rule_id: (rule_id not in knockouts, effort.get(rule_id, 0), rule_id))
        scenarios.append(WhatIf(
            target=name, reachable=reached, rule_ids=tuple(ordered),
            actions=tuple(actions[rule_id] for rule_id in ordered), residual=round(residual, 1), tier=tier,
            decision=decision, note="" if reached else "not reachable by remediations alone: the inherent risk "
                                                       "is too high"))
    return tuple(scenarios)


def _reached(tier: Tier, decision: Decision, goal: str) -> bool:
    if goal in TIER_ORDER:
        return TIER_ORDER.index(tier) <= TIER_ORDER.index(goal)
    rank = {"reject": 0, "approve_with_conditions": 1, "approve": 2}
    return rank[decision] >= rank[goal]


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _control_score(control: Control, facts: FactSet) -> float | None:
    """1 when met, 0 for a gap or a blank, in between for partial answers; None when N/A."""
    value = facts.value(control.fact)
    if isinstance(value, str) and value == NOT_APPLICABLE:
        return None
    if control.passes is not None:
        return 1.0 if control.passes.holds(facts) else 0.0
    if value is None:
        return 0.0
    for answer, points in control.points.items():
        if isinstance(value, str) and value.casefold() == answer.casefold():
            return points
    return 0.0


def _finding(control: Control, facts: FactSet, lost: float) -> Finding:
    """A gap, sourced from every fact its test read (a contradiction cites both the cell and the evidence)."""
    fact = facts.get(control.fact)
    sources = _sources(control.passes, facts) if control.passes is not None else ()
    if not sources:
        sources = fact.sources if fact is not None and fact.sources else (
            Provenance(kind="derived", ref=control.fact, detail="no answer"),)
    return Finding(
        rule_id=control.id, category=control.category, severity=control.severity, title=control.title,
        plain=control.plain, technical=control.technical, remediation=control.remediation,
        answer=fact.value if fact is not None else None, points_lost=round(lost, 2), provenance=sources)


def _sources(condition: Test, facts: FactSet) -> tuple[Provenance, ...]:
    """The provenance of every fact a condition reads, without repeats, in reading order."""
    seen: dict[str, Provenance] = {}
    for test in fact_tests(condition):
        fact = facts.get(test.fact)
        for source in fact.sources if fact is not None else ():
            seen.setdefault(f"{source.kind}:{source.ref}", source)
    return tuple(seen.values())
