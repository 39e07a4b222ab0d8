"""The pages: sign-in, portfolio, new assessment, assessment (a tab per audience), sign-off, conditions, due,
compare and the audit log. Each parses the request, calls the library and renders a template."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from riskengine.register.approvals import (
    ROLES,
    Role,
    SignOffProof,
    approval_status,
    missing_roles,
    signoff_refusal,
)
from riskengine.web.context import Page, set_session_cookie
from riskengine.web.listing import SIGNOFF_FILTERS, SORTS, PortfolioQuery, portfolio_page
from riskengine.web.security import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Refused,
    check_origin,
    check_token,
    is_tls,
    new_login_token,
    remote,
)
from riskengine.web.settings import WebSettings
from riskengine.web.signed import issue_when_final, signed_report_path
from riskengine.web.uploads import EVIDENCE_KINDS, QUESTIONNAIRE_KINDS, store_upload

_T = TypeVar("_T")

if TYPE_CHECKING:
    from riskengine.policy import Policy

router = APIRouter(include_in_schema=False)
AUDIENCE_OF_ROLE: dict[str, str] = {"it": "it", "marketing": "marketing", "compliance": "compliance"}
"""The report a role signs by default: its own audience's."""
SECTIONS_SHOWN = ("cover", "summary", "scores", "findings", "conditions", "dependencies", "cost", "tco", "evidence",
                  "inputs", "signoff", "appendix")
"""The report's sections the pages draw; the others (scorecard, glossary) are in the PDF, which each tab links."""


def _page(request: Request, *, signed_in: bool = True) -> Page:
    state = request.app.state
    return Page(request, state.settings, state.templates, state.policy, signed_in=signed_in)


# --- signing in -------------------------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    with _page(request, signed_in=False) as page:
        if page.viewer is not None:
            return page.finish(RedirectResponse("/", status_code=303))
        return _login_page(page, "")


def _login_page(page: Page, message: str, status: int = 200, name: str = "") -> Response:
    token = new_login_token()
    response = page.render("login.html", {"login_token": token, "message": message, "name": name}, status)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=is_tls(page.request),
                        path="/login")
    return response


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    from riskengine.council.passwords import password_matches

    with _page(request, signed_in=False) as page:
        check_origin(request)
        form = await request.form(max_files=0, max_fields=10)
        check_token(request.cookies.get(LOGIN_CSRF_COOKIE, ""), str(form.get(CSRF_FIELD, "")) or None)
        name, password = str(form.get("name", "")).strip()[:64], str(form.get("password", ""))
        subjects = [f"name:{name.casefold()}", f"addr:{remote(request)}"]
        wait = page.council.login_blocked_for(subjects)
        if wait > 0:
            page.council.audit(actor=name, role="", action="sign-in refused", detail="too many failed attempts",
                               remote=remote(request))
            return _login_page(page, f"Too many failed sign-ins. Try again in {(wait + 59) // 60} minutes.", 429,
                               name)
        matched = await run_in_threadpool(password_matches, page.council.password_hash(name), password)
        user = page.council.user(name) if matched else None
        if user is None or not user.active:
            page.council.record_login_failure(subjects)
            page.council.audit(actor=name, role="", action="sign-in failed", remote=remote(request))
            return _login_page(page, "That name and password do not match an account.", 401, name)
        token, _ = page.council.open_session(user, remote=remote(request))
        page.council.audit(actor=user.name, role=user.role, action="sign-in", remote=remote(request))
        response = RedirectResponse("/", status_code=303)
        set_session_cookie(response, token, secure=is_tls(request))
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
        return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    with _page(request) as page:
        await page.checked_form()
        page.council.close_session(request.cookies.get(SESSION_COOKIE, ""))
        page.audit("sign-out")
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response


# --- portfolio --------------------------------------------------------------------------------------------------

def portfolio_query(request: Request) -> PortfolioQuery:
    params = request.query_params
    try:
        number = int(params.get("page", "1"))
    except ValueError:
        number = 1
    return PortfolioQuery(search=params.get("q", ""), tier=params.get("tier", ""),
                          decision=params.get("decision", ""), signoff=params.get("signoff", ""),
                          sort=params.get("sort", "name"), descending=params.get("order") == "desc", page=number)


@router.get("/", response_class=HTMLResponse)
def portfolio(request: Request) -> Response:
    with _page(request) as page:
        listing = portfolio_page(page.register, page.council, portfolio_query(request), page.today())
        query = listing.query

        def link(**changes: Any) -> str:
            values = {"q": query.search, "tier": query.tier, "decision": query.decision, "signoff": query.signoff,
                      "sort": query.sort, "order": "desc" if query.descending else "asc", "page": query.page}
            values.update(changes)
            return "/?" + urlencode({key: value for key, value in values.items() if value not in ("", None)})

        context = {"listing": listing, "link": link, "sorts": SORTS, "signoff_filters": SIGNOFF_FILTERS,
                   "roles": ROLES, "today": page.today().isoformat()}
        return page.render("portfolio_table.html" if page.is_htmx else "portfolio.html", context)


@router.get("/portfolio.xlsx")
def portfolio_workbook(request: Request) -> Response:
    """The portfolio summary workbook (``riskengine.portfolio.summary_workbook``) of the vendors the filters
    choose, every page of them."""
    from riskengine.portfolio.summary import summary_workbook

    with _page(request) as page:
        query = portfolio_query(request)
        listing = portfolio_page(page.register, page.council, query, page.today(), page_size=1_000_000)
        assessments = [page.register.load(row.vendor.latest_assessment) for row in listing.rows]
        data = summary_workbook(assessments, reports={}, policy=page.policy)
        page.audit("export portfolio", detail=f"{len(assessments)} vendors")
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"content-disposition": 'attachment; filename="portfolio.xlsx"'})


# --- new assessment ---------------------------------------------------------------------------------------------

@router.get("/assessments/new", response_class=HTMLResponse)
def new_assessment_form(request: Request) -> Response:
    with _page(request) as page:
        return _new_page(page, {})


def _new_page(page: Page, context: dict[str, Any], status: int = 200) -> Response:
    settings = page.settings
    return page.render("new.html", {"inventories": settings.inventories, "organisations": settings.organisations,
                                    "problems": [], "warnings": [], "upload_name": "", "limit": settings.upload_limit,
                                    **context}, status)


@router.post("/assessments/new", response_class=HTMLResponse)
async def new_assessment(request: Request) -> Response:
    from riskengine.errors import InputError

    with _page(request) as page:
        form = await page.checked_form()
        upload = form.get("questionnaire")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Refused(400, "choose the filled questionnaire to upload")
        data = await upload.read()
        settings = page.settings
        inventory = _choice(settings.inventories, str(form.get("inventory", "")), "inventory")
        organisation = _choice(settings.organisations, str(form.get("org", "")), "organisation profile")
        stored = store_upload(data, upload.filename, settings.uploads, QUESTIONNAIRE_KINDS, "questionnaire",
                              settings.upload_limit)
        try:
            identity = {role: " ".join(str(form.get(field, "")).split())[:200] for role, field in (
                ("vendor.legal_name", "vendor_name"), ("vendor.product", "vendor_product"),
                ("vendor.domain", "vendor_domain"))}
            assessment_id = await run_in_threadpool(_assess, page.settings, page.policy, stored.path, inventory,
                                                    organisation, {role: value for role, value in identity.items()
                                                                   if value} or None)
        except InputError as exc:
            page.audit("upload refused", detail=f"{stored.original_name} (sha256 {stored.sha256}): "
                                                f"{len(exc.errors)} problems")
            return _new_page(page, stored.refused(exc), 422)
        except BaseException:
            stored.remove()
            raise
        page.audit("assess", target=assessment_id, detail=f"{stored.original_name} (sha256 {stored.sha256})")
        response = RedirectResponse(f"/assessments/{assessment_id}", status_code=303)
        if page.is_htmx:
            response.headers["HX-Redirect"] = f"/assessments/{assessment_id}"
        return response


def _choice(choices: tuple[Any, ...], chosen: str, what: str) -> Path | None:
    if not chosen:
        return None
    for choice in choices:
        if choice.id == chosen:
            return Path(choice.path)
    raise Refused(400, f"unknown {what}: pick one of the configured ones")


def _assess(settings: WebSettings, policy: Policy, questionnaire: Path, inventory: Path | None,
            organisation: Path | None, identity: dict[str, str] | None) -> str:
    """Assess the stored questionnaire as ``riskengine assess`` does, and record it with its report and result
    (in a worker thread: its own connections)."""
    from riskengine.clock import run_clock
    from riskengine.enrich.store import EvidenceStore
    from riskengine.inventory.index import cache_folder
    from riskengine.outputs import write_and_record
    from riskengine.pipeline import assess, evidence_source
    from riskengine.register.store import Register

    now, source = evidence_source(settings.database, settings.network, run_clock(), policy=policy)
    assessment = assess(questionnaire, now=now, inventory=inventory, org_profile=organisation, policy=policy,
                        evidence_source=source, identity=identity, graph_cache=cache_folder(settings.database))
    reports = settings.reports
    reports.mkdir(parents=True, exist_ok=True, mode=0o700)
    with Register(settings.database) as register, EvidenceStore(settings.database) as evidence:
        write_and_record(assessment, pdf=reports / f"{assessment.assessment_id}-full.pdf",
                         json_path=reports / f"{assessment.assessment_id}.json", register=register,
                         evidence_store=evidence if assessment.evidence is not None else None, now=run_clock(),
                         offline=settings.network.offline, policy=policy)
    return assessment.assessment_id


# --- one assessment ---------------------------------------------------------------------------------------------

@router.get("/assessments/{assessment_id}", response_class=HTMLResponse)
def assessment_page(request: Request, assessment_id: str) -> Response:
    from riskengine.council.conditions import track_assessments
    from riskengine.explain import outcome_line
    from riskengine.outputs import recorded_assessment

    with _page(request) as page:
        assessment = recorded_assessment(page.register, _known(page, assessment_id))
        wording = page.policy.wording
        tab = request.query_params.get("tab") or _default_tab(page)
        if tab not in wording.audiences:
            tab = "full"
        spec = wording.audiences[tab]
        signoffs = page.register.signoffs(assessment_id)
        track_assessments(page.council, page.register, [assessment_id])
        conditions = page.council.conditions([assessment_id]).get(assessment_id, [])
        row = page.register.assessment(assessment_id)
        history = page.register.history(row.vendor_key)
        context = {
            "assessment": assessment, "row": row, "tab": tab, "spec": spec,
            "sections": [section for section in spec.sections if section in SECTIONS_SHOWN],
            "in_pdf_only": [wording.sections[section] for section in spec.sections if section not in SECTIONS_SHOWN],
            "outcome": outcome_line(assessment.risk), "signoffs": {s.role: s for s in signoffs},
            "status": approval_status(signoffs) if signoffs else "not signed",
            "waiting": missing_roles(signoffs), "roles": ROLES, "conditions": conditions,
            "today": page.today().isoformat(), "history": history,
            "refusal": signoff_refusal(signoffs, page.me.role) if page.me.role in ROLES else None,
            "findings_by_category": _findings_by_category(assessment),
            "signed_report": signed_report_path(page, assessment_id).is_file(),
            "may_close": {condition.condition_id: _may_close(page.me.role, condition.owner)
                          for condition in conditions},
        }
        return page.render("assessment_tab.html" if page.is_htmx else "assessment.html", context)


def _default_tab(page: Page) -> str:
    return AUDIENCE_OF_ROLE.get(page.me.role, "full")


def _known(page: Page, assessment_id: str) -> str:
    if not page.register.known_assessment(assessment_id):
        raise Refused(404, f"there is no assessment {assessment_id} in the register")
    return assessment_id


def _findings_by_category(assessment: Any) -> list[tuple[str, list[Any]]]:
    titles = {category.id: category.title for category in assessment.risk.categories}
    grouped: dict[str, list[Any]] = {}
    for finding in assessment.findings:
        grouped.setdefault(titles.get(finding.category, finding.category), []).append(finding)
    return sorted(grouped.items())


@router.get("/assessments/{assessment_id}/figures/{figure}.svg")
def figure(request: Request, assessment_id: str, figure: str) -> Response:
    from riskengine.outputs import recorded_assessment
    from riskengine.web.charts import FIGURES, figure_svg

    with _page(request) as page:
        if figure not in FIGURES:
            raise Refused(404, f"there is no figure {figure}")
        assessment = recorded_assessment(page.register, _known(page, assessment_id))
        return Response(figure_svg(assessment, page.policy, figure), media_type="image/svg+xml",
                        headers={"cache-control": "private, max-age=3600"})


@router.get("/assessments/{assessment_id}/explain", response_class=HTMLResponse)
def explain_rule(request: Request, assessment_id: str) -> Response:
    from riskengine.explain import explain
    from riskengine.outputs import recorded_assessment

    with _page(request) as page:
        assessment = recorded_assessment(page.register, _known(page, assessment_id))
        rule = request.query_params.get("rule") or None
        lines = explain(assessment, rule)
        return page.render("explain_part.html" if page.is_htmx else "explain.html",
                           {"assessment": assessment, "rule": rule, "lines": lines})


@router.get("/assessments/{assessment_id}/report/{audience}.pdf")
def report_pdf(request: Request, assessment_id: str, audience: str) -> Response:
    """The audience's PDF, rendered now with the sign-offs so far and recorded (``verify`` knows it)."""
    with _page(request) as page:
        output = _rendering(page, assessment_id, audience)
        page.audit("download report", target=assessment_id, detail=f"{audience} sha256 {output.sha256}")
        return FileResponse(output.path, media_type="application/pdf",
                            filename=f"{assessment_id}-{audience}.pdf")


def _rendering(page: Page, assessment_id: str, audience: str) -> Any:
    from riskengine.clock import run_clock
    from riskengine.outputs import keep_rendering, recorded_assessment

    if audience not in page.policy.wording.audiences:
        raise Refused(404, f"there is no report for {audience}")
    assessment = recorded_assessment(page.register, _known(page, assessment_id))
    page.settings.reports.mkdir(parents=True, exist_ok=True, mode=0o700)
    return keep_rendering(assessment, folder=page.settings.reports, register=page.register, now=run_clock(),
                          audience=audience, policy=page.policy)  # type: ignore[arg-type]


@router.get("/assessments/{assessment_id}/result.json")
def result_json(request: Request, assessment_id: str) -> Response:
    with _page(request) as page:
        data = page.register.result(_known(page, assessment_id))
        return Response(data, media_type="application/json",
                        headers={"content-disposition": f'attachment; filename="{assessment_id}.json"'})


@router.get("/reports/{sha256}.pdf")
def signed_report(request: Request, sha256: str) -> Response:
    """A recorded rendering by its sha256: the exact file a sign-off names."""
    with _page(request) as page:
        output = page.register.output(sha256)
        folder = page.settings.reports.resolve()
        path = Path(output.path).resolve() if output is not None else None
        if output is None or output.kind != "pdf" or path is None or path.parent != folder or not path.is_file():
            raise Refused(404, "no report with that sha256 is kept here")
        return FileResponse(path, media_type="application/pdf", filename=f"{output.assessment_id}-"
                                                                          f"{output.audience}-{sha256[:12]}.pdf")


@router.get("/assessments/{assessment_id}/history", response_class=HTMLResponse)
def history(request: Request, assessment_id: str) -> Response:
    from riskengine.register.history import diff_selection

    with _page(request) as page:
        row = page.register.assessment(_known(page, assessment_id))
        rows = page.register.history(row.vendor_key)
        against = request.query_params.get("against")
        diff = None
        if against:
            diff = diff_selection(page.register, (_known(page, against), assessment_id))
        elif page.register.previous(assessment_id) is not None:
            diff = diff_selection(page.register, (assessment_id,))
        signoffs = page.register.signoffs_of([item.assessment_id for item in rows])
        return page.render("history.html", {"row": row, "rows": rows, "diff": diff, "signoffs": {
            key: (approval_status(value) if value else "not signed") for key, value in signoffs.items()}})


# --- sign-off ---------------------------------------------------------------------------------------------------

@router.get("/assessments/{assessment_id}/sign", response_class=HTMLResponse)
def sign_form(request: Request, assessment_id: str) -> Response:
    with _page(request) as page:
        role = _signing_role(page)
        audience = request.query_params.get("audience") or AUDIENCE_OF_ROLE[role]
        row = page.register.assessment(_known(page, assessment_id))
        refusal = signoff_refusal(page.register.signoffs(assessment_id), role)
        output = _rendering(page, assessment_id, audience) if refusal is None else None
        return page.render("sign.html", {"row": row, "role": role, "audience": audience, "output": output,
                                         "refusal": refusal, "audiences": page.policy.wording.audiences})


def _signing_role(page: Page) -> Role:
    role = page.me.role
    if role not in ROLES:
        raise Refused(403, f"only IT, marketing and compliance sign off; you are signed in as {role}")
    return role


@router.post("/assessments/{assessment_id}/sign", response_class=HTMLResponse)
async def sign(request: Request, assessment_id: str) -> Response:
    from riskengine.clock import run_clock

    with _page(request) as page:
        form = await page.checked_form()
        role = _signing_role(page)
        claimed = str(form.get("role", role))
        if claimed != role:
            page.audit("sign-off refused", target=assessment_id, detail=f"tried to sign for {claimed}")
            raise Refused(403, f"you sign for your own role only ({role}), not for {claimed}")
        decision = str(form.get("decision", ""))
        if decision not in ("approve", "reject"):
            raise Refused(400, "choose approve or reject")
        sha256 = str(form.get("report_sha256", ""))
        account = SignOffProof("account", page.me.user.name)  # who signed in, beside the name shown
        signoff = page.register.sign(_known(page, assessment_id), role=role, signed_by=page.me.user.display_name,
                                     decision=decision, note=str(form.get("note", ""))[:2000], now=run_clock(),  # type: ignore[arg-type]
                                     report_sha256=sha256 or None, prove=lambda _: account)
        page.audit("sign-off", target=assessment_id,
                   detail=f"{role} {decision} report sha256 {signoff.report_sha256}")
        issue_when_final(page, assessment_id)
        return RedirectResponse(f"/assessments/{assessment_id}?tab={AUDIENCE_OF_ROLE[role]}#signoff",
                                status_code=303)


# --- conditions -------------------------------------------------------------------------------------------------

def _may_close(role: str, owner: str) -> bool:
    """Who closes a condition with evidence: its owner's role, or compliance; one the vendor owns, any council
    role (someone of ours collects the vendor's proof)."""
    return role in ROLES and (role == "compliance" or owner == role or owner == "vendor")


@router.post("/assessments/{assessment_id}/conditions/{condition_id}", response_class=HTMLResponse)
async def close_condition(request: Request, assessment_id: str, condition_id: str) -> Response:
    import dataclasses

    with _page(request) as page:
        form = await page.checked_form()
        conditions = {c.condition_id: c for c in page.council.conditions([_known(page, assessment_id)]).get(
            assessment_id, [])}
        condition = conditions.get(condition_id)
        if condition is None:
            raise Refused(404, f"{assessment_id} has no tracked condition {condition_id}")
        if condition.state != "open":
            raise Refused(409, f"{condition_id} is already {condition.state}")
        action, note = str(form.get("action", "")), " ".join(str(form.get("note", "")).split())[:2000]
        role = page.me.role
        changes: dict[str, str] = {"note": note, "changed_by": page.me.user.display_name,
                                   "changed_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}
        if action == "waive":
            if role != "compliance":
                raise Refused(403, "only compliance waives a condition")
            if not note:
                raise Refused(400, "give the reason for waiving the condition")
            changes["state"] = "waived"
        elif action == "done":
            if not _may_close(role, condition.owner):
                raise Refused(403, f"this condition is {condition.owner}'s to close (or compliance's)")
            link = str(form.get("link", "")).strip()
            upload = form.get("evidence")
            if link and not link.startswith(("https://", "http://")):
                raise Refused(400, "the evidence link must be an http or https address")
            if not note:
                raise Refused(400, "add a note saying what the evidence shows")
            if isinstance(upload, UploadFile) and upload.filename:
                stored = store_upload(await upload.read(), upload.filename, page.settings.uploads / "evidence",
                                      EVIDENCE_KINDS, "evidence file", page.settings.upload_limit)
                changes.update(evidence_file=stored.path.name, evidence_name=stored.original_name,
                               evidence_sha256=stored.sha256)
            elif not link:
                raise Refused(400, "attach the evidence: a file or a link")
            changes.update(state="done", evidence_link=link)
        else:
            raise Refused(400, "choose done or waive")
        updated = dataclasses.replace(condition, **changes)  # type: ignore[arg-type]
        page.council.set_condition(updated)
        page.audit(f"condition {updated.state}", target=assessment_id,
                   detail=f"{condition_id}: {note}" + (f" (file sha256 {updated.evidence_sha256})"
                                                       if updated.evidence_sha256 else "")
                   + (f" (link {updated.evidence_link})" if updated.evidence_link else ""))
        return RedirectResponse(f"/assessments/{assessment_id}?tab={request.query_params.get('tab', 'full')}"
                                "#conditions", status_code=303)


@router.get("/assessments/{assessment_id}/conditions/{condition_id}/evidence")
def condition_evidence(request: Request, assessment_id: str, condition_id: str) -> Response:
    with _page(request) as page:
        condition = next((c for c in page.council.conditions([assessment_id]).get(assessment_id, [])
                          if c.condition_id == condition_id), None)
        if condition is None or not condition.evidence_file:
            raise Refused(404, "no evidence file is kept for that condition")
        path = page.settings.uploads / "evidence" / Path(condition.evidence_file).name
        return FileResponse(path, filename=condition.evidence_name, content_disposition_type="attachment",
                            media_type="application/octet-stream")


# --- due, compare, audit ----------------------------------------------------------------------------------------

@router.get("/due", response_class=HTMLResponse)
def due(request: Request) -> Response:
    from riskengine.council.conditions import conditions_due

    with _page(request) as page:
        within = _number(request.query_params.get("within"), 30, 3650)
        today = page.today()
        until = today + dt.timedelta(days=within)
        vendors = _slice(page.register.due(until), "vendors", request, today, lambda vendor: vendor.reassess_by)
        conditions = _slice(conditions_due(page.register, page.council, until), "conditions", request, today,
                            lambda condition: condition.due_date)
        names = page.register.vendor_names([condition.assessment_id for condition in conditions["rows"]])
        return page.render("due.html", {"within": within, "today": today.isoformat(), "until": until.isoformat(),
                                        "vendors": vendors, "conditions": conditions, "names": names})


DUE_PAGE_SIZE = 50
"""Rows of each list on the Due page (a register of thousands can have thousands due)."""


def _number(text: str | None, default: int, most: int) -> int:
    try:
        return max(0, min(most, int(text or default)))
    except ValueError:
        return default


def _slice(rows: list[_T], name: str, request: Request, today: dt.date, day: Callable[[_T], str]) -> dict[str, Any]:
    """One page (``NAME_page``) of a Due list, with its total, its overdue count and its number of pages."""
    pages = max(1, -(-len(rows) // DUE_PAGE_SIZE))
    number = max(1, min(pages, _number(request.query_params.get(f"{name}_page"), 1, pages)))
    start = (number - 1) * DUE_PAGE_SIZE
    return {"rows": rows[start:start + DUE_PAGE_SIZE], "total": len(rows), "page": number, "pages": pages,
            "overdue": sum(1 for row in rows if day(row) < today.isoformat()), "param": f"{name}_page"}


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request) -> Response:
    from riskengine.portfolio.compare import compare

    with _page(request) as page:
        keys = list(dict.fromkeys(request.query_params.getlist("vendor")))[:12]
        vendors = {vendor.vendor_key: vendor for vendor in page.register.vendors()}
        chosen = [vendors[key] for key in keys if key in vendors]
        comparison = None
        if len(chosen) >= 2:
            comparison = compare([page.register.load(vendor.latest_assessment) for vendor in chosen],
                                 policy=page.policy)
        return page.render("compare.html", {"vendors": sorted(vendors.values(), key=lambda v: v.name.casefold()),
                                            "keys": keys, "comparison": comparison})


@router.get("/audit", response_class=HTMLResponse)
def audit_log(request: Request) -> Response:
    with _page(request) as page:
        page.require("compliance", "admin")
        target = request.query_params.get("target") or None
        return page.render("audit.html", {"events": page.council.audit_log(target=target, limit=500),
                                          "target": target})


@router.get("/fonts/{name}")
def font(name: str) -> Response:
    """The report's fonts (DejaVu Sans, shipped with its licence in templates/fonts), for the pages."""
    from riskengine.resources import data_path

    if name not in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        raise Refused(404, "there is no such font")
    return FileResponse(data_path("templates", "fonts", name), media_type="font/ttf",
                        headers={"cache-control": "public, max-age=86400"})
