"""The comparison: which candidate is recommended and why, as data and as a PDF read back with pypdf."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from riskengine.assessment import Assessment
from riskengine.errors import InputError, UsageError
from riskengine.pipeline import default_policy
from riskengine.portfolio import Comparison, comparison_pdf, load_compare_rule
from riskengine.portfolio.compare import compare
from riskengine.report.charts import money
from riskengine.tco.assumptions import load_assumptions
from riskengine.tco.result import TcoHeadline
from tests.conftest import ROOT
from tests.portfolio.conftest import variant


def _kinds(comparison: Comparison) -> list[tuple[str, str | None]]:
    return [(reason.kind, reason.assessment_id) for reason in comparison.reasons]


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _headline(assessment: Assessment) -> TcoHeadline:
    assert assessment.tco is not None
    return assessment.tco.headline


def _too_close(base: Assessment, *, assessment_id: str, legal_name: str, good_enough: float,
               built_to_last: float) -> Assessment:
    """``base`` whose own two options cost ``good_enough`` and ``built_to_last`` and are too close to call."""
    assert base.tco is not None
    headline = base.tco.headline
    options = tuple(option.model_copy(update={"expected_total": total, "typical_total": total * 0.9})
                    for option, total in zip(headline.options, (good_enough, built_to_last), strict=True))
    tco = base.tco.model_copy(update={"headline": headline.model_copy(update={
        "options": options, "choice": "too_close_to_call", "too_close_to_call": True})})
    return variant(base, assessment_id=assessment_id, legal_name=legal_name).model_copy(update={"tco": tco})


@pytest.fixture(scope="module")
def samples_compared(samples: dict[str, Assessment]) -> Comparison:
    return compare([samples["northwind-mail"], samples["pixelpath-analytics"], samples["glowup-loyalty"]])


# --- the rule ------------------------------------------------------------------------------------------------


def test_samples_lowest_tier_wins_and_the_reject_is_excluded(samples_compared: Comparison,
                                                             samples: dict[str, Assessment]) -> None:
    northwind, pixelpath, glowup = (samples[name].assessment_id for name in (
        "northwind-mail", "pixelpath-analytics", "glowup-loyalty"))
    comparison = samples_compared
    assert comparison.recommended == northwind
    assert _kinds(comparison) == [("recommended", northwind), ("higher_tier", pixelpath), ("excluded", glowup)]
    assert [(c.letter, c.status, c.rank) for c in comparison.candidates] == [
        ("A", "recommended", 1), ("B", "candidate", 2), ("C", "excluded", None)]
    recommended, higher, excluded = (reason.text for reason in comparison.reasons)
    headline = _headline(samples["northwind-mail"])
    assert headline.choice == "built_to_last"
    chosen = next(option for option in headline.options if option.id == headline.choice)
    assert recommended == ("Northwind Mailworks B.V. is recommended: tier Low, residual risk 19.2, decision Approve "
                           f"with conditions, expected TCO {headline.currency} {money(chosen.expected_total)} over "
                           f"{headline.horizon_years} years (Built to last).")
    assert comparison.reasons[0].figures["cost"] == money(chosen.expected_total)
    assert comparison.recommendation == recommended
    assert higher == "PixelPath Labs, Inc. ranks lower: its tier High (residual risk 43.8) is above tier Low."
    assert excluded == ("GlowUp Technologies Pte. Ltd. is excluded: its decision is Reject (tier Critical, residual "
                        "risk 79.9, knockouts 4).")
    assert comparison.reasons[2].figures["knockouts"] == 4


def test_rejects_are_excluded_even_with_the_lowest_tier(samples: dict[str, Assessment]) -> None:
    base = samples["northwind-mail"]
    rejected = variant(base, assessment_id="RA-R", legal_name="Cheap Reject", tier="low", residual=5.0,
                       decision="reject", cost=1000.0)
    kept = variant(base, assessment_id="RA-K", legal_name="Kept", tier="high", residual=50.0, decision="approve")
    comparison = compare([rejected, kept])
    assert comparison.recommended == "RA-K"
    assert _kinds(comparison) == [("recommended", "RA-K"), ("only_candidate", "RA-K"), ("excluded", "RA-R")]
    assert comparison.reasons[1].text == "Kept is the only one of the 2 candidates that is not excluded."


def test_all_rejected_means_no_recommendation(samples: dict[str, Assessment]) -> None:
    base = samples["glowup-loyalty"]
    comparison = compare([variant(base, assessment_id="RA-1", legal_name="One"),
                          variant(base, assessment_id="RA-2", legal_name="Two")])
    assert comparison.recommended is None
    assert [c.status for c in comparison.candidates] == ["excluded", "excluded"]
    assert comparison.recommendation == "All 2 candidates are excluded, so none is recommended."
    text = _text(comparison_pdf(comparison, [variant(base, assessment_id="RA-1"), variant(base, assessment_id="RA-2")]))
    assert "No candidate can be recommended" in text and "All 2 candidates are excluded" in text


def test_within_a_tier_lower_residual_wins_when_costs_are_close(samples: dict[str, Assessment]) -> None:
    base = samples["pixelpath-analytics"]
    safer = variant(base, assessment_id="RA-S", legal_name="Safer", tier="high", residual=40.0, cost=110_000.0)
    cheaper = variant(base, assessment_id="RA-C", legal_name="Cheaper", tier="high", residual=45.0, cost=100_000.0)
    comparison = compare([cheaper, safer])
    assert comparison.recommended == "RA-S"  # 10 % dearer: within the 25 % allowed
    assert comparison.reasons[1].kind == "higher_residual"
    assert comparison.reasons[1].text == ("Cheaper ranks lower: its residual risk 45.0 is higher than that of Safer "
                                          "(40.0), both in tier High.")


def test_within_a_tier_a_much_dearer_candidate_is_passed_over(samples: dict[str, Assessment]) -> None:
    base = samples["pixelpath-analytics"]
    safer = variant(base, assessment_id="RA-S", legal_name="Safer", tier="high", residual=40.0, cost=130_000.0)
    cheaper = variant(base, assessment_id="RA-C", legal_name="Cheaper", tier="high", residual=45.0, cost=100_000.0)
    comparison = compare([safer, cheaper])
    assert comparison.recommended == "RA-C"
    over = comparison.reasons[1]
    assert (over.kind, over.assessment_id) == ("over_cost", "RA-S")
    assert over.text == ("Safer is passed over: its expected TCO of EUR 130,000 over 3 years (Built to last) is 30 % "
                         "above the cheapest in tier High, Cheaper at EUR 100,000, more than the 25 % allowed.")
    assert comparison.candidate("RA-S").over_cost and comparison.candidate("RA-S").rank == 2


def test_exactly_the_allowed_share_is_not_more(samples: dict[str, Assessment]) -> None:
    base = samples["pixelpath-analytics"]
    safer = variant(base, assessment_id="RA-S", legal_name="Safer", tier="high", residual=40.0, cost=125_000.0)
    cheaper = variant(base, assessment_id="RA-C", legal_name="Cheaper", tier="high", residual=45.0, cost=100_000.0)
    assert compare([safer, cheaper]).recommended == "RA-S"


def test_the_share_is_data(samples: dict[str, Assessment]) -> None:
    base = samples["pixelpath-analytics"]
    safer = variant(base, assessment_id="RA-S", legal_name="Safer", tier="high", residual=40.0, cost=110_000.0)
    cheaper = variant(base, assessment_id="RA-C", legal_name="Cheaper", tier="high", residual=45.0, cost=100_000.0)
    strict = load_compare_rule().model_copy(update={"tco_share": 0.05})
    comparison = compare([safer, cheaper], policy=default_policy().model_copy(update={"compare": strict}))
    assert comparison.recommended == "RA-C"
    assert "more than the 5 % allowed" in comparison.reasons[1].text and "10 % above" in comparison.reasons[1].text
    assert comparison.rule.tco_share == 0.05


def test_equal_residuals_are_decided_by_name_whatever_the_order(samples: dict[str, Assessment]) -> None:
    base = samples["northwind-mail"]
    beta = variant(base, assessment_id="RA-B", legal_name="beta mail", residual=19.24, cost=100_000.0)
    alpha = variant(base, assessment_id="RA-A", legal_name="Alpha Mail", residual=19.2, cost=100_000.0)
    for order in ([beta, alpha], [alpha, beta]):
        comparison = compare(order)
        assert comparison.recommended == "RA-A"  # 19.24 and 19.2 tie at one decimal; "Alpha" sorts before "beta"
        assert comparison.reasons[1].kind == "name_tie"
        assert comparison.reasons[1].text == ("beta mail ties with Alpha Mail at residual risk 19.2 in tier Low; "
                                              "the name decides.")


def test_cost_ranks_on_the_expected_total_not_the_typical_one(samples: dict[str, Assessment]) -> None:
    """A candidate whose typical (median) future is cheap but whose expected cost, rare losses counted, is over
    the band is passed over: the comparison ranks on the figure the headline decides on."""
    base = samples["pixelpath-analytics"]
    safer = variant(base, assessment_id="RA-S", legal_name="Safer", tier="high", residual=40.0, cost=130_000.0)
    assert safer.tco is not None
    headline = safer.tco.headline
    cheap_median = safer.tco.model_copy(update={"headline": headline.model_copy(update={"options": tuple(
        option.model_copy(update={"typical_total": 50_000.0}) for option in headline.options)})})
    safer = safer.model_copy(update={"tco": cheap_median})
    cheaper = variant(base, assessment_id="RA-C", legal_name="Cheaper", tier="high", residual=45.0, cost=100_000.0)
    comparison = compare([safer, cheaper])
    assert comparison.recommended == "RA-C"
    assert comparison.candidate("RA-S").over_cost
    assert comparison.candidate("RA-S").row.compared_cost is not None
    assert comparison.candidate("RA-S").row.compared_cost.typical_total == 50_000.0


def test_candidates_within_the_materiality_are_too_close_to_call(samples: dict[str, Assessment]) -> None:
    """With the band at 0 (cost alone decides within a tier), a candidate less than the TCO headline's
    materiality above the cheapest is not passed over: the two are too close to call, and a reason says so."""
    materiality = load_assumptions().simulation.headline.materiality.value
    base = samples["pixelpath-analytics"]
    cheapest = 100_000.0
    close = variant(base, assessment_id="RA-S", legal_name="Safer", tier="high", residual=40.0,
                    cost=cheapest * (1 + materiality / 2))
    far = variant(base, assessment_id="RA-F", legal_name="Farther", tier="high", residual=30.0,
                  cost=cheapest * (1 + materiality * 2))
    cheaper = variant(base, assessment_id="RA-C", legal_name="Cheaper", tier="high", residual=45.0, cost=cheapest)
    rule = load_compare_rule().model_copy(update={"tco_share": 0.0})
    comparison = compare([close, far, cheaper], policy=default_policy().model_copy(update={"compare": rule}))
    assert comparison.recommended == "RA-S"  # within the materiality: the lower residual wins
    assert comparison.candidate("RA-S").cost_too_close and not comparison.candidate("RA-S").over_cost
    assert comparison.candidate("RA-F").over_cost and not comparison.candidate("RA-F").cost_too_close
    assert _kinds(comparison) == [("recommended", "RA-S"), ("higher_residual", "RA-C"), ("over_cost", "RA-F"),
                                  ("cost_too_close", "RA-S")]
    materiality_text = f"{materiality * 100:g}"
    why = load_assumptions().wording.close_material.format(materiality=materiality_text)  # the headline's words
    assert comparison.reasons[-1].text == (
        f"Safer costs about the same as Cheaper in tier High: their expected TCOs over 3 years, EUR "
        f"{money(cheapest * (1 + materiality / 2))} and EUR {money(cheapest)}, are too close to call ({why}), so "
        "cost does not set them apart.")
    text = " ".join(_text(comparison_pdf(comparison, [close, far, cheaper])).split())
    assert " ".join(comparison.reasons[-1].text.split()) in text
    assert f"unless the two are less than {materiality_text} % apart, too close to call" in text


def test_a_vendor_whose_own_options_are_too_close_to_call(samples: dict[str, Assessment]) -> None:
    """Its cost model recommends neither option; the comparison uses the lower expected total and says why."""
    base = samples["northwind-mail"]
    tied = _too_close(base, assessment_id="RA-T", legal_name="Tied Mail", good_enough=200_000.0,
                      built_to_last=201_000.0)
    other = variant(base, assessment_id="RA-O", legal_name="Other Mail", residual=30.0, cost=400_000.0)
    comparison = compare([tied, other])
    row = comparison.candidate("RA-T").row
    assert row.tco_choice == "too_close_to_call" and row.recommended_option is None
    assert row.compared_cost is not None and row.compared_cost.id == "good_enough"
    assert comparison.recommended == "RA-T"
    assert comparison.reasons[0].figures["option"] == "Good enough, too close to call against built to last"
    assert "expected TCO EUR 200,000 over 3 years (Good enough, too close to call against built to last)" in \
        comparison.reasons[0].text
    text = " ".join(_text(comparison_pdf(comparison, [tied, other])).split())
    assert "Too close to call" in text


def test_costs_over_different_horizons_are_not_compared(samples: dict[str, Assessment]) -> None:
    base = samples["pixelpath-analytics"]
    safer = variant(base, assessment_id="RA-S", legal_name="Safer", tier="high", residual=40.0, cost=900_000.0)
    assert safer.tco is not None
    longer = safer.tco.model_copy(update={"headline": safer.tco.headline.model_copy(update={"horizon_years": 5})})
    safer = safer.model_copy(update={"tco": longer})
    cheaper = variant(base, assessment_id="RA-C", legal_name="Cheaper", tier="high", residual=45.0, cost=100_000.0)
    comparison = compare([safer, cheaper])
    assert comparison.recommended == "RA-S"
    assert comparison.reasons[-1].text == ("Costs are not compared in tier High: the candidates' TCOs cover "
                                           "different horizons.")


def test_costs_in_different_currencies_are_not_compared(samples: dict[str, Assessment]) -> None:
    base = samples["pixelpath-analytics"]
    safer = variant(base, assessment_id="RA-S", legal_name="Safer", tier="high", residual=40.0, cost=900_000.0,
                    currency="USD")
    cheaper = variant(base, assessment_id="RA-C", legal_name="Cheaper", tier="high", residual=45.0, cost=100_000.0)
    comparison = compare([safer, cheaper])
    assert comparison.recommended == "RA-S"
    assert comparison.reasons[-1].kind == "cost_not_compared"
    assert comparison.reasons[-1].text == ("Costs are not compared in tier High: the candidates' TCOs are in "
                                           "different currencies.")


def test_compare_needs_two_distinct_candidates(samples: dict[str, Assessment]) -> None:
    northwind = samples["northwind-mail"]
    with pytest.raises(UsageError, match="at least two"):
        compare([northwind])
    with pytest.raises(UsageError, match="appears twice"):
        compare([northwind, northwind])


def test_the_comparison_is_json_and_back(samples_compared: Comparison) -> None:
    restored = Comparison.model_validate_json(samples_compared.model_dump_json())
    assert restored == samples_compared
    assert restored.rule == load_compare_rule()


def test_the_worked_example_of_the_docs(samples: dict[str, Assessment]) -> None:
    """docs/portfolio.md, "Worked example": the figures there, the outcome there."""
    docs = (ROOT / "docs" / "portfolio.md").read_text(encoding="utf-8")
    base = samples["pixelpath-analytics"]
    candidates = [
        variant(base, assessment_id="RA-A", legal_name="Acme Analytics", tier="medium", residual=31.0,
                decision="approve_with_conditions", cost=260_000.0),
        variant(base, assessment_id="RA-B", legal_name="Beacon Insights", tier="medium", residual=28.5,
                decision="approve_with_conditions", cost=340_000.0),
        variant(base, assessment_id="RA-C", legal_name="Cobalt Metrics", tier="medium", residual=33.0,
                decision="approve_with_conditions", cost=250_000.0),
        variant(base, assessment_id="RA-D", legal_name="Delta Data", tier="low", residual=18.0, decision="reject",
                cost=120_000.0, knockouts=samples["glowup-loyalty"].risk.knockouts[:1]),
        variant(base, assessment_id="RA-E", legal_name="Echo Tag", tier="high", residual=41.0,
                decision="approve_with_conditions", cost=150_000.0),
    ]
    comparison = compare(candidates)
    assert comparison.recommended == "RA-A"
    assert [(candidate.letter, candidate.rank) for candidate in comparison.ranked()] == [
        ("A", 1), ("C", 2), ("B", 3), ("E", 4), ("D", None)]
    for reason in comparison.reasons:
        assert reason.text in " ".join(docs.split()), reason.text


# --- the PDF ------------------------------------------------------------------------------------------------


def test_comparison_pdf_shows_recommendation_reasons_and_candidates(samples_compared: Comparison,
                                                                    samples: dict[str, Assessment]) -> None:
    data = comparison_pdf(samples_compared, list(samples.values()))
    text = _text(data)
    assert "Recommended: A · Northwind Mailworks B.V." in text
    for sentence in (reason.text for reason in samples_compared.reasons):
        assert " ".join(sentence.split()) in " ".join(text.split()), sentence
    for word in ("B · PixelPath Labs, Inc.", "C · GlowUp Technologies", "1 of 2", "excluded",
                 "Control effectiveness by category", "Security", "more than 25 % above the tier's cheapest",
                 "Expected TCO, Good enough", "Expected TCO, Built to last"):
        assert word in " ".join(text.split()), word
    # every candidate's figures are its headline's, worded as the page words them
    for assessment in samples.values():
        assert assessment.tco is not None
        headline, spread = assessment.tco.headline, {option.id: option.npv for option in assessment.tco.options}
        for option in headline.options:
            expected = f"{headline.currency} {money(option.expected_total)} over {headline.horizon_years} years"
            typical = (f"typical {headline.currency} {money(option.typical_total)}; 8 in 10 futures "
                       f"{money(spread[option.id].p10)}\u2013{money(spread[option.id].p90)}")
            assert expected in " ".join(text.split()), expected
            assert typical in " ".join(text.split()), typical
    assert "External posture" not in text  # no candidate's controls apply: left out of the chart


def test_comparison_pdf_is_byte_identical(samples_compared: Comparison, samples: dict[str, Assessment]) -> None:
    assessments = list(samples.values())
    assert comparison_pdf(samples_compared, assessments) == comparison_pdf(samples_compared, assessments[::-1])


def test_comparison_pdf_refuses_other_assessments(samples_compared: Comparison,
                                                  samples: dict[str, Assessment]) -> None:
    with pytest.raises(InputError, match="assessments: 1 problem") as caught:
        comparison_pdf(samples_compared, [samples["northwind-mail"]])
    assert "not the compared ones" in caught.value.problems[0].message


def test_many_candidates_continue_in_a_second_table(samples: dict[str, Assessment], tmp_path: Path) -> None:
    base = samples["pixelpath-analytics"]
    candidates = [variant(base, assessment_id=f"RA-{index}", legal_name=f"Vendor {index} <i>x</i>",
                          residual=30.0 + index, cost=100_000.0 + index) for index in range(6)]
    comparison = compare(candidates)
    text = " ".join(_text(comparison_pdf(comparison, candidates)).split())
    assert text.count("Candidate ") >= 2  # the label column's header, once per table
    assert "F · Vendor 5 <i>x</i>" in text
