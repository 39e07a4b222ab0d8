"""The cost model: the cost lines of one option for many rows at once, and when each amount is paid.

A row is one Monte Carlo trial, the single "every input at its most likely value" row, or a trial of the
sensitivity ranking with one input pinned: the model asks a ``Draw`` for the value of each uncertain input and
computes with whole numpy arrays, so the same code serves all three (see docs/tco.md for every formula). The
loss lines are in ``losses.py``.

Costs are in the organisation's currency; year 1 is index 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from riskengine.tco.assumptions import Assumptions, LineId, LineItem, OptionId, Spread
from riskengine.tco.draws import Draw
from riskengine.tco.inputs import TcoInputs, connection_keys
from riskengine.tco.sampling import FloatArray

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
    "expected_loss": "Expected loss (breach, outage, regulatory action)",
}
LINES: tuple[LineId, ...] = tuple(LINE_TITLES)
Shape = Literal["go_live", "renewal", "subscription", "during", "upkeep", "exit"]
"""When an amount is paid and how it spreads over the years:

- ``go_live``: once, at go-live (t = 0, in year 1): vendor fees, project and build hours, training;
- ``renewal``: every year, billed in advance (start of year t, t - 1), rising at each contract renewal:
  licences and support;
- ``subscription``: every year, billed in advance, flat: iPaaS and other subscriptions an option adds;
- ``during``: every year, spread through the year (discounted at mid-year, t - 0.5), flat: yearly work;
- ``upkeep``: as ``during``, growing each year with the option's upkeep growth (technical-debt interest);
- ``exit``: once, at the end of the horizon (t = H).
"""
SHAPES: tuple[Shape, ...] = ("go_live", "renewal", "subscription", "during", "upkeep", "exit")
GROUPED_STREAMS = {"integration.hours": "integration.hours."}
"""Inputs the sensitivity ranking moves together: every connection's build hours are one input."""


class Discounting:
    """When a unit amount of each shape is paid in each year, and what it is worth today.

    Year t's costs are discounted by (1 + r) ^ -(t - 1) when billed in advance, (1 + r) ^ -(t - 0.5) when spread
    through the year (the mid-year convention), 1 at go-live and (1 + r) ^ -H at the end of the horizon.
    """

    def __init__(self, years: int, rate: float) -> None:
        self.years, self.rate = years, rate
        year = np.arange(1, years + 1, dtype=np.float64)
        start, mid = (1.0 + rate) ** -(year - 1.0), (1.0 + rate) ** -(year - 0.5)
        first, last = np.zeros(years), np.zeros(years)
        first[0], last[-1] = 1.0, 1.0
        ones = np.ones(years)
        self.paid: dict[Shape, FloatArray] = {"go_live": first, "renewal": ones, "subscription": ones,
                                              "during": ones, "upkeep": ones, "exit": last}
        """Which years a unit amount of each shape is paid in (before growth and renewals)."""
        self.factor: dict[Shape, FloatArray] = {"go_live": first, "renewal": start, "subscription": start,
                                                "during": mid, "upkeep": mid,
                                                "exit": last * (1.0 + rate) ** -float(years)}
        """The present value of a unit amount of each shape paid in each year (zero where it is not paid)."""
        self.mid = mid
        """Mid-year factors: loss events happen through the year."""


class Ledger:
    """The costs of one option: for each line and each shape, an amount per row (and hours per role).

    Keeping amounts by shape, not by year, means the years are filled once at the end, and a mean per year is
    a sum over the rows instead of a pass over every trial and year.
    """

    def __init__(self, rows: int, years: int, upkeep: FloatArray, renewal: FloatArray) -> None:
        self.rows, self.years = rows, years
        self._profiles: dict[Shape, FloatArray] = {"upkeep": upkeep, "renewal": renewal}
        """Per year and row for the shapes that change from year to year (years x rows)."""
        self.money: dict[tuple[LineId, Shape], FloatArray] = {}
        self.hours: dict[tuple[str, Shape], FloatArray] = {}
        self._weights: dict[tuple[Shape, int], FloatArray | float] = {}

    def add(self, line: LineId, shape: Shape, amount: FloatArray) -> None:
        key = (line, shape)
        self.money[key] = self.money[key] + amount if key in self.money else amount

    def add_hours(self, line: LineId, shape: Shape, role: str, hours: FloatArray, rate: float) -> None:
        self.add(line, shape, hours * rate)
        key = (role, shape)
        self.hours[key] = self.hours[key] + hours if key in self.hours else hours

    def by_shape(self) -> dict[Shape, FloatArray]:
        """Every line's amounts added up, per shape."""
        totals: dict[Shape, FloatArray] = {}
        for (_, shape), amount in self.money.items():
            totals[shape] = totals[shape] + amount if shape in totals else amount
        return totals

    def pv_by_year(self, discounting: Discounting) -> FloatArray:
        """The present value of each row's costs in each year (years x rows: a year's costs lie together)."""
        shapes = self.by_shape()
        flat = [shape for shape in shapes if shape not in self._profiles]
        # The shapes that do not change from year to year: one matrix product (factors x amounts).
        pv: FloatArray = (np.stack([discounting.factor[shape] for shape in flat], axis=1)
                          @ np.stack([shapes[shape] for shape in flat])) if flat else (
            np.zeros((self.years, self.rows)))
        for shape, profile in self._profiles.items():
            if shape in shapes:
                pv += (discounting.factor[shape][:, None] * profile) * shapes[shape]
        return pv

    def npv(self, discounting: Discounting) -> FloatArray:
        """The present value of each row's costs over the horizon."""
        total = np.zeros(self.rows)
        for shape, amount in self.by_shape().items():
            total += amount * self._weight(shape, discounting)
        return total

    def line_sums(self, discounting: Discounting) -> tuple[dict[LineId, FloatArray], dict[LineId, float]]:
        """Per line, the sum over the rows of its cost in each year (undiscounted) and of its present value."""
        by_year: dict[LineId, FloatArray] = {}
        present: dict[LineId, float] = {}
        for (line, shape), amount in self.money.items():
            yearly = self._sum(amount, shape, discounting.paid[shape])
            by_year[line] = by_year[line] + yearly if line in by_year else yearly
            present[line] = present.get(line, 0.0) + float(np.sum(amount * self._weight(shape, discounting)))
        return by_year, present

    def hour_sums(self, discounting: Discounting) -> dict[str, FloatArray]:
        """Per role, the sum over the rows of its internal hours in each year."""
        sums: dict[str, FloatArray] = {}
        for (role, shape), hours in self.hours.items():
            yearly = self._sum(hours, shape, discounting.paid[shape])
            sums[role] = sums[role] + yearly if role in sums else yearly
        return sums

    def _weight(self, shape: Shape, discounting: Discounting) -> FloatArray | float:
        """The present value of a unit amount of ``shape`` over the horizon (per row where it grows)."""
        key = (shape, id(discounting))
        weight = self._weights.get(key)
        if weight is None:
            profile = self._profiles.get(shape)
            weight = self._weights[key] = (float(discounting.factor[shape].sum()) if profile is None
                                           else discounting.factor[shape] @ profile)
        return weight

    def _sum(self, amount: FloatArray, shape: Shape, paid: FloatArray) -> FloatArray:
        profile = self._profiles.get(shape)
        if profile is None:
            return float(np.sum(amount)) * paid
        summed: FloatArray = profile @ amount
        return summed


def option_stream(assumptions: Assumptions, option_id: OptionId, parameter: str) -> str:
    """The stream of an option's parameter: one stream for both options when it is a shared driver."""
    if parameter in assumptions.shared_drivers.parameters:
        return f"options.{parameter}"
    return f"options.{option_id}.{parameter}"


def available(item_needs: tuple[str, ...], inputs: TcoInputs) -> bool:
    """Whether the vendor offers everything an item or a risk factor needs."""
    return all(inputs.offers(need) for need in item_needs)


Amount = Callable[[Draw, dict[str, FloatArray]], FloatArray]
"""An amount per row from the draws; the dict holds values computed once per pricing and used by several terms
(the build hours of all connections)."""


@dataclass(frozen=True)
class Term:
    """One addend of an option's costs: hours of a role (charged at its loaded rate) or money, on a line, paid
    with a shape. The sensitivity ranking prices again only the terms a pinned input reaches."""

    line: LineId
    shape: Shape
    amount: Amount
    role: str | None = None
    rate: float = 1.0
    """The loaded hourly rate of ``role``."""


@dataclass(frozen=True)
class OptionModel:
    """Every cost of one option but the expected loss: its terms, and what makes costs change from year to year
    (upkeep growth, the price rise at each renewal)."""

    years: int
    term_years: int
    """Contract term in whole years: prices rise at each renewal, every ``term_years`` years."""
    growth: Amount
    uplift: Amount
    terms: tuple[Term, ...]

    def profiles(self, draw: Draw, shared: dict[str, FloatArray]) -> dict[Shape, FloatArray]:
        """Per row and year, the multiplier of the shapes that change from year to year."""
        years = range(self.years)
        return {"upkeep": powers(1.0 + self.growth(draw, shared), years),
                "renewal": powers(1.0 + self.uplift(draw, shared), [year // self.term_years for year in years])}

    def ledger(self, draw: Draw) -> Ledger:
        shared: dict[str, FloatArray] = {}
        profiles = self.profiles(draw, shared)
        ledger = Ledger(draw.rows, self.years, upkeep=profiles["upkeep"], renewal=profiles["renewal"])
        for term in self.terms:
            value = term.amount(draw, shared)
            if term.role is None:
                ledger.add(term.line, term.shape, value)
            else:
                ledger.add_hours(term.line, term.shape, term.role, value, term.rate)
        return ledger


def option_ledger(inputs: TcoInputs, assumptions: Assumptions, option_id: OptionId, draw: Draw) -> Ledger:
    """Every cost line of one option except the expected loss (see ``losses.py``)."""
    return option_model(inputs, assumptions, option_id).ledger(draw)


def option_model(inputs: TcoInputs, assumptions: Assumptions, option_id: OptionId) -> OptionModel:
    """The terms of one option's costs (docs/tco.md, "The cost lines")."""
    option = assumptions.options[option_id]
    rate, quote, it_role = inputs.hourly_rate, inputs.exchange_rate, assumptions.integration.role
    terms: list[Term] = []

    def hours(line: LineId, shape: Shape, role: str, amount: Amount) -> None:
        terms.append(Term(line, shape, amount, role, rate(role)))

    # Licences and support: the quote, billed volume, the contract minimum, raised at each renewal.
    key, volume = assumptions.licence.volume_for(inputs.pricing_model)
    terms.append(Term("licences", "renewal", lambda draw, shared: np.maximum(
        inputs.units * inputs.unit_price * draw(f"licence.volume.{key}", volume), inputs.minimum_commitment) * quote))
    terms.append(Term("support", "renewal", lambda draw, shared: np.full(draw.rows, inputs.support_fee * quote)))

    # Implementation: the vendor's fee with overrun, and our project hours.
    implementation = assumptions.implementation
    terms.append(Term("implementation", "go_live", scaled("implementation.overrun", implementation.overrun,
                                                          inputs.implementation_fee * quote)))
    for role, spread in sorted(implementation.internal_hours.items()):
        hours("implementation", "go_live", role, scaled(f"implementation.internal_hours.{role}", spread,
                                                        option.internal_hours_factor.value))

    # Integration: each new connection built once, then kept working every year.
    share_stream = option_stream(assumptions, option_id, "maintenance_share")
    hours("integration", "go_live", it_role,
          lambda draw, shared: _build(inputs, draw, shared) * option.integration_factor.value)
    hours("connectors", "upkeep", it_role,
          lambda draw, shared: _build(inputs, draw, shared) * draw(share_stream, option.maintenance_share))

    # Internal administration, growing with the option's technical-debt interest.
    for role, spread in sorted(assumptions.admin.hours_per_year.items()):
        hours("internal", "upkeep", role, scaled(f"admin.hours_per_year.{role}", spread,
                                                 option.admin_hours_factor.value))

    terms.append(Term("training", "go_live", lambda draw, shared: np.full(draw.rows, inputs.training_fee * quote)))

    # What the option adds (SSO, iPaaS, DPA, documentation, training ...), where the vendor makes it possible.
    for item in option.items:
        if available(item.needs, inputs):
            terms += _item_terms(inputs, assumptions, option_id, item)

    # Exit at the end of the horizon: hours to leave, re-pointing every connection, raised by lock-in.
    leaving = lock_in_factor(inputs, assumptions) * option.exit_factor.value
    for role, spread in sorted(assumptions.exit.hours.items()):
        hours("exit", "exit", role, scaled(f"exit.hours.{role}", spread, leaving))
    repoint = assumptions.exit.repoint_share.value * leaving
    hours("exit", "exit", it_role, lambda draw, shared: _build(inputs, draw, shared) * repoint)

    growth_stream = option_stream(assumptions, option_id, "upkeep_growth")
    return OptionModel(
        years=inputs.horizon_years, term_years=max(1, math.ceil(inputs.term_months / 12)),
        growth=lambda draw, shared: draw(growth_stream, option.upkeep_growth),
        uplift=lambda draw, shared: np.minimum(draw("licence.uplift", assumptions.licence.uplift), inputs.uplift_cap),
        terms=tuple(terms))


def _build(inputs: TcoInputs, draw: Draw, shared: dict[str, FloatArray]) -> FloatArray:
    """The build hours of all connections, worked out once per pricing."""
    build = shared.get("build")
    if build is None:
        build = shared["build"] = integration_hours(inputs, draw)
    return build


def _item_terms(inputs: TcoInputs, assumptions: Assumptions, option_id: OptionId, item: LineItem) -> list[Term]:
    count = len(inputs.integrations) if item.per_integration else 1
    prefix = f"options.{option_id}.items.{item.id}"
    terms = []
    for role, spread in sorted(item.hours.items()):
        terms.append(Term(item.line, "go_live" if item.when == "once" else "during",
                          scaled(f"{prefix}.hours.{role}", spread, count), role, inputs.hourly_rate(role)))
    if item.amount is not None:
        money = assumptions.to_currency(item.amount.unit, inputs.currency, inputs.org_exchange_rates) * count
        terms.append(Term(item.line, "go_live" if item.when == "once" else "subscription",
                          scaled(f"{prefix}.amount", item.amount, money)))
    return terms


def scaled(stream: str, spread: Spread, factor: float) -> Amount:
    """An input's draws times a fixed factor."""
    return lambda draw, shared: draw(stream, spread) * factor


def powers(base: FloatArray, exponents: range | list[int]) -> FloatArray:
    """base ** exponent per row (len(exponents) x rows) for small whole exponents, by repeated multiplication
    (a fraction of the cost of a float power)."""
    exponents = list(exponents)
    powers = [np.ones(base.shape)]
    for _ in range(max(exponents, default=0)):
        powers.append(powers[-1] * base)
    return np.stack([powers[exponent] for exponent in exponents])


def integration_hours(inputs: TcoInputs, draw: Draw) -> FloatArray:
    """Build hours of all new connections per row; each connection has its own range and stream, keyed by what
    it is (not its row), and they are added in the order of those keys, so row order changes nothing."""
    total = np.zeros(draw.rows)
    keyed = sorted(zip(connection_keys(inputs.integrations), inputs.integrations, strict=True),
                   key=lambda pair: pair[0])
    for key, connection in keyed:
        # Validated as IntegrationHours already: built without validating again (this runs in every re-pricing).
        spread = Spread.model_construct(
            title=f"Build hours of the connection to {connection.system}", unit="hours", source=connection.basis,
            low=connection.low, likely=connection.likely, high=connection.high)
        total = total + draw(f"integration.hours.{key}", spread)
    return total


def lock_in_factor(inputs: TcoInputs, assumptions: Assumptions) -> float:
    """How much harder leaving is: proprietary formats (a blank answer counts as the worst) and no open export."""
    exit_assumptions = assumptions.exit
    factors = exit_assumptions.proprietary.factors
    factor = factors.get(inputs.proprietary_formats, max(factors.values()))
    if not set(inputs.export_formats) & set(exit_assumptions.open_formats):
        factor *= exit_assumptions.closed_export.value
    return factor
