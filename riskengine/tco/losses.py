"""The FAIR loss model: for each scenario, how often loss events happen and what one costs.

Three scenarios (Open Group Risk Taxonomy O-RT and Risk Analysis O-RA, 3.0.1): (a) a breach of the tool's data,
(b) an outage of a customer-facing path the tool sits on, (c) regulatory action over the tool's processing
without a breach. Each has a loss event frequency (events a year, raised or lowered by the option's risk factor)
and a loss magnitude per event in FAIR's forms of loss: primary (response, replacement, productivity) and
secondary (fines and judgements, reputation).

The same formulas are written twice, and tested against each other: in closed form (``expected_losses``: the
expected annual loss E[N] x E[X] per scenario, the one figure every reader sees) and simulated
(``simulate_losses``: the events and their costs in every trial, for the spread, the probabilities and the loss
exceedance curve). Docs: docs/tco.md, "Risk as cost".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from riskengine.tco.assumptions import (
    OPTION_IDS,
    SCENARIO_IDS,
    Assumptions,
    Cap,
    OptionId,
    ScenarioId,
    Spread,
)
from riskengine.tco.draws import Draw, Tables
from riskengine.tco.inputs import TcoInputs
from riskengine.tco.model import available
from riskengine.tco.sampling import FloatArray, IntArray, pert_mean, poisson_counts

BoolArray = npt.NDArray[np.bool_]

FormId = Literal["response", "replacement", "productivity", "fines_judgements", "reputation"]
FORMS: dict[FormId, tuple[str, Literal["primary", "secondary"]]] = {
    "response": ("Response (investigation, notification, legal, remediation)", "primary"),
    "replacement": ("Replacement (credentials, keys, integration accounts)", "primary"),
    "productivity": ("Productivity (revenue lost while a customer-facing path is down)", "primary"),
    "fines_judgements": ("Fines and judgements", "secondary"),
    "reputation": ("Reputation (lost business)", "secondary"),
}
HOURS_A_YEAR = 8760.0
"""Hours in a year: turnover a year / 8,760 = turnover an hour."""


# --- What applies, and the numbers every scenario needs ----------------------------------------------------

def factor_stream(option_id: OptionId, scenario: ScenarioId) -> str:
    return f"options.{option_id}.risk_factors.{scenario}"


def credited(inputs: TcoInputs, assumptions: Assumptions, option_id: OptionId, scenario: ScenarioId) -> bool:
    """Whether the option's risk factor for ``scenario`` applies: the vendor offers what it rests on."""
    return available(assumptions.options[option_id].risk_factors.of(scenario).needs, inputs)


def applies(inputs: TcoInputs, assumptions: Assumptions, scenario: ScenarioId) -> tuple[bool, str]:
    """Whether a scenario can happen with this tool, and why (or why not), in a sentence."""
    if scenario == "breach":
        if inputs.records <= 0:
            return False, "the tool holds no personal data records"
        return True, f"the tool would hold {inputs.records:,} personal data records"
    if scenario == "outage":
        if not inputs.customer_facing:
            return False, ("no customer-facing system would depend on the tool" if inputs.integrations_basis == "graph"
                           else "no inventory: which customer-facing systems depend on the tool is unknown")
        return True, "customer-facing systems would depend on the tool: " + ", ".join(inputs.customer_facing)
    if inputs.records <= 0:
        return False, "the tool holds no personal data records"
    acting = [regime for regime in inputs.fine_regimes if assumptions.regimes[regime].action is not None]
    if not acting:
        return False, "no regime with regulatory action covers the organisation's data subjects"
    return True, "regimes in play: " + ", ".join(assumptions.regimes[regime].title for regime in acting)


def _money(inputs: TcoInputs, assumptions: Assumptions, unit: str) -> float:
    return assumptions.to_currency(unit, inputs.currency, inputs.org_exchange_rates)


def cap_amount(inputs: TcoInputs, assumptions: Assumptions, cap: Cap) -> float:
    """A legal maximum in the organisation's currency: the fixed amount or the share of turnover, the higher."""
    fixed = cap.fixed * _money(inputs, assumptions, cap.unit)
    return max(fixed, cap.turnover_share * inputs.annual_turnover) if inputs.annual_turnover else fixed


def breach_cap(inputs: TcoInputs, assumptions: Assumptions, regime_id: str) -> float:
    """The cap on a breach fine: the higher one when data is stored outside the approved regions."""
    fine = assumptions.regimes[regime_id].breach_fine
    assert fine is not None
    cap = fine.cap_transfer if inputs.transfer_outside_approved and fine.cap_transfer is not None else fine.cap
    return cap_amount(inputs, assumptions, cap)


def full_breach_cost(inputs: TcoInputs, assumptions: Assumptions) -> float:
    """What a breach of every record the tool holds would cost: anchor x (records / anchor records) ^ b."""
    breach = assumptions.loss.breach
    if inputs.records <= 0:
        return 0.0
    anchor = breach.severity_anchor.value * _money(inputs, assumptions, breach.severity_anchor.unit)
    return float(anchor * (inputs.records / breach.anchor_records.value) ** breach.severity_exponent.value)


def hourly_revenue(inputs: TcoInputs, assumptions: Assumptions) -> float:
    """Customer-facing revenue an hour: turnover x online share / 8,760 (0 without a turnover)."""
    share = inputs.online_revenue_share
    if share is None:
        share = assumptions.loss.outage.online_revenue_share.value
    return (inputs.annual_turnover or 0.0) * share / HOURS_A_YEAR


def _hours_cost(inputs: TcoInputs, hours: dict[str, FloatArray]) -> FloatArray | float:
    total: FloatArray | float = 0.0
    for role, values in sorted(hours.items()):
        total = total + values * inputs.hourly_rate(role)
    return total


# --- Closed form --------------------------------------------------------------------------------------------

class Expectation:
    """Means and expectations of the inputs, for the closed forms: E[X] of a PERT range by its formula, E[g(X)]
    by quadrature on the same tabulated quantile function the draws use. ``pins`` puts input streams at one
    quantile (the sensitivity ranking), so a closed form can be read with one input pinned."""

    def __init__(self, tables: Tables, pins: frozenset[str] = frozenset(), quantile: float = 0.5) -> None:
        self.tables, self._pins, self._quantile = tables, pins, quantile

    def mean(self, stream: str, spread: Spread) -> float:
        if stream in self._pins:
            return self.tables.of(spread).at(self._quantile)
        return pert_mean(spread.low, spread.likely, spread.high, self.tables.weight)

    def points(self, stream: str, spread: Spread) -> FloatArray:
        """Quadrature points: E[g(X)] = mean of g over them (one point when the stream is pinned)."""
        if stream in self._pins:
            return np.array([self.tables.of(spread).at(self._quantile)])
        if spread.high <= spread.low:
            return np.array([spread.low])
        return self.tables.of(spread).points()

    def expect(self, stream: str, spread: Spread, function: Callable[[FloatArray], FloatArray]) -> float:
        return float(np.mean(function(self.points(stream, spread))))


@dataclass(frozen=True)
class ScenarioExpectation:
    """One scenario in closed form: E[events a year] per option and E[loss per event] by form of loss."""

    id: ScenarioId
    title: str
    applies: bool
    reason: str
    frequency: dict[OptionId, float]
    forms: dict[FormId, float] = field(default_factory=dict)
    credited: dict[OptionId, bool] = field(default_factory=dict)
    """Whether the option's risk factor was credited (False: the vendor lacks what it needs; 1.0 applied)."""

    @property
    def magnitude(self) -> float:
        return sum(self.forms.values())

    def expected(self, option: OptionId) -> float:
        """E[N] x E[X]: the expected loss a year (exact, as the events' costs do not depend on their count)."""
        return self.frequency[option] * self.magnitude


def expected_losses(inputs: TcoInputs, assumptions: Assumptions, expectation: Expectation,
                    scenarios: Sequence[ScenarioId] = SCENARIO_IDS) -> tuple[ScenarioExpectation, ...]:
    """The scenarios in closed form (every one unless ``scenarios`` says which)."""
    forms = {"breach": _breach_expected, "outage": _outage_expected, "regulatory": _regulatory_expected}
    return tuple(forms[scenario](inputs, assumptions, expectation) for scenario in scenarios)


def expected_annual_loss(inputs: TcoInputs, assumptions: Assumptions, option_id: OptionId,
                         tables: Tables | None = None) -> float:
    """The expected annual loss of one option: the sum over scenarios of E[N] x E[X]."""
    tables = tables or Tables(assumptions.simulation.pert_lambda.value)
    return sum(scenario.expected(option_id) for scenario in expected_losses(inputs, assumptions, Expectation(tables)))


def _frequencies(inputs: TcoInputs, assumptions: Assumptions, expectation: Expectation, scenario: ScenarioId,
                 base: float) -> tuple[dict[OptionId, float], dict[OptionId, bool]]:
    frequency: dict[OptionId, float] = {}
    credit: dict[OptionId, bool] = {}
    for option in OPTION_IDS:
        credit[option] = credited(inputs, assumptions, option, scenario)
        factor = assumptions.options[option].risk_factors.of(scenario)
        frequency[option] = base * (expectation.mean(factor_stream(option, scenario), factor) if credit[option]
                                    else 1.0)
    return frequency, credit


def _breach_expected(inputs: TcoInputs, assumptions: Assumptions, expectation: Expectation) -> ScenarioExpectation:
    breach = assumptions.loss.breach
    ok, reason = applies(inputs, assumptions, "breach")
    if not ok:
        return ScenarioExpectation("breach", breach.title, False, reason, dict.fromkeys(OPTION_IDS, 0.0))
    base = (expectation.mean("loss.breach.rate_floor", breach.rate_floor)
            + expectation.mean("loss.breach.rate_per_gap", breach.rate_per_gap) * inputs.control_gap)
    frequency, credit = _frequencies(inputs, assumptions, expectation, "breach", base)
    exponent = breach.severity_exponent.value
    share_stream = "loss.breach.records_share"
    cost = full_breach_cost(inputs, assumptions) * expectation.expect(
        share_stream, breach.records_share, lambda share: share ** exponent)
    lost = breach.lost_business_share.value
    forms: dict[FormId, float] = {
        "response": (1 - lost) * cost,
        "replacement": sum(expectation.mean(f"loss.breach.replacement_hours.{role}", spread) * inputs.hourly_rate(role)
                           for role, spread in sorted(breach.replacement_hours.items())),
        "fines_judgements": sum(_breach_fines_expected(inputs, assumptions, expectation, regime)
                                for regime in inputs.fine_regimes),
        "reputation": lost * cost,
    }
    return ScenarioExpectation("breach", breach.title, True, reason, frequency, forms, credit)


def _breach_fines_expected(inputs: TcoInputs, assumptions: Assumptions, expectation: Expectation,
                           regime_id: str) -> float:
    """E[fine] + E[damages] of one regime after a breach (the records breached split by the regime's share)."""
    regime, share = assumptions.regimes[regime_id], inputs.shares()[regime_id]
    breach = assumptions.loss.breach
    exponent, share_stream = breach.severity_exponent.value, "loss.breach.records_share"
    total = 0.0
    if regime.breach_fine is not None:
        fine = regime.breach_fine
        money = _money(inputs, assumptions, fine.amount.unit)
        scale = money * (inputs.records * share / fine.reference_records.value) ** exponent
        cap = breach_cap(inputs, assumptions, regime_id)
        amounts = expectation.points(f"regimes.{regime_id}.breach_fine.amount", fine.amount) * scale
        shares = expectation.points(share_stream, breach.records_share) ** exponent
        mean_fine = _capped_product_mean(amounts, shares, cap)
        total += fine.probability.value * mean_fine
    if regime.breach_damages is not None:
        damages = regime.breach_damages
        money = _money(inputs, assumptions, damages.damages_per_consumer.unit)
        consumers = inputs.records * share * damages.consumers_share.value * expectation.mean(
            share_stream, breach.records_share)
        total += damages.probability.value * consumers * money * expectation.mean(
            f"regimes.{regime_id}.breach_damages.damages_per_consumer", damages.damages_per_consumer)
    return total


def _capped_product_mean(amounts: FloatArray, factors: FloatArray, cap: float) -> float:
    """E[min(cap, A x F)] for independent A and F, given as quadrature points (A's in rising order): for each
    point of F, the mean over A of min(cap, A x f) is (f x the sum of the A below cap / f + cap x the number
    above) / their count, from A's running sums: the full grid of both, without building it."""
    if amounts[-1] * factors.max() <= cap:  # the cap never binds: a product of independent means
        return float(amounts.mean() * factors.mean())
    running = np.concatenate(([0.0], np.cumsum(amounts)))
    with np.errstate(divide="ignore"):
        below = np.searchsorted(amounts, cap / factors, side="right")
    return float(np.mean((factors * running[below] + cap * (amounts.size - below)) / amounts.size))


def _outage_expected(inputs: TcoInputs, assumptions: Assumptions, expectation: Expectation) -> ScenarioExpectation:
    outage = assumptions.loss.outage
    ok, reason = applies(inputs, assumptions, "outage")
    if not ok:
        return ScenarioExpectation("outage", outage.title, False, reason, dict.fromkeys(OPTION_IDS, 0.0))
    frequency, credit = _frequencies(inputs, assumptions, expectation, "outage",
                                     expectation.mean("loss.outage.rate", outage.rate))
    forms: dict[FormId, float] = {
        "productivity": expectation.mean("loss.outage.duration", outage.duration) * hourly_revenue(inputs, assumptions)
        * expectation.mean("loss.outage.revenue_share_lost", outage.revenue_share_lost),
        "response": sum(expectation.mean(f"loss.outage.response_hours.{role}", spread) * inputs.hourly_rate(role)
                        for role, spread in sorted(outage.response_hours.items())),
    }
    return ScenarioExpectation("outage", outage.title, True, reason, frequency, forms, credit)


def _acting_regimes(inputs: TcoInputs, assumptions: Assumptions) -> dict[str, float]:
    """The regimes that can act without a breach, with the chance each is the one acting (by data subjects)."""
    shares = {regime: share for regime, share in inputs.shares().items()
              if assumptions.regimes[regime].action is not None}
    total = sum(shares.values())
    return {regime: share / total for regime, share in shares.items()} if total > 0 else {}


def _regulatory_expected(inputs: TcoInputs, assumptions: Assumptions,
                         expectation: Expectation) -> ScenarioExpectation:
    regulatory = assumptions.loss.regulatory
    ok, reason = applies(inputs, assumptions, "regulatory")
    if not ok:
        return ScenarioExpectation("regulatory", regulatory.title, False, reason, dict.fromkeys(OPTION_IDS, 0.0))
    base = (expectation.mean("loss.regulatory.rate_floor", regulatory.rate_floor)
            + expectation.mean("loss.regulatory.rate_per_gap", regulatory.rate_per_gap) * inputs.privacy_gap)
    frequency, credit = _frequencies(inputs, assumptions, expectation, "regulatory", base)
    fines = 0.0
    for regime_id, weight in _acting_regimes(inputs, assumptions).items():
        action = assumptions.regimes[regime_id].action
        assert action is not None
        money = _money(inputs, assumptions, action.amount.unit)
        cap = cap_amount(inputs, assumptions, action.cap) if action.cap is not None else math.inf
        amounts = expectation.points(f"regimes.{regime_id}.action.amount", action.amount)
        fines += weight * action.probability.value * float(np.mean(np.minimum(amounts * money, cap)))
    counsel = expectation.mean("loss.regulatory.counsel", regulatory.counsel) * _money(
        inputs, assumptions, regulatory.counsel.unit)
    forms: dict[FormId, float] = {
        "response": counsel + sum(
            expectation.mean(f"loss.regulatory.response_hours.{role}", spread) * inputs.hourly_rate(role)
            for role, spread in sorted(regulatory.response_hours.items())),
        "fines_judgements": fines,
    }
    return ScenarioExpectation("regulatory", regulatory.title, True, reason, frequency, forms, credit)


# --- Simulated ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Simulated:
    """One scenario of one option in every trial: its loss per year, and the chance of at least one event."""

    loss: FloatArray
    """Loss per year and trial (years x rows), undiscounted."""
    chance: FloatArray
    """Per trial, the probability of at least one such loss event within the horizon (0 or 1 when the events
    are drawn one by one)."""


Losses = dict[OptionId, dict[ScenarioId, Simulated]]


@dataclass(frozen=True)
class Gaps:
    """The largest control gap and privacy gap the candidate events must allow for: those of one inputs, or of
    every offer of a run (so that the offers share their candidate events)."""

    control: float
    privacy: float

    @classmethod
    def of(cls, *inputs: TcoInputs) -> Gaps:
        return cls(control=max(item.control_gap for item in inputs), privacy=max(item.privacy_gap for item in inputs))


def simulate_losses(inputs: TcoInputs, assumptions: Assumptions, draw: Draw,
                    scenarios: tuple[ScenarioId, ...] = SCENARIO_IDS, gaps: Gaps | None = None) -> Losses:
    """The losses of every trial and year, for both options on the same events.

    Breaches and regulatory actions are rare and costly: they are drawn event by event, as candidate events at a
    rate no option can exceed (every factor at its high, the gap at ``gaps``: the inputs' own by default) and
    thinned: an event counts for an option when its own uniform number falls below the option's share of that
    rate. Each option so sees a Poisson count at its own rate, from the same events with the same costs, and a
    pinned input never reshuffles the events. Outages are frequent and small (about one a year, a few thousand
    each): in each trial a year's outage loss is that trial's rate times its cost per outage; the count's own
    chance is left out, as it moves no figure the report shows.
    """
    years = inputs.horizon_years
    gaps = gaps or Gaps.of(inputs)
    nothing = Simulated(np.zeros((years, draw.rows)), np.zeros(draw.rows))
    losses: Losses = {option: dict.fromkeys(SCENARIO_IDS, nothing) for option in OPTION_IDS}
    simulations: dict[ScenarioId, Callable[[TcoInputs, Assumptions, Draw, Gaps], dict[OptionId, Simulated]]] = {
        "breach": _simulate_breach, "outage": _simulate_outage, "regulatory": _simulate_regulatory}
    for scenario in scenarios:
        if applies(inputs, assumptions, scenario)[0]:
            for option, simulated in simulations[scenario](inputs, assumptions, draw, gaps).items():
                losses[option][scenario] = simulated
    return losses


def _factor(inputs: TcoInputs, assumptions: Assumptions, draw: Draw, option: OptionId,
            scenario: ScenarioId) -> FloatArray | float:
    if not credited(inputs, assumptions, option, scenario):
        return 1.0
    return draw(factor_stream(option, scenario), assumptions.options[option].risk_factors.of(scenario))


def _highest_factor(assumptions: Assumptions, scenario: ScenarioId) -> float:
    return max(1.0, *(assumptions.options[option].risk_factors.of(scenario).high for option in OPTION_IDS))


@dataclass(frozen=True)
class _Candidates:
    """Candidate loss events of a batch: the trial-year cell of each, which of them each option keeps, and the
    indexes of those some option keeps (the only ones whose cost is worked out)."""

    count: int
    cells: IntArray
    kept: dict[OptionId, BoolArray]
    selected: IntArray


def _candidates(draw: Draw, scenario: ScenarioId, years: int, top_rate: float,
                rates: dict[OptionId, FloatArray]) -> _Candidates:
    """Candidate events over each trial's horizon at ``top_rate`` a year, each in a year of its own: a Poisson
    process over the horizon, whose events fall in each year alike."""
    counts = poisson_counts(draw.uniform(f"loss.{scenario}.events", draw.rows), top_rate * years)
    some = np.flatnonzero(counts)
    trial = np.repeat(some, counts[some])
    year = (draw.uniform(f"loss.{scenario}.year", trial.size) * years).astype(np.int64)
    cells = year * draw.rows + trial  # years x trials, as every per-year array
    thinning = draw.uniform(f"loss.{scenario}.thinning", cells.size) * top_rate
    kept = {option: thinning < rates[option][trial] for option in OPTION_IDS}
    selected = np.flatnonzero(kept["good_enough"] | kept["built_to_last"])
    return _Candidates(cells.size, cells[selected], {option: kept[option][selected] for option in OPTION_IDS},
                       selected)


def _spread_over_cells(candidates: _Candidates, costs: FloatArray, rows: int, years: int
                       ) -> dict[OptionId, Simulated]:
    """Each option's kept events added up per trial and year (``costs`` of the selected events)."""
    losses: dict[OptionId, Simulated] = {}
    for option in OPTION_IDS:
        kept = candidates.kept[option]
        summed = np.bincount(candidates.cells[kept], weights=costs[kept], minlength=rows * years)
        hit = np.zeros(rows)
        hit[candidates.cells[kept] % rows] = 1.0
        losses[option] = Simulated(summed.astype(np.float64).reshape(years, rows), hit)
    return losses


def _simulate_breach(inputs: TcoInputs, assumptions: Assumptions, draw: Draw,
                     gaps: Gaps) -> dict[OptionId, Simulated]:
    breach, years, rows = assumptions.loss.breach, inputs.horizon_years, draw.rows
    base = (draw("loss.breach.rate_floor", breach.rate_floor)
            + draw("loss.breach.rate_per_gap", breach.rate_per_gap) * inputs.control_gap)
    rates = {option: base * _factor(inputs, assumptions, draw, option, "breach") for option in OPTION_IDS}
    top = _highest_factor(assumptions, "breach") * (breach.rate_floor.high + breach.rate_per_gap.high * gaps.control)
    candidates = _candidates(draw, "breach", years, top, rates)
    count, selected = candidates.count, candidates.selected
    share = draw.per_event("loss.breach.records_share", breach.records_share, count, selected)
    cost = full_breach_cost(inputs, assumptions) * share ** breach.severity_exponent.value  # B(records x share)
    for role, spread in sorted(breach.replacement_hours.items()):
        hours = draw.per_event(f"loss.breach.replacement_hours.{role}", spread, count, selected)
        cost = cost + hours * inputs.hourly_rate(role)
    cost = cost + _fines_and_damages(inputs, assumptions, draw, candidates, share)
    return _spread_over_cells(candidates, cost, rows, years)


def _fines_and_damages(inputs: TcoInputs, assumptions: Assumptions, draw: Draw, candidates: _Candidates,
                       share: FloatArray) -> FloatArray:
    """What each kept breach (records share ``share``) costs in fines and damages, regime by regime."""
    count, selected = candidates.count, candidates.selected
    exponent = assumptions.loss.breach.severity_exponent.value
    shares, cost = inputs.shares(), np.zeros(selected.size)
    for regime_id in inputs.fine_regimes:
        regime = assumptions.regimes[regime_id]
        if regime.breach_fine is not None:
            fine = regime.breach_fine
            happens = draw.uniform(f"regimes.{regime_id}.breach_fine.happens", count)[selected]
            amount = draw.per_event(f"regimes.{regime_id}.breach_fine.amount", fine.amount, count, selected)
            scale = _money(inputs, assumptions, fine.amount.unit) * (
                inputs.records * shares[regime_id] / fine.reference_records.value) ** exponent
            fined = np.minimum(amount * scale * share ** exponent, breach_cap(inputs, assumptions, regime_id))
            cost += np.where(happens < fine.probability.value, fined, 0.0)
        if regime.breach_damages is not None:
            damages = regime.breach_damages
            happens = draw.uniform(f"regimes.{regime_id}.breach_damages.happens", count)[selected]
            per_consumer = draw.per_event(f"regimes.{regime_id}.breach_damages.damages_per_consumer",
                                          damages.damages_per_consumer, count, selected)
            consumers = inputs.records * shares[regime_id] * damages.consumers_share.value * share
            owed = consumers * per_consumer * _money(inputs, assumptions, damages.damages_per_consumer.unit)
            cost += np.where(happens < damages.probability.value, owed, 0.0)
    return cost


def _simulate_outage(inputs: TcoInputs, assumptions: Assumptions, draw: Draw,
                     gaps: Gaps) -> dict[OptionId, Simulated]:
    """Each trial's outage rate times its cost per outage, every year (``gaps``: unused, no events are drawn)."""
    outage, years = assumptions.loss.outage, inputs.horizon_years
    rate = draw("loss.outage.rate", outage.rate)
    per_outage = (draw("loss.outage.duration", outage.duration) * hourly_revenue(inputs, assumptions)
                  * draw("loss.outage.revenue_share_lost", outage.revenue_share_lost))
    per_outage = per_outage + _hours_cost(inputs, {
        role: draw(f"loss.outage.response_hours.{role}", spread) for role, spread in outage.response_hours.items()})
    losses = {}
    for option in OPTION_IDS:
        rates = rate * _factor(inputs, assumptions, draw, option, "outage")
        yearly = rates * per_outage
        losses[option] = Simulated(np.tile(yearly, (years, 1)), -np.expm1(-rates * years))
    return losses


def _simulate_regulatory(inputs: TcoInputs, assumptions: Assumptions, draw: Draw,
                         gaps: Gaps) -> dict[OptionId, Simulated]:
    regulatory, years, rows = assumptions.loss.regulatory, inputs.horizon_years, draw.rows
    base = (draw("loss.regulatory.rate_floor", regulatory.rate_floor)
            + draw("loss.regulatory.rate_per_gap", regulatory.rate_per_gap) * inputs.privacy_gap)
    rates = {option: base * _factor(inputs, assumptions, draw, option, "regulatory") for option in OPTION_IDS}
    top = _highest_factor(assumptions, "regulatory") * (
        regulatory.rate_floor.high + regulatory.rate_per_gap.high * gaps.privacy)
    candidates = _candidates(draw, "regulatory", years, top, rates)
    count, selected = candidates.count, candidates.selected
    cost = draw.per_event("loss.regulatory.counsel", regulatory.counsel, count, selected) * _money(
        inputs, assumptions, regulatory.counsel.unit)
    cost = cost + _hours_cost(inputs, {
        role: draw.per_event(f"loss.regulatory.response_hours.{role}", spread, count, selected)
        for role, spread in regulatory.response_hours.items()})
    # Which regime acts: one uniform number against the regimes' cumulative shares of the data subjects.
    which = draw.uniform("loss.regulatory.regime", count)[selected]
    lower, acting_regimes = 0.0, _acting_regimes(inputs, assumptions)
    for index, (regime_id, weight) in enumerate(acting_regimes.items()):
        action = assumptions.regimes[regime_id].action
        assert action is not None
        happens = draw.uniform(f"regimes.{regime_id}.action.happens", count)[selected]
        amount = draw.per_event(f"regimes.{regime_id}.action.amount", action.amount, count, selected)
        fined = amount * _money(inputs, assumptions, action.amount.unit)
        if action.cap is not None:
            fined = np.minimum(fined, cap_amount(inputs, assumptions, action.cap))
        upper = lower + weight if index < len(acting_regimes) - 1 else 2.0  # the last takes the rounding
        acting = (which >= lower) & (which < upper) & (happens < action.probability.value)
        cost = cost + np.where(acting, fined, 0.0)
        lower += weight
    return _spread_over_cells(candidates, cost, rows, years)
