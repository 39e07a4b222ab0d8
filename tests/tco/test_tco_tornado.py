"""The sensitivity ranking by re-simulation: what moves the decision, checked against runs made by hand."""

from __future__ import annotations

from typing import Any

import pytest

from riskengine.tco.assumptions import load_assumptions
from riskengine.tco.sampling import Pert
from riskengine.tco.simulation import total_cost_of_ownership
from tests.tco.factory import bent, make_inputs

ASSUMPTIONS = load_assumptions()
INPUTS = make_inputs(records=1_500_000, control_effectiveness=70.0, customer_facing=("web shop",),
                     annual_turnover=2e8)


def _pinned(titles: tuple[str, ...], quantile: float) -> Any:
    """Every range whose title starts with one of ``titles`` fixed at its value at ``quantile``."""
    def change(node: dict[str, Any]) -> dict[str, Any]:
        if {"low", "likely", "high"} <= node.keys() and str(node.get("title", "")).startswith(titles):
            value = Pert(node["low"], node["likely"], node["high"]).at(quantile)
            return {**node, "low": value, "likely": value, "high": value}
        return node

    return change


def test_the_ranking_covers_what_decides_and_is_by_the_probability() -> None:
    result = total_cost_of_ownership(INPUTS, ASSUMPTIONS, trials=2_000, seed=4)
    tornado = result.tornado
    ids = [row.assumption_id for row in tornado.rows]
    for expected in ("options.maintenance_share", "options.upkeep_growth", "options.good_enough.risk_factors.breach",
                     "options.built_to_last.risk_factors.breach", "options.good_enough.risk_factors.outage",
                     "loss.breach.rate_per_gap", "loss.breach.records_share", "integration.hours"):
        assert expected in ids
    keys = [(-row.probability_swing, -row.swing) for row in tornado.rows]
    assert keys == sorted(keys)
    assert tornado.rows[0].probability_swing > 0.05
    assert (tornado.trials, tornado.low_quantile, tornado.high_quantile) == (2_000, 0.1, 0.9)
    shared = next(row for row in tornado.rows if row.assumption_id == "options.maintenance_share")
    assert shared.title.endswith("(both options)") and "good enough" in shared.detail
    # Licence volume moves both options alike: it cannot change which one is cheaper.
    volume = next(row for row in tornado.rows if row.assumption_id.startswith("licence.volume"))
    assert volume.probability_swing == 0 and volume.swing == pytest.approx(0, abs=0.01)


@pytest.mark.parametrize(("group", "titles", "same_events"), [
    ("options.maintenance_share", ("Good enough: connector upkeep", "Built to last: connector upkeep"), True),
    ("loss.breach.records_share", ("Share of the tool's records",), True),
    # Fixing a risk factor's range by hand also lowers the rate the candidate events are drawn at (its high), so
    # the hand run has other events: the same probability within its noise, the same mean difference exactly.
    ("options.good_enough.risk_factors.breach", ("Good enough: breach rate",), False),
])
def test_each_row_is_a_run_with_the_input_pinned_on_the_same_trials(group: str, titles: tuple[str, ...],
                                                                    same_events: bool) -> None:
    result = total_cost_of_ownership(INPUTS, ASSUMPTIONS, trials=2_000, seed=4)
    row = next(row for row in result.tornado.rows if row.assumption_id == group)
    for quantile, probability, difference in ((0.1, row.probability_at_low, row.difference_at_low),
                                              (0.9, row.probability_at_high, row.difference_at_high)):
        by_hand = total_cost_of_ownership(INPUTS, bent(_pinned(titles, quantile)), trials=2_000, seed=4)
        hand = by_hand.headline.probability_built_to_last_cheaper
        assert hand.value == pytest.approx(probability, abs=1e-4 if same_events else 4 * hand.standard_error)
        assert by_hand.headline.mean_difference.value == pytest.approx(difference, abs=0.05)
    base = total_cost_of_ownership(INPUTS, ASSUMPTIONS, trials=2_000, seed=4)
    assert base.headline.probability_built_to_last_cheaper.value == result.tornado.base_probability


def test_what_moves_the_probability_is_not_what_moves_a_most_likely_npv() -> None:
    """The issue's case: the maintenance share moves the probability most; the breach inputs move the mean."""
    result = total_cost_of_ownership(make_inputs(records=1_850_000, control_effectiveness=96.8), ASSUMPTIONS,
                                     trials=2_000, seed=4)
    rows = {row.assumption_id: row for row in result.tornado.rows}
    top = result.tornado.rows[0]
    assert top.probability_swing >= rows["loss.breach.records_share"].probability_swing
    assert rows["options.maintenance_share"].probability_swing > 0.2
    assert rows["loss.breach.records_share"].swing > rows["options.maintenance_share"].swing
