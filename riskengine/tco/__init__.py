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

from riskengine.exports import lazy_exports

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
__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
