"""What the scoring engine returns: scores, tier, decision, findings, each with its provenance."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from riskengine.facts import FactValue, Provenance
from riskengine.score.profile import Decision, Remediation, Severity, Tier


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Finding(_Frozen):
    """A gap found by a control, in two voices, with the remediation that becomes a condition."""

    rule_id: str
    category: str
    severity: Severity
    title: str
    plain: str
    technical: str
    remediation: Remediation
    answer: FactValue
    """What the fact held (the vendor's answer, or None when blank)."""
    points_lost: float
    """Points of control effectiveness (0-100 scale) this gap costs."""
    provenance: tuple[Provenance, ...]


class RuleScore(_Frozen):
    """What one control earned within its category (weights in the profile's units)."""

    rule_id: str
    earned: float
    possible: float
    answer: FactValue


class CategoryScore(_Frozen):
    id: str
    title: str
    weight: float
    effectiveness: float | None
    """0-100, or None when no control of the category applies."""
    controls_applied: int
    controls_met: int
    earned: float = 0.0
    """Sum of weight x score over the applied controls."""
    possible: float = 0.0
    """Sum of the applied controls' weights (N/A and non-applying controls excluded)."""
    rules: tuple[RuleScore, ...] = ()


class Contribution(_Frozen):
    """One inherent-risk factor that held, with the facts that made it hold."""

    rule_id: str
    points: float
    reason: str
    provenance: tuple[Provenance, ...]


class KnockoutHit(_Frozen):
    rule_id: str
    reason: str
    remediation: Remediation
    provenance: tuple[Provenance, ...]


class Condition(_Frozen):
    """One remediation a decision depends on, with the rules it answers."""

    action: str
    owner: str
    due: str
    effort: str
    rule_ids: tuple[str, ...]
    severity: Severity


class ConditionGroup(_Frozen):
    owner: str
    due: str
    conditions: tuple[Condition, ...]


class WhatIf(_Frozen):
    """The fewest remediations that would reach a target, and what the result would then be."""

    target: str
    """``tier:<tier>`` (one tier down) or ``decision:approve_with_conditions`` / ``decision:approve``."""
    reachable: bool
    rule_ids: tuple[str, ...]
    """Findings and knockouts to fix, cheapest first among equals."""
    actions: tuple[str, ...]
    residual: float
    tier: Tier
    decision: Decision
    note: str = ""


class RiskResult(_Frozen):
    profile: str
    inherent: float
    control_effectiveness: float
    residual: float
    tier: Tier
    decision: Decision
    reassess_months: int
    inherent_factors: tuple[Contribution, ...]
    categories: tuple[CategoryScore, ...]
    knockouts: tuple[KnockoutHit, ...]
    conditions: tuple[ConditionGroup, ...] = ()
    """Remediations the approval depends on (knockouts and findings at or above the profile's severity),
    grouped by owner and due point."""
    recommendations: tuple[ConditionGroup, ...] = ()
    """Remediations of milder findings: worth doing, not required for approval."""
    what_if: tuple[WhatIf, ...] = ()
    reassess_by: str = ""
    """ISO date by which to assess the vendor again (the tier sets the interval)."""
