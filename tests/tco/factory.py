"""TCO inputs and assumptions built in code: a small vendor, and assumption files bent for closed forms."""

from __future__ import annotations

from typing import Any

from riskengine.tco.assumptions import Assumptions, load_assumptions
from riskengine.tco.inputs import IntegrationHours, RoleHourlyRate, TcoInputs, VendorCapability

RATES = {"it_engineer": 60.0, "marketing_ops": 50.0, "compliance": 70.0}
CAPABILITIES = ("api", "dpa", "scim", "sso")


def capabilities(*offered: str) -> tuple[VendorCapability, ...]:
    """The vendor capabilities, those named offered (answered Yes), the others not."""
    return tuple(VendorCapability(id=capability, title=capability.upper(), offered=capability in offered,
                                  answer="Yes" if capability in offered else "No", place="test")
                 for capability in CAPABILITIES)


def make_inputs(**overrides: Any) -> TcoInputs:
    """A vendor quoting in EUR to an EUR organisation: 1,000 seats at EUR 40, two connections, 100,000 records of
    EU residents, every capability offered, no customer-facing system depending on it."""
    values: dict[str, Any] = dict(
        currency="EUR", horizon_years=3, discount_rate=0.08, quote_currency="EUR", exchange_rate=1.0,
        exchange_rate_source="same currency", pricing_model="per seat", unit_price=40.0, units=1000.0,
        minimum_commitment=0.0, implementation_fee=10_000.0, training_fee=2_000.0, support_tier="standard",
        support_fee=3_000.0, term_months=12, uplift_cap=0.05, export_formats=("CSV",), proprietary_formats="No",
        records=100_000, data_regions=("EU/EEA",), fine_regimes=("gdpr",), transfer_outside_approved=False,
        annual_turnover=None, integrations=(connection(0), connection(1)), integrations_basis="questionnaire",
        control_effectiveness=60.0, capabilities=capabilities(*CAPABILITIES),
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


def _zero(spread: dict[str, Any]) -> dict[str, Any]:
    return {**spread, "low": 0.0, "likely": 0.0, "high": 0.0}


def no_loss(node: dict[str, Any]) -> dict[str, Any]:
    """No loss events at all: every scenario's rate at zero."""
    if "rate_floor" in node and "rate_per_gap" in node:
        return {**node, "rate_floor": _zero(node["rate_floor"]), "rate_per_gap": _zero(node["rate_per_gap"])}
    if "rate" in node and "duration" in node:
        return {**node, "rate": _zero(node["rate"])}
    return node


def no_hours_or_items(node: dict[str, Any]) -> dict[str, Any]:
    """No internal hours and no option line items: only what the vendor charges remains."""
    if {"low", "likely", "high"} <= node.keys() and node.get("unit") == "hours":
        return _zero(node)
    if "items" in node and "risk_factors" in node:
        return {**node, "items": []}
    return node


def same_options(node: dict[str, Any]) -> dict[str, Any]:
    """Built to last made identical to good enough: a tie by construction."""
    if "good_enough" in node and "built_to_last" in node and "risk_factors" in node["good_enough"]:
        return {**node, "built_to_last": {**node["good_enough"], "title": "Built to last"}}
    return node


def chain(*changes: Any) -> Any:
    def apply(node: dict[str, Any]) -> dict[str, Any]:
        for change in changes:
            node = change(node)
        return node

    return apply
