"""tco_inputs: answers read by role, the graph's effort, the org's rates and currencies, the fine regimes."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskengine.assessment import Assessment
from riskengine.organisation import DEFAULT_ORG, load_org_profile
from riskengine.questionnaire.bank import load_bank
from riskengine.questionnaire.submission import Submission
from riskengine.tco.assumptions import load_assumptions
from riskengine.tco.inputs import tco_inputs
from riskengine.tco.sources import ANSWER_FIELDS
from tests.conftest import SAMPLES

ORG = load_org_profile(SAMPLES / "org-profile.yaml")


def test_every_role_the_model_reads_is_in_the_shipped_bank() -> None:
    bank = load_bank()
    missing = [role for role in (*ANSWER_FIELDS, "integrations") if bank.by_role(role) is None]
    assert missing == []


def test_northwind_answers_arrive_by_role_with_their_cells(assessed: dict[str, Assessment],
                                                          submissions: dict[str, Submission]) -> None:
    assessment = assessed["northwind-mail"]
    inputs = tco_inputs(submissions["northwind-mail"], load_bank(), assessment.risk, ORG, load_assumptions(),
                        assessment.graph)
    assert (inputs.pricing_model, inputs.quote_currency, inputs.exchange_rate) == ("per contact", "EUR", 1.0)
    assert (inputs.unit_price, inputs.units, inputs.minimum_commitment) == (38.0, 2000.0, 76_000.0)
    assert (inputs.implementation_fee, inputs.training_fee, inputs.support_fee) == (24_000.0, 4_500.0, 9_600.0)
    assert (inputs.term_months, inputs.uplift_cap, inputs.records) == (36, 0.05, 1_850_000)
    assert inputs.export_formats == ("CSV", "JSON", "Parquet") and inputs.proprietary_formats == "Partial"
    assert inputs.places["cost.unit_price"].startswith("Costs!")
    assert inputs.places["data.records"].startswith("Data handled!")
    assert inputs.fine_regimes == ("gdpr", "uk_gdpr") and not inputs.transfer_outside_approved
    assert inputs.regime_shares == {"gdpr": 0.85, "uk_gdpr": 0.15}
    assert inputs.control_effectiveness == assessment.risk.control_effectiveness
    assert inputs.integrations_basis == "graph"
    assert assessment.graph is not None
    assert sorted((c.system, c.likely) for c in inputs.integrations) == sorted(
        (effort.system_id, effort.hours.likely) for effort in assessment.graph.effort)
    assert inputs.hourly_rate("it_engineer") == pytest.approx(78_000 * 1.35 / 1600)
    assert inputs.notes == ()


def test_a_foreign_quote_is_converted_at_the_org_rate_else_at_the_defaults(
        assessed: dict[str, Assessment], submissions: dict[str, Submission]) -> None:
    risk, assumptions = assessed["pixelpath-analytics"].risk, load_assumptions()
    with_rates = tco_inputs(submissions["pixelpath-analytics"], load_bank(), risk, ORG, assumptions)
    assert (with_rates.quote_currency, with_rates.exchange_rate) == ("USD", 0.92)
    assert with_rates.exchange_rate_source == "org profile exchange_rates"
    default = tco_inputs(submissions["pixelpath-analytics"], load_bank(), risk, DEFAULT_ORG, assumptions)
    assert default.exchange_rate == pytest.approx(1 / 1.08)
    assert default.exchange_rate_source.startswith("European Central Bank")
    assert default.hourly_rate("it_engineer") == pytest.approx(75_000 * 1.3 / 1600)


def test_regimes_follow_where_the_data_subjects_live_not_where_the_data_is_stored(
        assessed: dict[str, Assessment], submissions: dict[str, Submission]) -> None:
    risk, assumptions, bank = assessed["pixelpath-analytics"].risk, load_assumptions(), load_bank()
    submission = submissions["pixelpath-analytics"]
    with_org = tco_inputs(submission, bank, risk, ORG, assumptions)
    assert with_org.data_regions == ("US",)
    # EU and UK customers, data stored in the US: GDPR and UK GDPR, no CCPA; the higher GDPR cap (a transfer).
    assert with_org.fine_regimes == ("gdpr", "uk_gdpr") and with_org.transfer_outside_approved
    assert with_org.data_subject_basis.startswith("org profile data_subject_regions")
    americans = ORG.model_copy(update={"data_subject_regions": ("EU/EEA", "US"), "data_subject_shares": {}})
    assert tco_inputs(submission, bank, risk, americans, assumptions).regime_shares == {"gdpr": 0.5, "ccpa": 0.5}
    # Without data subject regions the storage regions stand in, and the basis says so.
    fallback = tco_inputs(submission, bank, risk, DEFAULT_ORG, assumptions)
    assert fallback.fine_regimes == ("ccpa",) and "stand in" in fallback.data_subject_basis
    records = bank.by_role("data.records")
    assert records is not None
    no_people = submission.model_copy(update={"answers": {
        **submission.answers, records.id: submission.answers[records.id].model_copy(update={"value": 0})}})
    assert tco_inputs(no_people, bank, risk, ORG, assumptions).fine_regimes == ()


def test_capabilities_decision_privacy_and_customer_facing_systems_arrive(
        assessed: dict[str, Assessment], submissions: dict[str, Submission]) -> None:
    bank, assumptions = load_bank(), load_assumptions()
    northwind = tco_inputs(submissions["northwind-mail"], bank, assessed["northwind-mail"].risk, ORG, assumptions,
                           assessed["northwind-mail"].graph)
    assert {item.id: item.offered for item in northwind.capabilities} == {
        "api": True, "dpa": True, "scim": True, "sso": True}
    assert northwind.customer_facing == () and northwind.risk_decision == "approve_with_conditions"
    glowup = assessed["glowup-loyalty"]
    inputs = tco_inputs(submissions["glowup-loyalty"], bank, glowup.risk, ORG, assumptions, glowup.graph)
    offered = {item.id: (item.offered, item.answer) for item in inputs.capabilities}
    assert offered == {"api": (True, "API key"), "dpa": (False, "No"), "scim": (False, "No"),
                       "sso": (False, "Partial")}  # Partial: SSO only on a higher plan
    sso = next(item for item in inputs.capabilities if item.id == "sso")
    assert sso.place.startswith("Security!")
    assert inputs.risk_decision == "reject" and len(inputs.customer_facing) == 7
    privacy = {category.id: category for category in glowup.risk.categories}
    expected = 100 * (privacy["privacy"].earned + privacy["tracking"].earned) / (
        privacy["privacy"].possible + privacy["tracking"].possible)
    assert inputs.privacy_effectiveness == pytest.approx(expected)
    assert inputs.privacy_gap == pytest.approx(1 - expected / 100)
    assert (inputs.online_revenue_share, inputs.online_revenue_basis) == (0.22, "org profile online_revenue_share")
    assert inputs.risk_appetite is not None and inputs.risk_appetite.period == "year"


def test_without_an_inventory_each_integrations_row_gets_the_default_hours(
        assessed: dict[str, Assessment], submissions: dict[str, Submission]) -> None:
    bank, assumptions = load_bank(), load_assumptions()
    submission = submissions["glowup-loyalty"]
    inputs = tco_inputs(submission, bank, assessed["glowup-loyalty"].risk, ORG, assumptions)
    question = bank.by_role("integrations")
    assert question is not None
    assert inputs.integrations_basis == "questionnaire"
    assert len(inputs.integrations) == len(submission.tables[question.id]) > 0
    hours = assumptions.integration.default_hours
    assert {(c.low, c.likely, c.high) for c in inputs.integrations} == {(hours.low, hours.likely, hours.high)}
    assert inputs.integrations[0].basis.startswith("default hours (no inventory), Integrations!")
    # In the order of what each connection is, not of its row.
    assert [c.content for c in inputs.integrations] == sorted(c.content for c in inputs.integrations)


def test_blank_cost_answers_count_as_zero_and_are_noted(assessed: dict[str, Assessment],
                                                        submissions: dict[str, Submission]) -> None:
    bank = load_bank()
    submission = submissions["northwind-mail"]
    dropped = {bank.by_role(role).id for role in ("cost.unit_price", "cost.uplift_cap")}  # type: ignore[union-attr]
    blank = submission.model_copy(update={"answers": {
        key: answer for key, answer in submission.answers.items() if key not in dropped}})
    inputs = tco_inputs(blank, bank, assessed["northwind-mail"].risk, ORG, load_assumptions())
    assert inputs.unit_price == 0.0 and inputs.uplift_cap == 1.0
    assert len(inputs.notes) == 2
    assert "licences taken as 0" in inputs.notes[0] and "no cap: 100 % assumed" in inputs.notes[1]


def test_the_org_profile_checks_its_exchange_rates(tmp_path: Path) -> None:
    from riskengine.errors import InputError

    path = tmp_path / "org.yaml"
    path.write_text("organisation: X\ncurrency: EUR\nhorizon_years: 3\ndiscount_rate: 0.08\n"
                    "exchange_rates: {usd: 0.9}\n")
    with pytest.raises(InputError) as caught:
        load_org_profile(path)
    assert "3-letter currency code" in str(caught.value.problems[0])
    assert caught.value.problems[0].place == f"{path}:5"


def test_a_currency_nobody_can_convert_is_an_input_error(assessed: dict[str, Assessment],
                                                         submissions: dict[str, Submission]) -> None:
    from riskengine.errors import InputError

    swedish = ORG.model_copy(update={"currency": "SEK", "exchange_rates": {"USD": 10.5}})
    with pytest.raises(InputError) as caught:
        tco_inputs(submissions["pixelpath-analytics"], load_bank(), assessed["pixelpath-analytics"].risk, swedish,
                   load_assumptions())
    assert [problem.message for problem in caught.value.problems] == [
        "no rate from EUR to SEK: add EUR to the org profile's exchange_rates (SEK for one EUR)",
        "no rate from GBP to SEK: add GBP to the org profile's exchange_rates (SEK for one GBP)"]
    # With the organisation's rate for the euro, the defaults' other currencies convert through it.
    priced = swedish.model_copy(update={"exchange_rates": {"USD": 10.5, "EUR": 11.4}})
    inputs = tco_inputs(submissions["pixelpath-analytics"], load_bank(), assessed["pixelpath-analytics"].risk,
                        priced, load_assumptions())
    assert (inputs.currency, inputs.exchange_rate) == ("SEK", 10.5)
    assert load_assumptions().to_currency("GBP", "SEK", priced.exchange_rates) == pytest.approx(11.4 / 0.85)


def test_the_org_profile_checks_its_data_subjects_and_risk_appetite(tmp_path: Path) -> None:
    from riskengine.errors import InputError

    path = tmp_path / "org.yaml"
    path.write_text("organisation: X\ncurrency: EUR\nhorizon_years: 3\ndiscount_rate: 0.08\n"
                    "data_subject_regions: [EU/EEA, UK]\n"
                    "data_subject_shares: {EU/EEA: 0.8, US: 0.2}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_org_profile(path)
    assert "not in data_subject_regions: US" in caught.value.problems[0].message
    assert caught.value.problems[0].place == f"{path}:6"
    path.write_text("organisation: X\ncurrency: EUR\nhorizon_years: 3\ndiscount_rate: 0.08\n"
                    "risk_appetite:\n"
                    "  points:\n"
                    "    - {loss: 100000, probability: 0.01}\n"
                    "    - {loss: 500000, probability: 1.5}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_org_profile(path)
    assert caught.value.problems[0].place == f"{path}:8"
    sample = load_org_profile(SAMPLES / "org-profile.yaml")
    assert sample.subject_shares() == {"EU/EEA": 0.85, "UK": 0.15}
    assert sample.risk_appetite is not None and [point.loss for point in sample.risk_appetite.points] == [
        250_000, 1_000_000, 5_000_000]
    assert DEFAULT_ORG.subject_shares() == {} and DEFAULT_ORG.risk_appetite is None
