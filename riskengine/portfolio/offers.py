"""One vendor's offers side by side: each offer in both adoption styles, on the TCO headline's figures.

What ``riskengine tco`` prints and draws. Two sources give the same table:

- ``quote_table(assessment)``: the questionnaire's own quote, its two adoption styles, read off the
  assessment's TCO headline (``assessment.tco.headline``): the same figures as its report and its JSON;
- ``offers_table(assessment, comparison)``: the offers of an offers file priced with
  ``riskengine.tco.price_offers`` on the same random numbers; each row's figures are that offer's headline's,
  and the probability that it is the cheapest is the comparison's.

::

    assessment = assess(Path("samples/northwind-mail.xlsx"), now=now, inventory=..., org_profile=...)
    comparison = price_offers(assessment.tco.inputs, load_offers(Path("samples/northwind-offers.yaml")),
                              load_assumptions())
    table = offers_table(assessment, comparison)    # or quote_table(assessment)
    Path("offers.pdf").write_bytes(offers_pdf(table))
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from riskengine.assessment import Assessment
from riskengine.pipeline import default_policy
from riskengine.policy import Policy
from riskengine.report.charts import money
from riskengine.tco.assumptions import OptionId
from riskengine.tco.result import Estimate, OfferComparison, OptionHeadline, TcoHeadline, TcoResult


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class OfferRow(_Frozen):
    """One offer in one adoption style."""

    offer_id: str
    """The offer's id in the offers file; ``""`` for the questionnaire's own quote."""
    offer: str
    """The offer's title (the questionnaire's quote: the wording's ``offers.quote``)."""
    option: OptionId
    expected_total: float
    """The headline's expected total: every cost over the horizon, risk included, the mean of the futures."""
    typical_total: float
    """The headline's typical total: the median of the futures."""
    expected_annual_loss: float
    probability_cheapest: Estimate
    """Share of the simulated futures in which this row costs least of all rows, with its standard error."""


class OfferTable(_Frozen):
    """Every offer in both adoption styles, lowest expected total first, and the one-sentence recommendation."""

    vendor: str
    created: dt.datetime
    """The assessment's clock: the date of the page."""
    currency: str
    horizon_years: int
    offers: int
    """How many offers: 1 for the questionnaire's own quote."""
    rows: tuple[OfferRow, ...]
    too_close_to_call: bool
    """The cheapest row and the next are too close to call (the headline's rule)."""
    recommendation: str
    decision_note: str
    """The risk decision stands whatever the cost (reject, more information needed); else empty."""
    trials: int


def quote_table(assessment: Assessment, policy: Policy | None = None) -> OfferTable:
    """The questionnaire's own quote in both adoption styles, from the assessment's TCO headline (its row named in
    ``policy``'s words; default: the shipped policy's)."""
    tco = _priced(assessment)
    headline = tco.headline
    built_to_last = headline.probability_built_to_last_cheaper
    chances = {"built_to_last": built_to_last,
               "good_enough": Estimate(value=round(1.0 - built_to_last.value, 4),
                                       standard_error=built_to_last.standard_error)}
    title = (policy or default_policy()).portfolio.offers.quote
    rows = [_row("", title, option, chances[option.id]) for option in headline.options]
    return _table(assessment, headline, rows, offers=1, too_close=headline.too_close_to_call,
                  recommendation=headline.recommendation, trials=tco.trials)


def offers_table(assessment: Assessment, comparison: OfferComparison) -> OfferTable:
    """The offers ``comparison`` priced (``price_offers`` on ``assessment.tco.inputs``), each offer's figures from
    its own headline."""
    priced = {item.offer.id: item for item in comparison.offers}
    rows = []
    for entry in comparison.ranking:
        item = priced[entry.offer_id]
        option = next(option for option in item.result.headline.options if option.id == entry.option)
        rows.append(_row(item.offer.id, item.offer.title, option, entry.probability_cheapest))
    return _table(assessment, comparison.offers[0].result.headline, rows, offers=len(comparison.offers),
                  too_close=comparison.too_close_to_call, recommendation=comparison.recommendation,
                  trials=comparison.trials)


def _priced(assessment: Assessment) -> TcoResult:
    if assessment.tco is None:
        raise ValueError(f"the assessment {assessment.assessment_id} has no TCO")
    return assessment.tco


def _row(offer_id: str, title: str, option: OptionHeadline, chance: Estimate) -> OfferRow:
    return OfferRow(offer_id=offer_id, offer=title, option=option.id, expected_total=option.expected_total,
                    typical_total=option.typical_total, expected_annual_loss=option.expected_annual_loss,
                    probability_cheapest=chance)


def _table(assessment: Assessment, headline: TcoHeadline, rows: list[OfferRow], *, offers: int, too_close: bool,
           recommendation: str, trials: int) -> OfferTable:
    vendor = assessment.vendor
    name = next((text for text in (vendor.legal_name, vendor.product) if text.strip()), assessment.assessment_id)
    ordered = sorted(rows, key=lambda row: (row.expected_total, row.offer_id, row.option))
    return OfferTable(vendor=name, created=assessment.created, currency=headline.currency,
                      horizon_years=headline.horizon_years, offers=offers, rows=tuple(ordered),
                      too_close_to_call=too_close, recommendation=recommendation,
                      decision_note=headline.decision_note, trials=trials)


def amount(currency: str, value: float) -> str:
    """``EUR 582,946``: an amount as the report, the page and ``riskengine tco`` write it."""
    return f"{currency} {money(value)}"


def percent(probability: float) -> str:
    """A probability in percent with one decimal (``37.0``), as the page and ``riskengine tco`` write it."""
    return f"{probability * 100:.1f}"

