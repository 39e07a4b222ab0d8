"""The web app: ``create_app(settings)`` gives the ASGI application ``riskengine serve`` runs with uvicorn.

A shell like the CLI: every page parses the request, calls the library (``pipeline.assess``, ``outputs``,
``Register``, ``explain``, ``portfolio``, ``council``) and renders the answer with the policy's wording, the same
words as the PDF. Pages are rendered on the server (Jinja2); htmx swaps parts of them; the JSON API under
``/api/`` serves the same data, described by its OpenAPI schema at ``/api/openapi.json``.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from riskengine.errors import RiskEngineError
from riskengine.web.context import TEMPLATES
from riskengine.web.security import BodyTooLarge, NotSignedIn, Refused, SecurityHeaders
from riskengine.web.settings import WebSettings

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("riskengine.web")


def create_app(settings: WebSettings) -> SecurityHeaders:
    """The application for ``settings``, wrapped in the security headers and the request size limit."""
    from riskengine.pipeline import default_policy
    from riskengine.web import accounts, api, pages, signed, vendor, vendor_requests

    policy = default_policy()
    app = FastAPI(title="riskengine", version=_version(), docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", description=(
                      "The register's vendors, assessments, sign-offs and conditions as JSON: the same data as the "
                      "pages. Sign in first (the session cookie of the web app)."))
    templates = Jinja2Templates(directory=str(TEMPLATES))  # autoescapes HTML
    templates.env.globals["role_names"] = {"it": "IT", "marketing": "Marketing", "compliance": "Compliance",
                                           "admin": "Administrator"}
    templates.env.filters["words"] = lambda value: str(value).replace("_", " ")
    templates.env.globals["query"] = lambda **values: urlencode(values)  # a link's query string, escaped
    app.state.settings, app.state.templates, app.state.policy = settings, templates, policy
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(pages.router)
    app.include_router(signed.router)
    app.include_router(vendor_requests.router)
    app.include_router(vendor.router)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(item, vendor.TokenRedaction) for item in access.filters):
        access.addFilter(vendor.TokenRedaction())
    app.include_router(api.router)
    app.include_router(accounts.router)
    _error_pages(app, templates)
    return SecurityHeaders(app, limit=settings.upload_limit + 1_000_000, upload_limit=settings.upload_limit)


def _version() -> str:
    from riskengine import __version__

    return __version__


def _error_pages(app: FastAPI, templates: Jinja2Templates) -> None:
    """Errors as pages a person can read (or JSON under /api/), never a traceback; an unexpected one gets a
    reference id, logged with its traceback so an administrator can find it."""

    def answer(request: Request, status: int, message: str, reference: str = "") -> Response:
        if request.url.path.startswith("/api/"):
            body: dict[str, Any] = {"detail": message}
            if reference:
                body["reference"] = reference
            return JSONResponse(body, status_code=status)
        return templates.TemplateResponse(request, "error.html", {
            "status": status, "message": message, "reference": reference, "viewer": None,
            "vendor_page": request.url.path.startswith("/vendor/")}, status_code=status)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        if request.headers.get("hx-request") == "true":
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return answer(request, exc.status, exc.message)

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        limit = request.app.state.settings.upload_limit
        return answer(request, 413, f"the upload is larger than {limit // 1_000_000} MB, the largest file riskengine "
                                    "reads. Nothing was recorded.")

    @app.exception_handler(RiskEngineError)
    async def library_refused(request: Request, exc: RiskEngineError) -> Response:
        """The library's own refusals (a second sign-off by a role, an unknown report): 409 with its sentence."""
        return answer(request, 409, str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        messages = {404: "there is no such page", 405: "this page does not take that kind of request"}
        return answer(request, exc.status_code, messages.get(exc.status_code, str(exc.detail)))

    app.add_middleware(_InternalErrors, templates=templates)


class _InternalErrors:
    """An unexpected error becomes the error page with a reference id (logged with its traceback), answered on a
    connection that stays usable: it is caught here, inside Starlette's last-resort handler, which would answer
    in plain text and re-raise."""

    def __init__(self, app: ASGIApp, templates: Jinja2Templates) -> None:
        self.app, self.templates = app, templates

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            reference = uuid.uuid4().hex[:12].upper()
            log.error("internal error %s on %s %s", reference, scope.get("method"), scope.get("path"), exc_info=exc)
            if started:
                raise
            message = ("something went wrong on our side; nothing was changed by the failed request. Give the "
                       "administrator this reference:")
            if str(scope.get("path", "")).startswith("/api/"):
                response: Response = JSONResponse({"detail": message, "reference": reference}, status_code=500)
            else:
                body = self.templates.get_template("error.html").render(
                    status=500, message=message, reference=reference, viewer=None)
                response = HTMLResponse(body, status_code=500)
            await response(scope, receive, send)


__all__ = ["HTMLResponse", "create_app"]
