"""The Monte Carlo and everything read off it: the headline, percentiles, bands, loss curves, sensitivity.

``total_cost_of_ownership`` prices the questionnaire's quote; ``price_offers`` prices several offers on the
same random numbers. Both are pure: the same inputs, assumptions, trial count and seed give the same result,
byte for byte. The seed defaults to ``simulation.seed`` in ``scoring/tco.yaml``, a fixed number, so that every
report is reproducible and two vendors are priced on the same random numbers.

Trials run in batches (``simulation.precision``) until the standard error of the mean difference and of the
probability meet their targets, or the cap: the batch boundaries are fixed, and every stream is read in order,
so where a run stops decides how many futures it has, never which ones. A given ``trials`` runs exactly that
many.

The expected totals use the expected loss in closed form (E[N] x E[X] per scenario) and the simulated mean of
every other line; the simulated losses give the spread: percentiles, probabilities, the loss exceedance curve.
The closed form is exact where the simulated mean of the losses would carry the noise of rare, costly events,
so the mean difference's standard error is that of the other lines alone (conditional expectation as variance
reduction: Law and Kelton, Simulation Modeling and Analysis, 5th ed., 2015, ch. 11).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from riskengine.tco.assumptions import OPTION_IDS, SCENARIO_IDS, Assumptions, LineId, OptionId, ScenarioId
from riskengine.tco.draws import MonteCarlo, MostLikely, Tables
from riskengine.tco.exceedance import Exceedance, amounts_grid, loss_exceedance
from riskengine.tco.headline import (
    breakeven,
    build_headline,
    closeness,
    horizon_text,
    mean_median_note,
    rounded,
    year_one_sentence,
)
from riskengine.tco.inputs import TcoInputs
from riskengine.tco.losses import (
    FORMS,
    Gaps,
    ScenarioExpectation,
    Simulated,
    credited,
    expected_losses,
    simulate_losses,
)
from riskengine.tco.losses import Expectation as ClosedForm
from riskengine.tco.model import LINE_TITLES, LINES, Discounting, Ledger, available, option_ledger
from riskengine.tco.offers import Offer, offer_inputs
from riskengine.tco.result import (
    Chargeback,
    CostLine,
    DeterministicLine,
    Estimate,
    LossForm,
    LossScenario,
    NotAvailable,
    OfferComparison,
    OfferOption,
    OptionHeadline,
    OptionResult,
    Percentiles,
    Precision,
    PricedOffer,
    TcoResult,
    YearBand,
)
from riskengine.tco.sampling import FloatArray, Streams
from riskengine.tco.sources import assumptions_used
from riskengine.tco.tornado import tornado

_GE: OptionId = "good_enough"
_BTL: OptionId = "built_to_last"


def total_cost_of_ownership(inputs: TcoInputs, assumptions: Assumptions, *, trials: int | None = None,
                            seed: int | None = None) -> TcoResult:
    """Price both options of the questionnaire's quote: the headline, the lines, the ranges and the sensitivity.

    ``trials``: exactly that many; None: batches until the errors meet ``simulation.precision`` in tco.yaml.
    """
    return _price([inputs], assumptions, trials=trials, seed=seed).results[0]


def price_offers(inputs: TcoInputs, offers: Sequence[Offer], assumptions: Assumptions, *, trials: int | None = None,
                 seed: int | None = None) -> OfferComparison:
    """Price several offers (plans or vendors), each in both adoption styles, on the same random numbers.

    ``inputs`` are the questionnaire's (``tco_inputs``); each offer replaces the quote fields it names
    (``offer_inputs``). The run stops when every offer's errors and the probability that each offer and style
    is the cheapest meet their targets.
    """
    if not offers:
        raise ValueError("price_offers needs at least one offer")
    ids = [offer.id for offer in offers]
    if len(set(ids)) != len(ids):
        raise ValueError(f"offer ids must be unique: {', '.join(ids)}")
    priced = _price([offer_inputs(inputs, offer, assumptions) for offer in offers], assumptions, trials=trials,
                    seed=seed)
    return _comparison(list(offers), priced, assumptions)


# --- The run --------------------------------------------------------------------------------------------------

@dataclass
class _Option:
    """What one option's batches leave behind: per-trial arrays, and sums for the means."""

    pv: list[FloatArray] = field(default_factory=list)
    """Present value of the costs other than loss, per year and trial (years x trials)."""
    loss: list[FloatArray] = field(default_factory=list)
    """Simulated loss per year and trial (undiscounted), every scenario."""
    chance: dict[ScenarioId, list[FloatArray]] = field(default_factory=dict)
    """Per scenario, the chance of at least one loss event within the horizon in each trial."""
    line_years: dict[LineId, FloatArray] = field(default_factory=dict)
    """Per line, the sum over the trials of its cost in each year."""
    line_pv: dict[LineId, float] = field(default_factory=dict)
    """Per line, the sum over the trials of its present value."""
    hours: dict[str, FloatArray] = field(default_factory=dict)
    """Per role, the sum over the trials of its hours in each year."""

    def record(self, ledger: Ledger, losses: dict[ScenarioId, Simulated], discounting: Discounting) -> None:
        """Keep one batch: its per-trial arrays, and its sums for the means."""
        self.pv.append(ledger.pv_by_year(discounting))
        scenarios = list(losses.values())
        self.loss.append(sum((simulated.loss for simulated in scenarios[1:]), scenarios[0].loss))
        for scenario, simulated in losses.items():
            self.chance.setdefault(scenario, []).append(simulated.chance)
        by_year, present = ledger.line_sums(discounting)
        for line, values in by_year.items():
            self.line_years[line] = self.line_years[line] + values if line in self.line_years else values
        for line, value in present.items():
            self.line_pv[line] = self.line_pv.get(line, 0.0) + value
        for role, hours in ledger.hour_sums(discounting).items():
            self.hours[role] = self.hours[role] + hours if role in self.hours else hours


@dataclass
class _Priced:
    """One inputs (the questionnaire's quote or an offer) through the run."""

    inputs: TcoInputs
    discounting: Discounting
    scenarios: tuple[ScenarioExpectation, ...]
    options: dict[OptionId, _Option]
    _joined: dict[tuple[OptionId, str], tuple[int, FloatArray]] = field(default_factory=dict)

    @property
    def expected_loss(self) -> dict[OptionId, float]:
        return {option: sum(scenario.expected(option) for scenario in self.scenarios) for option in OPTION_IDS}

    def joined(self, option: OptionId, what: Literal["pv", "loss", "nonloss_npv", "total_npv"]) -> FloatArray:
        """The batches' arrays joined (and the NPVs worked out), once per number of batches."""
        batches = len(self.options[option].pv)
        cached = self._joined.get((option, what))
        if cached is not None and cached[0] == batches:
            return cached[1]
        if what == "pv":
            value = np.concatenate(self.options[option].pv, axis=1)
        elif what == "loss":
            value = np.concatenate(self.options[option].loss, axis=1)
        elif what == "nonloss_npv":
            value = self.joined(option, "pv").sum(axis=0)
        else:
            value = self.joined(option, "nonloss_npv") + self.discounting.mid @ self.joined(option, "loss")
        self._joined[option, what] = (batches, value)
        return value

    def nonloss_npv(self, option: OptionId) -> FloatArray:
        return self.joined(option, "nonloss_npv")

    def total_npv(self, option: OptionId) -> FloatArray:
        return self.joined(option, "total_npv")

    def expected_total(self, option: OptionId) -> float:
        return float(np.mean(self.nonloss_npv(option))) + self.expected_loss[option] * float(
            self.discounting.mid.sum())

    def difference(self) -> Estimate:
        """The mean difference (built to last minus good enough) and its standard error (the closed-form
        expected loss carries none)."""
        paired = self.nonloss_npv(_BTL) - self.nonloss_npv(_GE)
        loss = (self.expected_loss[_BTL] - self.expected_loss[_GE]) * float(self.discounting.mid.sum())
        return Estimate(value=float(paired.mean()) + loss, standard_error=_standard_error(paired))

    def probability(self) -> Estimate:
        return _share(self.total_npv(_BTL) < self.total_npv(_GE))


@dataclass
class _Run:
    assumptions: Assumptions
    tables: Tables
    priced: list[_Priced]
    trials: int
    batches: int
    stopped: Literal["targets_met", "trial_cap", "fixed_trials"]
    seed: int
    seed_basis: str

    @property
    def results(self) -> list[TcoResult]:
        return [_result(priced, self) for priced in self.priced]


def _price(inputs_list: list[TcoInputs], assumptions: Assumptions, *, trials: int | None,
           seed: int | None) -> _Run:
    if trials is not None and trials < 1:
        raise ValueError("trials must be at least 1")
    precision = assumptions.simulation.precision
    seed_basis = "given" if seed is not None else "fixed default (scoring/tco.yaml simulation.seed)"
    seed = seed if seed is not None else assumptions.simulation.seed
    tables = Tables(assumptions.simulation.pert_lambda.value)
    streams = Streams(seed)
    priced = [_Priced(inputs, Discounting(inputs.horizon_years, inputs.discount_rate),
                      expected_losses(inputs, assumptions, ClosedForm(tables)),
                      {option: _Option() for option in OPTION_IDS}) for inputs in inputs_list]
    batch, cap = int(precision.batch_trials.value), int(precision.max_trials.value)
    done, batches = 0, 0
    while True:
        # A fixed count runs in the same batches (arrays of a batch stay in the processor's cache, which makes
        # a batch of 20,000 trials nearly twice as fast per trial as one of 100,000); every stream is read in
        # order, so the numbers are those of one batch of all the trials.
        rows = min(trials - done, batch) if trials is not None else batch
        _batch(priced, assumptions, MonteCarlo(streams, rows, tables))
        done, batches = done + rows, batches + 1
        if trials is not None:
            if done >= trials:
                return _Run(assumptions, tables, priced, done, batches, "fixed_trials", seed, seed_basis)
        elif _settled(priced, assumptions):
            return _Run(assumptions, tables, priced, done, batches, "targets_met", seed, seed_basis)
        elif done >= cap:
            return _Run(assumptions, tables, priced, done, batches, "trial_cap", seed, seed_basis)


def _batch(priced: list[_Priced], assumptions: Assumptions, draw: MonteCarlo) -> None:
    """One batch of trials for every inputs, on the batch's numbers (common to the options and the offers: the
    offers' loss events too, drawn for the largest gap among them)."""
    gaps = Gaps.of(*(item.inputs for item in priced))
    for item in priced:
        losses = simulate_losses(item.inputs, assumptions, draw, gaps=gaps)
        for option in OPTION_IDS:
            item.options[option].record(option_ledger(item.inputs, assumptions, option, draw), losses[option],
                                        item.discounting)


def _settled(priced: list[_Priced], assumptions: Assumptions) -> bool:
    """Whether every inputs' mean difference and probability (and, for offers, each probability of being the
    cheapest and the gap between the two cheapest) meet their error targets."""
    precision = assumptions.simulation.precision
    limit = precision.probability_error.value
    for item in priced:
        difference = item.difference()
        if difference.standard_error > _difference_target(item, difference, assumptions):
            return False
        if item.probability().standard_error > limit:
            return False
    if len(priced) > 1:
        totals = _offer_totals(priced)
        if any(estimate.standard_error > limit for estimate in _cheapest_shares(totals)):
            return False
        gap = _runner_up_gap(priced)
        if gap is not None and gap[1].standard_error > _gap_target(gap[1], gap[0], assumptions):
            return False
    return True


def _difference_target(item: _Priced, difference: Estimate, assumptions: Assumptions) -> float:
    smaller = min(item.expected_total(option) for option in OPTION_IDS)
    return _gap_target(difference, smaller, assumptions)


def _gap_target(difference: Estimate, smaller_total: float, assumptions: Assumptions) -> float:
    """The standard error a difference must reach: a share of it, or (near zero) a share of the smaller total."""
    precision = assumptions.simulation.precision
    return max(precision.difference_relative_error.value * abs(difference.value),
               precision.difference_floor.value * abs(smaller_total))


def _standard_error(values: FloatArray) -> float:
    return float(values.std(ddof=1) / math.sqrt(values.size)) if values.size > 1 else 0.0


def _share(hits: npt.NDArray[np.bool_]) -> Estimate:
    """A probability and its standard error; a share of 0 or 1 is given the error of half a trial, not zero."""
    count = hits.size
    share = float(np.mean(hits))
    bounded = min(max(share, 0.5 / count), 1 - 0.5 / count)
    return Estimate(value=share, standard_error=math.sqrt(bounded * (1 - bounded) / count))


# --- Reading one result -------------------------------------------------------------------------------------

def _result(item: _Priced, run: _Run) -> TcoResult:
    """Everything a reader sees of one inputs, read off the run."""
    inputs, assumptions = item.inputs, run.assumptions
    annual_losses = {option: item.joined(option, "loss") for option in OPTION_IDS}
    curves = {option: (Exceedance(annual_losses[option].sum(axis=0)), Exceedance(annual_losses[option].ravel()))
              for option in OPTION_IDS}
    amounts = amounts_grid([curve for pair in curves.values() for curve in pair])
    read = {option: _read_option(item, option, run, curves[option], amounts) for option in OPTION_IDS}
    good_enough, built_to_last = read[_GE].headline, read[_BTL].headline
    difference = Estimate(value=round(built_to_last.expected_total - good_enough.expected_total, 2),
                          standard_error=round(item.difference().standard_error, 2))
    probability = item.probability()
    probability = Estimate(value=round(probability.value, 4), standard_error=round(probability.standard_error, 5))
    gap = read[_BTL].means - read[_GE].means
    headline = build_headline(inputs, assumptions, (good_enough, built_to_last), difference, probability, gap)
    ranked = tornado(inputs, assumptions, run.seed, run.tables)
    return TcoResult(
        currency=inputs.currency, horizon_years=inputs.horizon_years, discount_rate=inputs.discount_rate,
        trials=run.trials, seed=run.seed, seed_basis=run.seed_basis, assumptions_sha256=assumptions.sha256,
        options=(read[_GE].result, read[_BTL].result),
        difference_npv=_percentiles(read[_BTL].totals - read[_GE].totals, difference.value),
        year_one_premium=headline.year_one_premium, breakeven_year=headline.breakeven_year,
        breakeven_year_expected=breakeven(gap), probability_built_to_last_cheaper=probability.value,
        recommendation=year_one_sentence(assumptions, headline), verdict=headline.recommendation,
        sensitivity=ranked.rows[:3], assumptions=assumptions_used(assumptions, inputs), inputs=inputs,
        headline=headline, precision=_precision(item, run, assumptions), tornado=ranked,
        not_available=_not_available(inputs, assumptions), risk_appetite=inputs.risk_appetite)


@dataclass(frozen=True)
class _Read:
    """One option read off the run: its result, its headline figures, each future's total and the expected
    cumulative cost at the end of each year."""

    result: OptionResult
    headline: OptionHeadline
    totals: FloatArray
    means: FloatArray


def _read_option(item: _Priced, option: OptionId, run: _Run, curves: tuple[Exceedance, Exceedance],
                 amounts: FloatArray) -> _Read:
    inputs, assumptions, trials = item.inputs, run.assumptions, run.trials
    state, expected_loss, mid = item.options[option], item.expected_loss[option], item.discounting.mid
    lines = _lines(state, expected_loss, item.discounting, trials, inputs.horizon_years)
    expected_total = round(sum(line.npv for line in lines), 2)
    pv = item.joined(option, "pv")
    cumulative = pv + mid[:, None] * item.joined(option, "loss")
    for year in range(1, inputs.horizon_years):  # a running sum down the years, a row at a time (numpy's cumsum
        cumulative[year] += cumulative[year - 1]  # along the first axis is several times slower here)
    totals = cumulative[-1].copy()  # per future, in trial order (the bands sort ``cumulative``)
    means = np.cumsum(pv.mean(axis=1) + expected_loss * mid)
    means[-1] = expected_total  # the same figure as the lines' sum, to the cent
    scenarios = _scenarios(item, option, state, assumptions)
    exceedance = loss_exceedance(*curves, amounts, inputs.risk_appetite, _chance_of_loss(state))
    bands = _bands(cumulative, means)
    typical = bands[-1].p50  # the median of the totals: the last year's band
    title = assumptions.options[option].title
    result = OptionResult(
        id=option, title=title, summary=assumptions.options[option].summary,
        npv=Percentiles(p10=bands[-1].p10, p50=typical, p90=bands[-1].p90, mean=expected_total),
        cumulative=bands, lines=lines, chargeback=_chargeback(state, inputs, trials),
        expected_annual_loss=_money(expected_loss),
        deterministic=_most_likely(inputs, assumptions, option, item.discounting, expected_loss),
        scenarios=scenarios, loss_exceedance=exceedance)
    # The scenario with the costliest events explains why the mean sits above the median.
    costliest = max((scenario for scenario in scenarios if scenario.applies),
                    key=lambda scenario: scenario.magnitude, default=None)
    note = mean_median_note(assumptions, inputs.currency, expected_total, typical,
                            costliest.title if costliest else "loss events",
                            costliest.chance_over_horizon if costliest else exceedance.chance_of_loss,
                            horizon_text(assumptions.wording, inputs.horizon_years))
    year_one = sum(line.by_year[0] for line in lines if line.id != "expected_loss")
    headline = OptionHeadline(
        id=option, title=title, expected_total=expected_total, typical_total=typical, mean_median_note=note,
        expected_year_one=_money(year_one), expected_annual_loss=_money(expected_loss),
        chance_of_loss=exceedance.chance_of_loss, within_appetite=exceedance.within_appetite)
    return _Read(result, headline, totals, means)


def _chance_of_loss(state: _Option) -> float:
    """The share of futures with at least one loss event of any scenario over the horizon: per future, one minus
    the product of the chances of none (outages, priced at their expected count, give a chance, not a count)."""
    none = np.ones(sum(chance.size for chance in next(iter(state.chance.values()))))
    for chances in state.chance.values():
        none *= 1.0 - np.concatenate(chances)
    return float(1.0 - none.mean())


def _lines(state: _Option, expected_loss: float, discounting: Discounting, trials: int,
           years: int) -> tuple[CostLine, ...]:
    """Every line's expected cost per year and present value; the expected loss line is the closed form."""
    lines = []
    for line in LINES:
        if line == "expected_loss":
            by_year, present = np.full(years, expected_loss), expected_loss * float(discounting.mid.sum())
        else:
            by_year = state.line_years.get(line, np.zeros(years)) / trials
            present = state.line_pv.get(line, 0.0) / trials
        lines.append(CostLine(id=line, title=LINE_TITLES[line], by_year=_amounts(by_year), npv=_money(present)))
    return tuple(lines)


def _scenarios(item: _Priced, option: OptionId, state: _Option, assumptions: Assumptions
               ) -> tuple[LossScenario, ...]:
    rows = []
    for scenario in item.scenarios:
        forms = tuple(LossForm(id=form, title=FORMS[form][0], kind=FORMS[form][1], per_event=_money(amount))
                      for form, amount in scenario.forms.items())
        chance = float(np.mean(np.concatenate(state.chance[scenario.id]))) if scenario.applies else 0.0
        rows.append(LossScenario(
            id=scenario.id, title=scenario.title, applies=scenario.applies, reason=scenario.reason,
            frequency=round(scenario.frequency[option], 6), magnitude=_money(scenario.magnitude),
            expected_annual_loss=_money(scenario.expected(option)),
            factor_credited=scenario.credited.get(option, credited(item.inputs, assumptions, option, scenario.id)),
            forms=forms, chance_over_horizon=round(chance, 5)))
    return tuple(rows)


def _most_likely(inputs: TcoInputs, assumptions: Assumptions, option: OptionId, discounting: Discounting,
                 expected_loss: float) -> DeterministicLine:
    """Every input at its most likely value, plus the one expected loss."""
    ledger = option_ledger(inputs, assumptions, option, MostLikely())
    by_year_sums, present = ledger.line_sums(discounting)
    years = inputs.horizon_years
    lines = []
    for line in LINES:
        if line == "expected_loss":
            yearly, value = np.full(years, expected_loss), expected_loss * float(discounting.mid.sum())
        else:
            yearly, value = by_year_sums.get(line, np.zeros(years)), present.get(line, 0.0)
        lines.append(CostLine(id=line, title=LINE_TITLES[line], by_year=_amounts(yearly), npv=_money(value)))
    pv = ledger.pv_by_year(discounting)[:, 0] + expected_loss * discounting.mid
    by_year = ledger.pv_by_year(Discounting(years, 0.0))[:, 0] + expected_loss
    return DeterministicLine(by_year=_amounts(by_year), cumulative=_amounts(np.cumsum(pv)),
                             npv=round(sum(line.npv for line in lines), 2), lines=tuple(lines))


def _chargeback(state: _Option, inputs: TcoInputs, trials: int) -> tuple[Chargeback, ...]:
    rows = []
    for rate in inputs.hourly_rates:
        hours = state.hours.get(rate.role)
        if hours is None:
            continue
        hours = hours / trials
        rows.append(Chargeback(role=rate.role, hourly_rate=_money(rate.hourly_rate),
                               hours_by_year=tuple(round(float(h), 1) for h in hours),
                               cost_by_year=_amounts(hours * rate.hourly_rate), rate_source=rate.source))
    return tuple(rows)


def _not_available(inputs: TcoInputs, assumptions: Assumptions) -> tuple[NotAvailable, ...]:
    """What an option would include that the vendor's plan does not make possible: left out, not priced."""
    missing = []
    titles = {capability.id: capability for capability in inputs.capabilities}

    def reason(needs: tuple[str, ...]) -> str:
        lacking = [titles[need] for need in needs if need in titles and not titles[need].offered]
        return "not available from this vendor: " + "; ".join(
            f"{item.title} ({f'answered {item.answer}' if item.answer else 'not answered'}"
            f"{f', {item.place}' if item.place else ''})" for item in lacking)

    for option_id in OPTION_IDS:
        option = assumptions.options[option_id]
        for item in option.items:
            if not available(item.needs, inputs):
                missing.append(NotAvailable(option=option_id, id=item.id, title=item.title, needs=item.needs,
                                            reason=reason(item.needs)))
        for scenario in SCENARIO_IDS:
            factor = option.risk_factors.of(scenario)
            if not available(factor.needs, inputs):
                missing.append(NotAvailable(
                    option=option_id, id=f"risk_factors.{scenario}", title=factor.title, needs=factor.needs,
                    reason=reason(factor.needs) + "; the rate is taken as the vendor's own (1.0)"))
    return tuple(missing)


def _precision(item: _Priced, run: _Run, assumptions: Assumptions) -> Precision:
    difference, probability = item.difference(), item.probability()
    target = _difference_target(item, difference, assumptions)
    limit = assumptions.simulation.precision.probability_error.value
    return Precision(trials=run.trials, batches=run.batches, stopped=run.stopped,
                     difference_error_target=_money(target), probability_error_target=limit,
                     difference_error=_money(difference.standard_error),
                     probability_error=round(probability.standard_error, 5),
                     met=difference.standard_error <= target and probability.standard_error <= limit)


def _percentiles(values: FloatArray, mean: float) -> Percentiles:
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return Percentiles(p10=_money(p10), p50=_money(p50), p90=_money(p90), mean=mean)


def _bands(cumulative: FloatArray, means: FloatArray) -> tuple[YearBand, ...]:
    """The P10 / P50 / P90 of each year's cumulative cost (``cumulative``, years x trials, is sorted in place:
    sorting is faster here than partitioning)."""
    cumulative.sort(axis=1)
    ordered = cumulative
    low, middle, high = (_sorted_percentile(ordered, q) for q in (10, 50, 90))
    return tuple(YearBand(year=index + 1, p10=_money(low[index]), p50=_money(middle[index]),
                          p90=_money(high[index]), mean=_money(means[index])) for index in range(means.size))


def _sorted_percentile(ordered: FloatArray, percent: float) -> FloatArray:
    """The percentile of each row of a row-sorted array, interpolated as numpy's default (linear) method."""
    position = percent / 100 * (ordered.shape[1] - 1)
    below = math.floor(position)
    above = min(below + 1, ordered.shape[1] - 1)
    fraction = position - below
    values: FloatArray = ordered[:, below] + fraction * (ordered[:, above] - ordered[:, below])
    return values


def _money(value: object) -> float:
    return round(float(value), 2)  # type: ignore[arg-type]


def _amounts(values: FloatArray) -> tuple[float, ...]:
    return tuple(_money(value) for value in values)


# --- Offers -------------------------------------------------------------------------------------------------

def _offer_totals(priced: list[_Priced]) -> dict[tuple[int, OptionId], FloatArray]:
    return {(index, option): item.total_npv(option) for index, item in enumerate(priced) for option in OPTION_IDS}


def _cheapest_shares(totals: dict[tuple[int, OptionId], FloatArray]) -> list[Estimate]:
    """For each offer and style, the share of futures in which it costs least (ties to the first listed)."""
    keys = list(totals)
    cheapest = np.argmin(np.stack([totals[key] for key in keys]), axis=0)
    return [_share(cheapest == index) for index in range(len(keys))]


def _expected_ranking(priced: list[_Priced]) -> list[tuple[float, int, OptionId]]:
    return sorted((item.expected_total(option), index, option)
                  for index, item in enumerate(priced) for option in OPTION_IDS)


def _runner_up_gap(priced: list[_Priced]) -> tuple[float, Estimate] | None:
    """The smallest expected total, and the runner-up's expected total minus it with its standard error."""
    ranking = _expected_ranking(priced)
    if len(ranking) < 2:
        return None
    (best, first, first_option), (_, second, second_option) = ranking[0], ranking[1]
    paired = priced[second].nonloss_npv(second_option) - priced[first].nonloss_npv(first_option)
    mid = float(priced[first].discounting.mid.sum())
    loss = (priced[second].expected_loss[second_option] - priced[first].expected_loss[first_option]) * mid
    return best, Estimate(value=float(paired.mean()) + loss, standard_error=_standard_error(paired))


def _comparison(offers: list[Offer], run: _Run, assumptions: Assumptions) -> OfferComparison:
    results = run.results
    shares = _cheapest_shares(_offer_totals(run.priced))
    options = []
    for index, (offer, result) in enumerate(zip(offers, results, strict=True)):
        for position, option in enumerate(result.headline.options):
            share = shares[2 * index + position]
            options.append(OfferOption(
                offer_id=offer.id, option=option.id, title=f"{offer.title}, {option.title.lower()}",
                expected_total=option.expected_total,
                probability_cheapest=Estimate(value=round(share.value, 4),
                                              standard_error=round(share.standard_error, 5))))
    ranking = sorted(options, key=lambda item: (item.expected_total, item.offer_id, item.option))
    gap = _runner_up_gap(run.priced)
    difference = None if gap is None else Estimate(value=round(gap[1].value, 2),
                                                   standard_error=round(gap[1].standard_error, 2))
    cheapest, runner_up = ranking[0], ranking[1] if len(ranking) > 1 else None
    close = closeness(difference, cheapest.expected_total, assumptions) if difference else None
    too_close = bool(close and close.too_close)
    wording = assumptions.wording
    z = assumptions.simulation.precision.confidence_z.value
    error = z * difference.standard_error if difference else 0.0
    titles = {offer.id: offer.title for offer in offers}
    option_titles = {option: assumptions.options[option].title.lower() for option in OPTION_IDS}
    values = {"offer": titles[cheapest.offer_id], "option": option_titles[cheapest.option],
              "horizon": horizon_text(wording, run.priced[0].inputs.horizon_years),
              "currency": run.priced[0].inputs.currency, "total": f"{cheapest.expected_total:,.0f}",
              "difference": rounded(difference.value, error) if difference else "0",
              "error": rounded(error, error), "next": runner_up.title if runner_up else "",
              "probability": f"{round(cheapest.probability_cheapest.value * 100)}",
              "materiality": f"{assumptions.simulation.headline.materiality.value * 100:g}"}
    values["reason"] = (wording.close_interval if close and close.reason == "interval"
                        else wording.close_material).format(**values)
    sentence = (wording.offer_too_close if too_close else wording.offer_cheapest).format(**values)
    first = results[0]
    return OfferComparison(
        currency=first.currency, horizon_years=first.horizon_years, trials=run.trials, seed=run.seed,
        offers=tuple(PricedOffer(offer=offer, result=result) for offer, result in zip(offers, results, strict=True)),
        ranking=tuple(ranking), cheapest=cheapest, runner_up=runner_up, difference_to_runner_up=difference,
        too_close_to_call=too_close, recommendation=sentence, precision=first.precision)
