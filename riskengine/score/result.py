"""What the scoring engine returns: scores, tier, decision, findings, each with its provenance."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from riskengine.facts import FactValue, Provenance
from riskengine.score.profile import Decision, FixableBy, Remediation, Severity, Tier


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Finding(_Frozen):
    """A gap found by a control (or a requirement not met), in two voices, with the remediation that becomes a
    condition."""

    rule_id: str
    kind: Literal["control", "requirement"] = "control"
    """A requirement (minimum assurance for what the tool holds or touches) costs no points."""
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
    knockout: str = ""
    """The knockout this gap causes (PRV-DPA behind KO-NO-DPA): in the conditions the two are one, under the
    knockout's remediation."""
    fixable_by: FixableBy = "vendor"


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
    tier: Tier = "critical"
    """The lowest tier this knockout leaves the vendor in."""
    control: str = ""
    """The control whose gap causes it, if any (one condition, not two)."""
    fixable_by: FixableBy = "vendor"
    """Who can lift it: the vendor (its answers, contract, configuration), we, or nobody."""


class MissingAnswer(_Frozen):
    """An answer the decision waits for: a knockout or a critical control reads it and it is not there."""

    fact: str
    """``answer.PRV-01``, or a stage fact that could not be known (``data.outside_approved_regions``)."""
    question_id: str
    """The question (``PRV-01``), or "" for a stage fact."""
    label: str
    """The question's text, or what the stage fact means."""
    place: str
    """Where it should be (``Privacy and compliance!D5``), or "" when the questionnaire has no such cell."""
    why: str
    """``left blank``, ``not covered by the vendor's questionnaire``, ``N/A not accepted: ...``."""
    rule_ids: tuple[str, ...]
    """The knockouts and controls that need it."""


class Borderline(_Frozen):
    """A residual score close enough to a tier threshold that one answer could move it across."""

    threshold: float
    distance: float
    """Residual minus threshold: negative just below it, zero or positive at or just above it."""
    other_tier: Tier
    """The tier on the other side of the threshold."""
    other_decision: Decision
    """What the other tier would decide, all else equal."""


class Condition(_Frozen):
    """One remediation a decision depends on, with the rules it answers."""

    action: str
    owner: str
    due: str
    effort: str
    rule_ids: tuple[str, ...]
    severity: Severity
    knockout: bool = False
    """The remediation of a knockout: what must change for a rejected vendor to be reconsidered."""


class ConditionGroup(_Frozen):
    owner: str
    due: str
    conditions: tuple[Condition, ...]


class WhatIf(_Frozen):
    """The fewest fixes that would reach a target, by one route, verified by scoring the changed answers again."""

    target: str
    """``tier:<tier>`` (one tier down) or ``decision:approve_with_conditions`` / ``decision:approve``."""
    route: Literal["vendor", "with_our_side"] = "vendor"
    """``vendor``: fixes the vendor can make (answers, contract, configuration); ``with_our_side``: also fixes on
    our side (retiring a duplicate tool, changing the integration design)."""
    reachable: bool
    rule_ids: tuple[str, ...]
    """Findings and knockouts to fix, knockouts first, then cheapest first among equals."""
    actions: tuple[str, ...]
    our_side: tuple[str, ...] = ()
    """Of ``rule_ids``, the fixes on our side."""
    blocked_by: tuple[str, ...] = ()
    """Rules the target needs fixed that this route cannot fix (nobody can change them, or it is not theirs)."""
    residual: float
    tier: Tier
    decision: Decision
    note: str = ""


class RiskResult(_Frozen):
    profile: str
    inherent: float
    control_effectiveness: float
    residual: float
    """Rounded half up to tenths: the figure printed is the figure compared with the tier thresholds."""
    score_tier: Tier = "low"
    """The tier the residual score alone gives."""
    tier: Tier
    """The tier: the score's, raised to the floor of any knockout."""
    decision: Decision
    reassess_months: int
    inherent_factors: tuple[Contribution, ...]
    categories: tuple[CategoryScore, ...]
    knockouts: tuple[KnockoutHit, ...]
    missing: tuple[MissingAnswer, ...] = ()
    """Answers the decision waits for (decision ``more_information_needed``), in bank order."""
    borderline: Borderline | None = None
    """Set when the residual lies within the profile's margin of a tier threshold and the score decides."""
    conditions: tuple[ConditionGroup, ...] = ()
    """Remediations the approval depends on (knockouts and findings at or above the profile's severity),
    grouped by owner and due point."""
    recommendations: tuple[ConditionGroup, ...] = ()
    """Remediations of milder findings: worth doing, not required for approval."""
    what_if: tuple[WhatIf, ...] = ()
    reassess_by: str = ""
    """ISO date by which to assess the vendor again (the tier sets the interval; a knockout the shortest); empty
    while the decision waits for missing answers: assess again when they arrive."""
