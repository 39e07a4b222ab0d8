"""The scoring engine: facts and a profile in, a RiskResult and findings out. Knows nothing of Excel.

The arithmetic is exact. Weights, points and thresholds are whole thousandths (checked when the profile loads),
so a category's effectiveness is a ratio of integers and the residual risk a ``Fraction``; the residual is
rounded half up to tenths once, and that figure, the one every reader sees, is the one compared with the tier
thresholds. No float decides a tier.

The tier is the residual's band, raised to the floor of every knockout that holds (critical unless the profile
says otherwise) and of the worst control gap still open (``severity_floors``: a critical gap keeps it at high).

The decision, in order:

1. A knockout that holds rejects, and sets the shortest reassessment interval of the profile.
2. Otherwise, an answer that a knockout or a control at the profile's ``unanswered_severity`` reads, and that is
   blank, not covered, or an N/A the questionnaire does not accept, makes the decision
   ``more_information_needed``, naming each answer (knockouts are read in three-valued logic: "may hold, but
   the answer is missing" is not "does not hold").
3. Otherwise the tier decides; "approve" becomes "approve with conditions" while a finding or an unmet
   requirement at or above the profile's ``condition_severity`` remains.

What-if searches, for each target (one tier down, approval with conditions, approval), the fewest fixes by two
routes: what the vendor can fix, and that plus what we can fix on our side; facts nobody can change are never
proposed. Each fix changes the facts its rule reads to a value that meets it, and every route is scored again
from the changed facts before it is shown.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from riskengine.conditions import ASSESSMENT_DATE, FactTest, fact_tests, facts_read
from riskengine.conditions import Condition as Test
from riskengine.facts import Fact, FactSet, FactValue, Provenance
from riskengine.score.profile import (
    DECISION_RANK,
    EFFORT_RANK,
    SCALE,
    SEVERITY_RANK,
    TIER_ORDER,
    Control,
    Decision,
    FixableBy,
    InherentFactor,
    InsufficientEvidence,
    Knockout,
    Remediation,
    Requirement,
    ScoringProfile,
    Severity,
    Tier,
)
from riskengine.score.result import (
    Borderline,
    CategoryScore,
    Condition,
    ConditionGroup,
    Contribution,
    Finding,
    KnockoutHit,
    MissingAnswer,
    RiskResult,
    RuleScore,
    WhatIf,
)

NOT_APPLICABLE = "N/A"
INHERENT_FACT = "score.inherent"
_DUE_ORDER = ("before-go-live", "within-30-days", "within-90-days", "at-renewal")
_OWNER_ORDER = ("vendor", "it", "marketing", "compliance")
_HALF = Fraction(1, 2)
_INHERENT_SOURCE = (Provenance(kind="derived", ref=INHERENT_FACT, detail="base and inherent-risk factors"),)
_MAX_WITNESSES = 64
"""Combinations of candidate values tried to meet one rule (a knockout's fix may name a few facts)."""


def derive_facts(facts: FactSet, profile: ScoringProfile) -> FactSet:
    """Add the profile's derived facts (``data.personal`` from the data-class answers, ...), in order.

    A derived fact is true, false, or None (unknown) when it depends on answers that are missing: a blank
    "personal data?" answer leaves ``data.personal`` unknown, never false.
    """
    return _derive(facts, profile, traced=True)


def _derive(facts: FactSet, profile: ScoringProfile, *, traced: bool) -> FactSet:
    """``derive_facts``; untraced (no provenance) for the what-if's trials, whose facts no reader sees."""
    merged = dict(facts.facts)
    view = FactSet.model_construct(facts=merged)  # later derived facts read earlier ones through it
    for derived in profile.derived_facts:
        value = derived.when.evaluate(view)
        sources = (*(_sources(derived.when, view) if value else ()), Provenance(kind="derived", ref=derived.name)) \
            if traced else ()
        merged[derived.name] = Fact.model_construct(name=derived.name, value=value, sources=sources)
    return view


@dataclass(frozen=True)
class _Gap:
    """A control not fully met, or a requirement not met: a finding before it is dressed for the reader."""

    rule: Control | Requirement
    points_lost: float
    knockout: str = ""

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def severity(self) -> Severity:
        return self.rule.severity


@dataclass(frozen=True)
class _Outcome:
    """One evaluation, in the engine's own terms: cheap enough to repeat for every what-if step."""

    facts: FactSet
    effectiveness: Fraction
    """0-1."""
    inherent: Fraction
    residual_tenths: int
    score_tier: Tier
    tier: Tier
    decision: Decision
    applied: Mapping[str, list[tuple[Control, int]]]
    """Category -> the controls that apply and their score in thousandths."""
    gaps: tuple[_Gap, ...]
    """Worst first: severity, then points lost."""
    knockouts: tuple[Knockout, ...]
    factors: tuple[InherentFactor, ...]
    missing: Mapping[str, tuple[str, ...]]
    """Fact -> the rules waiting for it."""
    insufficient: tuple[InsufficientEvidence, ...] = ()
    """Evidence rules that hold: the evidence is too thin to decide on."""

    def blocking(self, profile: ScoringProfile) -> list[_Gap]:
        return [gap for gap in self.gaps if not gap.knockout and _is_condition(gap.severity, profile)]


def score(facts: FactSet, profile: ScoringProfile, *, today: dt.date | None = None,
          labels: Mapping[str, str] | None = None) -> tuple[RiskResult, tuple[Finding, ...]]:
    """Score ``facts`` (with the derived ones already added, see ``derive_facts``) with ``profile``.

    ``today`` dates the reassessment and is the ``assessment.date`` age tests count from (when the facts do
    not hold one already); without it ``reassess_by`` stays empty. ``labels`` name facts for people (a question's
    text by ``answer.<id>``), for the list of missing answers.
    """
    if today is not None and facts.get(ASSESSMENT_DATE) is None:
        facts = derive_facts(facts.with_facts(assessment_date_fact(today)), profile)
    outcome = _evaluate(facts, profile)
    findings = tuple(_finding(gap, outcome.facts, profile.fixers[gap.rule_id]) for gap in outcome.gaps)
    knockouts = tuple(
        KnockoutHit(rule_id=knockout.id, reason=knockout.reason, remediation=knockout.remediation,
                    provenance=_sources(knockout.when, outcome.facts), tier=knockout.tier,
                    control=knockout.control or "", fixable_by=profile.fixers[knockout.id])
        for knockout in outcome.knockouts)
    conditions, recommendations = _conditions(outcome, profile)
    reassess_months = _reassess_months(outcome, profile)
    result = RiskResult(
        profile=f"{profile.id}@{profile.version}", inherent=_tenths(outcome.inherent) / 10,
        control_effectiveness=_tenths(100 * outcome.effectiveness) / 10, residual=outcome.residual_tenths / 10,
        score_tier=outcome.score_tier, tier=outcome.tier, decision=outcome.decision, reassess_months=reassess_months,
        inherent_factors=tuple(Contribution(rule_id=factor.id, points=factor.points, reason=factor.reason,
                                            provenance=_sources(factor.when, outcome.facts))
                               for factor in outcome.factors),
        categories=_categories(outcome, profile), knockouts=knockouts,
        missing=_missing(outcome, labels or {}), borderline=_borderline(outcome, profile),
        conditions=conditions, recommendations=recommendations, what_if=_WhatIfSearch(profile, outcome).run(),
        reassess_by=_add_months(today, reassess_months).isoformat()
        if today and outcome.decision != "more_information_needed" else "")
    return result, findings


def assessment_date_fact(today: dt.date) -> Fact:
    return Fact(name=ASSESSMENT_DATE, value=today, sources=(Provenance(kind="derived", ref=ASSESSMENT_DATE,
                                                                       detail="the assessment's clock"),))


def _evaluate(facts: FactSet, profile: ScoringProfile) -> _Outcome:
    """The whole score: inherent risk, categories and gaps, knockouts, missing answers, requirements, tier and
    decision. Exact: weights are whole thousandths, shares and effectiveness are fractions."""
    scales = profile.scales
    factors = tuple(factor for factor in profile.inherent.factors if factor.when.holds(facts))
    inherent = min(Fraction(100), Fraction(scales.base + sum(scales.factor[factor.id] for factor in factors), SCALE))
    facts = facts.with_facts(Fact.model_construct(name=INHERENT_FACT, value=float(inherent), sources=_INHERENT_SOURCE))
    applied: dict[str, list[tuple[Control, int]]] = {category.id: [] for category in profile.categories}
    for control, applies, points in scales.controls:
        if applies is not None and not applies.holds(facts):
            continue
        met = _control_score(control, facts, points)
        if met is not None:
            applied[control.category].append((control, met))
    weights, weight = scales.category, scales.weight
    total_weight = sum(weights[cid] for cid, pairs in applied.items() if pairs) or 1
    gaps: list[_Gap] = []
    effectiveness = Fraction(0)
    for category_id, pairs in applied.items():
        if not pairs:
            continue
        possible = sum(weight[control.id] for control, _ in pairs) * SCALE
        earned = sum(weight[control.id] * met for control, met in pairs)
        effectiveness += Fraction(weights[category_id] * earned, total_weight * possible)
        gaps += [_Gap(control, 100 * weights[category_id] * weight[control.id] * (SCALE - met)
                      / (total_weight * possible)) for control, met in pairs if met < SCALE]
    residual_tenths = _tenths(inherent * (1 - Fraction(scales.reduction, SCALE) * effectiveness))
    knockouts: list[Knockout] = []
    waiting: dict[str, set[str]] = {}
    for knockout in profile.knockouts:
        truth = knockout.when.evaluate(facts)
        if truth:
            knockouts.append(knockout)
        elif truth is None:
            for fact in knockout.when.unknowns(facts):
                waiting.setdefault(fact, set()).add(knockout.id)
    for control in profile.must_answer:
        for fact in _unanswered(control, facts):
            waiting.setdefault(fact, set()).add(control.id)
    gaps += [_Gap(requirement, 0.0) for requirement in profile.requirements
             if requirement.when.evaluate(facts) is True and (
                 requirement.requires is None or requirement.requires.evaluate(facts) is not True)]
    behind = {knockout.control: knockout.id for knockout in knockouts if knockout.control}
    gaps = [_Gap(gap.rule, gap.points_lost, behind[gap.rule_id]) if gap.rule_id in behind else gap for gap in gaps]
    gaps.sort(key=_worst_first)
    missing = _answers_behind(waiting, facts, profile)
    insufficient = tuple(rule for rule in profile.insufficient_evidence if rule.when.evaluate(facts) is True)
    score_tier = profile.tier_for(residual_tenths)
    tier, decision = _tier_and_decision(profile, score_tier, knockouts, bool(missing or insufficient), gaps)
    return _Outcome(facts=facts, effectiveness=effectiveness, inherent=inherent, residual_tenths=residual_tenths,
                    score_tier=score_tier, tier=tier, decision=decision, applied=applied, gaps=tuple(gaps),
                    knockouts=tuple(knockouts), factors=factors, missing=missing, insufficient=insufficient)


def _worst_first(gap: _Gap) -> tuple[int, float, str]:
    return -SEVERITY_RANK[gap.severity], -round(gap.points_lost, 2), gap.rule_id


def _categories(outcome: _Outcome, profile: ScoringProfile) -> tuple[CategoryScore, ...]:
    """Each category's effectiveness and what each of its controls earned, for the reader."""
    weight, unit = profile.scales.weight, SCALE ** 2
    categories: list[CategoryScore] = []
    for category in profile.categories:
        pairs = outcome.applied[category.id]
        earned_by = [weight[control.id] * met for control, met in pairs]
        possible, earned = sum(weight[control.id] for control, _ in pairs) * SCALE, sum(earned_by)
        categories.append(CategoryScore(
            id=category.id, title=category.title, weight=category.weight,
            effectiveness=_tenths(Fraction(100 * earned, possible)) / 10 if pairs else None,
            controls_applied=len(pairs), controls_met=sum(1 for _, met in pairs if met >= SCALE),
            earned=round(earned / unit, 3), possible=possible / unit,
            rules=tuple(RuleScore(rule_id=control.id, earned=round(points / unit, 3), possible=control.weight,
                                  answer=outcome.facts.value(control.fact))
                        for (control, _), points in zip(pairs, earned_by, strict=True))))
    return tuple(categories)


def _tier_and_decision(profile: ScoringProfile, score_tier: Tier, knockouts: list[Knockout], missing: bool,
                       gaps: list[_Gap]) -> tuple[Tier, Decision]:
    tier = TIER_ORDER[max(TIER_ORDER.index(score_tier), _floor(profile, knockouts, gaps))]
    if knockouts:
        return tier, "reject"
    return tier, _tier_decision(profile, tier, missing, gaps)


def _floor(profile: ScoringProfile, knockouts: list[Knockout] | tuple[Knockout, ...],
           gaps: list[_Gap] | tuple[_Gap, ...]) -> int:
    """The lowest tier (as an index) the open gaps allow: each knockout's floor, and the profile's floor for the
    severity of each control gap still open (a critical gap never leaves a vendor in the low tier)."""
    floors = [TIER_ORDER.index(knockout.tier) for knockout in knockouts]
    floors += [TIER_ORDER.index(profile.severity_floors[gap.severity]) for gap in gaps
               if isinstance(gap.rule, Control) and not gap.knockout and gap.severity in profile.severity_floors]
    return max(floors, default=0)


def _tier_decision(profile: ScoringProfile, tier: Tier, missing: bool, gaps: list[_Gap] | tuple[_Gap, ...]) -> Decision:
    if missing:
        return "more_information_needed"
    decision: Decision = profile.decisions[tier]
    if decision == "approve" and any(_is_condition(gap.severity, profile) for gap in gaps):
        return "approve_with_conditions"
    return decision


def _reassess_months(outcome: _Outcome, profile: ScoringProfile) -> int:
    if outcome.knockouts:
        return min(profile.reassess_months.values())
    return profile.reassess_months[outcome.tier]


def _is_condition(severity: Severity, profile: ScoringProfile) -> bool:
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[profile.condition_severity]


def _tenths(value: Fraction) -> int:
    """``value`` in whole tenths, rounded half up (19.95 -> 200)."""
    return math.floor(value * 10 + _HALF)


def _unanswered(control: Control, facts: FactSet) -> set[str]:
    """The facts a control that must be answered is waiting for (none when it is answered or cannot apply)."""
    condition = None if isinstance(control.applies, str) else control.applies  # str: "always"
    applies = True if condition is None else condition.evaluate(facts)
    if applies is False:
        return set()
    if control.passes is not None:
        unknown = control.passes.unknowns(facts) if control.passes.evaluate(facts) is None else set()
    else:
        unknown = {control.fact} if facts.value(control.fact) is None else set()
    if unknown and applies is None and condition is not None:
        unknown |= condition.unknowns(facts)
    return unknown


def _answers_behind(waiting: dict[str, set[str]], facts: FactSet,
                    profile: ScoringProfile) -> dict[str, tuple[str, ...]]:
    """Missing facts traced to what a person can supply: a derived fact is replaced by the unknowns it is
    derived from (``data.personal`` by the blank answer ``answer.DAT-01``)."""
    derived = {fact.name: fact.when for fact in profile.derived_facts}
    resolved: dict[str, set[str]] = {}

    def trace(fact: str, rules: set[str]) -> None:  # derived facts only read earlier ones: no cycle
        if fact in derived:
            for source in derived[fact].unknowns(facts):
                trace(source, rules)
        else:
            resolved.setdefault(fact, set()).update(rules)

    for fact, rules in waiting.items():
        trace(fact, rules)
    return {fact: tuple(sorted(rules)) for fact, rules in sorted(resolved.items())}


def _missing(outcome: _Outcome, labels: Mapping[str, str]) -> tuple[MissingAnswer, ...]:
    order = {name: index for index, name in enumerate(labels)}
    items: list[MissingAnswer] = []
    for fact, rules in outcome.missing.items():
        known = outcome.facts.get(fact)
        cells = [source for source in known.sources if source.kind == "cell"] if known is not None else []
        refused = next((source.detail for source in cells if source.detail.startswith("N/A not accepted")), "")
        foreign = outcome.facts.get("import.format") is not None
        why = refused or ("left blank" if cells else "not covered by the vendor's questionnaire" if foreign
                          and fact.startswith("answer.") else "not answered" if fact.startswith("answer.")
                          else "not known")
        items.append(MissingAnswer(
            fact=fact, question_id=fact.removeprefix("answer.") if fact.startswith("answer.") else "",
            label=labels.get(fact, fact), place=cells[0].ref if cells else "", why=why, rule_ids=rules))
    items.sort(key=lambda item: (order.get(item.fact, len(order)), item.fact))
    for rule in outcome.insufficient:
        fact = facts_read(rule.when)[0]
        known = outcome.facts.get(fact)
        why = next((source.detail for source in known.sources if source.detail), "") if known is not None else ""
        items.append(MissingAnswer(fact=fact, question_id="", label=rule.reason, place="",
                                   why=why or f"{fact} is {outcome.facts.value(fact)}", rule_ids=(rule.id,)))
    return tuple(items)


def _borderline(outcome: _Outcome, profile: ScoringProfile) -> Borderline | None:
    """The nearest tier threshold within the profile's margin whose crossing would change the tier: not while a
    knockout decides, nor across a threshold below the open gaps' floor."""
    if outcome.knockouts:
        return None
    floor = _floor(profile, outcome.knockouts, outcome.gaps)
    margin = round(profile.borderline_margin * 10)
    thresholds = [round(band.below * 10) for band in profile.tiers if band.below is not None]
    near = [(abs(outcome.residual_tenths - threshold), threshold) for threshold in thresholds
            if abs(outcome.residual_tenths - threshold) <= margin]
    if not near:
        return None
    _, threshold = min(near)
    distance = outcome.residual_tenths - threshold
    other = TIER_ORDER[max(floor, TIER_ORDER.index(profile.tier_for(threshold - 1 if distance >= 0 else threshold)))]
    if other == outcome.tier:
        return None
    return Borderline(threshold=threshold / 10, distance=distance / 10, other_tier=other,
                      other_decision=_tier_decision(profile, other, bool(outcome.missing), outcome.gaps))


def _conditions(outcome: _Outcome, profile: ScoringProfile) -> tuple[tuple[ConditionGroup, ...],
                                                                      tuple[ConditionGroup, ...]]:
    """Remediations grouped by owner and due point: the conditions, then the recommendations. A knockout and
    the control gap behind it are one condition (the knockout's remediation, citing both rules)."""
    causes = {gap.knockout: gap.rule_id for gap in outcome.gaps if gap.knockout}
    required: list[tuple[Remediation, tuple[str, ...], Severity, bool]] = [
        (knockout.remediation, (knockout.id, causes[knockout.id]) if knockout.id in causes else (knockout.id,),
         "critical", True) for knockout in outcome.knockouts]
    optional: list[tuple[Remediation, tuple[str, ...], Severity, bool]] = []
    for gap in outcome.gaps:
        if gap.knockout:
            continue
        target = required if _is_condition(gap.severity, profile) else optional
        target.append((gap.rule.remediation, (gap.rule_id,), gap.severity, False))
    return _group(required), _group(optional)


def _group(items: list[tuple[Remediation, tuple[str, ...], Severity, bool]]) -> tuple[ConditionGroup, ...]:
    merged: dict[tuple[str, str, str], list[tuple[Remediation, tuple[str, ...], Severity, bool]]] = {}
    for item in items:
        remediation = item[0]
        merged.setdefault((remediation.owner, remediation.due, remediation.action), []).append(item)
    groups: dict[tuple[str, str], list[Condition]] = {}
    for (owner, due, action), entries in merged.items():
        worst = max((severity for _, _, severity, _ in entries), key=lambda s: SEVERITY_RANK[s])
        groups.setdefault((owner, due), []).append(Condition(
            action=action, owner=owner, due=due, effort=entries[0][0].effort, severity=worst,
            rule_ids=tuple(sorted(rule_id for _, rule_ids, _, _ in entries for rule_id in rule_ids)),
            knockout=any(knockout for *_, knockout in entries)))
    return tuple(
        ConditionGroup(owner=owner, due=due, conditions=tuple(sorted(
            conditions, key=lambda c: (not c.knockout, -SEVERITY_RANK[c.severity], c.rule_ids))))
        for (owner, due), conditions in sorted(groups.items(), key=lambda item: (
            _OWNER_ORDER.index(item[0][0]), _DUE_ORDER.index(item[0][1]))))


Route = Literal["vendor", "with_our_side"]
_ROUTES: tuple[tuple[Route, frozenset[FixableBy]], ...] = (
    ("vendor", frozenset({"vendor"})), ("with_our_side", frozenset({"vendor", "ours"})))


class _WhatIfSearch:
    """The what-if routes of one outcome: greedy by points (largest gaps first, cheaper first among equals),
    each step checked by scoring the changed facts again."""

    def __init__(self, profile: ScoringProfile, outcome: _Outcome) -> None:
        self.profile, self.outcome = profile, outcome
        self.controls = {control.id: control for control in profile.controls}
        self.knockouts = {knockout.id: knockout for knockout in profile.knockouts}
        self.requirements = {requirement.id: requirement for requirement in profile.requirements}
        self.derived_from = frozenset(fact for derived in profile.derived_facts for fact in facts_read(derived.when))
        self.fixers = profile.fixers
        self.rescored: dict[tuple[str, ...], _Outcome] = {}
        self.fixed: dict[tuple[tuple[str, ...], str], FactSet | None] = {}
        """After the fixes in order, the facts with one more rule met (None: no change of its facts meets it)."""

    def run(self) -> tuple[WhatIf, ...]:
        outcome = self.outcome
        targets: list[str] = []
        index = TIER_ORDER.index(outcome.tier)
        if index > 0 and not outcome.knockouts:
            targets.append(f"tier:{TIER_ORDER[index - 1]}")
        if outcome.decision == "reject":
            targets.append("decision:approve_with_conditions")
        if outcome.decision not in ("approve", "more_information_needed"):
            targets.append("decision:approve")
        ours_can_help = any(self._fixer(gap.rule_id) == "ours" for gap in outcome.gaps) or any(
            self._fixer(knockout.id) == "ours" for knockout in outcome.knockouts)
        scenarios: list[WhatIf] = []
        for target in targets:
            vendor = self._route(target, *_ROUTES[0])
            scenarios.append(vendor)
            ours = self._route(target, *_ROUTES[1]) if ours_can_help else vendor
            if ours.our_side and (ours.rule_ids != vendor.rule_ids or ours.reachable != vendor.reachable):
                scenarios.append(ours)
        return tuple(scenarios)

    def _route(self, target: str, route: Route, allowed: frozenset[FixableBy]) -> WhatIf:
        kind, goal = target.split(":")
        facts = self.outcome.facts
        chosen: list[str] = []
        blocked: list[str] = []  # rules the target needs and this route cannot fix: the target is out of reach
        skipped: set[str] = set()  # gaps this route cannot fix, where others may reach the target instead

        def take(rule_ids: list[str], needed: bool) -> int:
            nonlocal facts
            taken = 0
            for rule_id in rule_ids:
                if rule_id in chosen or rule_id in blocked or (rule_id in skipped and not needed):
                    continue
                changed = None if rule_id in skipped else self._fix(rule_id, tuple(chosen), facts, allowed)
                if changed is None:
                    (blocked.append if needed else skipped.add)(rule_id)
                else:
                    chosen.append(rule_id)
                    facts, taken = changed, taken + 1
            return taken

        current = self.outcome
        if kind == "decision" and take([knockout.id for knockout in current.knockouts], needed=True):
            current = self._rescore(tuple(chosen), facts)
        while not blocked and not self._reached(current, kind, goal):
            if kind == "decision" and current.missing:
                break  # no fix gives the answers a decision waits for
            needed = self._needed(current, kind, goal)
            if needed:
                if not take(needed, needed=True):
                    break
                current = self._rescore(tuple(chosen), facts)
                continue
            pool = sorted((gap for gap in current.gaps if gap.points_lost > 0 and gap.rule_id not in chosen
                           and gap.rule_id not in skipped and self._fixer(gap.rule_id) in allowed),
                          key=lambda gap: (-gap.points_lost, EFFORT_RANK[gap.rule.remediation.effort], gap.rule_id))
            step: list[str] = []
            gain = 0.0
            for gap in pool:
                step.append(gap.rule_id)
                gain += gap.points_lost
                if self._predicted(current, gain, kind, goal):
                    break
            if not take(step, needed=False):
                break
            current = self._rescore(tuple(chosen), facts)
        reached = self._reached(current, kind, goal) and not blocked
        ordered = sorted(chosen, key=lambda rule_id: (rule_id not in self.knockouts,
                                                      EFFORT_RANK[self._remediation(rule_id).effort], rule_id))
        note = ""
        if blocked:
            standing = [rule_id for rule_id in blocked if self._fixer(rule_id) == "nobody"]
            ours = [rule_id for rule_id in blocked if self._fixer(rule_id) == "ours"]
            others = [rule_id for rule_id in blocked if rule_id not in standing and rule_id not in ours]
            note = "; ".join(part for part in (
                f"{', '.join(standing)} stands whatever is fixed" if standing else "",
                f"{', '.join(ours)} is ours to fix" if ours else "",
                f"no change of answer meets {', '.join(others)}" if others else ""
            ) if part)
        elif not reached and current.decision == "more_information_needed":
            note = "the missing answers are needed first"
        elif not reached:
            note = "not reachable by fixes alone: the inherent risk is too high"
        return WhatIf(target=target, route=route, reachable=reached, rule_ids=tuple(ordered),
                      actions=tuple(self._remediation(rule_id).action for rule_id in ordered),
                      our_side=tuple(rule_id for rule_id in ordered if self._fixer(rule_id) == "ours"),
                      blocked_by=tuple(blocked), residual=current.residual_tenths / 10, tier=current.tier,
                      decision=current.decision, note=note)

    def _needed(self, outcome: _Outcome, kind: str, goal: str) -> list[str]:
        """Gaps the goal cannot be reached without, whatever else is fixed: for approval every condition, for a
        tier every gap whose severity floor lies above it."""
        if kind == "decision" and goal == "approve":
            return [gap.rule_id for gap in outcome.blocking(self.profile)]
        if kind == "tier":
            floors, target = self.profile.severity_floors, TIER_ORDER.index(goal)
            return [gap.rule_id for gap in outcome.gaps if isinstance(gap.rule, Control) and not gap.knockout
                    and gap.severity in floors and TIER_ORDER.index(floors[gap.severity]) > target]
        return []

    def _reached(self, outcome: _Outcome, kind: str, goal: str) -> bool:
        if kind == "tier":
            return TIER_ORDER.index(outcome.tier) <= TIER_ORDER.index(goal)
        return DECISION_RANK[outcome.decision] >= DECISION_RANK[goal]

    def _predicted(self, outcome: _Outcome, gain: float, kind: str, goal: str) -> bool:
        """Whether ``gain`` more points of effectiveness would reach the goal, by the additive model (a guess
        that saves scoring again at every step; the route is verified all the same)."""
        effectiveness = min(1.0, float(outcome.effectiveness) + gain / 100)
        residual = float(outcome.inherent) * (1 - self.profile.residual_reduction * effectiveness)
        tier = self.profile.tier_for(math.floor(residual * 10 + 0.5))
        if kind == "tier":
            return TIER_ORDER.index(tier) <= TIER_ORDER.index(goal)
        return DECISION_RANK[self.profile.decisions[tier]] >= DECISION_RANK[goal]

    def _rescore(self, fixes: tuple[str, ...], facts: FactSet) -> _Outcome:
        """Score the facts changed by ``fixes`` again (each fix re-derived what it changed: see ``_witness``).
        Routes that begin alike (every decision target lifts the knockouts first) share the work."""
        if fixes not in self.rescored:
            self.rescored[fixes] = _evaluate(facts, self.profile)
        return self.rescored[fixes]

    def _fixer(self, rule_id: str) -> FixableBy:
        return self.fixers[rule_id]

    def _remediation(self, rule_id: str) -> Remediation:
        rule: Control | Knockout | Requirement = (self.knockouts.get(rule_id) or self.controls.get(rule_id)
                                                  or self.requirements[rule_id])
        return rule.remediation

    def _fix(self, rule_id: str, fixes: tuple[str, ...], facts: FactSet,
             allowed: frozenset[FixableBy]) -> FactSet | None:
        """``facts`` (as ``fixes`` left them) changed so that the rule is met (a knockout lifted), or None when
        this route cannot."""
        if self._fixer(rule_id) not in allowed:
            return None
        if (fixes, rule_id) not in self.fixed:
            self.fixed[fixes, rule_id] = self._witness_for(rule_id, facts)
        return self.fixed[fixes, rule_id]

    def _witness_for(self, rule_id: str, facts: FactSet) -> FactSet | None:
        profile = self.profile
        if rule_id in self.knockouts:
            knockout = self.knockouts[rule_id]
            control = self.controls.get(knockout.control or "")
            tests = [knockout.when] + ([control.passes] if control is not None and control.passes else [])
            return _witness(facts, profile, profile.knockout_fix(knockout), tests, _best_answers(control),
                            lambda changed: knockout.when.evaluate(changed) is False, self.derived_from)
        if rule_id in self.controls:
            control = self.controls[rule_id]
            points = profile.scales.points[control.id]
            return _witness(facts, profile, control.fix_facts, [control.passes] if control.passes else [],
                            _best_answers(control), lambda changed: _control_score(control, changed, points) == SCALE,
                            self.derived_from)
        requirement = self.requirements[rule_id]
        if requirement.requires is None:
            return None
        requires = requirement.requires
        return _witness(facts, profile, requirement.fix_facts, [requires], {},
                        lambda changed: requires.evaluate(changed) is True, self.derived_from)


def _best_answers(control: Control | None) -> dict[str, list[FactValue]]:
    if control is not None and control.share:
        return {control.fact: [1.0]}
    if control is None or not control.points:
        return {}
    best = max(control.points.values())
    return {control.fact: [answer for answer, points in control.points.items() if points == best and best == 1]}


def _witness(facts: FactSet, profile: ScoringProfile, names: tuple[str, ...], conditions: list[Test],
             preferred: dict[str, list[FactValue]], is_fixed: Callable[[FactSet], bool],
             derived_from: frozenset[str]) -> FactSet | None:
    """Facts with ``names`` changed to the first combination of candidate values that fixes the rule.

    Candidates come from the rule's own tests (the value an ``equals`` names, a ``gte`` bound, an item a
    ``contains`` wants added, a date an age test accepts), after the control's best answers."""
    today = facts.value(ASSESSMENT_DATE)
    options: list[list[FactValue]] = []
    for name in names:
        values = list(preferred.get(name, []))
        current = facts.value(name)
        for condition in conditions:
            for test in fact_tests(condition):
                if test.fact == name:
                    values += _candidates(test, current, today)
        unique: list[FactValue] = []
        for value in values:
            if value not in unique:
                unique.append(value)
        options.append(unique or [current])
    for combination in itertools.islice(itertools.product(*options), _MAX_WITNESSES):
        changed = facts.with_facts(*(Fact.model_construct(name=name, value=value, sources=())
                                     for name, value in zip(names, combination, strict=True)))
        if derived_from.intersection(names):
            changed = _derive(changed, profile, traced=False)
        if is_fixed(changed):
            return changed
    return None


def _candidates(test: FactTest, current: FactValue, today: Any) -> list[FactValue]:
    if test.equals is not None:
        return [test.equals]
    if test.in_ is not None:
        return list(test.in_)
    if test.is_ is not None:
        return [test.is_, not test.is_]
    if test.contains is not None:
        held = current if isinstance(current, tuple) else ()
        return [(*(item for item in held if item.casefold() != "none"), test.contains)]
    if test.age_days is not None or test.age_years is not None:
        if not isinstance(today, dt.date):
            return []
        span = test.age_days or test.age_years
        assert span is not None
        ages = [age for age in (0, span.gte, span.lte) if age is not None and span.contains(age)]
        if test.age_days is not None:
            return [today - dt.timedelta(days=int(age)) for age in ages]
        if isinstance(current, int):
            return [today.year - int(age) for age in ages]
        return [_add_months(today, -12 * int(age)) for age in ages]
    return [bound for bound in (test.gte, test.lte) if bound is not None]


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _control_score(control: Control, facts: FactSet, points: Mapping[str, int]) -> int | None:
    """Thousandths met: 1000 when met, 0 for a gap or a blank, in between for partial answers; None for an
    accepted N/A (an N/A the questionnaire refused reaches the engine as a blank). ``points`` are the control's,
    in thousandths by casefolded answer."""
    value = facts.value(control.fact)
    if value == NOT_APPLICABLE:
        return None
    if control.passes is not None:
        return SCALE if control.passes.holds(facts) else 0
    if control.share:  # a share published in whole thousandths: round() only undoes the float's last bit
        return min(SCALE, max(0, round(value * SCALE))) if isinstance(value, int | float) \
            and not isinstance(value, bool) else 0
    return points.get(value.casefold(), 0) if isinstance(value, str) else 0


def _finding(gap: _Gap, facts: FactSet, fixable_by: FixableBy) -> Finding:
    """A gap for the reader, sourced from every fact its rule read (a contradiction cites both the cell and the
    evidence; a requirement what made it apply and what it found missing)."""
    rule = gap.rule
    if isinstance(rule, Requirement):
        sources = _sources(rule.when, facts)
        if rule.requires is not None:
            sources = (*sources, *(s for s in _sources(rule.requires, facts) if s not in sources))
        return Finding(
            rule_id=rule.id, kind="requirement", category=rule.category, severity=rule.severity, title=rule.title,
            plain=rule.plain, technical=rule.technical, remediation=rule.remediation, answer=None, points_lost=0.0,
            provenance=sources, fixable_by=fixable_by)
    fact = facts.get(rule.fact)
    sources = _sources(rule.passes, facts) if rule.passes is not None else ()
    if not sources:
        sources = fact.sources if fact is not None and fact.sources else (
            Provenance(kind="derived", ref=rule.fact, detail="no answer"),)
    return Finding(
        rule_id=rule.id, category=rule.category, severity=rule.severity, title=rule.title, plain=rule.plain,
        technical=rule.technical, remediation=rule.remediation, answer=fact.value if fact is not None else None,
        points_lost=round(gap.points_lost, 2), provenance=sources, knockout=gap.knockout, fixable_by=fixable_by)


def _sources(condition: Test, facts: FactSet) -> tuple[Provenance, ...]:
    """The provenance of every fact a condition reads, without repeats, in reading order."""
    seen: dict[str, Provenance] = {}
    for test in fact_tests(condition):
        fact = facts.get(test.fact)
        for source in fact.sources if fact is not None else ():
            seen.setdefault(f"{source.kind}:{source.ref}", source)
    return tuple(seen.values())
