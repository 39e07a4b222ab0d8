"""Who is asking, and whether the request may do what it asks: sessions, CSRF, the upload limit, and the headers
every response carries.

- A session is a random token in a cookie (HttpOnly, SameSite=Strict, Secure when the request came over TLS),
  kept in the database only as its sha256 (``riskengine.council.store``).
- Every request that changes something (POST) must come from our own pages: its ``Origin`` (or, lacking one,
  its ``Referer``) must be this server, and it must carry the session's CSRF token (a form field, or the
  ``X-CSRF-Token`` header htmx sends). The sign-in form, before any session, uses a token in a cookie of its
  own (double submit).
- Behind an authenticating reverse proxy (``--trust-header X-Remote-User``) the proxy's header names the user
  and the role mapping gives the role; a session is still opened, to carry the CSRF token.
- The Content-Security-Policy allows scripts, styles and fonts from this server only, and no inline script.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from riskengine.council.store import Council, CouncilRole, User
    from riskengine.web.settings import WebSettings

SESSION_COOKIE = "riskengine_session"
LOGIN_CSRF_COOKIE = "riskengine_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                           "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
                           "frame-ancestors 'none'")
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'"
"""A chart is served as an image of its own: no script runs in an image, and its drawing's style attributes are
allowed there only."""
HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


class Refused(Exception):
    """A request refused for what it is, not for a fault: ``status`` and a sentence for the person."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class NotSignedIn(Exception):
    """No live session: a page sends the browser to the sign-in page, the API answers 401."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in user of a request, with the session's CSRF token for the forms of the page."""

    user: User
    csrf_token: str

    @property
    def role(self) -> CouncilRole:
        return self.user.role


def is_tls(request: Request) -> bool:
    return request.url.scheme == "https"


def remote(request: Request) -> str:
    return request.client.host if request.client else ""


def session_viewer(request: Request, council: Council, settings: WebSettings) -> tuple[Viewer | None, str | None]:
    """The viewer of ``request`` and, when a session was opened just now (trusted header), its new cookie token."""
    token = request.cookies.get(SESSION_COOKIE, "")
    session = council.session(token) if token else None
    if settings.trust_header is None:
        return (Viewer(session.user, session.csrf_token) if session else None), None
    name = request.headers.get(settings.trust_header, "").strip()
    if not name:
        return None, None
    if session is not None and session.user.name == name:
        return Viewer(session.user, session.csrf_token), None
    role = settings.roles.role_of(name)
    if role is None:
        raise Refused(403, f"{name} has no role in riskengine's role mapping: ask an administrator to add one")
    user = council.user(name) or _proxy_user(council, name, role)
    if user.role != role:
        raise Refused(403, f"{name} is {user.role} in riskengine but {role} in the role mapping: ask an "
                           "administrator to make them agree")
    new_token, new_session = council.open_session(user, remote=remote(request))
    council.audit(actor=user.name, role=user.role, action="sign-in", detail=f"by {settings.trust_header}",
                  remote=remote(request))
    return Viewer(new_session.user, new_session.csrf_token), new_token


def _proxy_user(council: Council, name: str, role: CouncilRole) -> User:
    """The account of a user the proxy vouches for, made on first sight; it has no password (``!`` matches none)."""
    import datetime as dt

    return council.add_user(name, role=role, password_hash="!", now=dt.datetime.now(dt.UTC))


def check_origin(request: Request) -> None:
    """Refuse a change whose ``Origin`` (or ``Referer``) is not this server (a cross-site request)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        raise Refused(403, "this request did not say where it came from (no Origin header): refused as a possible "
                           "cross-site request")
    parts = urlsplit(origin)
    own = urlsplit(str(request.base_url))
    if (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
        raise Refused(403, "this request came from another site: refused (cross-site request forgery protection)")


def check_token(expected: str, given: str | None) -> None:
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Refused(403, "this form has expired or did not come from riskengine: reload the page and try again")


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


class SecurityHeaders:
    """Pure ASGI middleware: the security headers on every response, and the request size limit.

    A body larger than ``limit`` (the largest upload, ``upload_limit``, and room for the form around it) is
    refused with 413 before it is read whole: by its Content-Length at once, or as soon as the bytes received pass
    the limit.
    """

    def __init__(self, app: ASGIApp, *, limit: int, upload_limit: int) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"
        started = time.perf_counter()
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(scope, send, self.upload_limit)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(name, value) for name, value in message.get("headers", [])
                           if name.lower() != b"content-security-policy"]
                kind = dict(message.get("headers", [])).get(b"content-type", b"")
                policy = SVG_POLICY if kind.startswith(b"image/svg") else CONTENT_SECURITY_POLICY
                headers.append((b"content-security-policy", policy.encode()))
                present = {name.lower() for name, _ in headers}
                headers += [(name.encode(), value.encode()) for name, value in HEADERS.items()
                            if name.encode() not in present]  # a page may be stricter (the vendor's: no-referrer)
                if tls:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                # Server-Timing (W3C): the time the app took to answer, for the browser's tools and the benchmarks.
                elapsed = (time.perf_counter() - started) * 1000
                headers.append((b"server-timing", f"app;dur={elapsed:.1f}".encode()))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            await _too_large(scope, send, self.upload_limit)


class BodyTooLarge(Exception):
    pass


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    body = (f"<!doctype html><title>Too large</title><p>The upload is larger than {limit // 1_000_000} MB, the "
            "largest file riskengine reads. Nothing was recorded.</p>").encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                            *((name.encode(), value.encode()) for name, value in HEADERS.items())]})
    await send({"type": "http.response.body", "body": body})
