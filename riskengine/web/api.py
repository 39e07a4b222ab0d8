"""The JSON API under ``/api/``: the same data as the pages (the portfolio, an assessment's recorded result, its
sign-offs and conditions, what is due), for scripts and other tools; read-only, signed in by the same session.

Its OpenAPI schema is at ``/api/openapi.json``.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from riskengine.web.context import Page
from riskengine.web.listing import PortfolioQuery, portfolio_page

router = APIRouter(prefix="/api", tags=["register"])


class Me(BaseModel):
    name: str
    display_name: str
    role: str


class VendorItem(BaseModel):
    vendor_key: str
    name: str
    product: str
    domain: str
    latest_assessment: str
    assessed: str
    tier: str
    decision: str
    residual: float
    reassess_by: str
    signoff_status: str
    """``not signed``, ``pending``, ``approved`` or ``rejected``."""
    signoffs: dict[str, str]
    """Role to its decision (``approve`` or ``reject``), for the roles that signed."""
    open_conditions: int
    overdue_conditions: int


class VendorPage(BaseModel):
    vendors: list[VendorItem]
    total: int
    page: int
    pages: int


class SignOffItem(BaseModel):
    role: str
    signed_by: str
    decision: str
    note: str
    signed_at: str
    report_sha256: str
    report_audience: str


class SignOffs(BaseModel):
    assessment_id: str
    status: str
    signoffs: list[SignOffItem]


class ConditionItem(BaseModel):
    assessment_id: str
    condition_id: str
    action: str
    owner: str
    due_date: str
    state: str
    evidence_name: str
    evidence_sha256: str
    evidence_link: str
    note: str
    changed_by: str
    changed_at: str


class DueVendor(BaseModel):
    vendor_key: str
    name: str
    tier: str
    reassess_by: str
    days_left: int
    latest_assessment: str


class Due(BaseModel):
    today: str
    until: str
    vendors: list[DueVendor]
    conditions: list[ConditionItem]


def _page(request: Request, response: Response) -> Page:
    """The request's stores and viewer; a session opened for it (trusted header) sets its cookie on ``response``."""
    state = request.app.state
    page = Page(request, state.settings, state.templates, state.policy)
    page.finish(response)
    return page


def _condition(record: object) -> ConditionItem:
    return ConditionItem.model_validate(record, from_attributes=True)


@router.get("/me", response_model=Me)
def me(request: Request, response: Response) -> Me:
    """Who is signed in, and in which role."""
    with _page(request, response) as page:
        user = page.me.user
        return Me(name=user.name, display_name=user.display_name, role=user.role)


@router.get("/vendors", response_model=VendorPage)
def vendors(request: Request, response: Response, q: str = "", tier: str = "", decision: str = "", signoff: str = "",
            sort: str = "name", order: str = Query("asc", pattern="^(asc|desc)$"), page: int = 1) -> VendorPage:
    """The portfolio: every vendor's latest assessment, filtered, sorted and paged as on the Portfolio page."""
    with _page(request, response) as current:
        listing = portfolio_page(current.register, current.council, PortfolioQuery(
            search=q, tier=tier, decision=decision, signoff=signoff, sort=sort, descending=order == "desc",
            page=page), current.today())
        return VendorPage(total=listing.total, page=listing.query.page, pages=listing.pages, vendors=[VendorItem(
            vendor_key=row.vendor.vendor_key, name=row.vendor.name, product=row.vendor.product,
            domain=row.vendor.domain, latest_assessment=row.vendor.latest_assessment,
            assessed=row.vendor.latest_created, tier=row.vendor.tier, decision=row.vendor.decision,
            residual=row.vendor.residual, reassess_by=row.vendor.reassess_by, signoff_status=row.status,
            signoffs={role: signoff.decision for role, signoff in row.signoffs.items()},
            open_conditions=len(row.open_conditions), overdue_conditions=len(row.overdue)) for row in listing.rows])


_RESULT = {200: {"description": "The assessment's JSON result, as recorded (docs/assessment.schema.json)",
                 "content": {"application/json": {}}}}


@router.get("/assessments/{assessment_id}", responses=_RESULT)  # type: ignore[arg-type]
def assessment(request: Request, response: Response, assessment_id: str) -> Response:
    """The recorded JSON result of the assessment, byte for byte as ``assess`` wrote it."""
    with _page(request, response) as page:
        if not page.register.known_assessment(assessment_id):
            from riskengine.web.security import Refused

            raise Refused(404, f"there is no assessment {assessment_id} in the register")
        return page.finish(Response(page.register.result(assessment_id), media_type="application/json"))


@router.get("/assessments/{assessment_id}/signoffs", response_model=SignOffs)
def signoffs(request: Request, response: Response, assessment_id: str) -> SignOffs:
    """The sign-offs so far and the approval's status."""
    from riskengine.register.approvals import approval_status

    with _page(request, response) as page:
        page.register.assessment(assessment_id)
        given = page.register.signoffs(assessment_id)
        return SignOffs(assessment_id=assessment_id, status=approval_status(given) if given else "not signed",
                        signoffs=[SignOffItem.model_validate(item, from_attributes=True) for item in given])


@router.get("/assessments/{assessment_id}/conditions", response_model=list[ConditionItem])
def conditions(request: Request, response: Response, assessment_id: str) -> list[ConditionItem]:
    """The tracked conditions of an assessment approved with conditions (none for other decisions)."""
    from riskengine.council.conditions import track_assessments

    with _page(request, response) as page:
        page.register.assessment(assessment_id)
        track_assessments(page.council, page.register, [assessment_id])
        return [_condition(record) for record in page.council.conditions([assessment_id]).get(assessment_id, [])]


@router.get("/due", response_model=Due)
def due(request: Request, response: Response, within: int = Query(30, ge=0, le=3650)) -> Due:
    """Vendors due for reassessment and open conditions due within ``within`` days (the past ones overdue)."""
    from riskengine.council.conditions import conditions_due

    with _page(request, response) as page:
        today = page.today()
        until = today + dt.timedelta(days=within)
        return Due(today=today.isoformat(), until=until.isoformat(), vendors=[DueVendor(
            vendor_key=vendor.vendor_key, name=vendor.name, tier=vendor.tier, reassess_by=vendor.reassess_by,
            days_left=(dt.date.fromisoformat(vendor.reassess_by) - today).days,
            latest_assessment=vendor.latest_assessment) for vendor in page.register.due(until)],
            conditions=[_condition(record) for record in conditions_due(page.register, page.council, until)])
