"""The signed report in the web app: issued when a sign-off makes the decision final (the third approval, or a
reject), kept beside the renderings, and offered for download on the assessment's page (docs/signing.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.requests import Request
from starlette.responses import Response

from riskengine.web.security import Refused

if TYPE_CHECKING:
    from riskengine.web.context import Page

router = APIRouter(include_in_schema=False)


def signed_report_path(page: Page, assessment_id: str) -> Path:
    """Where the web app keeps the signed report of ``assessment_id``."""
    from riskengine.signing.issue import signed_report_name

    return page.settings.reports / "signed" / signed_report_name(assessment_id)


def issue_when_final(page: Page, assessment_id: str) -> None:
    """Issue the signed report of ``assessment_id`` if its decision is now final and a signing key is configured.

    The sign-off stands whatever happens here: a failure (a key that cannot be read, a timestamp service down) is
    written to the audit log with its reason, and ``riskengine sign`` issues the report later.
    """
    from riskengine.clock import run_clock
    from riskengine.errors import RiskEngineError
    from riskengine.register.approvals import approval_status
    from riskengine.signing.issue import issue_signed_report

    signing = page.settings.signing
    if signing is None or signing.key is None or approval_status(page.register.signoffs(assessment_id)) == "pending":
        return
    path = signed_report_path(page, assessment_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        issued = issue_signed_report(page.register, assessment_id, signing=signing, pdf=path, now=run_clock(),
                                     policy=page.policy)
    except RiskEngineError as exc:
        page.audit("signed report not issued", target=assessment_id, detail=str(exc)[:500])
        return
    page.audit("signed report issued", target=assessment_id,
               detail=f"signed by {issued.signer} (certificate {issued.fingerprint}), sha256 {issued.sha256}")


@router.get("/assessments/{assessment_id}/signed.pdf")
def signed_report(request: Request, assessment_id: str) -> Response:
    """The signed report of a final assessment, as issued."""
    from riskengine.web.context import Page

    state = request.app.state
    with Page(request, state.settings, state.templates, state.policy) as page:
        path = signed_report_path(page, assessment_id)
        if not page.register.known_assessment(assessment_id) or not path.is_file():
            raise Refused(404, f"no signed report of {assessment_id} is kept here (issued once its decision is "
                               "final, when a signing key is configured)")
        page.audit("download signed report", target=assessment_id)
        return FileResponse(path, media_type="application/pdf", filename=path.name)
