"""The cost model: the yearly cost lines of one option and the loss a breach causes, for many rows at once.

A row is one Monte Carlo trial, the single "likely" scenario of the deterministic line, or one scenario of
the sensitivity ranking: the model asks a ``Draw`` for the value of each uncertain input and computes with
whole numpy arrays, so the same code serves all three (see docs/tco.md for every formula).

Costs are in the organisation's currency and undiscounted; year 1 is index 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Literal, Protocol

import numpy as np

from riskengine.tco.assumptions import Assumptions, LineId, OptionId, Spread
from riskengine.tco.inputs import TcoInputs
from riskengine.tco.sampling import FloatArray, pert_mean, pert_quantile

LINE_TITLES: dict[LineId, str] = {
    "licences": "Licences",
    "implementation": "Implementation (vendor fee and project hours)",
    "integration": "Integration: building the new connections",
    "connectors": "Connector upkeep",
    "internal": "Internal admin and upkeep hours (chargeback)",
    "governance": "Governance: SSO, data mapping, DPA, documentation",
    "training": "Training",
    "support": "Support",
    "exit": "Exit and switching at the end of the horizon",
    "expected_loss": "Expected loss from breaches and fines",
}
LINES: tuple[LineId, ...] = tuple(LINE_TITLES)
Shape = Literal["once", "last", "flat", "upkeep", "renewal"]
"""How an amount spreads over the years: year 1 only, the last year only, every year, every year growing
with the option's upkeep growth, or every year rising at each contract renewal."""
SHAPES: tuple[Shape, ...] = ("once", "last", "flat", "upkeep", "renewal")


class Draw(Protocol):
    """The values of one uncertain input for every row."""

    def __call__(self, name: str, spread: Spread, group: str | None = None) -> FloatArray: ...


class Ledger:
    """The costs of one option: for each line and each shape, an amount per row (and hours per role).

    Keeping amounts by shape, not by year, means the years are filled once at the end, and a mean per
    year is a matrix-vector product instead of a pass over every trial and year.
    """

    def __init__(self, rows: int, years: int, upkeep: FloatArray, renewal: FloatArray) -> None:
        self.rows, self.years = rows, years
        first, last = np.zeros(years), np.zeros(years)
        first[0], last[-1] = 1.0, 1.0
        self._profiles: dict[Shape, FloatArray] = {
            "once": np.broadcast_to(first, (rows, years)), "last": np.broadcast_to(last, (rows, years)),
            "flat": np.ones((rows, years)), "upkeep": upkeep, "renewal": renewal}
        self.money: dict[tuple[LineId, Shape], FloatArray] = defaultdict(lambda: np.zeros(rows))
        self.hours: dict[tuple[str, Shape], FloatArray] = defaultdict(lambda: np.zeros(rows))

    def add(self, line: LineId, shape: Shape, amount: FloatArray | float) -> None:
        self.money[line, shape] = self.money[line, shape] + amount

    def add_hours(self, line: LineId, shape: Shape, role: str, hours: FloatArray | float, rate: float) -> None:
        self.add(line, shape, np.multiply(hours, rate))
        self.hours[role, shape] = self.hours[role, shape] + hours

    def total(self) -> FloatArray:
        """Cost per row and year (rows x years), every line added up."""
        by_shape: dict[Shape, FloatArray] = defaultdict(lambda: np.zeros(self.rows))
        for (_, shape), amount in self.money.items():
            by_shape[shape] = by_shape[shape] + amount
        total = np.zeros((self.rows, self.years))
        for shape, amount in by_shape.items():
            total += amount[:, None] * self._profiles[shape]
        return total

    def line_means(self) -> dict[LineId, FloatArray]:
        """The mean cost of each line per year (over the rows)."""
        means: dict[LineId, FloatArray] = {}
        for (line, shape), amount in sorted(self.money.items()):
            means[line] = means.get(line, np.zeros(self.years)) + self._mean(amount, shape)
        return means

    def hour_means(self) -> dict[str, FloatArray]:
        """The mean internal hours of each role per year (over the rows)."""
        means: dict[str, FloatArray] = {}
        for (role, shape), hours in sorted(self.hours.items()):
            means[role] = means.get(role, np.zeros(self.years)) + self._mean(hours, shape)
        return means

    def line_rows(self, line: LineId) -> FloatArray:
        """One line's cost per row and year."""
        total = np.zeros((self.rows, self.years))
        for (name, shape), amount in self.money.items():
            if name == line:
                total += amount[:, None] * self._profiles[shape]
        return total

    def _mean(self, amount: FloatArray, shape: Shape) -> FloatArray:
        mean: FloatArray = np.asarray(amount @ self._profiles[shape], dtype=np.float64) / self.rows
        return mean


def option_ledger(inputs: TcoInputs, assumptions: Assumptions, option_id: OptionId, draw: Draw,
                  rows: int) -> Ledger:
    """Every cost line of one option except the expected loss (see ``annual_losses``)."""
    option = assumptions.options[option_id]
    years = np.arange(inputs.horizon_years)
    growth = draw(f"options.{option_id}.upkeep_growth", option.upkeep_growth)
    uplift = np.minimum(draw("licence.uplift", assumptions.licence.uplift), inputs.uplift_cap)
    renewals = years // max(1, math.ceil(inputs.term_months / 12))
    ledger = Ledger(rows, inputs.horizon_years,
                    upkeep=(1.0 + np.broadcast_to(growth, (rows,))[:, None]) ** years[None, :],
                    renewal=(1.0 + np.broadcast_to(uplift, (rows,))[:, None]) ** renewals[None, :])
    rate = inputs.hourly_rate
    quote = inputs.exchange_rate

    # Licences and support: the quote, billed volume, the contract minimum, raised at each renewal.
    key, volume_range = assumptions.licence.volume_for(inputs.pricing_model)
    volume = draw(f"licence.volume.{key}", volume_range)
    ledger.add("licences", "renewal",
               np.maximum(inputs.units * inputs.unit_price * volume, inputs.minimum_commitment) * quote)
    ledger.add("support", "renewal", inputs.support_fee * quote)

    # Implementation: the vendor's fee with overrun, and our project hours.
    implementation = assumptions.implementation
    ledger.add("implementation", "once",
               inputs.implementation_fee * quote * draw("implementation.overrun", implementation.overrun))
    for role, spread in sorted(implementation.internal_hours.items()):
        hours = draw(f"implementation.internal_hours.{role}", spread) * option.internal_hours_factor.value
        ledger.add_hours("implementation", "once", role, hours, rate(role))

    # Integration: each new connection built once, then kept working every year.
    build = integration_hours(inputs, draw, rows)
    it_role = assumptions.integration.role
    ledger.add_hours("integration", "once", it_role, build * option.integration_factor.value, rate(it_role))
    share = draw(f"options.{option_id}.maintenance_share", option.maintenance_share)
    ledger.add_hours("connectors", "upkeep", it_role, build * share, rate(it_role))

    # Internal administration, growing with the option's technical-debt interest.
    for role, spread in sorted(assumptions.admin.hours_per_year.items()):
        hours = draw(f"admin.hours_per_year.{role}", spread) * option.admin_hours_factor.value
        ledger.add_hours("internal", "upkeep", role, hours, rate(role))

    ledger.add("training", "once", inputs.training_fee * quote)

    # What the option adds: SSO, iPaaS, DPA, documentation, training ...
    connections = len(inputs.integrations)
    for item in option.items:
        count = connections if item.per_integration else 1
        shape: Shape = "once" if item.when == "once" else "flat"
        prefix = f"options.{option_id}.items.{item.id}"
        for role, spread in sorted(item.hours.items()):
            ledger.add_hours(item.line, shape, role, draw(f"{prefix}.hours.{role}", spread) * count, rate(role))
        if item.amount is not None:
            money = assumptions.to_currency(item.amount.unit, inputs.currency, inputs.org_exchange_rates)
            ledger.add(item.line, shape, draw(f"{prefix}.amount", item.amount) * money * count)

    # Exit at the end of the horizon: hours to leave, re-pointing every connection, raised by lock-in.
    leaving = lock_in_factor(inputs, assumptions) * option.exit_factor.value
    for role, spread in sorted(assumptions.exit.hours.items()):
        ledger.add_hours("exit", "last", role, draw(f"exit.hours.{role}", spread) * leaving, rate(role))
    ledger.add_hours("exit", "last", it_role, build * assumptions.exit.repoint_share.value * leaving, rate(it_role))
    return ledger


def integration_hours(inputs: TcoInputs, draw: Draw, rows: int) -> FloatArray:
    """Build hours of all new connections per row; each connection has its own range and stream."""
    total = np.zeros(rows)
    for index, connection in enumerate(inputs.integrations):
        spread = Spread(title=f"Build hours of the connection to {connection.system}", unit="hours",
                        source=connection.basis, low=connection.low, likely=connection.likely,
                        high=connection.high)
        total = total + draw(f"integration.hours[{index}]", spread, group="integration.hours")
    return total


def lock_in_factor(inputs: TcoInputs, assumptions: Assumptions) -> float:
    """How much harder leaving is: proprietary formats (a blank answer counts as the worst) and no open export."""
    exit_assumptions = assumptions.exit
    factors = exit_assumptions.proprietary.factors
    factor = factors.get(inputs.proprietary_formats, max(factors.values()))
    if not set(inputs.export_formats) & set(exit_assumptions.open_formats):
        factor *= exit_assumptions.closed_export.value
    return factor


# --- Risk as cost -----------------------------------------------------------------------------------

def loss_rate(inputs: TcoInputs, assumptions: Assumptions, draw: Draw) -> FloatArray:
    """Loss events a year per row before the option's factor: floor + per-gap rate x control gap."""
    loss = assumptions.loss
    rate: FloatArray = draw("loss.rate_floor", loss.rate_floor) + draw("loss.rate_per_gap", loss.rate_per_gap) * (
        inputs.control_gap)
    return rate


def full_breach_cost(inputs: TcoInputs, assumptions: Assumptions) -> float:
    """The cost of a breach of every record the tool holds: anchor x (records / anchor records) ^ b."""
    loss = assumptions.loss
    if inputs.records <= 0:
        return 0.0
    anchor = loss.severity_anchor.value * assumptions.to_currency(loss.severity_anchor.unit, inputs.currency,
                                                                   inputs.org_exchange_rates)
    return float(anchor * (inputs.records / loss.anchor_records.value) ** loss.severity_exponent.value)


def gdpr_cap(inputs: TcoInputs, assumptions: Assumptions) -> float:
    """The most one GDPR fine can be: Art. 83(4), or 83(5) when data leaves the approved regions."""
    gdpr = assumptions.fines.gdpr
    cap = gdpr.cap_transfer if inputs.transfer_outside_approved else gdpr.cap_security
    fixed = cap.fixed * assumptions.to_currency(cap.unit, inputs.currency, inputs.org_exchange_rates)
    return max(fixed, cap.turnover_share * inputs.annual_turnover) if inputs.annual_turnover else fixed


def event_cost(inputs: TcoInputs, assumptions: Assumptions, share: FloatArray, gdpr_weight: FloatArray | float,
               gdpr_amount: FloatArray, ccpa_weight: FloatArray | float, damages: FloatArray) -> FloatArray:
    """The cost of loss events: the breach share, a GDPR fine (capped) and CCPA statutory damages.

    ``gdpr_amount`` and ``damages`` are in the units of the assumptions file; the weights are 0/1 in the
    Monte Carlo (did a fine follow?) and the probabilities in the deterministic and closed-form uses.
    """
    fines = assumptions.fines
    cost: FloatArray = full_breach_cost(inputs, assumptions) * share
    if "gdpr" in inputs.fine_regimes:
        money = assumptions.to_currency(fines.gdpr.amount.unit, inputs.currency, inputs.org_exchange_rates)
        cost = cost + np.multiply(gdpr_weight, np.minimum(gdpr_amount * money, gdpr_cap(inputs, assumptions)))
    if "ccpa" in inputs.fine_regimes:
        ccpa = fines.ccpa
        money = assumptions.to_currency(ccpa.damages_per_consumer.unit, inputs.currency, inputs.org_exchange_rates)
        consumers = inputs.records * ccpa.consumers_share.value * share
        cost = cost + np.multiply(ccpa_weight, consumers * damages * money)
    return cost


def expected_losses(inputs: TcoInputs, assumptions: Assumptions, option_id: OptionId, draw: Draw) -> FloatArray:
    """Expected loss a year per row at the drawn values (no event sampling): rate x factor x event cost."""
    fines = assumptions.fines
    per_event = event_cost(
        inputs, assumptions, share=draw("loss.event_share", assumptions.loss.event_share),
        gdpr_weight=fines.gdpr.probability.value, gdpr_amount=draw("fines.gdpr.amount", fines.gdpr.amount),
        ccpa_weight=fines.ccpa.probability.value,
        damages=draw("fines.ccpa.damages_per_consumer", fines.ccpa.damages_per_consumer))
    factor = assumptions.options[option_id].event_rate_factor.value
    losses: FloatArray = loss_rate(inputs, assumptions, draw) * factor * per_event
    return losses


def expected_annual_loss(inputs: TcoInputs, assumptions: Assumptions, option_id: OptionId) -> float:
    """The closed form of the simulated yearly loss: E[rate] x factor x E[event cost].

    Exact because the rate, the event share, the fine and the damages are drawn independently; the GDPR
    fine's mean is taken of the capped amount.
    """
    weight = assumptions.simulation.pert_lambda.value
    loss, fines = assumptions.loss, assumptions.fines

    def mean(spread: Spread) -> float:
        return pert_mean(spread.low, spread.likely, spread.high, weight)

    rate = mean(loss.rate_floor) + mean(loss.rate_per_gap) * inputs.control_gap
    share = mean(loss.event_share)
    cost = full_breach_cost(inputs, assumptions) * share
    if "gdpr" in inputs.fine_regimes:
        gdpr = fines.gdpr
        money = assumptions.to_currency(gdpr.amount.unit, inputs.currency, inputs.org_exchange_rates)
        capped = capped_pert_mean(gdpr.amount, gdpr_cap(inputs, assumptions) / money, weight) * money
        cost += gdpr.probability.value * capped
    if "ccpa" in inputs.fine_regimes:
        ccpa = fines.ccpa
        money = assumptions.to_currency(ccpa.damages_per_consumer.unit, inputs.currency, inputs.org_exchange_rates)
        cost += (ccpa.probability.value * inputs.records * ccpa.consumers_share.value * share
                 * mean(ccpa.damages_per_consumer) * money)
    return rate * assumptions.options[option_id].event_rate_factor.value * cost


def capped_pert_mean(spread: Spread, cap: float, weight: float) -> float:
    """E[min(X, cap)] of a PERT range: its mean when the cap lies above the range, else by quadrature."""
    if cap >= spread.high:
        return pert_mean(spread.low, spread.likely, spread.high, weight)
    midpoints = (np.arange(100_000) + 0.5) / 100_000
    values = pert_quantile(midpoints, spread.low, spread.likely, spread.high, weight)
    return float(np.minimum(values, cap).mean())


def discount_factors(years: int, rate: float) -> FloatArray:
    """Costs are paid at the start of each year: year 1 is not discounted, year t by (1 + rate) ^ (t - 1)."""
    factors: FloatArray = (1.0 + rate) ** -np.arange(years, dtype=np.float64)
    return factors

