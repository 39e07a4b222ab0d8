"""The headline: one set of figures, the decision rule and its plain sentences, computed once.

The choice is made on the expected cost over the horizon, risk included (the mean: it adds up over the cost
lines, and it is what a portfolio of such decisions costs), unless the options are too close to call:

- the 95 % interval of the mean difference holds zero (the simulation cannot tell them apart), or
- the mean difference is below ``materiality`` of the smaller expected total (the inputs cannot).

How often built to last is cheaper is said as "most futures" only when the probability's 95 % interval lies
above one half by more than ``probability_band``; "about half" within the band; "only N %" below it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from riskengine.tco.assumptions import Assumptions, Wording
from riskengine.tco.inputs import TcoInputs
from riskengine.tco.result import Estimate, OptionHeadline, TcoHeadline
from riskengine.tco.sampling import FloatArray

Futures = Literal["most", "half", "few"]


@dataclass(frozen=True)
class Closeness:
    """Whether two expected totals are too close to call, and why."""

    too_close: bool
    reason: Literal["", "interval", "materiality"]


def closeness(difference: Estimate, smaller_total: float, assumptions: Assumptions) -> Closeness:
    """Too close to call when the 95 % interval of the difference holds 0, or it is below the materiality."""
    z = assumptions.simulation.precision.confidence_z.value
    if abs(difference.value) <= z * difference.standard_error:
        return Closeness(True, "interval")
    if abs(difference.value) < assumptions.simulation.headline.materiality.value * abs(smaller_total):
        return Closeness(True, "materiality")
    return Closeness(False, "")


def futures(probability: Estimate, assumptions: Assumptions) -> Futures:
    """How to say how often built to last is cheaper, given the probability's precision."""
    z = assumptions.simulation.precision.confidence_z.value
    band = assumptions.simulation.headline.probability_band.value
    margin = z * probability.standard_error
    if probability.value - margin > 0.5 + band:
        return "most"
    if probability.value + margin < 0.5 - band:
        return "few"
    return "half"


def rounded(value: float, error: float) -> str:
    """``value`` to the precision of ``error`` (two significant figures of it), with thousands separators."""
    step = 10.0 ** max(0, math.floor(math.log10(error)) - 1) if error > 0 else 1.0
    return f"{round(abs(value) / step) * step:,.0f}"


def breakeven(gap: FloatArray) -> int | None:
    """The first year from which the cumulative gap (built to last minus good enough) stays at or below 0."""
    year: int | None = None
    for index in range(gap.size - 1, -1, -1):
        if gap[index] > 0:
            break
        year = index + 1
    return year


def horizon_text(wording: Wording, years: int) -> str:
    return wording.horizon_one if years == 1 else wording.horizon.format(years=years)


def mean_median_note(assumptions: Assumptions, currency: str, expected: float, typical: float, scenario: str,
                     chance: float, horizon: str) -> str:
    """Why the expected total is above the typical one (``scenario``, the costliest loss, happens in ``chance``
    of the futures), or that they are close."""
    wording = assumptions.wording
    values = {"currency": currency, "expected": f"{expected:,.0f}", "typical": f"{typical:,.0f}",
              "scenario": scenario[:1].lower() + scenario[1:], "chance": _percent(chance), "horizon": horizon}
    gap = assumptions.simulation.headline.mean_median_gap.value
    if expected - typical > gap * abs(typical):
        return wording.mean_median.format(**values)
    return wording.mean_median_close.format(**values)


def _percent(probability: float) -> str:
    """A probability in whole percents, but never "0" or "100" for one that is neither."""
    percent = round(probability * 100)
    if percent == 0 and probability > 0:
        return "<1"
    if percent == 100 and probability < 1:
        return ">99"
    return str(percent)


def build_headline(inputs: TcoInputs, assumptions: Assumptions, options: tuple[OptionHeadline, OptionHeadline],
                   difference: Estimate, probability: Estimate, expected_gap: FloatArray) -> TcoHeadline:
    """The headline from the figures read off the simulation (``expected_gap``: the expected cumulative
    difference, built to last minus good enough, at the end of each year)."""
    wording = assumptions.wording
    z = assumptions.simulation.precision.confidence_z.value
    good_enough, built_to_last = options
    close = closeness(difference, min(good_enough.expected_total, built_to_last.expected_total), assumptions)
    said = futures(probability, assumptions)
    choice: Literal["built_to_last", "good_enough", "too_close_to_call"] = (
        "too_close_to_call" if close.too_close else "built_to_last" if difference.value < 0 else "good_enough")
    error = z * difference.standard_error
    horizon = horizon_text(wording, inputs.horizon_years)
    values: dict[str, Any] = {
        "horizon": horizon, "currency": inputs.currency, "difference": rounded(difference.value, error),
        "error": rounded(error, error), "probability": _percent(probability.value),
        "materiality": f"{assumptions.simulation.headline.materiality.value * 100:g}"}
    values["futures"] = {"most": wording.futures_most, "half": wording.futures_half,
                         "few": wording.futures_few}[said].format(**values)
    values["reason"] = (wording.close_interval if close.reason == "interval"
                        else wording.close_material).format(**values)
    template = (wording.too_close if close.too_close else wording.choose_good_enough if choice == "good_enough"
                else wording.choose_built_to_last if said == "most" else wording.choose_insurance)
    stands = inputs.risk_decision in ("reject", "more_information_needed")
    decision_label = (wording.decision_reject if inputs.risk_decision == "reject"
                      else wording.decision_more_information_needed)
    premium = (built_to_last.expected_year_one / good_enough.expected_year_one - 1.0
               if good_enough.expected_year_one > 0 else 0.0)
    return TcoHeadline(
        currency=inputs.currency, horizon_years=inputs.horizon_years, options=options,
        mean_difference=difference,
        difference_interval=(round(difference.value - error, 2), round(difference.value + error, 2)),
        probability_built_to_last_cheaper=probability, year_one_premium=round(premium, 4),
        breakeven_year=None if close.too_close else breakeven(expected_gap), choice=choice,
        too_close_to_call=close.too_close, close_reason=close.reason, recommendation=template.format(**values),
        risk_decision=inputs.risk_decision, decision_stands=stands,
        decision_note=wording.decision_stands.format(decision=decision_label) if stands else "")


def year_one_sentence(assumptions: Assumptions, headline: TcoHeadline) -> str:
    """The year-1 sentence (premium, breakeven, probability), on the headline's figures."""
    wording = assumptions.wording
    premium = headline.year_one_premium
    values = {"year_one": (wording.more if premium >= 0 else wording.less).format(percent=round(abs(premium) * 100)),
              "year": headline.breakeven_year, "horizon": horizon_text(wording, headline.horizon_years),
              "probability": _percent(headline.probability_built_to_last_cheaper.value)}
    template = (wording.close if headline.too_close_to_call else wording.never if headline.breakeven_year is None
                else wording.cheaper_throughout if headline.breakeven_year == 1 else wording.pays_back)
    return template.format(**values)
