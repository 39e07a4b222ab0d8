"""TCO inputs and assumptions built in code: a small vendor, and assumption files bent for closed forms."""

from __future__ import annotations

from typing import Any

from riskengine.tco.assumptions import Assumptions, load_assumptions
from riskengine.tco.inputs import IntegrationHours, RoleHourlyRate, TcoInputs

RATES = {"it_engineer": 60.0, "marketing_ops": 50.0, "compliance": 70.0}


def make_inputs(**overrides: Any) -> TcoInputs:
    """A vendor quoting in EUR to an EUR organisation: 1,000 seats at EUR 40, two connections, 100,000 records."""
    values: dict[str, Any] = dict(
        currency="EUR", horizon_years=3, discount_rate=0.08, quote_currency="EUR", exchange_rate=1.0,
        exchange_rate_source="same currency", pricing_model="per seat", unit_price=40.0, units=1000.0,
        minimum_commitment=0.0, implementation_fee=10_000.0, training_fee=2_000.0, support_tier="standard",
        support_fee=3_000.0, term_months=12, uplift_cap=0.05, export_formats=("CSV",), proprietary_formats="No",
        records=100_000, data_regions=("EU/EEA",), fine_regimes=("gdpr",), transfer_outside_approved=False,
        annual_turnover=None, integrations=(connection(0), connection(1)), integrations_basis="questionnaire",
        control_effectiveness=60.0,
        hourly_rates=tuple(RoleHourlyRate(role=role, hourly_rate=rate, source="test")
                           for role, rate in sorted(RATES.items())))
    values.update(overrides)
    return TcoInputs(**values)


def connection(index: int, low: float = 16, likely: float = 32, high: float = 72) -> IntegrationHours:
    return IntegrationHours(system=f"system-{index}", low=low, likely=likely, high=high, basis="test")


def bent(change: Any, assumptions: Assumptions | None = None) -> Assumptions:
    """The assumptions with ``change(node)`` applied to every mapping in the file's data, then re-validated."""
    data = (assumptions or load_assumptions()).model_dump()

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            node = {key: walk(value) for key, value in node.items()}
            return change(node)
        if isinstance(node, list | tuple):
            return [walk(item) for item in node]
        return node

    return Assumptions.model_validate(walk(data))


def collapse(node: dict[str, Any]) -> dict[str, Any]:
    """Every range at its likely value: zero variance."""
    if {"low", "likely", "high"} <= node.keys():
        return {**node, "low": node["likely"], "high": node["likely"]}
    return node


def no_loss(node: dict[str, Any]) -> dict[str, Any]:
    """No loss events at all."""
    if "rate_floor" in node and "rate_per_gap" in node:
        for key in ("rate_floor", "rate_per_gap"):
            node[key] = {**node[key], "low": 0.0, "likely": 0.0, "high": 0.0}
    return node


def no_hours_or_items(node: dict[str, Any]) -> dict[str, Any]:
    """No internal hours and no option line items: only what the vendor charges remains."""
    if {"low", "likely", "high"} <= node.keys() and node.get("unit") == "hours":
        return {**node, "low": 0.0, "likely": 0.0, "high": 0.0}
    if "items" in node and "event_rate_factor" in node:
        return {**node, "items": []}
    return node


def chain(*changes: Any) -> Any:
    def apply(node: dict[str, Any]) -> dict[str, Any]:
        for change in changes:
            node = change(node)
        return node

    return apply
