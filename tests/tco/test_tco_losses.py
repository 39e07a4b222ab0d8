"""The FAIR loss model: closed forms by hand, the simulation against them, regimes, and its invariants."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskengine.tco.assumptions import OPTION_IDS, Spread, load_assumptions
from riskengine.tco.draws import MonteCarlo, Tables
from riskengine.tco.inputs import TcoInputs
from riskengine.tco.losses import Expectation, Gaps, expected_annual_loss, expected_losses, simulate_losses
from riskengine.tco.sampling import Pert, Streams
from riskengine.tco.simulation import total_cost_of_ownership
from tests.tco.factory import make_inputs

ASSUMPTIONS = load_assumptions()
EUR_PER_USD = 1 / 1.08


def _pert_expectation(spread: Spread, function: Any, points: int = 400_000) -> float:
    """E[g(X)] of a PERT range from its beta density, independently of the engine's tables."""
    low, likely, high = spread.low, spread.likely, spread.high
    alpha = 1 + 4 * (likely - low) / (high - low)
    beta = 1 + 4 * (high - likely) / (high - low)
    x = (np.arange(points) + 0.5) / points
    density = x ** (alpha - 1) * (1 - x) ** (beta - 1)
    density /= density.sum()
    return float(np.sum(function(low + (high - low) * x) * density))


def _mean(spread: Spread) -> float:
    return (spread.low + 4 * spread.likely + spread.high) / 6


def _scenarios(inputs: TcoInputs) -> dict[str, Any]:
    return {scenario.id: scenario for scenario in expected_losses(inputs, ASSUMPTIONS, Expectation(Tables(4.0)))}


def test_the_breach_in_closed_form_by_hand() -> None:
    """E[N] x E[X]: rate x factor, times B(R s) with s a share of records, replacement and a GDPR fine."""
    inputs = make_inputs(records=1_850_000, control_effectiveness=80.0)
    breach, regime = ASSUMPTIONS.loss.breach, ASSUMPTIONS.regimes["gdpr"].breach_fine
    assert regime is not None
    b = breach.severity_exponent.value
    s_to_b = _pert_expectation(breach.records_share, lambda s: s ** b)
    cost = 42_000_000 * EUR_PER_USD * 1.85 ** b * s_to_b  # B(R) x E[s^b] = E[B(R x s)]
    replacement = _mean(breach.replacement_hours["it_engineer"]) * 60
    fine = 0.33 * _mean(regime.amount) * EUR_PER_USD * (1_850_000 / 25_000) ** b * s_to_b  # the cap never binds
    rate = _mean(breach.rate_floor) + _mean(breach.rate_per_gap) * 0.2
    scenario = _scenarios(inputs)["breach"]
    assert scenario.magnitude == pytest.approx(cost + replacement + fine, rel=1e-4)
    assert scenario.forms["reputation"] == pytest.approx(0.3 * cost, rel=1e-4)
    assert scenario.forms["response"] == pytest.approx(0.7 * cost, rel=1e-4)
    for option in OPTION_IDS:
        factor = _mean(ASSUMPTIONS.options[option].risk_factors.breach)
        assert scenario.frequency[option] == pytest.approx(rate * factor)
        assert scenario.expected(option) == pytest.approx(rate * factor * (cost + replacement + fine), rel=1e-4)


def test_the_breach_cost_is_taken_at_the_records_breached() -> None:
    """A twentieth of the records breached costs B(R / 20), more than B(R) / 20 (B is sub-linear)."""
    fixed = Spread(title="Share of the records", unit="share", source="test", low=0.05, likely=0.05, high=0.05)
    expectation = Expectation(Tables(4.0))
    b = ASSUMPTIONS.loss.breach.severity_exponent.value
    assert expectation.expect("x", fixed, lambda share: share ** b) == pytest.approx(0.05 ** b)
    inputs = make_inputs(records=2_000_000, fine_regimes=(), control_effectiveness=100.0)
    pinned = ASSUMPTIONS.loss.breach.model_copy(update={"records_share": fixed})
    assumptions = ASSUMPTIONS.model_copy(update={"loss": ASSUMPTIONS.loss.model_copy(update={"breach": pinned})})
    scenario = next(item for item in expected_losses(inputs, assumptions, Expectation(Tables(4.0)))
                    if item.id == "breach")
    breached = 42_000_000 * EUR_PER_USD * (2_000_000 * 0.05 / 1_000_000) ** b
    assert scenario.forms["response"] + scenario.forms["reputation"] == pytest.approx(breached)
    assert breached > 42_000_000 * EUR_PER_USD * 2 ** b * 0.05


def test_regimes_follow_the_data_subjects_and_split_the_records() -> None:
    eu_only = _scenarios(make_inputs(records=1_000_000, fine_regimes=("gdpr",)))
    with_us = _scenarios(make_inputs(records=1_000_000, fine_regimes=("gdpr", "ccpa"),
                                     regime_shares={"gdpr": 0.5, "ccpa": 0.5}))
    damages = ASSUMPTIONS.regimes["ccpa"].breach_damages
    assert damages is not None
    s_mean = _mean(ASSUMPTIONS.loss.breach.records_share)
    ccpa = 0.1 * 1_000_000 * 0.5 * 0.12 * s_mean * _mean(damages.damages_per_consumer) * EUR_PER_USD
    b = ASSUMPTIONS.loss.breach.severity_exponent.value
    half_fines = eu_only["breach"].forms["fines_judgements"] * 0.5 ** b  # GDPR's records halved, fines scale as B
    assert with_us["breach"].forms["fines_judgements"] == pytest.approx(half_fines + ccpa, rel=1e-6)
    none = _scenarios(make_inputs(records=1_000_000, fine_regimes=()))
    assert none["breach"].forms["fines_judgements"] == 0.0
    assert not none["regulatory"].applies and "no regime" in none["regulatory"].reason


def test_a_binding_cap_is_integrated_as_the_simulation_draws_it() -> None:
    """E[min(cap, A x k x s^b)] by quadrature against a million draws of the engine's own tables."""
    inputs = make_inputs(records=50_000_000, fine_regimes=("gdpr",), annual_turnover=None)
    regime = ASSUMPTIONS.regimes["gdpr"].breach_fine
    assert regime is not None
    b = ASSUMPTIONS.loss.breach.severity_exponent.value
    scale = EUR_PER_USD * (50_000_000 / 25_000) ** b
    cap = 10_000_000.0
    streams = Streams(1)
    amount = Pert(regime.amount.low, regime.amount.likely, regime.amount.high).values(streams.uniform("a", 1_000_000))
    share = ASSUMPTIONS.loss.breach.records_share
    shares = Pert(share.low, share.likely, share.high).values(streams.uniform("s", 1_000_000))
    drawn = np.minimum(amount * scale * shares ** b, cap)
    assert drawn.max() == cap  # the cap binds in some futures
    fines = _scenarios(inputs)["breach"].forms["fines_judgements"]
    assert fines == pytest.approx(0.33 * drawn.mean(), rel=4 * drawn.std() / drawn.mean() / 1000)


def test_outages_need_a_customer_facing_system_and_a_turnover_to_lose_revenue() -> None:
    assert not _scenarios(make_inputs())["outage"].applies
    no_turnover = _scenarios(make_inputs(customer_facing=("web shop",)))["outage"]
    assert no_turnover.applies and no_turnover.forms["productivity"] == 0.0
    outage = ASSUMPTIONS.loss.outage
    with_turnover = _scenarios(make_inputs(customer_facing=("web shop",), annual_turnover=87_600_000,
                                           online_revenue_share=0.5))["outage"]
    hourly = 87_600_000 * 0.5 / 8760
    assert with_turnover.forms["productivity"] == pytest.approx(
        _mean(outage.duration) * hourly * _mean(outage.revenue_share_lost))
    assert with_turnover.frequency["good_enough"] == pytest.approx(
        _mean(outage.rate) * _mean(ASSUMPTIONS.options["good_enough"].risk_factors.outage))


def test_regulatory_action_follows_the_privacy_controls() -> None:
    weak = _scenarios(make_inputs(privacy_effectiveness=20.0))["regulatory"]
    strong = _scenarios(make_inputs(privacy_effectiveness=90.0))["regulatory"]
    regulatory = ASSUMPTIONS.loss.regulatory
    for scenario, gap in ((weak, 0.8), (strong, 0.1)):
        base = _mean(regulatory.rate_floor) + _mean(regulatory.rate_per_gap) * gap
        assert scenario.frequency["good_enough"] == pytest.approx(
            base * _mean(ASSUMPTIONS.options["good_enough"].risk_factors.regulatory))
    assert weak.magnitude == strong.magnitude > 0


@pytest.mark.parametrize("scenario", ["breach", "outage", "regulatory"])
def test_each_scenario_simulated_matches_its_closed_form_within_its_standard_error(scenario: str) -> None:
    inputs = make_inputs(records=2_000_000, control_effectiveness=30.0, privacy_effectiveness=30.0,
                         fine_regimes=("gdpr", "uk_gdpr", "ccpa"),
                         regime_shares={"gdpr": 0.6, "uk_gdpr": 0.2, "ccpa": 0.2},
                         customer_facing=("web shop",), annual_turnover=300_000_000.0, horizon_years=5)
    rows = 200_000
    draw = MonteCarlo(Streams(11), rows, Tables(4.0))
    losses = simulate_losses(inputs, ASSUMPTIONS, draw)
    closed = _scenarios(inputs)[scenario]
    for option in OPTION_IDS:
        per_trial = losses[option][scenario].loss.mean(axis=0)  # the yearly loss, averaged over the 5 years
        error = per_trial.std() / math.sqrt(rows)
        assert abs(per_trial.mean() - closed.expected(option)) < 4 * error + 1e-9 * closed.expected(option), (
            option, per_trial.mean(), closed.expected(option), error)


def test_the_expected_loss_line_the_headline_and_the_most_likely_line_agree() -> None:
    result = total_cost_of_ownership(make_inputs(customer_facing=("web shop",), annual_turnover=1e8),
                                     ASSUMPTIONS, trials=3_000, seed=2)
    for option, headline in zip(result.options, result.headline.options, strict=True):
        closed = expected_annual_loss(result.inputs, ASSUMPTIONS, option.id)
        loss_line = next(line for line in option.lines if line.id == "expected_loss")
        likely_line = next(line for line in option.deterministic.lines if line.id == "expected_loss")
        assert loss_line.by_year == likely_line.by_year == (round(closed, 2),) * 3
        assert option.expected_annual_loss == headline.expected_annual_loss == round(closed, 2)
        assert sum(scenario.expected_annual_loss for scenario in option.scenarios) == pytest.approx(closed, abs=0.05)


@settings(max_examples=25, deadline=None)
@given(effectiveness=st.floats(0, 100), better=st.floats(0.5, 100))
def test_more_controls_never_raise_the_expected_or_the_simulated_loss(effectiveness: float, better: float) -> None:
    stronger = min(100.0, effectiveness + better)
    common: dict[str, Any] = {"records": 3_000_000, "fine_regimes": ("gdpr", "ccpa"),
                              "regime_shares": {"gdpr": 0.8, "ccpa": 0.2}}
    weak = make_inputs(control_effectiveness=effectiveness, privacy_effectiveness=effectiveness, **common)
    strong = make_inputs(control_effectiveness=stronger, privacy_effectiveness=stronger, **common)
    gaps = Gaps.of(weak, strong)  # the same candidate events for both (as for offers priced together)
    weak_losses = simulate_losses(weak, ASSUMPTIONS, MonteCarlo(Streams(3), 5_000, Tables(4.0)), gaps=gaps)
    strong_losses = simulate_losses(strong, ASSUMPTIONS, MonteCarlo(Streams(3), 5_000, Tables(4.0)), gaps=gaps)
    for option in OPTION_IDS:
        assert expected_annual_loss(strong, ASSUMPTIONS, option) <= expected_annual_loss(weak, ASSUMPTIONS, option)
        for scenario in ("breach", "regulatory"):
            # The same candidate events: a lower rate keeps a subset of them, in every future.
            assert np.all(strong_losses[option][scenario].loss <= weak_losses[option][scenario].loss + 1e-9)
