"""The portfolio: many assessments at once. A summary workbook and a portfolio page for every vendor assessed,
a comparison that recommends one of several candidates for the same need (docs/portfolio.md), and one
vendor's offers side by side, each in both adoption styles (``riskengine tco``; docs/tco.md, "Offers from the
command line").

The names below are imported lazily, as riskengine's own are, so that importing the package (as the CLI's
``compare`` does when it runs) pulls in no renderer, openpyxl or reportlab, before it is used::

    from riskengine.portfolio import comparison_pdf, portfolio_pdf, summary_workbook
    from riskengine.portfolio.compare import compare

``compare`` itself is imported from its module: the module has the same name, and once it is loaded it
would stand in for the function on the package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from riskengine.portfolio.compare import Candidate, Comparison, Reason
    from riskengine.portfolio.comparison_page import comparison_pdf
    from riskengine.portfolio.offers import OfferRow, OfferTable, offers_table, quote_table
    from riskengine.portfolio.offers_page import offers_pdf
    from riskengine.portfolio.rows import VendorRow, vendor_row
    from riskengine.portfolio.summary import inert_text, portfolio_pdf, summary_workbook
    from riskengine.portfolio.wording import CompareRule, load_compare_rule, load_portfolio_wording

from riskengine.exports import lazy_exports

_EXPORTS = {
    "Candidate": "riskengine.portfolio.compare",
    "Comparison": "riskengine.portfolio.compare",
    "Reason": "riskengine.portfolio.compare",
    "comparison_pdf": "riskengine.portfolio.comparison_page",
    "OfferRow": "riskengine.portfolio.offers",
    "OfferTable": "riskengine.portfolio.offers",
    "offers_pdf": "riskengine.portfolio.offers_page",
    "offers_table": "riskengine.portfolio.offers",
    "quote_table": "riskengine.portfolio.offers",
    "VendorRow": "riskengine.portfolio.rows",
    "vendor_row": "riskengine.portfolio.rows",
    "inert_text": "riskengine.portfolio.summary",
    "portfolio_pdf": "riskengine.portfolio.summary",
    "summary_workbook": "riskengine.portfolio.summary",
    "CompareRule": "riskengine.portfolio.wording",
    "load_compare_rule": "riskengine.portfolio.wording",
    "load_portfolio_wording": "riskengine.portfolio.wording",
}
__all__ = [
    "Candidate",
    "CompareRule",
    "Comparison",
    "OfferRow",
    "OfferTable",
    "Reason",
    "VendorRow",
    "comparison_pdf",
    "inert_text",
    "load_compare_rule",
    "load_portfolio_wording",
    "offers_pdf",
    "offers_table",
    "portfolio_pdf",
    "quote_table",
    "summary_workbook",
    "vendor_row",
]


__getattr__ = lazy_exports(__name__, _EXPORTS)
