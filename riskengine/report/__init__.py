"""The report: the PDF rendered from an Assessment, in the audience's sections.

``document`` lays out the pages from the policy's wording, ``sections`` holds one module per section,
``kit`` the styles and table look shared with the portfolio pages, ``diagram`` the neighbourhood diagram.
Importing the package does not pull in reportlab: ``render_pdf`` imports the document only when it renders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from riskengine.assessment import Assessment
    from riskengine.policy import Policy
    from riskengine.register.approvals import SignOff

__all__ = ["render_pdf"]


def render_pdf(assessment: Assessment, *, audience: str = "full", policy: Policy | None = None,
               signoffs: Sequence[SignOff] = ()) -> bytes:
    """The report of ``assessment`` for ``audience`` as PDF bytes (``riskengine.report.document.render_pdf``)."""
    from riskengine.report.document import render_pdf as render

    return render(assessment, audience=audience, policy=policy, signoffs=signoffs)
