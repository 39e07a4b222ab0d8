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


class CategoryScore(_Frozen):
    id: str
    title: str
    weight: float
    effectiveness: float | None
    """0-100, or None when no control of the category applies."""
    controls_applied: int
    controls_met: int


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
