"""The loss exceedance curve: never rising, agreeing with its tail figures, and read against the risk appetite."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from riskengine.organisation import AppetitePoint, RiskAppetite
from riskengine.tco.assumptions import load_assumptions
from riskengine.tco.exceedance import Exceedance
from riskengine.tco.simulation import total_cost_of_ownership
from tests.tco.factory import make_inputs

APPETITE = RiskAppetite(period="year", points=(AppetitePoint(loss=250_000, probability=0.05),
                                               AppetitePoint(loss=5_000_000, probability=0.005)))


def test_the_curve_never_rises_and_agrees_with_p95_and_p99() -> None:
    inputs = make_inputs(records=3_000_000, control_effectiveness=20.0, horizon_years=5, risk_appetite=APPETITE)
    result = total_cost_of_ownership(inputs, load_assumptions(), trials=40_000, seed=3)
    for option in result.options:
        curve = option.loss_exceedance
        assert curve is not None and len(curve.amounts) > 8
        assert list(curve.amounts) == sorted(curve.amounts)
        for series in (curve.horizon, curve.annual):
            assert all(later <= earlier for earlier, later in itertools.pairwise(series))
        assert curve.horizon[-1] == 0.0 and 0 < curve.chance_of_loss <= 1
        assert curve.annual[0] <= curve.horizon[0]  # one year is never worse than the horizon
        # P95: the smallest amount with P(loss > amount) <= 5 %.
        assert 0 < curve.p95 < curve.p99
    losses = np.concatenate([np.zeros(900), np.arange(1, 101, dtype=np.float64) * 1_000])
    tail = Exceedance(losses)
    assert tail.quantile(0.95) == 50_000 and tail.quantile(0.99) == 90_000
    assert tail.probability(np.array([tail.quantile(0.95)]))[0] <= 0.05
    assert tail.probability(np.array([tail.quantile(0.95) - 1]))[0] > 0.05
    assert Exceedance(np.zeros(10)).quantile(0.99) == 0.0


def test_the_appetite_is_carried_and_checked_for_each_option() -> None:
    inputs = make_inputs(records=3_000_000, control_effectiveness=20.0, risk_appetite=APPETITE)
    result = total_cost_of_ownership(inputs, load_assumptions(), trials=40_000, seed=3)
    assert result.risk_appetite == APPETITE
    for option, headline in zip(result.options, result.headline.options, strict=True):
        curve = option.loss_exceedance
        assert curve is not None and len(curve.appetite) == 2
        for check in curve.appetite:
            assert check.within is (check.probability <= check.tolerated)
        assert curve.within_appetite is all(check.within for check in curve.appetite)
        assert headline.within_appetite is curve.within_appetite
    good_enough = result.options[0].loss_exceedance
    assert good_enough is not None and good_enough.within_appetite is False  # weak controls, 3 M records
    assert total_cost_of_ownership(make_inputs(), load_assumptions(), trials=500, seed=3).options[
        0].loss_exceedance.within_appetite is None  # type: ignore[union-attr]


def test_an_appetite_must_be_a_curve() -> None:
    with pytest.raises(ValueError, match="rising, distinct losses"):
        RiskAppetite(points=(AppetitePoint(loss=2, probability=0.1), AppetitePoint(loss=1, probability=0.2)))
    with pytest.raises(ValueError, match="higher probability"):
        RiskAppetite(points=(AppetitePoint(loss=1, probability=0.1), AppetitePoint(loss=2, probability=0.2)))
