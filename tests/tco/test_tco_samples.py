"""The three sample vendors priced through the whole pipeline: relations between them, asserted with values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from riskengine.assessment import Assessment, assessment_json
from riskengine.pipeline import assess
from riskengine.questionnaire.bank import load_bank
from riskengine.questionnaire.template import write_template
from riskengine.tco.result import OptionResult, TcoResult
from tests.conftest import NOW, SAMPLES, sample_answers


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
    """Breach and regulatory action (no customer-facing system depends on Northwind: no outage)."""
    result = _tco(assessed["northwind-mail"])
    risk = assessed["northwind-mail"].risk
    gap = 1 - risk.control_effectiveness / 100
    rate = (0.001 + 4 * 0.003 + 0.01) / 6 + (0.02 + 4 * 0.06 + 0.15) / 6 * gap
    for option, factor in (("good_enough", (1.2 + 4 * 1.5 + 2.5) / 6), ("built_to_last", (0.5 + 4 * 0.7 + 0.9) / 6)):
        breach = next(scenario for scenario in _option(result, option).scenarios if scenario.id == "breach")
        assert breach.frequency == pytest.approx(rate * factor, abs=1e-6)
        assert breach.expected_annual_loss == pytest.approx(breach.frequency * breach.magnitude, rel=1e-4)
        outage = next(scenario for scenario in _option(result, option).scenarios if scenario.id == "outage")
        assert not outage.applies and outage.reason == "no customer-facing system would depend on the tool"
        assert _option(result, option).expected_annual_loss == pytest.approx(
            sum(scenario.expected_annual_loss for scenario in _option(result, option).scenarios), abs=0.05)
    # 1.85 M records: B(1.85 M x s) in EUR at Finance's USD rate, E[s^0.56] = 0.2866 for PERT(0.01, 0.05, 0.5).
    breach = next(scenario for scenario in _option(result, "good_enough").scenarios if scenario.id == "breach")
    response = next(form for form in breach.forms if form.id == "response")
    assert response.per_event == pytest.approx(0.7 * 42_000_000 * 0.92 * 1.85 ** 0.56 * 0.2866, rel=1e-3)


def test_weaker_controls_and_more_records_mean_more_expected_loss(assessed: dict[str, Assessment]) -> None:
    loss = {name: _option(_tco(assessment), "good_enough").expected_annual_loss
            for name, assessment in assessed.items()}
    effectiveness = {name: assessment.risk.control_effectiveness for name, assessment in assessed.items()}
    assert effectiveness["northwind-mail"] > effectiveness["pixelpath-analytics"] > effectiveness["glowup-loyalty"]
    # GlowUp (weakest controls, 3.2 M members, children's data) against Northwind (strong controls, 1.85 M):
    assert loss["glowup-loyalty"] > 10 * loss["northwind-mail"]
    assert loss["pixelpath-analytics"] > 5 * loss["northwind-mail"]
    assert 100_000 < loss["northwind-mail"] < 250_000


def test_the_samples_headlines(assessed: dict[str, Assessment]) -> None:
    for assessment in assessed.values():
        result = _tco(assessment)
        headline = result.headline
        assert 0.05 < headline.year_one_premium < 0.5  # built to last costs more to run in year 1
        assert headline.mean_difference.value < 0 and headline.choice == "built_to_last"
        assert not headline.too_close_to_call and result.precision.met
        assert [band.year for band in result.options[0].cumulative] == [1, 2, 3]
        assert len(result.sensitivity) == 3 and len(result.tornado.rows) > 20
        for option in headline.options:
            assert option.expected_total > 1.3 * option.typical_total  # the rare costly breach
    northwind = _tco(assessed["northwind-mail"]).headline
    assert northwind.recommendation.startswith("Choose built to last as insurance")
    assert northwind.options[0].within_appetite is False and northwind.options[1].within_appetite is True
    glowup = _tco(assessed["glowup-loyalty"])
    assert glowup.headline.recommendation.startswith("Choose built to last: over 3 years")
    assert glowup.headline.decision_stands and "(reject) stands whatever the cost" in glowup.headline.decision_note
    assert {(item.option, item.id) for item in glowup.not_available} == {
        ("built_to_last", "sso"), ("built_to_last", "dpa"), ("built_to_last", "risk_factors.breach"),
        ("built_to_last", "risk_factors.regulatory")}
    pixelpath = _tco(assessed["pixelpath-analytics"]).headline
    assert not pixelpath.decision_stands and pixelpath.decision_note == ""


def test_every_assumption_is_listed_with_a_source(assessed: dict[str, Assessment]) -> None:
    result = _tco(assessed["northwind-mail"])
    ids = {row.id for row in result.assumptions}
    assert all(len(row.source) >= 10 for row in result.assumptions), [r.id for r in result.assumptions
                                                                       if len(r.source) < 10]
    for expected in ("loss.breach.severity_anchor", "loss.breach.severity_exponent", "regimes.gdpr.breach_fine.cap",
                     "regimes.ccpa.breach_damages.damages_per_consumer", "options.good_enough.upkeep_growth",
                     "options.built_to_last.items.sso.hours.it_engineer", "answer.cost.unit_price",
                     "capability.sso", "rates.it_engineer", "org.discount_rate", "org.data_subjects",
                     "risk.privacy_effectiveness", "options.good_enough.risk_factors.breach"):
        assert expected in ids
    assert any(row.startswith("integration.hours.crm.") for row in ids)
    shared = {"options.maintenance_share", "options.upkeep_growth", "integration.hours"}
    assert {item.assumption_id for item in result.tornado.rows} <= ids | shared
    anchor = next(row for row in result.assumptions if row.id == "loss.breach.severity_anchor")
    assert "Cost of a Data Breach Report 2024" in anchor.source and anchor.value == 42_000_000
    price = next(row for row in result.assumptions if row.id == "answer.cost.unit_price")
    assert price.value == 38.0 and price.source.startswith("questionnaire Costs!")


def test_the_json_holds_the_tco_and_the_run_is_reproducible(assessed: dict[str, Assessment]) -> None:
    again = assess(SAMPLES / "northwind-mail.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                   org_profile=SAMPLES / "org-profile.yaml")
    assert assessment_json(again) == assessment_json(assessed["northwind-mail"])
    tco = json.loads(assessment_json(again))["tco"]
    assert [option["id"] for option in tco["options"]] == ["good_enough", "built_to_last"]
    assert tco["trials"] == tco["precision"]["trials"] == 20_000 and tco["currency"] == "EUR"
    assert tco["precision"]["stopped"] == "targets_met"
    assert set(tco["options"][0]["npv"]) == {"p10", "p50", "p90", "mean"}
    assert tco["headline"]["options"][0]["expected_total"] == tco["options"][0]["npv"]["mean"]


def test_without_an_org_profile_the_default_organisation_prices_the_tool() -> None:
    assessment = assess(SAMPLES / "pixelpath-analytics.xlsx", now=NOW, tco_trials=2_000, tco_seed=5)
    result = _tco(assessment)
    assert (result.currency, result.horizon_years, result.discount_rate) == ("EUR", 3, 0.08)
    assert (result.trials, result.seed, result.seed_basis) == (2_000, 5, "given")
    assert result.inputs.integrations_basis == "questionnaire"
    assert all(rate.source.startswith("default") for rate in result.inputs.hourly_rates)
    assert result.inputs.exchange_rate == pytest.approx(1 / 1.08)


def test_reversing_the_integrations_rows_changes_nothing(tmp_path: Path) -> None:
    """GlowUp's eight connections in reverse order, with and without the inventory: the same TCO."""
    content = sample_answers("glowup-loyalty")
    tables = {question_id: list(rows)[::-1] for question_id, rows in content["tables"].items()}
    path = tmp_path / "reversed.xlsx"
    write_template(load_bank(), path, answers=content["answers"], comments=content.get("comments", {}),
                   tables=tables)
    for inventory in (SAMPLES / "inventory.yaml", None):
        runs = [assess(questionnaire, now=NOW, inventory=inventory, org_profile=SAMPLES / "org-profile.yaml",
                       tco_trials=4_000) for questionnaire in (SAMPLES / "glowup-loyalty.xlsx", path)]
        original, reversed_ = (_tco(run) for run in runs)
        assert original.model_copy(update={"inputs": None, "assumptions": ()}) == reversed_.model_copy(
            update={"inputs": None, "assumptions": ()})
        assert [c.content for c in original.inputs.integrations] == [c.content for c in reversed_.inputs.integrations]
