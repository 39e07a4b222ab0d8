"""Total cost of ownership: "good enough" against "built to last", with ranges, risk and internal hours.

::

    assumptions = load_assumptions()
    inputs = tco_inputs(submission, bank, risk, organisation, assumptions, graph)
    result = total_cost_of_ownership(inputs, assumptions)           # result.headline: the figures to show
    offers = price_offers(inputs, load_offers(path), assumptions)   # several plans or vendors, same numbers

The model, its formulas and every default with its source: docs/tco.md. The public names are imported
lazily: the result models need no numpy, so the Assessment model can name ``TcoResult`` without slowing
the CLI's start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskengine.exports import lazy_exports

if TYPE_CHECKING:  # what the lazy exports below give, for type checkers and readers
    from riskengine.tco.assumptions import Assumptions, load_assumptions
    from riskengine.tco.inputs import TcoInputs, tco_inputs
    from riskengine.tco.losses import expected_annual_loss
    from riskengine.tco.offers import Offer, OfferFile, load_offers, offer_inputs
    from riskengine.tco.result import OfferComparison, TcoHeadline, TcoResult
    from riskengine.tco.simulation import price_offers, total_cost_of_ownership


_EXPORTS = {
    "Assumptions": "riskengine.tco.assumptions",
    "load_assumptions": "riskengine.tco.assumptions",
    "TcoInputs": "riskengine.tco.inputs",
    "tco_inputs": "riskengine.tco.inputs",
    "expected_annual_loss": "riskengine.tco.losses",
    "Offer": "riskengine.tco.offers",
    "OfferFile": "riskengine.tco.offers",
    "load_offers": "riskengine.tco.offers",
    "offer_inputs": "riskengine.tco.offers",
    "OfferComparison": "riskengine.tco.result",
    "TcoHeadline": "riskengine.tco.result",
    "TcoResult": "riskengine.tco.result",
    "price_offers": "riskengine.tco.simulation",
    "total_cost_of_ownership": "riskengine.tco.simulation",
}
__all__ = [
    "Assumptions",
    "Offer",
    "OfferComparison",
    "OfferFile",
    "TcoHeadline",
    "TcoInputs",
    "TcoResult",
    "expected_annual_loss",
    "load_assumptions",
    "load_offers",
    "offer_inputs",
    "price_offers",
    "tco_inputs",
    "total_cost_of_ownership",
]


__getattr__ = lazy_exports(__name__, _EXPORTS)
