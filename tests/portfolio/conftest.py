"""Assessments of the three samples (built once per session: each takes about half a second) and variants of
them with chosen names, tiers, residuals and costs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from riskengine.assessment import Assessment
from riskengine.pipeline import assess
from riskengine.score.profile import Decision, Tier
from riskengine.score.result import KnockoutHit
from riskengine.tco.result import Percentiles
from tests.conftest import NOW, SAMPLES

SAMPLE_NAMES = ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")


@pytest.fixture(scope="session")
def samples() -> dict[str, Assessment]:
    """northwind-mail (low, approve), pixelpath-analytics (high, approve with conditions), glowup-loyalty
    (critical, reject), assessed offline at NOW with the sample inventory and organisation."""
    return {name: assess(SAMPLES / f"{name}.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                         org_profile=SAMPLES / "org-profile.yaml") for name in SAMPLE_NAMES}


def variant(base: Assessment, *, assessment_id: str | None = None, legal_name: str | None = None,
            product: str | None = None, tier: Tier | None = None, decision: Decision | None = None,
            residual: float | None = None, cost: float | None = None, currency: str | None = None,
            created: dt.datetime | None = None, reassess_by: str | None = None,
            knockouts: tuple[KnockoutHit, ...] | None = None) -> Assessment:
    """``base`` with the given figures replaced; ``cost`` sets both options' expected TCO in the headline (the
    typical 10 % below, P10 15 % below, P90 20 % above), so the option the cost model recommends costs exactly
    ``cost``; ``currency`` sets the TCO's currency."""
    vendor = base.vendor.model_copy(update={key: value for key, value in (("legal_name", legal_name),
                                                                           ("product", product)) if value is not None})
    risk_changes: dict[str, Any] = {key: value for key, value in (
        ("tier", tier), ("decision", decision), ("residual", residual), ("reassess_by", reassess_by),
        ("knockouts", knockouts))
        if value is not None}
    changes: dict[str, Any] = {"vendor": vendor, "risk": base.risk.model_copy(update=risk_changes)}
    if assessment_id is not None:
        changes["assessment_id"] = assessment_id
    if created is not None:
        changes["created"] = created
    if base.tco is not None and (cost is not None or currency is not None):
        options, headline = base.tco.options, base.tco.headline
        if cost is not None:
            npv = Percentiles(p10=cost * 0.85, p50=cost * 0.9, p90=cost * 1.2, mean=cost)
            options = tuple(option.model_copy(update={"npv": npv}) for option in options)
            headline = headline.model_copy(update={"options": tuple(
                option.model_copy(update={"expected_total": cost, "typical_total": cost * 0.9})
                for option in headline.options)})
        currency = currency or base.tco.currency
        changes["tco"] = base.tco.model_copy(update={
            "options": options, "currency": currency, "headline": headline.model_copy(update={"currency": currency})})
    return base.model_copy(update=changes)
