"""The Monte Carlo and everything read off it: percentiles, breakeven, probability, sensitivity, wording.

``total_cost_of_ownership`` is pure: the same inputs, assumptions, trial count and seed give the same
result, byte for byte. The seed defaults to ``simulation.seed`` in ``scoring/tco.yaml``, a fixed number, so
that every report is reproducible and two vendors are priced on the same random numbers.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel

from riskengine.tco.assumptions import (
    OPTION_IDS,
    Assumptions,
    Cap,
    ExchangeRates,
    Factors,
    OptionId,
    Roles,
    Spread,
    Value,
)
from riskengine.tco.inputs import TcoInputs
from riskengine.tco.model import (
    LINE_TITLES,
    LINES,
    Ledger,
    discount_factors,
    event_cost,
    expected_annual_loss,
    expected_losses,
    loss_rate,
    option_ledger,
)
from riskengine.tco.result import (
    AssumptionUsed,
    Chargeback,
    CostLine,
    DeterministicLine,
    OptionResult,
    Percentiles,
    Sensitivity,
    TcoResult,
    YearBand,
)
from riskengine.tco.sampling import FloatArray, Streams

SENSITIVITY_COUNT = 3
_GE: OptionId = "good_enough"
_BTL: OptionId = "built_to_last"


def total_cost_of_ownership(inputs: TcoInputs, assumptions: Assumptions, *, trials: int | None = None,
                            seed: int | None = None) -> TcoResult:
    """Price both options: Monte Carlo percentiles, the deterministic line, breakeven and sensitivity."""
    trials = trials if trials is not None else assumptions.simulation.trials
    if trials < 1:
        raise ValueError("trials must be at least 1")
    seed_basis = "given" if seed is not None else "fixed default (scoring/tco.yaml simulation.seed)"
    seed = seed if seed is not None else assumptions.simulation.seed
    weight = assumptions.simulation.pert_lambda.value
    streams = Streams(seed)
    sampled = _Sampled(streams, trials, weight)
    ledgers = {option: option_ledger(inputs, assumptions, option, sampled, trials) for option in OPTION_IDS}
    losses = _simulated_losses(inputs, assumptions, streams, sampled, trials)
    discount = discount_factors(inputs.horizon_years, inputs.discount_rate)
    totals = {option: ledgers[option].total() + losses[option] for option in OPTION_IDS}
    npv = {option: totals[option] @ discount for option in OPTION_IDS}
    cumulative = {option: np.cumsum(totals[option] * discount, axis=1) for option in OPTION_IDS}

    likely = _Scenarios(1, {})
    deterministic = {option: _deterministic(inputs, assumptions, option, likely, discount) for option in OPTION_IDS}
    options = tuple(
        OptionResult(
            id=option, title=assumptions.options[option].title, summary=assumptions.options[option].summary,
            npv=_percentiles(npv[option]), cumulative=_bands(cumulative[option]),
            lines=_lines(ledgers[option].line_means(), losses[option].mean(axis=0), discount),
            chargeback=_chargeback(ledgers[option], inputs),
            expected_annual_loss=_money(expected_annual_loss(inputs, assumptions, option)),
            deterministic=deterministic[option])
        for option in OPTION_IDS)

    # The typical future (medians) sets the year-1 premium and the breakeven; the expected value, with the
    # rare costly breach in it, sets the verdict. Medians of paired differences agree with the probability:
    # built to last is cheaper over the horizon in more than half the trials exactly when the median
    # cumulative difference at the horizon is below zero.
    year_one = {option: float(np.median(totals[option][:, 0])) for option in OPTION_IDS}
    premium = year_one[_BTL] / year_one[_GE] - 1.0 if year_one[_GE] > 0 else 0.0
    gap = cumulative[_BTL] - cumulative[_GE]
    breakeven = _breakeven(np.median(gap, axis=0))
    probability = float(np.mean(npv[_BTL] < npv[_GE]))
    difference = _percentiles(npv[_BTL] - npv[_GE])
    recommendation, verdict = _wording(assumptions, inputs, premium, breakeven, probability, difference.mean)
    return TcoResult(
        currency=inputs.currency, horizon_years=inputs.horizon_years, discount_rate=inputs.discount_rate,
        trials=trials, seed=seed, seed_basis=seed_basis, assumptions_sha256=assumptions.sha256, options=options,
        difference_npv=difference, year_one_premium=round(premium, 4), breakeven_year=breakeven,
        breakeven_year_expected=_breakeven(gap.mean(axis=0)),
        probability_built_to_last_cheaper=round(probability, 4), recommendation=recommendation, verdict=verdict,
        sensitivity=_sensitivity(inputs, assumptions, likely, discount),
        assumptions=_assumptions_used(assumptions, inputs), inputs=inputs)


class _Sampled:
    """Monte Carlo values: one named stream per input, drawn once and shared by both options."""

    def __init__(self, streams: Streams, rows: int, weight: float) -> None:
        self._streams, self._rows, self._weight = streams, rows, weight
        self._drawn: dict[str, FloatArray] = {}

    def __call__(self, name: str, spread: Spread, group: str | None = None) -> FloatArray:
        if name not in self._drawn:
            self._drawn[name] = self._streams.pert(name, self._rows, spread.low, spread.likely, spread.high,
                                                   self._weight)
        return self._drawn[name]


class _Scenarios:
    """Every input at its likely value, except that ``moves`` puts a group at its low or high in some rows.

    Remembers each input it was asked for, so the sensitivity ranking knows what there is to move.
    """

    def __init__(self, rows: int, moves: dict[str, dict[int, Literal["low", "high"]]]) -> None:
        self.rows, self._moves = rows, moves
        self.seen: dict[str, tuple[Spread, str]] = {}

    def __call__(self, name: str, spread: Spread, group: str | None = None) -> FloatArray:
        group = group or name
        self.seen.setdefault(name, (spread, group))
        values = np.full(self.rows, spread.likely)
        for row, end in self._moves.get(group, {}).items():
            values[row] = spread.low if end == "low" else spread.high
        return values


def _simulated_losses(inputs: TcoInputs, assumptions: Assumptions, streams: Streams, sampled: _Sampled,
                      rows: int) -> dict[OptionId, FloatArray]:
    """Loss per trial and year for each option, from the same events (Poisson thinning).

    Events are drawn once at the higher of the options' rates; an event counts for an option when its own
    uniform number falls below that option's share of the higher rate. Each option then sees a Poisson count
    at its own rate, and both see the same events and the same event costs.
    """
    years = inputs.horizon_years
    factors = {option: assumptions.options[option].event_rate_factor.value for option in OPTION_IDS}
    top = max(factors.values())
    losses = {option: np.zeros((rows, years)) for option in OPTION_IDS}
    base = loss_rate(inputs, assumptions, sampled)
    if top <= 0 or not np.any(base > 0):
        return losses
    counts = streams.generator("loss.events").poisson(np.broadcast_to((base * top)[:, None], (rows, years)))
    events = int(counts.sum())
    if events == 0:
        return losses
    cells = np.repeat(np.arange(rows * years), counts.ravel())
    fines, weight = assumptions.fines, assumptions.simulation.pert_lambda.value

    def pert(name: str, spread: Spread) -> FloatArray:
        return streams.pert(name, events, spread.low, spread.likely, spread.high, weight)

    cost = event_cost(
        inputs, assumptions, share=pert("loss.event_share", assumptions.loss.event_share),
        gdpr_weight=(streams.uniform("fines.gdpr.happens", events) < fines.gdpr.probability.value).astype(float),
        gdpr_amount=pert("fines.gdpr.amount", fines.gdpr.amount),
        ccpa_weight=(streams.uniform("fines.ccpa.happens", events) < fines.ccpa.probability.value).astype(float),
        damages=pert("fines.ccpa.damages_per_consumer", fines.ccpa.damages_per_consumer))
    thinning = streams.uniform("loss.thinning", events)
    for option in OPTION_IDS:
        kept = thinning < factors[option] / top
        summed = np.bincount(cells[kept], weights=cost[kept], minlength=rows * years)
        losses[option] = summed.astype(np.float64).reshape(rows, years)
    return losses


def _deterministic(inputs: TcoInputs, assumptions: Assumptions, option: OptionId, likely: _Scenarios,
                   discount: FloatArray) -> DeterministicLine:
    ledger = option_ledger(inputs, assumptions, option, likely, 1)
    loss = expected_losses(inputs, assumptions, option, likely)
    by_year = ledger.total()[0] + loss[0]
    lines = _lines(ledger.line_means(), np.full(inputs.horizon_years, loss[0]), discount)
    return DeterministicLine(by_year=_amounts(by_year), cumulative=_amounts(np.cumsum(by_year * discount)),
                             npv=_money(by_year @ discount), lines=lines)


def _sensitivity(inputs: TcoInputs, assumptions: Assumptions, likely: _Scenarios,
                 discount: FloatArray) -> tuple[Sensitivity, ...]:
    """Tornado ranking: each group of inputs low, then high, the others likely; swing of the NPV difference."""
    groups: dict[str, list[Spread]] = {}
    for name in sorted(likely.seen):
        spread, group = likely.seen[name]
        groups.setdefault(group, []).append(spread)
    moving = [group for group in sorted(groups) if any(s.high > s.low for s in groups[group])]
    moves: dict[str, dict[int, Literal["low", "high"]]] = {
        group: {2 * index + 1: "low", 2 * index + 2: "high"} for index, group in enumerate(moving)}
    scenarios = _Scenarios(1 + 2 * len(moving), moves)
    npv: dict[OptionId, FloatArray] = {}
    for option in OPTION_IDS:
        total = option_ledger(inputs, assumptions, option, scenarios, scenarios.rows).total()
        total += expected_losses(inputs, assumptions, option, scenarios)[:, None]
        npv[option] = total @ discount
    difference = npv[_BTL] - npv[_GE]
    ranked = []
    for index, group in enumerate(moving):
        spreads = groups[group]
        at_low, at_high = float(difference[2 * index + 1]), float(difference[2 * index + 2])
        title = spreads[0].title if len(spreads) == 1 else "Build hours of all new connections"
        ranked.append(Sensitivity(
            assumption_id=group, title=title, unit=spreads[0].unit, low=sum(s.low for s in spreads),
            high=sum(s.high for s in spreads), difference_at_low=_money(at_low),
            difference_at_high=_money(at_high), swing=_money(abs(at_high - at_low))))
    ranked.sort(key=lambda item: (-item.swing, item.assumption_id))
    return tuple(ranked[:SENSITIVITY_COUNT])


def _breakeven(gap: FloatArray) -> int | None:
    """The first year from which the cumulative gap (built to last minus good enough) stays at or below 0."""
    year: int | None = None
    for index in range(gap.size - 1, -1, -1):
        if gap[index] > 0:
            break
        year = index + 1
    return year


def _wording(assumptions: Assumptions, inputs: TcoInputs, premium: float, breakeven: int | None,
             probability: float, difference: float) -> tuple[str, str]:
    wording = assumptions.wording
    years = inputs.horizon_years
    horizon = wording.horizon_one if years == 1 else wording.horizon.format(years=years)
    year_one = (wording.more if premium >= 0 else wording.less).format(percent=round(abs(premium) * 100))
    template = (wording.never if breakeven is None else wording.cheaper_throughout if breakeven == 1
                else wording.pays_back)
    values: dict[str, Any] = {"year_one": year_one, "year": breakeven, "probability": round(probability * 100),
                              "horizon": horizon, "currency": inputs.currency, "difference": f"{abs(difference):,.0f}"}
    verdict = (wording.verdict_good_enough if difference >= 0 else wording.verdict_built_to_last
               if probability >= 0.5 else wording.verdict_insurance)
    return template.format(**values), verdict.format(**values)


def _lines(means: dict[Any, FloatArray], loss: FloatArray, discount: FloatArray) -> tuple[CostLine, ...]:
    lines = []
    for line in LINES:
        by_year = loss if line == "expected_loss" else means.get(line, np.zeros(discount.size))
        lines.append(CostLine(id=line, title=LINE_TITLES[line], by_year=_amounts(by_year),
                              npv=_money(by_year @ discount)))
    return tuple(lines)


def _chargeback(ledger: Ledger, inputs: TcoInputs) -> tuple[Chargeback, ...]:
    rows = []
    means = ledger.hour_means()
    for rate in inputs.hourly_rates:
        hours = means.get(rate.role)
        if hours is None:
            continue
        rows.append(Chargeback(role=rate.role, hourly_rate=_money(rate.hourly_rate),
                               hours_by_year=tuple(round(float(h), 1) for h in hours),
                               cost_by_year=_amounts(hours * rate.hourly_rate), rate_source=rate.source))
    return tuple(rows)


def _percentiles(values: FloatArray) -> Percentiles:
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return Percentiles(p10=_money(p10), p50=_money(p50), p90=_money(p90), mean=_money(values.mean()))


def _bands(cumulative: FloatArray) -> tuple[YearBand, ...]:
    low, middle, high = np.percentile(cumulative, [10, 50, 90], axis=0)
    means = cumulative.mean(axis=0)
    return tuple(YearBand(year=index + 1, p10=_money(low[index]), p50=_money(middle[index]),
                          p90=_money(high[index]), mean=_money(means[index])) for index in range(means.size))


def _money(value: Any) -> float:
    return round(float(value), 2)


def _amounts(values: FloatArray) -> tuple[float, ...]:
    return tuple(_money(value) for value in values)


# --- Every assumption with its source ----------------------------------------------------------------

_ANSWER_FIELDS = {
    "cost.pricing_model": "pricing_model", "cost.currency": "quote_currency", "cost.unit_price": "unit_price",
    "cost.units": "units", "cost.minimum_commitment": "minimum_commitment",
    "cost.implementation_fee": "implementation_fee", "cost.training_fee": "training_fee",
    "cost.support_tier": "support_tier", "cost.support_fee": "support_fee", "cost.term_months": "term_months",
    "cost.uplift_cap": "uplift_cap", "exit.formats": "export_formats", "exit.proprietary": "proprietary_formats",
    "data.records": "records", "data.locations": "data_regions",
}
_MONEY_FIELDS = {"unit_price", "minimum_commitment", "implementation_fee", "training_fee", "support_fee"}


def _assumptions_used(assumptions: Assumptions, inputs: TcoInputs) -> tuple[AssumptionUsed, ...]:
    rows: list[AssumptionUsed] = []
    for role, field in _ANSWER_FIELDS.items():
        value = getattr(inputs, field)
        rows.append(AssumptionUsed(
            id=f"answer.{role}", title=inputs.questions.get(role, role),
            unit=inputs.quote_currency if field in _MONEY_FIELDS else "share" if field == "uplift_cap" else "",
            source=f"questionnaire {inputs.places[role]}" if role in inputs.places else "questionnaire (blank)",
            value=", ".join(value) if isinstance(value, tuple) else value))
    for index, connection in enumerate(inputs.integrations):
        rows.append(AssumptionUsed(id=f"integration.hours[{index}]", title=f"Build hours: {connection.system}",
                                   unit="hours", source=connection.basis, low=connection.low,
                                   likely=connection.likely, high=connection.high))
    rows += [
        AssumptionUsed(id="org.horizon_years", title="Horizon", unit="years", source="org profile",
                       value=inputs.horizon_years),
        AssumptionUsed(id="org.discount_rate", title="Discount rate", unit="share a year", source="org profile",
                       value=inputs.discount_rate),
        AssumptionUsed(id="org.exchange_rate", title=f"{inputs.currency} for one {inputs.quote_currency}",
                       unit=inputs.currency, source=inputs.exchange_rate_source, value=inputs.exchange_rate),
        AssumptionUsed(id="risk.control_effectiveness", title="Control effectiveness (0-100)", unit="points",
                       source="risk score of this assessment", value=inputs.control_effectiveness),
        AssumptionUsed(id="org.annual_turnover", title="Worldwide annual turnover", unit=inputs.currency,
                       source="org profile" if inputs.annual_turnover
                       else "not given: the GDPR caps' fixed amounts apply",
                       value=inputs.annual_turnover),
    ]
    rows += [AssumptionUsed(id=f"rates.{rate.role}", title=f"Loaded hourly rate: {rate.role}",
                            unit=f"{inputs.currency} per hour", source=rate.source, value=round(rate.hourly_rate, 2))
             for rate in inputs.hourly_rates]
    _walk(assumptions, "", rows)
    return tuple(rows)


def _walk(node: object, path: str, rows: list[AssumptionUsed]) -> None:
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
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            _walk(getattr(node, name), f"{path}.{name}" if path else name, rows)
    elif isinstance(node, dict):
        for key, value in node.items():
            _walk(value, f"{path}.{key}", rows)
    elif isinstance(node, tuple):
        for item in node:
            _walk(item, f"{path}.{getattr(item, 'id', '')}", rows)
