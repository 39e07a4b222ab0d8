"""One request's place in the app: the register and the council opened for it, the signed-in viewer, and the page
rendered with the policy's wording (the same words as the PDF's)."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskengine.council.store import Council
from riskengine.register.store import Register
from riskengine.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    NotSignedIn,
    Refused,
    Viewer,
    check_origin,
    check_token,
    is_tls,
    remote,
    session_viewer,
)

if TYPE_CHECKING:
    from fastapi.templating import Jinja2Templates
    from starlette.requests import Request
    from starlette.responses import Response

    from riskengine.council.store import CouncilRole
    from riskengine.policy import Policy
    from riskengine.web.settings import WebSettings

TEMPLATES = Path(__file__).resolve().parent / "templates"


class Page(contextlib.AbstractContextManager["Page"]):
    """The stores of one request, and who asks. ``signed_in`` refuses a request without a live session."""

    def __init__(self, request: Request, settings: WebSettings, templates: Jinja2Templates, policy: Policy,
                 *, signed_in: bool = True) -> None:
        self.request, self.settings, self.templates, self.policy = request, settings, templates, policy
        self._stack = contextlib.ExitStack()
        self.register = self._stack.enter_context(Register(settings.database))
        self.council = self._stack.enter_context(Council(settings.database))
        try:
            self.viewer, self._new_token = session_viewer(request, self.council, settings)
        except BaseException:
            self._stack.close()
            raise
        if signed_in and self.viewer is None:
            self._stack.close()
            raise NotSignedIn

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    @property
    def me(self) -> Viewer:
        if self.viewer is None:
            raise NotSignedIn
        return self.viewer

    def today(self) -> dt.date:
        from riskengine.clock import run_clock

        return run_clock().date()

    def require(self, *roles: CouncilRole) -> Viewer:
        """The viewer, refused (403) unless one of ``roles``."""
        viewer = self.me
        if viewer.role not in roles:
            raise Refused(403, f"this needs the role {' or '.join(roles)}; you are signed in as {viewer.role}")
        return viewer

    async def checked_form(self) -> dict[str, Any]:
        """The form of a POST, after the Origin and CSRF checks (multipart files included)."""
        check_origin(self.request)
        form = await self.request.form(max_files=2, max_fields=50)
        given = self.request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
        check_token(self.me.csrf_token, given if isinstance(given, str) else None)
        return dict(form.multi_items())

    def audit(self, action: str, target: str = "", detail: str = "") -> None:
        viewer = self.me
        self.council.audit(actor=viewer.user.name, role=viewer.role, action=action, target=target, detail=detail,
                           remote=remote(self.request))

    def render(self, name: str, context: dict[str, Any], status: int = 200) -> Response:
        response = self.templates.TemplateResponse(self.request, name, {
            "viewer": self.viewer, "wording": self.policy.wording, "csrf_field": CSRF_FIELD, **context},
            status_code=status)
        return self.finish(response)

    def finish(self, response: Response) -> Response:
        """Set the cookie of a session opened by this request (trusted header)."""
        if self._new_token is not None:
            set_session_cookie(response, self._new_token, secure=is_tls(self.request))
        return response

    @property
    def is_htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true"


def set_session_cookie(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/")
