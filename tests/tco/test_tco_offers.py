"""Offers: the file read and checked with its lines, each offer priced on the same random numbers, compared."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskengine.errors import InputError
from riskengine.tco.assumptions import load_assumptions
from riskengine.tco.offers import Offer, load_offers, offer_inputs
from riskengine.tco.simulation import price_offers, total_cost_of_ownership
from tests.conftest import SAMPLES
from tests.tco.factory import make_inputs

ASSUMPTIONS = load_assumptions()


def test_the_sample_offers_load_with_the_files_defaults() -> None:
    growth, enterprise = load_offers(SAMPLES / "northwind-offers.yaml")
    assert (growth.id, enterprise.id) == ("growth", "enterprise")
    assert growth.vendor == enterprise.vendor == "Northwind Mailworks B.V."
    assert growth.currency == enterprise.currency == "EUR"
    assert (enterprise.unit_price, enterprise.units, enterprise.uplift_cap_percent) == (44, None, 3)


def test_a_broken_offers_file_is_refused_with_every_problem_and_its_line(tmp_path: Path) -> None:
    path = tmp_path / "offers.yaml"
    path.write_text("offers:\n"
                    "  - id: plan\n"
                    "    title: A plan\n"
                    "    uplift_cap_percent: 150\n"
                    "  - id: plan\n"
                    "    title: The same id\n"
                    "    currency: euro\n"
                    "    seats: 10\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_offers(path)
    problems = {problem.place: problem.message for problem in caught.value.problems}
    assert any("less than or equal to 100" in message for message in problems.values())
    assert f"{path}:4" in problems and f"{path}:7" in problems and f"{path}:8" in problems
    assert "seats" in problems[f"{path}:8"]
    assert len(caught.value.problems) == 3, "each problem once: no second error about the list's length"
    path.write_text("offers: []\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_offers(path)
    assert [problem.message for problem in caught.value.problems] == ["offers: list at least one offer"]
    path.write_text("offers:\n  - {id: plan, title: A plan}\n  - {id: plan, title: Again}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_offers(path)
    assert caught.value.problems[0].place == f"{path}:2"
    assert "repeated: plan" in caught.value.problems[0].message


def test_an_offer_replaces_the_quote_fields_it_names_and_what_the_vendor_offers() -> None:
    inputs = make_inputs(notes=("Costs!D8: 'Price per seat or unit per year' is blank; licences taken as 0",),
                         questions={"cost.unit_price": "Price per seat or unit per year"})
    offer = Offer(id="pro", title="Pro plan", currency="USD", unit_price=50, uplift_cap_percent=3, sso=False)
    priced = offer_inputs(inputs, offer, ASSUMPTIONS)
    assert (priced.unit_price, priced.units, priced.uplift_cap) == (50, inputs.units, 0.03)
    assert (priced.quote_currency, priced.exchange_rate) == ("USD", pytest.approx(1 / 1.08))
    assert priced.places["cost.unit_price"] == "offer pro"
    assert priced.notes == ()  # the blank price no longer applies
    assert not priced.offers("sso") and priced.offers("api")
    result = total_cost_of_ownership(priced, ASSUMPTIONS, trials=500, seed=1)
    assert ("built_to_last", "sso") in {(item.option, item.id) for item in result.not_available}
    capability = next(row for row in result.assumptions if row.id == "capability.sso")
    assert capability.source == "offer pro" and capability.value == "not offered (No)"


def test_offers_are_priced_on_the_same_random_numbers_as_each_alone() -> None:
    inputs = make_inputs(records=800_000)
    offers = (Offer(id="basic", title="Basic", unit_price=40), Offer(id="plus", title="Plus", unit_price=60,
                                                                     implementation_fee=0))
    comparison = price_offers(inputs, offers, ASSUMPTIONS, trials=4_000, seed=12)
    for priced in comparison.offers:
        alone = total_cost_of_ownership(offer_inputs(inputs, priced.offer, ASSUMPTIONS), ASSUMPTIONS, trials=4_000,
                                        seed=12)
        assert priced.result == alone
    ranking = comparison.ranking
    assert [option.expected_total for option in ranking] == sorted(option.expected_total for option in ranking)
    assert comparison.cheapest == ranking[0] and comparison.runner_up == ranking[1]
    assert sum(option.probability_cheapest.value for option in ranking) == pytest.approx(1.0, abs=1e-3)
    assert comparison.difference_to_runner_up is not None
    assert comparison.difference_to_runner_up.value == pytest.approx(
        ranking[1].expected_total - ranking[0].expected_total, abs=0.02)
    assert comparison.recommendation.startswith(f"{'Basic' if ranking[0].offer_id == 'basic' else 'Plus'}, ")


def test_two_identical_offers_are_too_close_to_call() -> None:
    offers = (Offer(id="a", title="Plan A"), Offer(id="b", title="Plan B"))
    comparison = price_offers(make_inputs(), offers, ASSUMPTIONS, seed=2)
    assert comparison.too_close_to_call
    assert comparison.difference_to_runner_up is not None and comparison.difference_to_runner_up.value == 0
    assert comparison.recommendation.startswith("Too close to call between Plan A, built to last, and Plan B")
    with pytest.raises(ValueError, match="unique"):
        price_offers(make_inputs(), (offers[0], offers[0]), ASSUMPTIONS)
    with pytest.raises(ValueError, match="at least one offer"):
        price_offers(make_inputs(), (), ASSUMPTIONS)


def test_the_sample_offers_prefer_the_enterprise_plan(assessed: dict, submissions: dict) -> None:  # type: ignore[type-arg]
    from riskengine.organisation import load_org_profile
    from riskengine.questionnaire.bank import load_bank
    from riskengine.tco.inputs import tco_inputs

    assessment = assessed["northwind-mail"]
    inputs = tco_inputs(submissions["northwind-mail"], load_bank(), assessment.risk,
                        load_org_profile(SAMPLES / "org-profile.yaml"), ASSUMPTIONS, assessment.graph)
    comparison = price_offers(inputs, load_offers(SAMPLES / "northwind-offers.yaml"), ASSUMPTIONS)
    assert (comparison.cheapest.offer_id, comparison.cheapest.option) == ("enterprise", "built_to_last")
    assert not comparison.too_close_to_call and comparison.precision.met
    growth = comparison.offers[0].result
    assert growth.headline.options[1].expected_total == pytest.approx(
        assessment.tco.headline.options[1].expected_total, rel=1e-3)  # the Growth plan is the questionnaire's quote
