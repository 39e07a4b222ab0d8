"""The three sample vendors priced through the whole pipeline: relations between them, asserted with values."""

from __future__ import annotations

import json

import pytest

from riskengine.assessment import Assessment
from riskengine.pipeline import assess, assessment_json
from riskengine.tco.result import OptionResult, TcoResult
from tests.conftest import NOW, SAMPLES


def _tco(assessment: Assessment) -> TcoResult:
    assert assessment.tco is not None
    return assessment.tco


def _option(result: TcoResult, option: str) -> OptionResult:
    return next(item for item in result.options if item.id == option)


def _deterministic_line(result: TcoResult, line: str) -> tuple[float, ...]:
    return next(item.by_year for item in _option(result, "good_enough").deterministic.lines if item.id == line)


def test_licences_follow_the_quotes_minimums_renewals_and_exchange_rates(assessed: dict[str, Assessment]) -> None:
    # Northwind: 2,000 x EUR 38 = EUR 76,000, also the minimum; 36-month term: no renewal in 3 years.
    assert _deterministic_line(_tco(assessed["northwind-mail"]), "licences") == (76_000.0, 76_000.0, 76_000.0)
    # PixelPath: 600 x USD 95 at Finance's 0.92, renewed yearly at the likely 4 % (its cap is 15 %).
    assert _deterministic_line(_tco(assessed["pixelpath-analytics"]), "licences") == (52_440.0, 54_537.6, 56_719.1)
    # GlowUp: 3.2 M members x USD 0.035 = USD 112,000 above its USD 90,000 minimum; 36-month term.
    assert _deterministic_line(_tco(assessed["glowup-loyalty"]), "licences") == (103_040.0,) * 3


def test_northwind_expected_loss_is_its_closed_form(assessed: dict[str, Assessment]) -> None:
    result = _tco(assessed["northwind-mail"])
    gap = 1 - assessed["northwind-mail"].risk.control_effectiveness / 100
    rate = (0.001 + 4 * 0.003 + 0.01) / 6 + (0.02 + 4 * 0.06 + 0.15) / 6 * gap
    share = (0.01 + 4 * 0.05 + 0.5) / 6
    breach = 42_000_000 * 0.92 * 1.85 ** 0.56  # USD at Finance's rate; 1.85 M records against the 1 M anchor
    fine = 0.33 * (5_000 + 4 * 60_000 + 800_000) / 6 * 0.92  # GDPR only: EU storage, EU customers
    for option, factor in (("good_enough", 1.5), ("built_to_last", 0.7)):
        assert _option(result, option).expected_annual_loss == pytest.approx(
            factor * rate * (breach * share + fine), abs=0.01)


def test_weaker_controls_and_more_records_mean_more_expected_loss(assessed: dict[str, Assessment]) -> None:
    loss = {name: _option(_tco(assessment), "good_enough").expected_annual_loss
            for name, assessment in assessed.items()}
    effectiveness = {name: assessment.risk.control_effectiveness for name, assessment in assessed.items()}
    assert effectiveness["northwind-mail"] > effectiveness["pixelpath-analytics"] > effectiveness["glowup-loyalty"]
    # GlowUp (weakest controls, 3.2 M members, children's data) against Northwind (strong controls, 1.85 M):
    assert loss["glowup-loyalty"] > 10 * loss["northwind-mail"]
    assert loss["pixelpath-analytics"] > 5 * loss["northwind-mail"]
    assert 50_000 < loss["northwind-mail"] < 70_000
    for assessment in assessed.values():
        result = _tco(assessment)
        assert _option(result, "built_to_last").expected_annual_loss == pytest.approx(
            _option(result, "good_enough").expected_annual_loss * 0.7 / 1.5, abs=0.02)


def test_built_to_last_costs_more_upfront_and_the_sentence_says_how_sure_we_are(
        assessed: dict[str, Assessment]) -> None:
    for assessment in assessed.values():
        result = _tco(assessment)
        assert 0.05 < result.year_one_premium < 0.5
        assert 0 <= result.probability_built_to_last_cheaper <= 1
        assert f"{round(result.probability_built_to_last_cheaper * 100)}\u00a0% likely cheaper over 3 years" in (
            result.recommendation)
        # Expected cost, rare breaches included, favours built to last for all three samples.
        assert result.difference_npv.mean < 0 and result.verdict.startswith("Choose built to last")
        assert [band.year for band in result.options[0].cumulative] == [1, 2, 3]
        assert len(result.sensitivity) == 3
    glowup = _tco(assessed["glowup-loyalty"])
    assert glowup.breakeven_year == 3 and glowup.probability_built_to_last_cheaper > 0.5
    assert "is cheaper from year 3" in glowup.recommendation


def test_every_assumption_is_listed_with_a_source(assessed: dict[str, Assessment]) -> None:
    result = _tco(assessed["northwind-mail"])
    ids = {row.id for row in result.assumptions}
    assert all(len(row.source) >= 10 for row in result.assumptions), [r.id for r in result.assumptions
                                                                       if len(r.source) < 10]
    for expected in ("loss.severity_anchor", "loss.severity_exponent", "fines.gdpr.cap_security",
                     "fines.ccpa.damages_per_consumer", "options.good_enough.upkeep_growth",
                     "options.built_to_last.items.sso.hours.it_engineer", "answer.cost.unit_price",
                     "integration.hours[0]", "rates.it_engineer", "org.discount_rate"):
        assert expected in ids
    assert {item.assumption_id for item in result.sensitivity} <= ids | {"integration.hours"}
    anchor = next(row for row in result.assumptions if row.id == "loss.severity_anchor")
    assert "Cost of a Data Breach Report 2024" in anchor.source and anchor.value == 42_000_000
    price = next(row for row in result.assumptions if row.id == "answer.cost.unit_price")
    assert price.value == 38.0 and price.source.startswith("questionnaire Costs!")


def test_the_json_holds_the_tco_and_the_run_is_reproducible(assessed: dict[str, Assessment]) -> None:
    again = assess(SAMPLES / "northwind-mail.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                   org_profile=SAMPLES / "org-profile.yaml")
    assert assessment_json(again) == assessment_json(assessed["northwind-mail"])
    tco = json.loads(assessment_json(again))["tco"]
    assert [option["id"] for option in tco["options"]] == ["good_enough", "built_to_last"]
    assert tco["trials"] == 20_000 and tco["currency"] == "EUR"
    assert set(tco["options"][0]["npv"]) == {"p10", "p50", "p90", "mean"}


def test_without_an_org_profile_the_default_organisation_prices_the_tool() -> None:
    assessment = assess(SAMPLES / "pixelpath-analytics.xlsx", now=NOW, tco_trials=2_000, tco_seed=5)
    result = _tco(assessment)
    assert (result.currency, result.horizon_years, result.discount_rate) == ("EUR", 3, 0.08)
    assert (result.trials, result.seed, result.seed_basis) == (2_000, 5, "given")
    assert result.inputs.integrations_basis == "questionnaire"
    assert all(rate.source.startswith("default") for rate in result.inputs.hourly_rates)
    assert result.inputs.exchange_rate == pytest.approx(1 / 1.08)
