"""The team's side of the vendor loop: the Vendor requests page (every request with its state), inviting a vendor
(IT, compliance and administrators; the same ``invite`` as the command line), and one request's page: its
answers and evidence documents, assessing the submitted questionnaire (the New assessment flow's own call),
asking for changes with a note the vendor sees, closing or revoking it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from riskengine.clock import run_clock
from riskengine.web.context import Page
from riskengine.web.security import Refused, remote

if TYPE_CHECKING:
    from riskengine.council.store import CouncilRole

router = APIRouter(include_in_schema=False)
INVITERS: tuple[CouncilRole, ...] = ("it", "compliance", "admin")
"""Who may invite a vendor and act on its request: those who deal with vendors' security and contracts."""


def _page(request: Request) -> Page:
    state = request.app.state
    return Page(request, state.settings, state.templates, state.policy)


def _requests(page: Page) -> Any:
    from riskengine.council.requests import VendorRequests

    return VendorRequests(page.council)


@router.get("/requests", response_class=HTMLResponse)
def requests_page(request: Request) -> Response:
    with _page(request) as page:
        return _list(page, {})


def _list(page: Page, context: dict[str, Any], status: int = 200) -> Response:
    from riskengine.council.requests import STATE_WORDS, STATES
    from riskengine.council.wording import vendor_rules

    rules = vendor_rules()
    listed = _requests(page).requests()
    return page.render("requests.html", {
        "requests_": listed, "states": STATES, "state_words": STATE_WORDS, "today": page.today().isoformat(),
        "may_invite": page.me.role in INVITERS, "mail": page.settings.mail, "error": "", "form": {},
        "default_due": (page.today() + dt.timedelta(days=rules.default_due_days)).isoformat(), **context}, status)


@router.post("/requests", response_class=HTMLResponse)
async def invite_vendor(request: Request) -> Response:
    from riskengine.council.errors import CouncilError
    from riskengine.council.invitations import invite
    from riskengine.errors import MailError

    with _page(request) as page:
        form = await page.checked_form()
        viewer = page.require(*INVITERS)
        mail = page.settings.mail
        if mail is None:
            raise Refused(409, "no mail server is set up: set [mail] in riskengine.toml (docs/vendors.md) and "
                               "restart the server")
        vendor, email = str(form.get("vendor", "")), str(form.get("email", ""))
        due_text = str(form.get("due", "")).strip()
        try:
            due = dt.date.fromisoformat(due_text) if due_text else None
        except ValueError:
            return _list(page, {"error": f"the due date must be a date (YYYY-MM-DD), got {due_text[:40]!r}",
                                "form": form}, 400)
        def send() -> Any:
            """In a worker thread (the mail server may be slow), with its own connection to the database."""
            from riskengine.council.requests import VendorRequests
            from riskengine.council.store import Council

            assert mail is not None
            with Council(page.settings.database) as council:
                return invite(VendorRequests(council), vendor, email, mail=mail, now=run_clock(),
                              actor=viewer.user.name, role=viewer.role, due=due, remote=remote(request),
                              organisation=page.settings.organisation_name)

        try:
            invitation = await run_in_threadpool(send)
        except CouncilError as exc:
            return _list(page, {"error": str(exc), "form": form}, 400)
        except MailError as exc:
            return _list(page, {"error": f"{exc}. The request is kept as not sent: invite again to send it.",
                                "form": form}, 502)
        return RedirectResponse(f"/requests/{invitation.request.request_id}", status_code=303)


def _request(page: Page, request_id: str) -> Any:
    found = _requests(page).get(request_id[:40])
    if found is None:
        raise Refused(404, f"there is no vendor request {request_id[:40]}")
    return found


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(request: Request, request_id: str) -> Response:
    from riskengine.council.wording import vendor_rules

    with _page(request) as page:
        found = _request(page, request_id)
        settings = page.settings
        return page.render("request.html", {
            "item": found, "documents": _requests(page).documents(found.request_id), "rules": vendor_rules(),
            "events": page.council.audit_log(target=found.request_id), "may_act": page.me.role in INVITERS,
            "inventories": settings.inventories, "organisations": settings.organisations})


@router.post("/requests/{request_id}/{action}", response_class=HTMLResponse)
async def request_action(request: Request, request_id: str, action: str) -> Response:
    """``changes`` (with a note the vendor sees), ``assess`` (the submitted questionnaire, as a new assessment),
    ``close`` or ``revoke``."""
    from riskengine.web.pages import _assess, _choice

    with _page(request) as page:
        form = await page.checked_form()
        viewer = page.require(*INVITERS)
        requests = _requests(page)
        found = _request(page, request_id)
        who = {"actor": viewer.user.name, "role": viewer.role, "remote": remote(request)}
        if action == "changes":
            note = str(form.get("note", "")).strip()[:4000]
            if found.state != "submitted":
                raise Refused(409, f"changes are asked of a submitted questionnaire; this one is {found.state_words}")
            if not note:
                raise Refused(400, "say what the vendor should change: the note is shown on its page")
            requests.update(found, detail=note, state="changes_requested", team_note=note, **who)
        elif action == "assess":
            if found.state != "submitted" or not found.questionnaire_file:
                raise Refused(409, f"only a submitted questionnaire is assessed; this one is {found.state_words}")
            settings = page.settings
            inventory = _choice(settings.inventories, str(form.get("inventory", "")), "inventory")
            organisation = _choice(settings.organisations, str(form.get("org", "")), "organisation profile")
            path = settings.uploads / "vendors" / Path(found.questionnaire_file).name
            assessment_id = await run_in_threadpool(_assess, settings, page.policy, path, inventory, organisation,
                                                    None)
            page.audit("assess", target=assessment_id, detail=f"vendor request {found.request_id} "
                                                              f"({found.questionnaire_name}, sha256 "
                                                              f"{found.questionnaire_sha256})")
            requests.update(found, detail=f"assessed as {assessment_id}", state="closed",
                            assessment_id=assessment_id, **who)
            return RedirectResponse(f"/assessments/{assessment_id}", status_code=303)
        elif action == "close":
            if found.state == "closed":
                raise Refused(409, "this request is closed already")
            requests.update(found, detail=str(form.get("note", "")).strip()[:2000], state="closed", **who)
        elif action == "revoke":
            if found.revoked:
                raise Refused(409, "this request's link is revoked already")
            requests.update(found, action="request revoked", detail="the link no longer works", revoked=True, **who)
        else:
            raise Refused(404, f"there is no action {action[:40]!r} on a vendor request")
        return RedirectResponse(f"/requests/{found.request_id}", status_code=303)


@router.get("/requests/{request_id}/questionnaire.xlsx")
def request_questionnaire(request: Request, request_id: str) -> Response:
    with _page(request) as page:
        found = _request(page, request_id)
        if not found.questionnaire_file:
            raise Refused(404, "no questionnaire is kept for this request yet")
        path = page.settings.uploads / "vendors" / Path(found.questionnaire_file).name
        return FileResponse(path, filename=f"{found.request_id}{path.suffix}", content_disposition_type="attachment",
                            media_type="application/octet-stream")


@router.get("/requests/{request_id}/documents/{document_id}")
def request_document(request: Request, request_id: str, document_id: str) -> Response:
    with _page(request) as page:
        found = _request(page, request_id)
        document = next((d for d in _requests(page).documents(found.request_id) if d.document_id == document_id), None)
        if document is None:
            raise Refused(404, "no such document on this request")
        page.audit("download vendor document", target=found.request_id, detail=f"{document.document_id} "
                                                                               f"sha256 {document.sha256}")
        return FileResponse(page.settings.uploads / "vendors" / Path(document.file).name, filename=document.name,
                            content_disposition_type="attachment", media_type="application/octet-stream")
