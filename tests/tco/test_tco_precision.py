"""Trials in batches until the errors meet their targets: settled numbers, deterministic bytes."""

from __future__ import annotations

from typing import Any

import numpy as np

from riskengine.tco.assumptions import Assumptions, load_assumptions
from riskengine.tco.simulation import _price, total_cost_of_ownership
from tests.tco.factory import make_inputs

ASSUMPTIONS = load_assumptions()


def _precision(batch: int, cap: int, probability_error: float, relative_error: float = 0.01) -> Assumptions:
    precision = ASSUMPTIONS.simulation.precision

    def value(node: Any, number: float) -> Any:
        return node.model_copy(update={"value": number})

    changed = precision.model_copy(update={
        "batch_trials": value(precision.batch_trials, batch), "max_trials": value(precision.max_trials, cap),
        "probability_error": value(precision.probability_error, probability_error),
        "difference_relative_error": value(precision.difference_relative_error, relative_error)})
    return ASSUMPTIONS.model_copy(update={"simulation": ASSUMPTIONS.simulation.model_copy(
        update={"precision": changed})})


def test_the_default_run_meets_its_targets_and_says_so() -> None:
    result = total_cost_of_ownership(make_inputs(records=1_000_000), ASSUMPTIONS, seed=5)
    precision = result.precision
    assert precision.stopped == "targets_met" and precision.met
    assert precision.trials == result.trials and precision.trials % 20_000 == 0
    difference = result.headline.mean_difference
    assert precision.difference_error == difference.standard_error
    assert difference.standard_error <= max(0.01 * abs(difference.value), 0.001 * min(
        option.expected_total for option in result.headline.options))
    assert result.headline.probability_built_to_last_cheaper.standard_error <= 0.01


def test_batches_run_until_the_first_boundary_that_meets_the_targets() -> None:
    """A probability error of 0.006 needs about 7,000 trials near one half: batches of 2,000 stop at 8,000."""
    tight = _precision(batch=2_000, cap=50_000, probability_error=0.006)
    inputs = make_inputs(records=3_000_000, control_effectiveness=95.0)
    result = total_cost_of_ownership(inputs, tight, seed=5)
    precision = result.precision
    assert precision.stopped == "targets_met" and precision.met
    assert precision.trials % 2_000 == 0 and precision.batches == precision.trials // 2_000 >= 3
    assert precision.probability_error <= 0.006
    fewer = total_cost_of_ownership(inputs, tight, trials=precision.trials - 2_000, seed=5)
    assert fewer.precision.stopped == "fixed_trials"
    assert fewer.precision.probability_error > 0.006 or fewer.precision.difference_error > (
        fewer.precision.difference_error_target)


def test_the_cap_stops_a_run_that_cannot_settle_and_says_the_targets_are_not_met() -> None:
    impossible = _precision(batch=1_000, cap=3_000, probability_error=0.0001)
    result = total_cost_of_ownership(make_inputs(records=3_000_000, control_effectiveness=95.0), impossible, seed=5)
    precision = result.precision
    assert (precision.stopped, precision.trials, precision.batches, precision.met) == ("trial_cap", 3_000, 3, False)


def test_the_same_seed_gives_the_same_bytes_in_an_adaptive_run() -> None:
    inputs = make_inputs(records=500_000)
    first = total_cost_of_ownership(inputs, ASSUMPTIONS, seed=9).model_dump_json()
    assert first == total_cost_of_ownership(inputs, ASSUMPTIONS, seed=9).model_dump_json()


def test_where_a_run_stops_changes_how_many_futures_never_which_ones() -> None:
    inputs = make_inputs(records=2_000_000, control_effectiveness=40.0, customer_facing=("web shop",),
                         annual_turnover=1e8)
    short = _price([inputs], ASSUMPTIONS, trials=20_000, seed=6).priced[0]
    long = _price([inputs], ASSUMPTIONS, trials=60_000, seed=6).priced[0]
    for option in ("good_enough", "built_to_last"):
        assert np.array_equal(short.total_npv(option), long.total_npv(option)[:20_000])
        assert np.array_equal(short.joined(option, "loss"), long.joined(option, "loss")[:, :20_000])


def test_a_fixed_trial_count_runs_exactly_that_many() -> None:
    result = total_cost_of_ownership(make_inputs(), ASSUMPTIONS, trials=1_234, seed=1)
    assert (result.trials, result.precision.trials, result.precision.stopped) == (1_234, 1_234, "fixed_trials")
