"""The Monte Carlo against closed forms, hand-computed values, invariants and its own reproducibility."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskengine.tco.assumptions import load_assumptions
from riskengine.tco.model import expected_annual_loss
from riskengine.tco.result import OptionResult, TcoResult
from riskengine.tco.simulation import total_cost_of_ownership
from tests.tco.factory import bent, chain, collapse, connection, make_inputs, no_hours_or_items, no_loss


def _option(result: TcoResult, option: str) -> OptionResult:
    return next(item for item in result.options if item.id == option)


def _line(option: OptionResult, line: str, deterministic: bool = False) -> tuple[float, ...]:
    lines = option.deterministic.lines if deterministic else option.lines
    return next(item.by_year for item in lines if item.id == line)


FIXED_CONNECTIONS = (connection(0, 32, 32, 32), connection(1, 20, 20, 20))
"""Connections whose build hours are known exactly (their ranges come from the graph, not the assumptions)."""


def test_with_zero_variance_the_monte_carlo_equals_the_deterministic_sum() -> None:
    assumptions = bent(chain(collapse, no_loss))
    result = total_cost_of_ownership(make_inputs(integrations=FIXED_CONNECTIONS), assumptions, trials=5_000, seed=1)
    for option in result.options:
        deterministic = option.deterministic
        assert deterministic.npv == pytest.approx(sum(line.npv for line in deterministic.lines), abs=0.05)
        for value in (option.npv.p10, option.npv.p50, option.npv.p90, option.npv.mean):
            assert value == pytest.approx(deterministic.npv, abs=0.02)
        for simulated, exact in zip(option.lines, deterministic.lines, strict=True):
            assert simulated.by_year == pytest.approx(exact.by_year, abs=0.02)
        assert [band.p50 for band in option.cumulative] == pytest.approx(list(deterministic.cumulative), abs=0.02)
        assert option.cumulative[-1].mean == pytest.approx(option.npv.mean, abs=0.02)
    # Hand check of two lines: 1,000 seats x EUR 40; the vendor's fee once (overrun at its likely 1.15).
    good_enough = _option(result, "good_enough")
    assert _line(good_enough, "licences")[0] == 40_000.0
    assert _line(good_enough, "implementation")[1:] == (0.0, 0.0)


def _uplift(rate: float) -> Any:
    def change(node: dict[str, Any]) -> dict[str, Any]:
        if "uplift" in node and "volume" in node:
            node["uplift"] = {**node["uplift"], "low": rate, "likely": rate, "high": rate}
        return node

    return change


@pytest.mark.parametrize(("term_months", "by_year", "npv"), [
    # Yearly renewals: 10 % asked, the 5 % cap applies: 40,000, 42,000, 44,100, discounted at 8 % from year 2.
    (12, (40_000.0, 42_000.0, 44_100.0), 40_000 + 42_000 / 1.08 + 44_100 / 1.08**2),
    # A 24-month term: the first rise comes with the first renewal, in year 3.
    (24, (40_000.0, 40_000.0, 42_000.0), 40_000 + 40_000 / 1.08 + 42_000 / 1.08**2),
    # 36 months: no renewal within the horizon.
    (36, (40_000.0, 40_000.0, 40_000.0), 40_000 + 40_000 / 1.08 + 40_000 / 1.08**2),
])
def test_discounting_and_uplift_match_hand_computed_values(term_months: int, by_year: tuple[float, ...],
                                                           npv: float) -> None:
    assumptions = bent(chain(collapse, no_loss, no_hours_or_items, _uplift(0.10)))
    inputs = make_inputs(term_months=term_months, implementation_fee=0.0, training_fee=0.0, support_fee=0.0,
                         integrations=())
    result = total_cost_of_ownership(inputs, assumptions, trials=1_000, seed=3)
    for option in result.options:
        assert _line(option, "licences") == pytest.approx(by_year, abs=0.01)
        assert option.deterministic.npv == pytest.approx(npv, abs=0.01)
        assert option.npv.mean == pytest.approx(npv, abs=0.01)
    assert result.difference_npv.mean == 0.0
    assert result.probability_built_to_last_cheaper == 0.0  # equal is not cheaper


def test_the_minimum_commitment_is_a_floor_under_the_licences() -> None:
    assumptions = bent(chain(collapse, no_loss))
    result = total_cost_of_ownership(make_inputs(minimum_commitment=55_000.0), assumptions, trials=100, seed=3)
    assert _line(result.options[0], "licences")[0] == 55_000.0


def _closed_form(inputs: Any, factor: float) -> float:
    """The expected yearly loss written out by hand from the shipped assumptions (docs/tco.md)."""
    a = load_assumptions()
    loss, gdpr, ccpa = a.loss, a.fines.gdpr, a.fines.ccpa

    def mean(spread: Any) -> float:
        return (spread.low + 4 * spread.likely + spread.high) / 6

    rate = mean(loss.rate_floor) + mean(loss.rate_per_gap) * (1 - inputs.control_effectiveness / 100)
    usd = a.exchange_rates.per_eur["EUR"] / a.exchange_rates.per_eur["USD"]
    breach = loss.severity_anchor.value * usd * (inputs.records / loss.anchor_records.value) ** 0.56
    share = mean(loss.event_share)
    fine = gdpr.probability.value * mean(gdpr.amount) * usd  # the EUR 10 M cap lies far above the range
    damages = ccpa.probability.value * inputs.records * ccpa.consumers_share.value * share * mean(
        ccpa.damages_per_consumer) * usd
    return factor * rate * (breach * share + fine + damages)


def test_expected_annual_loss_agrees_with_its_closed_form_within_two_percent() -> None:
    inputs = make_inputs(control_effectiveness=0.0, records=2_000_000, fine_regimes=("gdpr", "ccpa"),
                         horizon_years=5)
    result = total_cost_of_ownership(inputs, load_assumptions(), trials=100_000, seed=11)
    for option, factor in (("good_enough", 1.5), ("built_to_last", 0.7)):
        closed = _closed_form(inputs, factor)
        assert expected_annual_loss(inputs, load_assumptions(), option) == pytest.approx(closed, rel=1e-9)
        assert _option(result, option).expected_annual_loss == pytest.approx(closed, abs=0.01)
        simulated = _line(_option(result, option), "expected_loss")
        assert sum(simulated) / len(simulated) == pytest.approx(closed, rel=0.02)
    # Good enough's rate is 1.5 / 0.7 times built to last's, on the same events (common random numbers).
    ratio = expected_annual_loss(inputs, load_assumptions(), "good_enough") / expected_annual_loss(
        inputs, load_assumptions(), "built_to_last")
    assert ratio == pytest.approx(1.5 / 0.7)


def test_no_personal_data_and_no_regime_means_no_expected_loss() -> None:
    inputs = make_inputs(records=0, fine_regimes=())
    result = total_cost_of_ownership(inputs, load_assumptions(), trials=2_000, seed=5)
    for option in result.options:
        assert option.expected_annual_loss == 0.0
        assert _line(option, "expected_loss") == (0.0, 0.0, 0.0)


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes() -> None:
    inputs, assumptions = make_inputs(), load_assumptions()
    first = total_cost_of_ownership(inputs, assumptions, trials=3_000, seed=42).model_dump_json()
    again = total_cost_of_ownership(inputs, assumptions, trials=3_000, seed=42).model_dump_json()
    other = total_cost_of_ownership(inputs, assumptions, trials=3_000, seed=43).model_dump_json()
    assert first == again
    assert first != other
    default = total_cost_of_ownership(inputs, assumptions, trials=3_000)
    assert default.seed == assumptions.simulation.seed
    assert default.seed_basis.startswith("fixed default")


def _never_lower(smaller: TcoResult, larger: TcoResult) -> None:
    for low, high in zip(smaller.options, larger.options, strict=True):
        for field in ("p10", "p50", "p90", "mean"):
            assert getattr(high.npv, field) >= getattr(low.npv, field), (low.id, field)
        for band_low, band_high in zip(low.cumulative, high.cumulative, strict=True):
            assert band_high.p50 >= band_low.p50 and band_high.mean >= band_low.mean
        assert high.deterministic.npv >= low.deterministic.npv


MONOTONE = settings(max_examples=20, deadline=None)


@MONOTONE
@given(units=st.integers(0, 20_000), more=st.integers(1, 20_000))
def test_more_seats_never_lower_the_cost(units: int, more: int) -> None:
    assumptions = load_assumptions()
    fewer = total_cost_of_ownership(make_inputs(units=float(units)), assumptions, trials=2_000, seed=9)
    extra = total_cost_of_ownership(make_inputs(units=float(units + more)), assumptions, trials=2_000, seed=9)
    _never_lower(fewer, extra)


@MONOTONE
@given(count=st.integers(0, 6), more=st.integers(1, 4))
def test_more_integrations_never_lower_the_cost(count: int, more: int) -> None:
    assumptions = load_assumptions()
    fewer = make_inputs(integrations=tuple(connection(index) for index in range(count)))
    extra = make_inputs(integrations=tuple(connection(index, 8, 40, 120) if index >= count else connection(index)
                                           for index in range(count + more)))
    _never_lower(total_cost_of_ownership(fewer, assumptions, trials=2_000, seed=9),
                 total_cost_of_ownership(extra, assumptions, trials=2_000, seed=9))


@MONOTONE
@given(records=st.integers(0, 50_000_000), more=st.integers(1, 50_000_000))
def test_more_records_never_lower_the_cost(records: int, more: int) -> None:
    assumptions = load_assumptions()
    regimes = ("gdpr", "ccpa")
    fewer = total_cost_of_ownership(make_inputs(records=records, fine_regimes=regimes), assumptions,
                                    trials=2_000, seed=9)
    extra = total_cost_of_ownership(make_inputs(records=records + more, fine_regimes=regimes), assumptions,
                                    trials=2_000, seed=9)
    _never_lower(fewer, extra)
    for low, high in zip(fewer.options, extra.options, strict=True):
        assert high.expected_annual_loss >= low.expected_annual_loss


def _collapse_except(title_start: str, value: float | None = None) -> Any:
    def change(node: dict[str, Any]) -> dict[str, Any]:
        if {"low", "likely", "high"} <= node.keys() and str(node.get("title", "")).startswith(title_start):
            return node if value is None else {**node, "low": value, "likely": value, "high": value}
        return collapse(node)

    return change


def test_sensitivity_ranks_by_swing_of_the_npv_difference_against_hand_runs() -> None:
    growth = "Good enough: yearly growth of upkeep"
    only_growth = bent(chain(_collapse_except(growth), no_loss))
    result = total_cost_of_ownership(make_inputs(integrations=FIXED_CONNECTIONS), only_growth, trials=500, seed=2)
    assert [item.assumption_id for item in result.sensitivity] == ["options.good_enough.upkeep_growth"]
    item = result.sensitivity[0]
    assert (item.low, item.high) == (0.08, 0.3)
    for value, expected in ((0.08, item.difference_at_low), (0.3, item.difference_at_high)):
        fixed = bent(chain(_collapse_except(growth, value), no_loss))
        run = total_cost_of_ownership(make_inputs(integrations=FIXED_CONNECTIONS), fixed, trials=10, seed=2)
        difference = _option(run, "built_to_last").deterministic.npv - _option(run, "good_enough").deterministic.npv
        assert expected == pytest.approx(difference, abs=0.02)
    # Faster upkeep growth makes good enough dearer, so the difference falls as growth rises.
    assert item.difference_at_high < item.difference_at_low
    assert item.swing == pytest.approx(item.difference_at_low - item.difference_at_high, abs=0.02)


def test_sensitivity_lists_the_three_largest_swings_and_skips_shared_inputs() -> None:
    result = total_cost_of_ownership(make_inputs(), load_assumptions(), trials=2_000, seed=2)
    swings = [item.swing for item in result.sensitivity]
    assert len(swings) == 3 and swings == sorted(swings, reverse=True) and swings[-1] > 0
    # Licence volume moves both options alike: it cannot change which one is cheaper.
    assert not any(item.assumption_id.startswith("licence.volume") for item in result.sensitivity)


def test_breakeven_year_and_wording_follow_the_cumulative_costs() -> None:
    fast_debt = bent(chain(_collapse_except("Good enough: yearly growth of upkeep", 0.6), no_loss))
    inputs = make_inputs(horizon_years=5, integrations=FIXED_CONNECTIONS)
    result = total_cost_of_ownership(inputs, fast_debt, trials=200, seed=2)
    good_enough, built_to_last = _option(result, "good_enough"), _option(result, "built_to_last")
    gap = [b - g for b, g in zip(built_to_last.deterministic.cumulative, good_enough.deterministic.cumulative,
                                 strict=True)]
    assert gap[0] > 0 > gap[-1]  # dearer at first, cheaper by the end: the case the sentence is for
    expected = next(year for year in range(1, 6) if all(value <= 0 for value in gap[year - 1:]))
    assert result.breakeven_year == expected == result.breakeven_year_expected
    premium = built_to_last.deterministic.by_year[0] / good_enough.deterministic.by_year[0] - 1
    assert result.year_one_premium == pytest.approx(premium, abs=1e-4)
    assert result.probability_built_to_last_cheaper == 1.0
    assert result.recommendation == (
        f"Built to last costs {round(premium * 100)}\u00a0% more in year 1 and is cheaper from year {expected}; "
        "100\u00a0% likely cheaper over 5 years.")
    assert result.verdict.startswith("Choose built to last: it is cheaper in most futures")


def test_a_one_year_horizon_never_pays_back_and_says_so() -> None:
    result = total_cost_of_ownership(make_inputs(horizon_years=1, integrations=FIXED_CONNECTIONS),
                                     bent(chain(collapse, no_loss)), trials=100, seed=2)
    assert result.breakeven_year is None
    assert "does not pay back within 1 year;" in result.recommendation
    assert result.verdict.startswith("Good enough is enough here")
