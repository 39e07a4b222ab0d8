"""The sensitivity ranking by re-simulation: what moves the decision, not what moves a most-likely NPV.

Each uncertain input is pinned at its low quantile (the 10th percentile), then its high one (the 90th), while
every other input stays random on the same trials (common random numbers: the tornado's trials, drawn from the
run's streams). Read off each: the probability that built to last is cheaper (its losses simulated) and the mean
difference (its expected loss in closed form, with the input pinned). Inputs are ranked by the swing of the
probability, then of the mean difference. Only the cost terms and loss scenarios a pinned input reaches are
priced again, both quantiles in one pass, so a ranking of forty inputs costs a few runs of the tornado's trials.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskengine.tco.assumptions import OPTION_IDS, SCENARIO_IDS, Assumptions, OptionId, ScenarioId, Spread
from riskengine.tco.draws import Draw, MonteCarlo, Pinned, Tables
from riskengine.tco.inputs import TcoInputs
from riskengine.tco.losses import Expectation, ScenarioExpectation, expected_losses, simulate_losses
from riskengine.tco.model import (
    GROUPED_STREAMS,
    SHAPES,
    Amount,
    Discounting,
    OptionModel,
    Shape,
    Term,
    option_model,
    powers,
)
from riskengine.tco.result import Sensitivity, Tornado
from riskengine.tco.sampling import FloatArray, Streams

_GE: OptionId = "good_enough"
_BTL: OptionId = "built_to_last"
LossPv = dict[ScenarioId, dict[OptionId, FloatArray]]
"""The present value of each scenario's simulated loss, per option and trial."""


@dataclass(frozen=True)
class _Decision:
    probability: float
    difference: float


def tornado(inputs: TcoInputs, assumptions: Assumptions, seed: int, tables: Tables | None = None) -> Tornado:
    """Every input's effect on the decision, largest effect on the probability first (``tables``: the run's
    tabulated ranges, when the ranking is part of a run)."""
    settings = assumptions.simulation.tornado
    quantiles = (settings.low_quantile.value, settings.high_quantile.value)
    ranking = _Ranking(inputs, assumptions, seed, int(settings.trials.value),
                       tables or Tables(assumptions.simulation.pert_lambda.value))
    rows = [ranking.row(group, streams, quantiles) for group, streams in _groups(ranking.base.inputs).items()]
    rows.sort(key=lambda row: (-row.probability_swing, -row.swing, row.assumption_id))
    at_base = ranking.decision(ranking.nonloss, ranking.loss, ranking.exact)
    return Tornado(trials=ranking.base.rows, low_quantile=quantiles[0], high_quantile=quantiles[1],
                   base_probability=round(at_base.probability, 4), base_difference=round(at_base.difference, 2),
                   rows=tuple(rows))


class _Ranking:
    """The tornado's trials priced once with nothing pinned; ``row`` prices them again with one input pinned."""

    def __init__(self, inputs: TcoInputs, assumptions: Assumptions, seed: int, trials: int, tables: Tables) -> None:
        self._inputs, self._assumptions, self._tables = inputs, assumptions, tables
        self.base = MonteCarlo(Streams(seed), trials, tables)
        self._tiled: dict[tuple[str, float, float, float], FloatArray] = {}
        self._discounting = Discounting(inputs.horizon_years, inputs.discount_rate)
        self._costs = {option: _Costs(option_model(inputs, assumptions, option), self.base, self._discounting)
                       for option in OPTION_IDS}
        self.nonloss = {option: self._costs[option].npv for option in OPTION_IDS}
        self._reads: dict[ScenarioId, set[str]] = {}
        """The input streams each scenario's losses read: only those scenarios are simulated again."""
        self.loss: LossPv = {}
        for scenario in SCENARIO_IDS:
            with self.base.recording() as drawn:
                self.loss[scenario] = self._loss_pv(self.base, scenario)
            self._reads[scenario] = drawn
        self.exact = {scenario.id: scenario
                      for scenario in expected_losses(inputs, assumptions, Expectation(tables))}

    def row(self, group: str, streams: frozenset[str], quantiles: tuple[float, float]) -> Sensitivity:
        """The decision with ``streams`` pinned at each quantile: both quantiles in one pass of the model (its
        rows: the low block of trials, then the high one)."""
        trials = self.base.rows
        pinned = Pinned(self.base, streams, quantiles, self._tiled)
        touched = [scenario for scenario in SCENARIO_IDS if streams & self._reads[scenario]]
        costs = {option: self._costs[option].pinned(pinned, streams) for option in OPTION_IDS
                 if streams & self._costs[option].streams}
        losses = {scenario: self._loss_pv(pinned, scenario) for scenario in touched}
        decisions = []
        for block, quantile in enumerate(quantiles):
            part = slice(block * trials, (block + 1) * trials)
            closed = dict(self.exact)
            if touched:
                expectation = Expectation(self._tables, streams, quantile)
                closed.update({scenario.id: scenario for scenario in expected_losses(
                    self._inputs, self._assumptions, expectation, touched)})
            decisions.append(self.decision(
                {option: costs[option][part] if option in costs else self.nonloss[option] for option in OPTION_IDS},
                {scenario: ({option: losses[scenario][option][part] for option in OPTION_IDS}
                            if scenario in losses else self.loss[scenario]) for scenario in SCENARIO_IDS},
                closed))
        return _row(group, streams, self.base.inputs, self._tables, quantiles, decisions)

    def decision(self, nonloss: dict[OptionId, FloatArray], loss: LossPv,
                 closed: dict[ScenarioId, ScenarioExpectation]) -> _Decision:
        """The probability that built to last is cheaper (losses simulated) and the mean difference (losses in
        closed form) on one set of trials."""
        total = {option: nonloss[option] + sum(loss[scenario][option] for scenario in SCENARIO_IDS)
                 for option in OPTION_IDS}
        expected = {option: sum(scenario.expected(option) for scenario in closed.values()) for option in OPTION_IDS}
        difference = float(np.mean(nonloss[_BTL] - nonloss[_GE])) + (expected[_BTL] - expected[_GE]) * float(
            self._discounting.mid.sum())
        return _Decision(float(np.mean(total[_BTL] < total[_GE])), difference)

    def _loss_pv(self, draw: Draw, scenario: ScenarioId) -> dict[OptionId, FloatArray]:
        losses = simulate_losses(self._inputs, self._assumptions, draw, (scenario,))
        present: dict[OptionId, FloatArray] = {}
        for option in OPTION_IDS:
            present[option] = self._discounting.mid @ losses[option][scenario].loss
        return present


class _Costs:
    """One option's costs (without loss) on the tornado's trials, term by term, so that a pinned input re-prices
    only the terms it reaches (each term's inputs are recorded as it is priced, not declared)."""

    def __init__(self, model: OptionModel, base: MonteCarlo, discounting: Discounting) -> None:
        self._model, self._discounting = model, discounting
        self._profile_inputs: dict[Shape, set[str]] = {}
        profiles: dict[Shape, FloatArray] = {}
        for shape, rates in self._changing():
            with base.recording() as drawn:
                profiles[shape] = self._profile(shape, rates(base, {}))
            self._profile_inputs[shape] = drawn
        self._weights = {shape: self._weight(shape, profiles.get(shape)) for shape in SHAPES}
        self._terms: list[tuple[Term, set[str], FloatArray]] = []
        for term in model.terms:
            with base.recording() as drawn:
                amount = term.amount(base, {}) * term.rate  # a new dict: each term records every input it reads
            self._terms.append((term, drawn, amount))
        self.npv: FloatArray = sum((amount * self._weights[term.shape] for term, _, amount in self._terms),
                                   np.zeros(base.rows))
        self.streams = set().union(*self._profile_inputs.values(), *(drawn for _, drawn, _ in self._terms))

    def pinned(self, draw: Pinned, streams: frozenset[str]) -> FloatArray:
        """The NPV per row of ``draw`` (its blocks: the base's trials, one block per quantile)."""
        blocks = draw.rows // self.npv.size
        weights = dict(self._weights)
        for shape, rates in self._changing():
            if streams & self._profile_inputs[shape]:
                weights[shape] = self._weight(shape, self._profile(shape, rates(draw, {})))
        npv = np.tile(self.npv, blocks)

        def tiled(values: FloatArray | float) -> FloatArray | float:
            return np.tile(values, blocks) if isinstance(values, np.ndarray) else values

        for term, drawn, amount in self._terms:
            moved_amount, moved_weight = bool(streams & drawn), weights[term.shape] is not self._weights[term.shape]
            if moved_amount or moved_weight:
                before = np.tile(amount, blocks) * tiled(self._weights[term.shape])
                after_amount = term.amount(draw, {}) * term.rate if moved_amount else np.tile(amount, blocks)
                after = after_amount * (weights[term.shape] if moved_weight else tiled(weights[term.shape]))
                npv += after - before
        return npv

    def _changing(self) -> tuple[tuple[Shape, Amount], ...]:
        """The shapes that change from year to year, and the rates that change them."""
        return (("upkeep", self._model.growth), ("renewal", self._model.uplift))

    def _profile(self, shape: Shape, values: FloatArray) -> FloatArray:
        years = range(self._model.years)
        exponents = list(years) if shape == "upkeep" else [year // self._model.term_years for year in years]
        return powers(1.0 + values, exponents)

    def _weight(self, shape: Shape, profile: FloatArray | None) -> FloatArray | float:
        factor = self._discounting.factor[shape]
        if profile is None:
            return float(factor.sum())
        weight: FloatArray = factor @ profile
        return weight


def _groups(drawn: dict[str, list[Spread]]) -> dict[str, frozenset[str]]:
    """The inputs to pin: every stream drawn through a range that varies; a connection's build hours join the
    group of all connections."""
    groups: dict[str, set[str]] = {}
    for stream, spreads in sorted(drawn.items()):
        if all(spread.high <= spread.low for spread in spreads):
            continue
        group = next((name for name, prefix in GROUPED_STREAMS.items() if stream.startswith(prefix)), stream)
        groups.setdefault(group, set()).add(stream)
    return {group: frozenset(streams) for group, streams in groups.items()}


def _row(group: str, streams: frozenset[str], drawn: dict[str, list[Spread]], tables: Tables,
         quantiles: tuple[float, float], decisions: list[_Decision]) -> Sensitivity:
    spreads = [spread for stream in sorted(streams) for spread in drawn[stream]]
    at_low = sum(tables.of(spread).at(quantiles[0]) for spread in spreads)
    at_high = sum(tables.of(spread).at(quantiles[1]) for spread in spreads)
    title, detail = spreads[0].title, ""
    if group in GROUPED_STREAMS:
        title = "Build hours of all new connections"
    elif len(spreads) > 1:
        # A shared driver: one random number, each option's own range ("Good enough: connector upkeep ...").
        what = title.split(": ", 1)[-1]
        title = f"{what[:1].upper()}{what[1:]} (both options)"
        at_low, at_high = tables.of(spreads[0]).at(quantiles[0]), tables.of(spreads[0]).at(quantiles[1])
        detail = "; ".join(f"{spread.title.split(': ', 1)[0].lower()} {tables.of(spread).at(quantiles[0]):.3g} to "
                           f"{tables.of(spread).at(quantiles[1]):.3g}" for spread in spreads)
    low, high = decisions
    return Sensitivity(
        assumption_id=group, title=title, unit=spreads[0].unit, low=round(at_low, 4), high=round(at_high, 4),
        difference_at_low=round(low.difference, 2), difference_at_high=round(high.difference, 2),
        swing=round(abs(high.difference - low.difference), 2),
        probability_at_low=round(low.probability, 4), probability_at_high=round(high.probability, 4),
        probability_swing=round(abs(high.probability - low.probability), 4), detail=detail)
