"""The vendor's pages: reached only through the link of an invitation (``/vendor/REQUEST/TOKEN``), without an
account. The vendor downloads our template (or one pre-filled with what it sent before), uploads a filled
questionnaire (ours, CAIQ, HECVAT or VSAQ) and sees every problem with its cell, or answers in the browser in a
form made from the question bank (the same checks: the answers are read back through the workbook reader), saves
drafts, attaches evidence documents with their expiry dates, and submits.

It sees nothing else: no inventory (the template has no list of our systems), no score, no other vendor. Every
page checks the token first (``VendorRequests.opened_by``: constant-time, single-purpose, expiring, revocable);
every POST must come from these pages (its Origin) and carry the request's own CSRF token.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from riskengine.clock import run_clock
from riskengine.web.security import CSRF_FIELD, Refused, check_origin, remote
from riskengine.web.uploads import QUESTIONNAIRE_KINDS, Kind, store_upload

if TYPE_CHECKING:
    from riskengine.council.requests import VendorRequest, VendorRequests
    from riskengine.policy import Policy
    from riskengine.web.settings import WebSettings

router = APIRouter(include_in_schema=False)
DOCUMENT_KINDS: tuple[Kind, ...] = ("pdf", "png", "jpeg", "text")
"""What an evidence document may be, by content: a report or certificate is a PDF, a scan an image."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_TOKEN_IN_PATH = re.compile(r"(/vendor/[^/\s]+/)[^/\s?]+")


class TokenRedaction(logging.Filter):
    """Keeps the vendors' tokens out of the server's access log (uvicorn logs every request's path): a log file
    must never hold a link that works."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN_IN_PATH.sub(r"\1***", item) if isinstance(item, str) else item
                                for item in record.args)
        return True


class VendorVisit:
    """One request of the vendor's: the council's records, and the request its link opens."""

    def __init__(self, http: Request, requests: VendorRequests, request: VendorRequest) -> None:
        self.http, self.requests, self.request = http, requests, request
        state = http.app.state
        self.settings: WebSettings = state.settings
        self.policy: Policy = state.policy

    @property
    def base(self) -> str:
        return f"/vendor/{self.request.request_id}/{self.http.path_params['token']}"

    def change(self, action: str = "", detail: str = "", **changes: Any) -> None:
        self.request = self.requests.update(self.request, actor=f"vendor {self.request.email}", role="vendor",
                                            remote=remote(self.http), action=action, detail=detail, **changes)

    def may_change(self) -> None:
        from riskengine.council.requests import OPEN_TO_VENDOR

        if self.request.state not in OPEN_TO_VENDOR:
            raise Refused(409, f"this questionnaire was {self.request.state_words} on "
                               f"{self.request.submitted_at[:10]}: it can no longer be changed here")

    async def form(self, max_fields: int = 50) -> dict[str, Any]:
        """The POST's form after the Origin and the request's CSRF token are checked."""
        check_origin(self.http)
        form = await self.http.form(max_files=1, max_fields=max_fields)
        given = form.get(CSRF_FIELD)
        if not isinstance(given, str) or not hmac.compare_digest(self.request.csrf_token.encode(), given.encode()):
            raise Refused(403, "this form has expired or did not come from this page: reload the page and try again")
        return {"items": form.multi_items(), **dict(form)}

    def render(self, name: str, context: dict[str, Any], status: int = 200) -> Response:
        rules = _rules()
        response: Response = self.http.app.state.templates.TemplateResponse(self.http, name, {
            "viewer": None, "vendor_page": True, "visit": self, "request_": self.request, "base": self.base,
            "csrf_field": CSRF_FIELD, "rules": rules, "documents": self.requests.documents(self.request.request_id),
            "organisation": self.settings.organisation_name or rules.organisation, **context}, status_code=status)
        return response


def _rules() -> Any:
    from riskengine.council.wording import vendor_rules

    return vendor_rules()


@contextmanager
def _visit(http: Request, request_id: str, token: str) -> Iterator[VendorVisit]:
    from riskengine.council.requests import TokenRefused, VendorRequests
    from riskengine.council.store import Council

    with Council(http.app.state.settings.database) as council:
        requests = VendorRequests(council)
        try:
            request = requests.opened_by(request_id, token, run_clock())
        except TokenRefused as exc:
            council.audit(actor="(vendor link)", role="vendor", action="vendor link refused", target=request_id[:40],
                          detail=exc.reason, remote=remote(http))
            raise Refused(403, exc.reason) from None
        visit = VendorVisit(http, requests, request)
        if request.state == "sent":
            visit.change(detail="the vendor opened the link", state="opened")
        yield visit


# --- the request's page -----------------------------------------------------------------------------------------

@router.get("/vendor/{request_id}/{token}", response_class=HTMLResponse)
def vendor_home(http: Request, request_id: str, token: str) -> Response:
    with _visit(http, request_id, token) as visit:
        return _home(visit, {})


def _home(visit: VendorVisit, context: dict[str, Any], status: int = 200) -> Response:
    return visit.render("vendor_home.html", {"problems": [], "warnings": [], "upload_name": "", "message": "",
                                             "documents_only": _documents_only(visit),
                                             "previous": _previous(visit) is not None,
                                             "limit": visit.settings.upload_limit, **context}, status)


def _previous(visit: VendorVisit) -> VendorRequest | None:
    """The vendor's last submitted questionnaire before this request (the same vendor, any of its requests)."""
    for earlier in visit.requests.requests(vendor=visit.request.vendor):
        if (earlier.request_id != visit.request.request_id and earlier.questionnaire_file
                and earlier.state in ("submitted", "closed")):
            return earlier
    return None


@router.get("/vendor/{request_id}/{token}/template.xlsx")
def vendor_template(http: Request, request_id: str, token: str) -> Response:
    """Our blank questionnaire (never with the list of our systems)."""
    from riskengine.council.answers import draft_workbook, empty_draft

    with _visit(http, request_id, token) as visit:
        data = draft_workbook(visit.policy.bank, empty_draft(), now=run_clock())
        return Response(data, media_type=XLSX, headers={
            "content-disposition": 'attachment; filename="questionnaire.xlsx"'})


@router.get("/vendor/{request_id}/{token}/prefilled.xlsx")
def vendor_prefilled(http: Request, request_id: str, token: str) -> Response:
    """Our questionnaire pre-filled: with the answers given online so far, else with what the vendor sent us
    before."""
    from riskengine.council.answers import draft_workbook

    with _visit(http, request_id, token) as visit:
        draft = _draft(visit)
        if not any(draft.values()):
            raise Refused(404, "there is nothing to pre-fill yet: download the blank questionnaire")
        data = draft_workbook(visit.policy.bank, draft, now=run_clock())
        return Response(data, media_type=XLSX, headers={
            "content-disposition": 'attachment; filename="questionnaire-prefilled.xlsx"'})


def _draft(visit: VendorVisit) -> dict[str, Any]:
    """The draft of this request; a new one starts from what the vendor sent before, if anything."""
    from riskengine.council.answers import draft_from_submission, empty_draft

    draft = visit.request.draft_data()
    if draft:
        return draft
    previous = _previous(visit)
    if previous is None:
        return empty_draft()
    from riskengine.errors import InputError
    from riskengine.importers.reading import read_questionnaire

    try:
        submission = read_questionnaire(_kept(visit, previous.questionnaire_file), visit.policy.bank,
                                        today=run_clock().date(), require_answers=False)
    except InputError:
        return empty_draft()
    return draft_from_submission(submission)


def _kept(visit: VendorVisit, name: str) -> Path:
    return visit.settings.uploads / "vendors" / Path(name).name


# --- upload a filled questionnaire ------------------------------------------------------------------------------

@router.post("/vendor/{request_id}/{token}/upload", response_class=HTMLResponse)
async def vendor_upload(http: Request, request_id: str, token: str) -> Response:
    from riskengine.council.answers import draft_from_submission, dump_draft
    from riskengine.errors import InputError

    with _visit(http, request_id, token) as visit:
        form = await visit.form()
        visit.may_change()
        upload = form.get("questionnaire")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Refused(400, "choose the filled questionnaire to upload")
        stored = store_upload(await upload.read(), upload.filename, visit.settings.uploads / "vendors",
                              QUESTIONNAIRE_KINDS, "questionnaire", visit.settings.upload_limit)
        try:
            submission = await run_in_threadpool(_validate, stored.path, visit.policy)
        except InputError as exc:
            visit.change(action="vendor upload refused", detail=f"{stored.original_name} (sha256 {stored.sha256}): "
                                                                f"{len(exc.errors)} problems")
            return _home(visit, stored.refused(exc), 422)
        except BaseException:
            stored.remove()
            raise
        state = "in_progress" if visit.request.state != "changes_requested" else visit.request.state
        visit.change(action="vendor upload", detail=f"{stored.original_name} (sha256 {stored.sha256}) valid",
                     state=state, questionnaire_file=stored.path.name, questionnaire_name=stored.original_name,
                     questionnaire_sha256=stored.sha256, draft=dump_draft(draft_from_submission(submission)))
        answered = sum(1 for answer in submission.answers.values() if answer.value is not None)
        coverage = submission.coverage
        covered = (f" ({coverage.format} {coverage.format_version}: {coverage.answers_mapped} of our "
                   f"{coverage.questions_total} questions answered; the rest can be answered online)"
                   if coverage is not None else "")
        return _home(visit, {"message": f"{stored.original_name} is valid: {answered} answers{covered}. Submit it "
                                        "when you are ready.",
                             "warnings": [stored.as_uploaded(problem) for problem in submission.warnings]})


def _validate(path: Path, policy: Policy) -> Any:
    from riskengine.validation import validate

    return validate(path, now=run_clock(), policy=policy)


# --- answer online ----------------------------------------------------------------------------------------------

@router.get("/vendor/{request_id}/{token}/answer", response_class=HTMLResponse)
def vendor_answer_form(http: Request, request_id: str, token: str) -> Response:
    with _visit(http, request_id, token) as visit:
        return _answer_page(visit, _draft(visit), [], "")


def _answer_page(visit: VendorVisit, draft: dict[str, Any], problems: list[Any], message: str,
                 status: int = 200) -> Response:
    from riskengine.council.answers import form_rows

    bank = visit.policy.bank
    by_question: dict[str, list[Any]] = {}
    for problem in problems:
        by_question.setdefault(problem.question_id or "", []).append(problem)
    return visit.render("vendor_answer.html", {
        "bank": bank, "vocabularies": bank.vocabularies, "draft": draft, "rows": form_rows(bank, draft),
        "problems": problems, "errors": [p for p in problems if p.severity == "error"],
        "by_question": by_question, "message": message,
        "read_only": visit.request.state not in ("sent", "opened", "in_progress", "changes_requested")}, status)


@router.post("/vendor/{request_id}/{token}/answer", response_class=HTMLResponse)
async def vendor_answer(http: Request, request_id: str, token: str) -> Response:
    from riskengine.council.answers import check_draft, draft_from_form, draft_workbook, dump_draft

    with _visit(http, request_id, token) as visit:
        form = await visit.form(max_fields=20_000)
        visit.may_change()
        bank = visit.policy.bank
        draft = draft_from_form(bank, form["items"])
        state = "in_progress" if visit.request.state in ("sent", "opened") else visit.request.state
        visit.change(action="vendor draft saved", state=state, draft=dump_draft(draft), questionnaire_file="",
                     questionnaire_name="", questionnaire_sha256="")
        now = run_clock()
        submission, problems = await run_in_threadpool(check_draft, bank, draft, now=now,
                                                       folder=visit.settings.uploads / "vendors")
        errors = [problem for problem in problems if problem.severity == "error"]
        if form.get("action") != "submit":
            left = f"; {len(errors)} to fix before you submit" if errors else "; it is ready to submit"
            return _answer_page(visit, draft, problems, f"Draft saved{left}.")
        if submission is None:
            return _answer_page(visit, draft, problems, f"Not submitted: {len(errors)} answer"
                                                        f"{'s' if len(errors) != 1 else ''} to fix first.", 422)
        data = draft_workbook(bank, draft, now=now)
        stored = store_upload(data, "answered-online.xlsx", visit.settings.uploads / "vendors", ("xlsx",),
                              "questionnaire", visit.settings.upload_limit)
        _submit(visit, stored.path.name, "answered online", stored.sha256)
        return RedirectResponse(visit.base, status_code=303)


def _submit(visit: VendorVisit, file: str, name: str, sha256: str) -> None:
    submitted = run_clock().astimezone(dt.UTC).replace(microsecond=0).isoformat()
    visit.change(detail=f"{name} (sha256 {sha256})" if sha256 else name, state="submitted", submitted_at=submitted,
                 questionnaire_file=file, questionnaire_name=name, questionnaire_sha256=sha256)


@router.post("/vendor/{request_id}/{token}/submit", response_class=HTMLResponse)
async def vendor_submit(http: Request, request_id: str, token: str) -> Response:
    """Submit the uploaded questionnaire (the online answers are submitted from their own page)."""
    with _visit(http, request_id, token) as visit:
        await visit.form()
        visit.may_change()
        request = visit.request
        if not request.questionnaire_file and _documents_only(visit):
            _submit(visit, "", "evidence documents", "")
            return RedirectResponse(visit.base, status_code=303)
        if not request.questionnaire_file:
            raise Refused(409, "there is no checked questionnaire to submit: upload one, or answer online and "
                               "submit there")
        _submit(visit, request.questionnaire_file, request.questionnaire_name, request.questionnaire_sha256)
        return RedirectResponse(visit.base, status_code=303)


def _documents_only(visit: VendorVisit) -> bool:
    """A request for a new evidence document (``riskengine remind``) is met by the document alone."""
    return visit.request.reason.startswith("evidence") and bool(visit.requests.documents(visit.request.request_id))


# --- evidence documents -----------------------------------------------------------------------------------------

@router.post("/vendor/{request_id}/{token}/documents", response_class=HTMLResponse)
async def vendor_document(http: Request, request_id: str, token: str) -> Response:
    with _visit(http, request_id, token) as visit:
        form = await visit.form()
        visit.may_change()
        rules = _rules()
        kind = str(form.get("kind", ""))
        if kind not in rules.documents:
            raise Refused(400, f"choose what the document is: {', '.join(d.title for d in rules.documents.values())}")
        expires = str(form.get("expires_on", "")).strip()
        today = run_clock().date()
        if expires:
            try:
                day = dt.date.fromisoformat(expires)
            except ValueError:
                raise Refused(400, f"the expiry date must be a date (YYYY-MM-DD), got {expires[:40]!r}") from None
            if day < today:
                raise Refused(400, f"the {rules.documents[kind].title} expired on {day.isoformat()}: attach the "
                                   "current one")
        elif rules.documents[kind].expiry:
            raise Refused(400, f"give the date the {rules.documents[kind].title} expires (the end of the report's "
                               "period, or of the certificate)")
        upload = form.get("document")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Refused(400, "choose the document to attach")
        stored = store_upload(await upload.read(), upload.filename, visit.settings.uploads / "vendors",
                              DOCUMENT_KINDS, "document", visit.settings.upload_limit)
        document = visit.requests.add_document(visit.request, kind=kind, file=stored.path.name,
                                               name=stored.original_name, sha256=stored.sha256, expires_on=expires,
                                               now=run_clock())
        visit.change(action="vendor document", detail=f"{rules.documents[kind].title}: {stored.original_name} "
                                                      f"(sha256 {stored.sha256}), expires {expires or 'never'} "
                                                      f"[{document.document_id}]")
        return RedirectResponse(visit.base + "#documents", status_code=303)
