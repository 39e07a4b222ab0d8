"""The scoring engine: facts and a profile in, a RiskResult and findings out. Knows nothing of Excel."""

from __future__ import annotations

from riskengine.facts import Fact, FactSet, Provenance
from riskengine.score.conditions import Condition, fact_tests
from riskengine.score.profile import Control, ScoringProfile
from riskengine.score.result import CategoryScore, Contribution, Finding, KnockoutHit, RiskResult

NOT_APPLICABLE = "N/A"


def derive_facts(facts: FactSet, profile: ScoringProfile) -> FactSet:
    """Add the profile's derived facts (``data.personal`` from the data-class answers, ...), in order."""
    for derived in profile.derived_facts:
        holds = derived.when.holds(facts)
        sources = _sources(derived.when, facts) if holds else ()
        facts = facts.with_facts(Fact(name=derived.name, value=holds,
                                      sources=(*sources, Provenance(kind="derived", ref=derived.name))))
    return facts


def score(facts: FactSet, profile: ScoringProfile) -> tuple[RiskResult, tuple[Finding, ...]]:
    """Score ``facts`` with ``profile``; the facts must already hold the derived ones (``derive_facts``)."""
    category_weight = {category.id: category.weight for category in profile.categories}
    applied: dict[str, list[tuple[Control, float]]] = {category.id: [] for category in profile.categories}
    for control in profile.controls:
        if control.applies is not None and not control.applies.holds(facts):
            continue
        met = _control_score(control, facts)
        if met is not None:
            applied[control.category].append((control, met))
    active = {cid: pairs for cid, pairs in applied.items() if pairs}
    total_weight = sum(category_weight[cid] for cid in active) or 1.0
    categories: list[CategoryScore] = []
    findings: list[Finding] = []
    effectiveness = 0.0
    for category in profile.categories:
        pairs = applied[category.id]
        control_weight = sum(control.weight for control, _ in pairs)
        category_effectiveness = (
            100 * sum(control.weight * met for control, met in pairs) / control_weight if pairs else None
        )
        categories.append(CategoryScore(
            id=category.id, title=category.title, weight=category.weight,
            effectiveness=None if category_effectiveness is None else round(category_effectiveness, 1),
            controls_applied=len(pairs), controls_met=sum(1 for _, met in pairs if met >= 1)))
        if category_effectiveness is None:
            continue
        share = category.weight / total_weight
        effectiveness += share * category_effectiveness
        for control, met in pairs:
            if met < 1:
                lost = 100 * share * control.weight * (1 - met) / control_weight
                findings.append(_finding(control, facts, lost))
    inherent_factors = tuple(
        Contribution(rule_id=factor.id, points=factor.points, reason=factor.reason,
                     provenance=_sources(factor.when, facts))
        for factor in profile.inherent.factors if factor.when.holds(facts)
    )
    inherent = min(100.0, profile.inherent.base + sum(factor.points for factor in inherent_factors))
    residual = inherent * (1 - profile.residual_reduction * effectiveness / 100)
    knockouts = tuple(
        KnockoutHit(rule_id=knockout.id, reason=knockout.reason, remediation=knockout.remediation,
                    provenance=_sources(knockout.when, facts))
        for knockout in profile.knockouts if knockout.when.holds(facts)
    )
    tier = profile.tier_for(residual)
    decision = "reject" if knockouts else profile.decisions[tier]
    if decision == "approve" and findings:
        decision = "approve_with_conditions"
    result = RiskResult(
        profile=f"{profile.id}@{profile.version}", inherent=round(inherent, 1),
        control_effectiveness=round(effectiveness, 1), residual=round(residual, 1), tier=tier,
        decision=decision, reassess_months=profile.reassess_months[tier], inherent_factors=inherent_factors,
        categories=tuple(categories), knockouts=knockouts)
    severity_rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    findings.sort(key=lambda finding: (severity_rank[finding.severity], -finding.points_lost, finding.rule_id))
    return result, tuple(findings)


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


def _sources(condition: Condition, facts: FactSet) -> tuple[Provenance, ...]:
    """The provenance of every fact a condition reads, without repeats, in reading order."""
    seen: dict[str, Provenance] = {}
    for test in fact_tests(condition):
        fact = facts.get(test.fact)
        for source in fact.sources if fact is not None else ():
            seen.setdefault(f"{source.kind}:{source.ref}", source)
    return tuple(seen.values())
