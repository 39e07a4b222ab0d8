"""The headline: one set of figures, the sum of its lines; the decision rule; the sentences."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskengine.tco.assumptions import load_assumptions
from riskengine.tco.headline import closeness, futures, rounded
from riskengine.tco.result import Estimate, TcoResult
from riskengine.tco.simulation import total_cost_of_ownership
from tests.tco.factory import bent, chain, collapse, connection, make_inputs, no_loss, same_options

ASSUMPTIONS = load_assumptions()


def _check_one_story(result: TcoResult) -> None:
    headline = result.headline
    for option, figures in zip(result.options, headline.options, strict=True):
        assert figures.expected_total == round(sum(line.npv for line in option.lines), 2)
        assert figures.expected_total == option.npv.mean == option.cumulative[-1].mean
        assert figures.typical_total == option.npv.p50 == option.cumulative[-1].p50
        assert figures.expected_annual_loss == option.expected_annual_loss
        assert figures.expected_year_one == pytest.approx(
            sum(line.by_year[0] for line in option.lines if line.id != "expected_loss"), abs=0.05)
    difference = headline.options[1].expected_total - headline.options[0].expected_total
    assert headline.mean_difference.value == pytest.approx(difference, abs=0.011)
    assert result.difference_npv.mean == headline.mean_difference.value
    assert result.probability_built_to_last_cheaper == headline.probability_built_to_last_cheaper.value
    assert (result.year_one_premium, result.breakeven_year) == (headline.year_one_premium, headline.breakeven_year)
    assert result.verdict == headline.recommendation
    assert result.sensitivity == result.tornado.rows[:3]


@settings(max_examples=12, deadline=None)
@given(records=st.integers(0, 5_000_000), effectiveness=st.floats(0, 100), units=st.integers(0, 5_000),
       years=st.integers(1, 6), seed=st.integers(0, 1_000))
def test_the_headline_total_is_the_sum_of_its_lines_and_every_reader_sees_it(
        records: int, effectiveness: float, units: int, years: int, seed: int) -> None:
    inputs = make_inputs(records=records, control_effectiveness=effectiveness, units=float(units),
                         horizon_years=years)
    _check_one_story(total_cost_of_ownership(inputs, ASSUMPTIONS, trials=1_000, seed=seed))


def test_a_constructed_tie_is_too_close_to_call() -> None:
    """Built to last made identical to good enough: the same costs in every future."""
    tie = bent(same_options)
    result = total_cost_of_ownership(make_inputs(), tie, seed=3)
    headline = result.headline
    assert headline.mean_difference.value == 0.0 and headline.too_close_to_call
    assert (headline.choice, headline.close_reason, headline.breakeven_year) == ("too_close_to_call", "interval",
                                                                               None)
    assert headline.recommendation.startswith("Too close to call: over 3 years the expected costs differ by EUR 0")
    assert "Choose on risk, strategic fit and what the vendor offers." in headline.recommendation
    assert "too close to call" in result.recommendation
    assert result.precision.stopped == "targets_met"


def test_a_difference_below_the_materiality_is_too_close_even_when_it_is_precise() -> None:
    difference = Estimate(value=-5_000.0, standard_error=10.0)
    assert closeness(difference, smaller_total=400_000.0, assumptions=ASSUMPTIONS).reason == "materiality"
    assert not closeness(difference, smaller_total=200_000.0, assumptions=ASSUMPTIONS).too_close
    assert closeness(Estimate(value=-5_000.0, standard_error=2_600.0), 200_000.0, ASSUMPTIONS).reason == "interval"


@pytest.mark.parametrize(("probability", "error", "said"), [
    (0.509, 0.003, "half"),   # the headline: noise-level above one half is not "most"
    (0.56, 0.003, "most"), (0.56, 0.01, "half"), (0.3, 0.01, "few"), (0.5, 0.0, "half"), (1.0, 0.0, "most")])
def test_most_futures_is_said_only_when_the_probability_is_clearly_above_one_half(
        probability: float, error: float, said: str) -> None:
    assert futures(Estimate(value=probability, standard_error=error), ASSUMPTIONS) == said


def test_amounts_are_rounded_to_their_error() -> None:
    assert rounded(232_752.4, 170.5) == "232,750"
    assert rounded(-1_447_115.0, 2_418.0) == "1,447,100"
    assert rounded(123.0, 0.0) == "123"


def _dear_upkeep(value: float) -> Any:
    def change(node: dict[str, Any]) -> dict[str, Any]:
        if {"low", "likely", "high"} <= node.keys() and str(node.get("title", "")).startswith(
                "Good enough: yearly growth of upkeep"):
            return {**node, "low": value, "likely": value, "high": value}
        return collapse(node)

    return change


def test_breakeven_and_the_sentences_follow_the_expected_cumulative_costs() -> None:
    fast_debt = bent(chain(_dear_upkeep(0.6), no_loss))
    inputs = make_inputs(horizon_years=5, integrations=(connection(0, 32, 32, 32), connection(1, 20, 20, 20)))
    result = total_cost_of_ownership(inputs, fast_debt, trials=500, seed=2)
    good_enough, built_to_last = result.options
    gap = [b.mean - g.mean for b, g in zip(built_to_last.cumulative, good_enough.cumulative, strict=True)]
    assert gap[0] > 0 > gap[-1]  # dearer at first, cheaper by the end: the case the sentence is for
    expected = next(year for year in range(1, 6) if all(value <= 0 for value in gap[year - 1:]))
    headline = result.headline
    assert headline.breakeven_year == expected == result.breakeven_year_expected
    premium = headline.options[1].expected_year_one / headline.options[0].expected_year_one - 1
    assert headline.year_one_premium == pytest.approx(premium, abs=1e-4)
    assert headline.probability_built_to_last_cheaper.value == 1.0
    assert result.recommendation == (
        f"Built to last costs {round(premium * 100)}\u00a0% more to run in year 1; risk included, it is cheaper "
        f"from year {expected} and 100\u00a0% likely cheaper over 5 years.")
    assert headline.recommendation.startswith("Choose built to last: over 5 years its expected cost is EUR ")
    assert headline.recommendation.endswith("cheaper in most simulated futures (100\u00a0%).")


def test_rare_costly_losses_explain_the_gap_between_mean_and_median() -> None:
    result = total_cost_of_ownership(make_inputs(records=2_000_000, control_effectiveness=90.0),
                                     ASSUMPTIONS, trials=5_000, seed=4)
    for option in result.headline.options:
        assert option.expected_total > 1.05 * option.typical_total
        assert option.mean_median_note.startswith(f"The expected cost (EUR {option.expected_total:,.0f}) is above "
                                                  f"the typical cost (EUR {option.typical_total:,.0f})")
        assert "breach of the tool's data in" in option.mean_median_note
    calm = total_cost_of_ownership(make_inputs(), bent(no_loss), trials=2_000, seed=4)
    assert all("are close" in option.mean_median_note for option in calm.headline.options)


def test_a_decision_that_stands_is_said_so() -> None:
    for decision, stands in (("reject", True), ("more_information_needed", True), ("approve", False)):
        result = total_cost_of_ownership(make_inputs(risk_decision=decision), ASSUMPTIONS, trials=500, seed=1)
        assert result.headline.decision_stands is stands
        if stands:
            assert result.headline.decision_note.startswith("The risk decision (")
            assert "stands whatever the cost" in result.headline.decision_note
        else:
            assert result.headline.decision_note == ""
