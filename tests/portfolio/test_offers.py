"""One vendor's offers side by side (what ``riskengine tco`` prints and draws): the figures are the headlines'."""

from __future__ import annotations

import io

import pypdf
import pytest

from riskengine.assessment import Assessment
from riskengine.portfolio import OfferTable, offers_pdf, offers_table, quote_table
from riskengine.report.charts import money
from riskengine.tco import load_assumptions, load_offers, price_offers
from riskengine.tco.result import OfferComparison
from tests.conftest import SAMPLES


def _text(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def comparison(samples: dict[str, Assessment]) -> OfferComparison:
    tco = samples["northwind-mail"].tco
    assert tco is not None
    return price_offers(tco.inputs, load_offers(SAMPLES / "northwind-offers.yaml"), load_assumptions())


def test_the_quote_is_the_assessments_headline(samples: dict[str, Assessment]) -> None:
    assessment = samples["northwind-mail"]
    assert assessment.tco is not None
    headline = assessment.tco.headline
    table = quote_table(assessment)
    assert (table.currency, table.horizon_years, table.offers) == (headline.currency, headline.horizon_years, 1)
    assert [row.expected_total for row in table.rows] == sorted(option.expected_total for option in headline.options)
    for row in table.rows:
        option = next(option for option in headline.options if option.id == row.option)
        assert (row.expected_total, row.typical_total, row.expected_annual_loss) == (
            option.expected_total, option.typical_total, option.expected_annual_loss)
        assert row.offer_id == "" and row.offer == "As quoted in the questionnaire"
    chances = {row.option: row.probability_cheapest.value for row in table.rows}
    assert chances["built_to_last"] == headline.probability_built_to_last_cheaper.value
    assert chances["good_enough"] == pytest.approx(1 - chances["built_to_last"])
    assert table.recommendation == headline.recommendation and table.decision_note == ""


def test_a_rejected_vendors_quote_carries_the_decision_that_stands(samples: dict[str, Assessment]) -> None:
    table = quote_table(samples["glowup-loyalty"])
    assert table.decision_note.startswith("The risk decision (reject) stands whatever the cost")
    [text] = _text(offers_pdf(table))
    assert " ".join(table.decision_note.split()) in text


def test_offers_are_ranked_on_their_headlines_expected_totals(samples: dict[str, Assessment],
                                                             comparison: OfferComparison) -> None:
    table = offers_table(samples["northwind-mail"], comparison)
    assert table.offers == 2 and len(table.rows) == 4
    assert [(row.offer_id, row.option) for row in table.rows] == [
        (entry.offer_id, entry.option) for entry in comparison.ranking]
    results = {item.offer.id: item.result for item in comparison.offers}
    for row, entry in zip(table.rows, comparison.ranking, strict=True):
        option = next(option for option in results[row.offer_id].headline.options if option.id == row.option)
        assert row.expected_total == entry.expected_total == option.expected_total
        assert (row.typical_total, row.expected_annual_loss) == (option.typical_total, option.expected_annual_loss)
        assert row.probability_cheapest == entry.probability_cheapest
    assert sum(row.probability_cheapest.value for row in table.rows) == pytest.approx(1, abs=1e-3)
    assert table.recommendation == comparison.recommendation and table.trials == comparison.trials


def test_offers_pdf_is_one_page_with_every_figure_and_the_same_bytes(samples: dict[str, Assessment],
                                                                      comparison: OfferComparison) -> None:
    table = offers_table(samples["northwind-mail"], comparison)
    data = offers_pdf(table)
    assert offers_pdf(table) == data
    [text] = _text(data)
    assert "Northwind Mailworks B.V.: 2 offers in both adoption styles, as of 24 November 2026" in text
    assert "Lowest expected cost" in text and " ".join(table.recommendation.split()) in text
    for row in table.rows:
        for value in (row.expected_total, row.typical_total, row.expected_annual_loss):
            assert f"{table.currency} {money(value)}" in text
        assert f"in {row.probability_cheapest.value * 100:.1f} % of futures" in text
    assert "EUR, present value over 3 years" in text


def test_too_close_to_call_is_the_pages_heading(samples: dict[str, Assessment]) -> None:
    table = quote_table(samples["northwind-mail"])
    close = OfferTable.model_validate({**table.model_dump(), "too_close_to_call": True,
                                       "recommendation": "Too close to call: both cost the same."})
    [text] = _text(offers_pdf(close))
    assert "Too close to call Too close to call: both cost the same." in text
    assert "Lowest expected cost" not in text
