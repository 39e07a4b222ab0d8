"""The cost model against hand-computed values, invariants and its own reproducibility."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskengine.tco.assumptions import load_assumptions
from riskengine.tco.draws import MonteCarlo, Tables
from riskengine.tco.model import Discounting, option_ledger
from riskengine.tco.result import OptionResult, TcoResult
from riskengine.tco.sampling import Streams
from riskengine.tco.simulation import total_cost_of_ownership
from tests.tco.factory import (
    bent,
    capabilities,
    chain,
    collapse,
    connection,
    make_inputs,
    no_hours_or_items,
    no_loss,
)


def _option(result: TcoResult, option: str) -> OptionResult:
    return next(item for item in result.options if item.id == option)


def _line(option: OptionResult, line: str, deterministic: bool = False) -> tuple[float, ...]:
    lines = option.deterministic.lines if deterministic else option.lines
    return next(item.by_year for item in lines if item.id == line)


def _line_npv(option: OptionResult, line: str) -> float:
    return next(item.npv for item in option.lines if item.id == line)


FIXED_CONNECTIONS = (connection(0, 32, 32, 32), connection(1, 20, 20, 20))
"""Connections whose build hours are known exactly (their ranges come from the graph, not the assumptions)."""


def test_with_zero_variance_the_monte_carlo_equals_the_most_likely_line() -> None:
    assumptions = bent(chain(collapse, no_loss))
    result = total_cost_of_ownership(make_inputs(integrations=FIXED_CONNECTIONS), assumptions, trials=5_000, seed=1)
    for option in result.options:
        deterministic = option.deterministic
        assert deterministic.npv == pytest.approx(sum(line.npv for line in deterministic.lines), abs=0.05)
        for value in (option.npv.p10, option.npv.p50, option.npv.p90, option.npv.mean):
            assert value == pytest.approx(deterministic.npv, abs=0.05)
        for simulated, exact in zip(option.lines, deterministic.lines, strict=True):
            assert simulated.by_year == pytest.approx(exact.by_year, abs=0.02)
        assert [band.p50 for band in option.cumulative] == pytest.approx(list(deterministic.cumulative), abs=0.05)
        assert option.cumulative[-1].mean == option.npv.mean
    # Hand check of two lines: 1,000 seats x EUR 40; the vendor's fee once (overrun at its likely 1.15).
    good_enough = _option(result, "good_enough")
    assert _line(good_enough, "licences")[0] == 40_000.0
    assert _line(good_enough, "implementation")[1:] == (0.0, 0.0)
    project = (80 * 60 + 120 * 50 + 16 * 70) * 0.6  # likely hours x the role's rate x good enough's 0.6
    assert _line(good_enough, "implementation")[0] == pytest.approx(10_000 * 1.15 + project)


def _uplift(rate: float) -> Any:
    def change(node: dict[str, Any]) -> dict[str, Any]:
        if "uplift" in node and "volume" in node:
            node["uplift"] = {**node["uplift"], "low": rate, "likely": rate, "high": rate}
        return node

    return change


@pytest.mark.parametrize(("term_months", "by_year", "npv"), [
    # Yearly renewals: 10 % asked, the 5 % cap applies: 40,000, 42,000, 44,100, billed in advance (year 1 at 0).
    (12, (40_000.0, 42_000.0, 44_100.0), 40_000 + 42_000 / 1.08 + 44_100 / 1.08**2),
    # A 24-month term: the first rise comes with the first renewal, in year 3.
    (24, (40_000.0, 40_000.0, 42_000.0), 40_000 + 40_000 / 1.08 + 42_000 / 1.08**2),
    # 36 months: no renewal within the horizon.
    (36, (40_000.0, 40_000.0, 40_000.0), 40_000 + 40_000 / 1.08 + 40_000 / 1.08**2),
])
def test_licences_billed_in_advance_rise_at_renewals(term_months: int, by_year: tuple[float, ...],
                                                     npv: float) -> None:
    assumptions = bent(chain(collapse, no_loss, no_hours_or_items, _uplift(0.10)))
    inputs = make_inputs(term_months=term_months, implementation_fee=0.0, training_fee=0.0, support_fee=0.0,
                         integrations=())
    result = total_cost_of_ownership(inputs, assumptions, trials=1_000, seed=3)
    for option in result.options:
        assert _line(option, "licences") == pytest.approx(by_year, abs=0.01)
        assert option.deterministic.npv == pytest.approx(npv, abs=0.01)
        assert option.npv.mean == pytest.approx(npv, abs=0.01)
    assert result.headline.mean_difference.value == 0.0
    assert result.headline.probability_built_to_last_cheaper.value == 0.0  # equal is not cheaper
    assert result.headline.too_close_to_call and result.headline.close_reason == "interval"


def test_each_payment_is_discounted_at_its_time() -> None:
    """Go-live at t = 0, work through the year at mid-year, exit at the end of the horizon."""
    assumptions = bent(chain(collapse, no_loss))
    inputs = make_inputs(integrations=FIXED_CONNECTIONS, horizon_years=4, discount_rate=0.1)
    result = total_cost_of_ownership(inputs, assumptions, trials=200, seed=3)
    option = _option(result, "built_to_last")
    implementation, internal, exit_line = (_line(option, name) for name in ("implementation", "internal", "exit"))
    assert _line_npv(option, "implementation") == pytest.approx(implementation[0], abs=0.01)
    assert _line_npv(option, "internal") == pytest.approx(
        sum(cost / 1.1 ** (year + 0.5) for year, cost in enumerate(internal)), abs=0.01)
    assert exit_line[:3] == (0.0, 0.0, 0.0) and exit_line[3] > 0
    assert _line_npv(option, "exit") == pytest.approx(exit_line[3] / 1.1 ** 4, abs=0.01)
    # The yearly documentation upkeep is work (mid-year); iPaaS is a subscription (in advance).
    governance = _line(option, "governance")
    assert governance[1] == governance[2] == governance[3] > 0
    connectors = option.lines[[line.id for line in option.lines].index("connectors")]
    assert connectors.npv > 0


def test_a_fixed_stream_has_the_npv_of_its_formula() -> None:
    """The NPV of EUR 1,000 a year through the year, H years at r: sum of 1,000 x (1 + r) ^ -(t - 0.5)."""
    discounting = Discounting(5, 0.07)
    assert float(discounting.factor["during"].sum() * 1_000) == pytest.approx(
        sum(1_000 / 1.07 ** (year - 0.5) for year in range(1, 6)))
    assert float(discounting.factor["renewal"].sum()) == pytest.approx(sum(1 / 1.07 ** (y - 1) for y in range(1, 6)))
    assert discounting.factor["exit"].tolist() == pytest.approx([0, 0, 0, 0, 1.07 ** -5])


def test_the_minimum_commitment_is_a_floor_under_the_licences() -> None:
    assumptions = bent(chain(collapse, no_loss))
    result = total_cost_of_ownership(make_inputs(minimum_commitment=55_000.0), assumptions, trials=100, seed=3)
    assert _line(result.options[0], "licences")[0] == 55_000.0


def test_what_the_vendor_does_not_offer_is_not_priced_and_is_listed() -> None:
    assumptions = bent(collapse)
    full = total_cost_of_ownership(make_inputs(), assumptions, trials=500, seed=3)
    without_sso = total_cost_of_ownership(make_inputs(capabilities=capabilities("api", "dpa")), assumptions,
                                          trials=500, seed=3)
    assert full.not_available == ()
    assert [(item.option, item.id) for item in without_sso.not_available] == [
        ("built_to_last", "sso"), ("built_to_last", "risk_factors.breach")]
    assert "not available from this vendor" in without_sso.not_available[0].reason
    # The SSO set-up (32 hours of IT at EUR 60) is not in the governance line, and no breach reduction is credited.
    assert _line(_option(full, "built_to_last"), "governance")[0] - _line(
        _option(without_sso, "built_to_last"), "governance")[0] == pytest.approx(32 * 60)
    breach = {option.id: next(s for s in option.scenarios if s.id == "breach") for option in without_sso.options}
    assert not breach["built_to_last"].factor_credited and breach["good_enough"].factor_credited
    assert breach["built_to_last"].frequency == pytest.approx(breach["good_enough"].frequency / 1.5)


def test_shared_drivers_move_both_options_together() -> None:
    """One uniform number per trial for both options' connector upkeep share: perfectly rank-correlated."""
    assumptions = load_assumptions()
    draw = MonteCarlo(Streams(5), 2_000, Tables(4.0))
    for option in ("good_enough", "built_to_last"):
        option_ledger(make_inputs(), assumptions, option, draw)
    shares = [draw("options.maintenance_share", assumptions.options[option].maintenance_share)
              for option in ("good_enough", "built_to_last")]
    assert np.array_equal(np.argsort(shares[0]), np.argsort(shares[1]))
    assert "options.maintenance_share" in draw.inputs and len(draw.inputs["options.maintenance_share"]) == 2
    factors = [draw(f"options.{option}.risk_factors.breach", assumptions.options[option].risk_factors.breach)
               for option in ("good_enough", "built_to_last")]
    assert abs(np.corrcoef(factors)[0, 1]) < 0.1  # the risk factors are not shared: different controls


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


def test_reversing_the_connections_changes_nothing() -> None:
    connections = tuple(connection(index, 8 + index, 20 + 3 * index, 60 + 7 * index) for index in range(6))
    assumptions = load_assumptions()
    forward = total_cost_of_ownership(make_inputs(integrations=connections), assumptions, trials=4_000, seed=8)
    backward = total_cost_of_ownership(make_inputs(integrations=connections[::-1]), assumptions, trials=4_000,
                                       seed=8)
    assert forward.model_copy(update={"inputs": None}) == backward.model_copy(update={"inputs": None})
    # Two identical connections are interchangeable: each keeps a stream of its own.
    twins = total_cost_of_ownership(make_inputs(integrations=(connection(0), connection(0))), assumptions,
                                    trials=2_000, seed=8)
    one = total_cost_of_ownership(make_inputs(integrations=(connection(0),)), assumptions, trials=2_000, seed=8)
    assert _line(_option(twins, "good_enough"), "integration")[0] == pytest.approx(
        2 * _line(_option(one, "good_enough"), "integration")[0], rel=0.05)
    assert {row.id for row in twins.assumptions if row.id.startswith("integration.hours.")} == {
        f"integration.hours.{connection(0).content}", f"integration.hours.{connection(0).content}#2"}


def _never_lower(smaller: TcoResult, larger: TcoResult) -> None:
    for low, high in zip(smaller.options, larger.options, strict=True):
        for field in ("p10", "p50", "p90", "mean"):
            assert getattr(high.npv, field) >= getattr(low.npv, field), (low.id, field)
        for band_low, band_high in zip(low.cumulative, high.cumulative, strict=True):
            assert band_high.p50 >= band_low.p50 and band_high.mean >= band_low.mean
        assert high.deterministic.npv >= low.deterministic.npv


MONOTONE = settings(max_examples=15, deadline=None)


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
    regimes: dict[str, Any] = {"fine_regimes": ("gdpr", "ccpa"), "regime_shares": {"gdpr": 0.7, "ccpa": 0.3}}
    fewer = total_cost_of_ownership(make_inputs(records=records, **regimes), assumptions, trials=2_000, seed=9)
    extra = total_cost_of_ownership(make_inputs(records=records + more, **regimes), assumptions, trials=2_000,
                                    seed=9)
    _never_lower(fewer, extra)
    for low, high in zip(fewer.options, extra.options, strict=True):
        assert high.expected_annual_loss >= low.expected_annual_loss


@MONOTONE
@given(rate=st.floats(0.0, 0.3), more=st.floats(0.001, 0.2))
def test_a_higher_discount_rate_never_raises_a_positive_npv(rate: float, more: float) -> None:
    assumptions = load_assumptions()
    lower = total_cost_of_ownership(make_inputs(discount_rate=rate), assumptions, trials=2_000, seed=4)
    higher = total_cost_of_ownership(make_inputs(discount_rate=rate + more), assumptions, trials=2_000, seed=4)
    for cheap, dear in zip(higher.options, lower.options, strict=True):
        assert cheap.npv.mean > 0
        for field in ("p10", "p50", "p90", "mean"):
            assert getattr(cheap.npv, field) <= getattr(dear.npv, field) + 0.01, field
        assert all(a.npv <= b.npv + 0.01 for a, b in zip(cheap.lines, dear.lines, strict=True))
