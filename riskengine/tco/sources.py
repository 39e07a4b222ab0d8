"""Every number a TCO result rests on, with its source: the answers with their cells, the connections with their
basis, the organisation's figures, the risk result's, and every sourced number of ``scoring/tco.yaml`` under the
id the model draws it by."""

from __future__ import annotations

from pydantic import BaseModel

from riskengine.tco.assumptions import (
    Assumptions,
    Cap,
    Capability,
    ExchangeRates,
    Factors,
    Roles,
    SharedDrivers,
    Spread,
    Value,
)
from riskengine.tco.inputs import TcoInputs, connection_keys
from riskengine.tco.result import AssumptionUsed

ANSWER_FIELDS = {
    "cost.pricing_model": "pricing_model", "cost.currency": "quote_currency", "cost.unit_price": "unit_price",
    "cost.units": "units", "cost.minimum_commitment": "minimum_commitment",
    "cost.implementation_fee": "implementation_fee", "cost.training_fee": "training_fee",
    "cost.support_tier": "support_tier", "cost.support_fee": "support_fee", "cost.term_months": "term_months",
    "cost.uplift_cap": "uplift_cap", "exit.formats": "export_formats", "exit.proprietary": "proprietary_formats",
    "data.records": "records", "data.locations": "data_regions",
}
"""The questionnaire answers the model reads, by bank role, and the ``TcoInputs`` field each fills."""
_MONEY_FIELDS = {"unit_price", "minimum_commitment", "implementation_fee", "training_fee", "support_fee"}


def assumptions_used(assumptions: Assumptions, inputs: TcoInputs) -> tuple[AssumptionUsed, ...]:
    rows: list[AssumptionUsed] = []
    for role, field in ANSWER_FIELDS.items():
        value = getattr(inputs, field)
        place = inputs.places.get(role)
        rows.append(AssumptionUsed(
            id=f"answer.{role}", title=inputs.questions.get(role, role),
            unit=inputs.quote_currency if field in _MONEY_FIELDS else "share" if field == "uplift_cap" else "",
            source=(place if place.startswith("offer ") else f"questionnaire {place}") if place
            else "questionnaire (blank)",
            value=", ".join(value) if isinstance(value, tuple) else value))
    for capability in inputs.capabilities:
        rows.append(AssumptionUsed(
            id=f"capability.{capability.id}", title=f"Offered by the vendor: {capability.title}", unit="",
            source=(capability.place if capability.place.startswith("offer ")
                    else f"questionnaire {capability.place}") if capability.place else "questionnaire (blank)",
            value=("offered" if capability.offered else "not offered")
            + (f" ({capability.answer})" if capability.answer else "")))
    for key, connection in sorted(zip(connection_keys(inputs.integrations), inputs.integrations, strict=True)):
        rows.append(AssumptionUsed(id=f"integration.hours.{key}", title=f"Build hours: {connection.system}",
                                   unit="hours", source=connection.basis, low=connection.low,
                                   likely=connection.likely, high=connection.high))
    rows += _organisation_rows(inputs, assumptions)
    rows += [AssumptionUsed(id=f"rates.{rate.role}", title=f"Loaded hourly rate: {rate.role}",
                            unit=f"{inputs.currency} per hour", source=rate.source, value=round(rate.hourly_rate, 2))
             for rate in inputs.hourly_rates]
    walk(assumptions, "", rows)
    return tuple(rows)


def _organisation_rows(inputs: TcoInputs, assumptions: Assumptions) -> list[AssumptionUsed]:
    shares = inputs.shares()
    return [
        AssumptionUsed(id="org.horizon_years", title="Horizon", unit="years", source="org profile",
                       value=inputs.horizon_years),
        AssumptionUsed(id="org.discount_rate", title="Discount rate", unit="share a year", source="org profile",
                       value=inputs.discount_rate),
        AssumptionUsed(id="org.exchange_rate", title=f"{inputs.currency} for one {inputs.quote_currency}",
                       unit=inputs.currency, source=inputs.exchange_rate_source, value=inputs.exchange_rate),
        AssumptionUsed(id="risk.control_effectiveness", title="Control effectiveness (0-100)", unit="points",
                       source="risk score of this assessment", value=inputs.control_effectiveness),
        AssumptionUsed(id="risk.privacy_effectiveness",
                       title="Control effectiveness of the privacy and tracking categories (0-100)", unit="points",
                       source="risk score of this assessment" if inputs.privacy_effectiveness is not None
                       else "no privacy or tracking control applies: the overall effectiveness stands in",
                       value=inputs.privacy_effectiveness),
        AssumptionUsed(id="risk.decision", title="Risk decision", unit="", source="risk score of this assessment",
                       value=inputs.risk_decision),
        AssumptionUsed(id="org.annual_turnover", title="Worldwide annual turnover", unit=inputs.currency,
                       source="org profile" if inputs.annual_turnover
                       else "not given: the fixed amounts of the fine caps apply and outages lose no revenue",
                       value=inputs.annual_turnover),
        AssumptionUsed(id="org.online_revenue_share", title="Share of turnover through customer-facing channels",
                       unit="share", source=inputs.online_revenue_basis,
                       value=inputs.online_revenue_share if inputs.online_revenue_share is not None
                       else assumptions.loss.outage.online_revenue_share.value),
        AssumptionUsed(id="org.data_subjects", title="Regimes in play and their share of the data subjects",
                       unit="share", source=inputs.data_subject_basis or "test inputs",
                       value=", ".join(f"{regime}: {share:.0%}" for regime, share in shares.items()) or "none"),
        AssumptionUsed(id="graph.customer_facing", title="Customer-facing systems that would depend on the tool",
                       unit="", source="systems graph" if inputs.integrations_basis == "graph" else "no inventory",
                       value=", ".join(inputs.customer_facing) or "none"),
    ]


def walk(node: object, path: str, rows: list[AssumptionUsed]) -> None:
    """Every sourced number of the assumptions file, with its path (the id the model draws it under)."""
    if isinstance(node, Spread):
        rows.append(AssumptionUsed(id=path, title=node.title, unit=node.unit, source=node.source, low=node.low,
                                   likely=node.likely, high=node.high))
    elif isinstance(node, Value):
        rows.append(AssumptionUsed(id=path, title=node.title, unit=node.unit, source=node.source, value=node.value))
    elif isinstance(node, Cap):
        rows.append(AssumptionUsed(
            id=path, title=node.title, unit=node.unit, source=node.source,
            value=f"{node.fixed:,.0f} {node.unit} or {node.turnover_share:.0%} of turnover, the higher"))
    elif isinstance(node, Factors):
        rows.append(AssumptionUsed(id=path, title=node.title, unit=node.unit, source=node.source,
                                   value=", ".join(f"{key}: {value:g}" for key, value in node.factors.items())))
    elif isinstance(node, ExchangeRates):
        rows.append(AssumptionUsed(id=path, title=node.title, unit=node.unit, source=node.source,
                                   value=", ".join(f"{key}: {value:g}" for key, value in node.per_eur.items())))
    elif isinstance(node, Roles):
        rows.append(AssumptionUsed(id=path, title=node.title, unit=f"{node.unit} per hour", source=node.source,
                                   value=", ".join(f"{role}: {rate.hourly_rate:.2f}"
                                                   for role, rate in sorted(node.rates.items()))))
    elif isinstance(node, SharedDrivers):
        rows.append(AssumptionUsed(id=path, title=node.title, unit=node.unit, source=node.source,
                                   value=", ".join(node.parameters)))
    elif isinstance(node, Capability):
        return  # not a number: the answers it reads are listed as capability.<id>
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            walk(getattr(node, name), f"{path}.{name}" if path else name, rows)
    elif isinstance(node, dict):
        for key, value in node.items():
            walk(value, f"{path}.{key}", rows)
    elif isinstance(node, tuple):
        for item in node:
            walk(item, f"{path}.{getattr(item, 'id', '')}", rows)
