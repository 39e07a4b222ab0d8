"""Web evidence about the vendor's site: HTTPS and its certificate, legacy TLS, the redirect to HTTPS, the
security headers, security.txt, a privacy policy, and a web score built on the MDN HTTP Observatory's.

Every request goes through one door (``_fetch``). Redirects are followed here, never by requests, and each
hop is checked again: http or https only, on the configured ports, a valid name or an address literal, an
address the guard allows. The connection goes to the address the guard checked while TLS still sends the
name (SNI) and checks the certificate against it, so a second DNS answer cannot move it. Socket timeouts
bound each read but not their sum, so a watchdog shuts the sockets when the vendor's deadline runs out: a
server that drips one byte at a time cannot hold a check past it. What is read is parsed within the same
deadline: headers and security.txt in one linear pass each, the home page's HTML in a parser process that
is stopped when the deadline runs out (``riskengine.enrich.worker``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.client
import ipaddress
import itertools
import math
import re
import socket
import ssl
import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, NamedTuple
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import requests
import urllib3
from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.util.ssl_match_hostname import CertificateError

from riskengine.datafile import load_yaml_model
from riskengine.enrich.domain import DomainError, normalise_domain
from riskengine.enrich.evidence import Evidence, Status, make_evidence
from riskengine.enrich.guard import AddressGuard, AddressRefused, Deadline, DeadlineExceeded
from riskengine.enrich.settings import NetworkSettings
from riskengine.enrich.worker import ParseFailed, parse_within
from riskengine.resources import data_path

TOOL = "riskengine-https/1"
USER_AGENT = "riskengine/1 (vendor risk assessment)"
DEFAULT_SCORING = "web-observatory.yaml"
JUDGEMENT = "riskengine judgement"

CHECKS: dict[str, str] = {
    "web.https": "The site answers over HTTPS with a certificate valid for the domain (bool).",
    "web.cert_days_left": "Days until the site's certificate expires (int); fails under the minimum in "
                          "scoring/web-observatory.yaml (14) or when expired.",
    "web.tls_legacy": "The server accepts TLS 1.0 or 1.1 (bool); passes when it refuses both.",
    "web.redirects_to_https": "http://DOMAIN/ ends on an HTTPS page (bool).",
    "web.hsts": "Strict-Transport-Security max-age in seconds, false when absent; passes at six months or more.",
    "web.csp": "A Content-Security-Policy that restricts scripts, as the Observatory's CSP test passes it, judged "
               "on the policy browsers enforce (bool).",
    "web.frame_protection": "Framing limited by X-Frame-Options DENY/SAMEORIGIN or CSP frame-ancestors (bool).",
    "web.nosniff": "X-Content-Type-Options: nosniff (bool).",
    "web.referrer_policy": "The Referrer-Policy, false when absent; passes when it keeps URLs private.",
    "web.cookies_secure": "Every cookie of the home page is Secure with SameSite, session cookies HttpOnly (bool); "
                          "passes when there are none.",
    "web.security_txt": "/.well-known/security.txt (RFC 9116) with a Contact and a future Expires (its fields).",
    "web.privacy_policy": "A privacy policy reachable on the site (its URL, false when none was found).",
    "web.score": "Web score 0-100 from the MDN HTTP Observatory's modifiers (int); passes at 70.",
}

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK_BYTES = 16_384
_RAW_BODY_BYTES = 16_384
"""How much of a body the evidence keeps as raw material (the checks read up to ``max_bytes``)."""
_PRIVACY_REQUESTS = 3
"""Requests the privacy check may make, counting the home page it shares with the header checks."""
SECURITY_TXT_BYTES = 65_536
"""How much of a security.txt is parsed: RFC 9116 files are a few hundred bytes of ``Field: value`` lines,
read in one linear pass, so even this much takes milliseconds within the deadline."""


# --- the web score's data ----------------------------------------------------------------------------------

_OUTCOMES: dict[str, tuple[str, ...]] = {
    "content-security-policy": (
        "csp-implemented-with-no-unsafe-default-src-none", "csp-implemented-with-no-unsafe",
        "csp-implemented-with-unsafe-inline-in-style-src-only",
        "csp-implemented-with-insecure-scheme-in-passive-content-only", "csp-implemented-with-unsafe-eval",
        "csp-implemented-with-unsafe-inline", "csp-implemented-with-insecure-scheme", "csp-header-invalid",
        "csp-not-implemented"),
    "cookies": (
        "cookies-secure-with-httponly-sessions-and-samesite", "cookies-secure-with-httponly-sessions",
        "cookies-not-found", "cookies-without-secure-flag-but-protected-by-hsts",
        "cookies-session-without-secure-flag-but-protected-by-hsts", "cookies-without-secure-flag",
        "cookies-samesite-flag-invalid", "cookies-anticsrf-without-samesite-flag",
        "cookies-session-without-httponly-flag", "cookies-session-without-secure-flag"),
    "cross-origin-resource-policy": (
        "corp-implemented-with-same-origin", "corp-implemented-with-same-site", "corp-implemented-with-cross-origin",
        "corp-not-implemented", "corp-header-invalid"),
    "redirection": (
        "redirection-to-https", "redirection-not-needed-no-http", "redirection-off-host-from-http",
        "redirection-not-to-https-on-initial-redirection", "redirection-not-to-https", "redirection-missing",
        "redirection-invalid-cert"),
    "referrer-policy": (
        "referrer-policy-private", "referrer-policy-not-implemented", "referrer-policy-unsafe",
        "referrer-policy-header-invalid"),
    "strict-transport-security": (
        "hsts-implemented-max-age-at-least-six-months", "hsts-implemented-max-age-less-than-six-months",
        "hsts-not-implemented", "hsts-header-invalid", "hsts-not-implemented-no-https"),
    "x-content-type-options": (
        "x-content-type-options-nosniff", "x-content-type-options-not-implemented",
        "x-content-type-options-header-invalid"),
    "x-frame-options": (
        "x-frame-options-implemented-via-csp", "x-frame-options-sameorigin-or-deny",
        "x-frame-options-allow-from-origin", "x-frame-options-not-implemented", "x-frame-options-header-invalid"),
}
"""Every Observatory outcome this module can reach, per test; the YAML must price each one, and no other."""


class _Cited(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    """Where the figure comes from: an https:// citation, or ``riskengine judgement``."""

    @field_validator("source")
    @classmethod
    def _cited(cls, value: str) -> str:
        if value != JUDGEMENT and not value.startswith("https://"):
            raise ValueError(f"expected an https:// citation or {JUDGEMENT!r}, got {value!r}")
        return value


class ScoreNumber(_Cited):
    value: int


class ScoreWords(_Cited):
    value: tuple[str, ...]


class ScoreModifier(_Cited):
    modifier: int
    description: str


class WebScoring(BaseModel):
    """``scoring/web-observatory.yaml``: the Observatory's modifiers and the thresholds of the ``web.*`` checks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    baseline: ScoreNumber
    bonus_minimum: ScoreNumber
    maximum: ScoreNumber
    pass_score: ScoreNumber
    hsts_min_max_age: ScoreNumber
    certificate_min_days: ScoreNumber
    session_cookie_markers: ScoreWords
    csrf_cookie_markers: ScoreWords
    tests: dict[str, dict[str, ScoreModifier]]

    @model_validator(mode="after")
    def _prices_every_outcome(self) -> WebScoring:
        problems: list[str] = []
        for test, outcomes in _OUTCOMES.items():
            given = self.tests.get(test)
            if given is None:
                problems.append(f"tests.{test} is missing")
                continue
            missing = [outcome for outcome in outcomes if outcome not in given]
            unexpected = sorted(set(given) - set(outcomes))
            if missing:
                problems.append(f"tests.{test} lacks {', '.join(missing)}")
            if unexpected:
                problems.append(f"tests.{test} has outcomes riskengine never reaches: {', '.join(unexpected)}")
        for test in sorted(set(self.tests) - set(_OUTCOMES)):
            problems.append(f"tests.{test} is not a test riskengine runs (expected one of {', '.join(_OUTCOMES)})")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def modifier(self, test: str, outcome: str) -> int:
        return self.tests[test][outcome].modifier


@functools.lru_cache(maxsize=8)
def load_web_scoring(path: Path | None = None) -> WebScoring:
    """The web score's modifiers and the checks' thresholds: ``scoring/web-observatory.yaml`` unless ``path``."""
    return load_yaml_model(path or data_path("scoring", DEFAULT_SCORING), WebScoring)


def observatory_score(outcomes: Mapping[str, str], scoring: WebScoring) -> tuple[int, list[str]]:
    """The score of a set of Observatory outcomes (test -> outcome), and the modifiers that moved it.

    The Observatory's two rounds: penalties from the baseline, then the bonuses only when the result is at
    least ``bonus_minimum``; the result is kept within 0 and ``maximum``.
    """
    modifiers = sorted(((scoring.modifier(test, outcome), outcome) for test, outcome in outcomes.items()),
                       key=lambda item: (item[0], item[1]))
    score = scoring.baseline.value + sum(value for value, _ in modifiers if value < 0)
    with_bonus = score >= scoring.bonus_minimum.value
    if with_bonus:
        score += sum(value for value, _ in modifiers if value > 0)
    applied = [f"{outcome} {value:+d}" for value, outcome in modifiers if value < 0 or (value > 0 and with_bonus)]
    if not with_bonus and any(value > 0 for value, _ in modifiers):
        applied.append(f"bonuses withheld below {scoring.bonus_minimum.value}")
    return max(0, min(scoring.maximum.value, score)), applied


# --- fetching ------------------------------------------------------------------------------------------------

FailureKind = Literal["address", "deadline", "network", "timeout", "certificate", "tls", "protocol", "redirect"]


class _FetchFailure(Exception):
    """Why a fetch ended without an answer; ``kind`` decides between "fail" and "unknown"."""

    def __init__(self, kind: FailureKind, reason: str) -> None:
        super().__init__(reason)
        self.kind: FailureKind = kind
        self.reason = reason


@dataclass(frozen=True)
class _Run:
    """What one vendor's checks share: the guard, the deadline, the domain, the clock and the scoring data."""

    guard: AddressGuard
    deadline: Deadline
    host: str
    now: dt.datetime
    scoring: WebScoring

    @property
    def settings(self) -> NetworkSettings:
        return self.guard.settings

    def url(self, scheme: str, path: str) -> str:
        port = self.settings.https_port if scheme == "https" else self.settings.http_port
        default = 443 if scheme == "https" else 80
        return f"{scheme}://{self.host}{'' if port == default else f':{port}'}{path}"

    def out_of_time(self) -> bool:
        try:
            self.deadline.remaining()
        except DeadlineExceeded:
            return True
        return False

    def record(self, check: str, status: Status, reason: str, query: str, *, value: Any = None, address: str = "",
               raw: bytes | str = b"") -> Evidence:
        return make_evidence(kind="web", check=check, status=status, reason=reason, query=query,
                             fetched_at=self.now, tool=TOOL, value=value, address=address, raw=raw)


@dataclass(frozen=True)
class _Target:
    """One hop's URL, taken apart and validated: what to connect to and what to call it."""

    url: str
    scheme: str
    host: str
    port: int
    path: str

    def request_url(self, address: str) -> str:
        literal = f"[{address}]" if ":" in address else address
        return f"{self.scheme}://{literal}:{self.port}{self.path}"

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == (443 if self.scheme == "https" else 80) else f"{name}:{self.port}"


@dataclass(frozen=True)
class _Response:
    url: str
    address: str
    status: int
    reason: str
    version: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    truncated: bool
    certificate: bytes | None
    """The server's certificate (DER) when the hop was HTTPS."""

    def values(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]

    def first(self, name: str) -> str | None:
        found = self.values(name)
        return found[0] if found else None

    @property
    def content_type(self) -> str:
        return (self.first("content-type") or "").split(";")[0].strip().lower()

    def text(self, limit: int | None = None) -> str:
        """The body (its first ``limit`` bytes) decoded with the charset the server names, else UTF-8."""
        charset = re.search(r"charset=[\"']?([A-Za-z0-9._-]+)", (self.first("content-type") or "")[:1024])
        body = self.body if limit is None else self.body[:limit]
        try:
            return body.decode(charset.group(1) if charset else "utf-8", "replace")
        except LookupError:
            return body.decode("utf-8", "replace")

    def head(self) -> bytes:
        lines = [f"GET {self.url} -> {self.address}", f"{self.version} {self.status} {self.reason}"]
        lines += [f"{key}: {value}" for key, value in self.headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "replace")


@dataclass
class _Fetch:
    """A URL followed to its end: every response on the way, or why it stopped."""

    start: str
    responses: list[_Response] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    failure: _FetchFailure | None = None
    requests_made: int = 0
    body_limit: int = 0

    @property
    def final(self) -> _Response | None:
        return self.responses[-1] if self.responses and self.failure is None else None

    @property
    def address(self) -> str:
        return self.addresses[-1] if self.addresses else ""

    def raw(self) -> bytes:
        """Headers of every hop and the start of the last body: the evidence kept for the checks."""
        parts = [response.head() for response in self.responses]
        if self.failure is not None:
            parts.append(f"-- stopped: {self.failure.reason}\r\n".encode("utf-8", "replace"))
        elif self.responses:
            last = self.responses[-1]
            if last.truncated:
                parts.append(f"-- body cut at {self.body_limit:,} bytes\r\n".encode())
            parts.append(last.body[:_RAW_BODY_BYTES])
        return b"".join(parts)


class _Watchdog:
    """Shuts the sockets of one request down when the vendor's deadline runs out.

    It keeps a duplicate of each socket, so it can shut the connection even after TLS has taken the
    original over; the duplicates are closed when the request ends.
    """

    def __init__(self, deadline: Deadline) -> None:
        self._deadline = deadline
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self.fired = False
        self.certificate: bytes | None = None

    def __enter__(self) -> _Watchdog:
        self._timer = threading.Timer(self._deadline.remaining(), self._fire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            duplicate = sock.dup()
            self._sockets.append(duplicate)
            if self.fired:
                _shut(duplicate)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by its owner
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedHTTPConnection(HTTPConnection):
    def __init__(self, *args: Any, watchdog: _Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self._watchdog.watch(sock)
        return sock


class _WatchedHTTPSConnection(HTTPSConnection):
    def __init__(self, *args: Any, watchdog: _Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self._watchdog.watch(sock)
        return sock

    def connect(self) -> None:
        super().connect()
        if isinstance(self.sock, ssl.SSLSocket):
            self._watchdog.certificate = self.sock.getpeercert(binary_form=True)


class _PinnedPoolManager(urllib3.PoolManager):
    """Pools whose connections report to the request's watchdog."""

    def __init__(self, watchdog: _Watchdog, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._watchdog = watchdog

    def _new_pool(self, scheme: str, host: str, port: int,
                  request_context: dict[str, Any] | None = None) -> HTTPConnectionPool:
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.ConnectionCls = _WatchedHTTPSConnection if scheme == "https" else _WatchedHTTPConnection
        pool.conn_kw["watchdog"] = self._watchdog
        return pool


class _PinnedAdapter(HTTPAdapter):
    """Sends to the checked address in the URL while TLS uses the name: SNI and the certificate check."""

    def __init__(self, host: str, watchdog: _Watchdog) -> None:
        self._host = host
        self._watchdog = watchdog
        super().__init__(max_retries=0)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        self._pool_connections = connections
        self._pool_maxsize = maxsize
        self._pool_block = block
        self.poolmanager = _PinnedPoolManager(self._watchdog, num_pools=connections, maxsize=maxsize, block=block,
                                              server_hostname=self._host, assert_hostname=self._host, **pool_kwargs)


_NETWORK_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError,
                   ValueError)


def _fetch(start: str, run: _Run, *, max_requests: int | None = None) -> _Fetch:
    """GET ``start`` and follow its redirects, each hop validated and guarded; never raises."""
    fetch = _Fetch(start, body_limit=run.settings.max_bytes)
    url = start
    visited = {start}
    limit = run.settings.max_redirects
    try:
        while True:
            target = _target(url, run.settings)
            address = str(run.guard.resolve(target.host, run.deadline))
            fetch.addresses.append(address)
            fetch.requests_made += 1
            response = _request(target, address, run)
            fetch.responses.append(response)
            location = response.first("location")
            if response.status not in _REDIRECTS or not location:
                return fetch
            try:
                following = _join_location(url, location)
            except ValueError:
                raise _FetchFailure("address", f"{url} redirects to an unusable address {location[:200]!r}") from None
            if len(fetch.responses) > limit:
                raise _FetchFailure("redirect", f"{start} redirects more than {limit} times")
            if max_requests is not None and fetch.requests_made >= max_requests:
                raise _FetchFailure("redirect", f"{start} still redirects after the {max_requests} requests "
                                                "this check may make")
            if following in visited:
                raise _FetchFailure("redirect", f"redirect loop: {url} sends back to {following}")
            visited.add(following)
            url = following
    except _FetchFailure as failure:
        fetch.failure = failure
    except AddressRefused as exc:
        fetch.failure = _FetchFailure("address", f"{url} refused: {exc}")
    except DeadlineExceeded as exc:
        fetch.failure = _FetchFailure("deadline", f"{exc} before {url} answered")
    return fetch


def _join_location(base: str, location: str) -> str:
    """The absolute URL a Location header points to, without its fragment; ValueError when unusable."""
    joined = urldefrag(urljoin(base, location.strip())).url
    urlsplit(joined).port  # noqa: B018 - raises ValueError on a malformed port or IPv6 literal
    return joined


def _target(url: str, settings: NetworkSettings) -> _Target:
    """Validate one hop: scheme, port, name; raise _FetchFailure("address") with the reason otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _FetchFailure("address", f"{url[:200]} is not a usable URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _FetchFailure("address", f"{url[:200]} is refused: only http and https are followed")
    if parts.username is not None or parts.password is not None:
        raise _FetchFailure("address", f"{url[:200]} is refused: it carries a user name or password")
    allowed = settings.https_port if scheme == "https" else settings.http_port
    effective = port if port is not None else (443 if scheme == "https" else 80)
    if effective != allowed:
        raise _FetchFailure("address", f"{url[:200]} is refused: port {effective} is not the {scheme} port {allowed}")
    name = (parts.hostname or "").strip()
    try:
        host = str(ipaddress.ip_address(name))
    except ValueError:
        try:
            host = normalise_domain(name)
        except DomainError as exc:
            raise _FetchFailure("address", f"{url[:200]} is refused: {exc}") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in path):
        raise _FetchFailure("address", f"{url[:200]} is refused: its path holds spaces or control characters")
    return _Target(url=url, scheme=scheme, host=host, port=effective, path=path)


def _request(target: _Target, address: str, run: _Run) -> _Response:
    """One GET of ``target`` at the checked ``address``; the body read in chunks up to ``max_bytes``."""
    settings = run.settings
    watchdog = _Watchdog(run.deadline)
    session = requests.Session()
    session.trust_env = False  # no proxies, .netrc or CA bundle taken from the environment
    session.headers.clear()
    adapter = _PinnedAdapter(target.host, watchdog)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    headers = {"Host": target.host_header, "User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5",
               "Accept-Encoding": "identity", "Connection": "close"}
    verify: bool | str = settings.ca_bundle or True
    try:
        with watchdog:
            timeout = (run.deadline.timeout(settings.connect_timeout), run.deadline.timeout(settings.read_timeout))
            response = session.get(target.request_url(address), headers=headers, allow_redirects=False, stream=True,
                                   timeout=timeout, verify=verify)
            try:
                redirect = response.status_code in _REDIRECTS
                body, truncated = (b"", False) if redirect else _read_body(response, run)
                version = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(getattr(response.raw, "version", 11), "HTTP/1.1")
                received = tuple((str(key), str(value)) for key, value in response.raw.headers.items())
            finally:
                response.close()
    except DeadlineExceeded:
        raise
    except _NETWORK_ERRORS as exc:
        raise _failure(exc, target, watchdog, run) from None
    finally:
        session.close()
    if watchdog.fired:
        # The watchdog shut the socket: what was read may be a head cut short (a status line with no headers
        # after it), which would pass for an answer. Nothing read after the deadline is evidence.
        raise _FetchFailure("deadline", f"the {run.deadline.seconds:g} s deadline ran out while fetching {target.url}")
    return _Response(url=target.url, address=address, status=response.status_code, reason=response.reason or "",
                     version=version, headers=received, body=body, truncated=truncated,
                     certificate=watchdog.certificate if target.scheme == "https" else None)


def _read_body(response: requests.Response, run: _Run) -> tuple[bytes, bool]:
    """Up to ``max_bytes`` of the body (True when cut), checking the deadline between chunks."""
    limit = run.settings.max_bytes
    parts: list[bytes] = []
    size = 0
    for chunk in response.raw.stream(_CHUNK_BYTES, decode_content=False):
        run.deadline.remaining()
        if size + len(chunk) > limit:
            parts.append(chunk[: limit - size])
            return b"".join(parts), True
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts), False


def _failure(exc: BaseException, target: _Target, watchdog: _Watchdog, run: _Run) -> _FetchFailure:
    """Name what went wrong in one sentence, from the chain of exceptions requests and urllib3 wrap."""
    url = target.url
    if watchdog.fired or run.out_of_time():
        return _FetchFailure("deadline", f"the {run.deadline.seconds:g} s deadline ran out while fetching {url}")
    causes = _causes(exc)
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = cause.verify_message or cause.reason or str(cause)
            return _FetchFailure("certificate", f"the certificate of {url} was refused: {detail}")
        if isinstance(cause, CertificateError):
            return _FetchFailure("certificate", f"the certificate of {url} is not valid for {target.host}: "
                                                f"{_short(str(cause))}")
    for cause in causes:
        if isinstance(cause, ssl.SSLError):
            return _FetchFailure("tls", f"the TLS handshake with {url} failed: {cause.reason or _short(str(cause))}")
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError):
            return _FetchFailure("network", f"{url}: connection refused by {target.host} (port {target.port})")
    for cause in causes:
        # urllib3's NewConnectionError subclasses ConnectTimeoutError, though it is not a timeout.
        if isinstance(cause, TimeoutError | urllib3.exceptions.TimeoutError | requests.Timeout) and not isinstance(
                cause, urllib3.exceptions.NewConnectionError):
            return _FetchFailure("timeout", f"{url} did not answer in time (connect {run.settings.connect_timeout:g} s"
                                            f", read {run.settings.read_timeout:g} s)")
    for cause in causes:
        if isinstance(cause, http.client.RemoteDisconnected):
            return _FetchFailure("protocol", f"{url} closed the connection without an HTTP answer")
        if isinstance(cause, http.client.HTTPException):
            return _FetchFailure("protocol", f"{url} did not answer with valid HTTP "
                                             f"({type(cause).__name__}: {_short(str(cause))})")
    for cause in causes:
        if isinstance(cause, ConnectionResetError):
            return _FetchFailure("network", f"{url}: connection reset by the server")
    for cause in causes:
        if isinstance(cause, OSError):
            return _FetchFailure("network", f"{url}: {_short(str(cause))}")
    return _FetchFailure("protocol", f"{url} could not be read ({type(exc).__name__}: {_short(str(exc))})")


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything it wraps (``reason``, ``args``, cause and context), outermost first."""
    found: list[BaseException] = []
    queue: list[BaseException] = [exc]
    while queue and len(found) < 32:
        current = queue.pop(0)
        if any(current is seen for seen in found):
            continue
        found.append(current)
        reason = getattr(current, "reason", None)
        for inner in (reason, current.__cause__, current.__context__, *current.args):
            if isinstance(inner, BaseException):
                queue.append(inner)
    return found


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- TLS handshakes of our own: legacy versions, and the certificate of a site that failed verification ----

_LOCAL_TLS_LIMITS = frozenset({"NO_PROTOCOLS_AVAILABLE", "NO_CIPHERS_AVAILABLE"})
"""Handshake errors raised by our side because this OpenSSL cannot offer what was asked."""


@functools.cache
def _legacy_context() -> ssl.SSLContext | None:
    """A client that offers only TLS 1.0 and 1.1, or None when the local OpenSSL cannot."""
    if not (ssl.HAS_TLSv1 or ssl.HAS_TLSv1_1):
        return None
    try:
        with warnings.catch_warnings():
            # Offering the deprecated versions is the point: we ask whether the server still accepts them.
            warnings.simplefilter("ignore", DeprecationWarning)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            context.minimum_version = ssl.TLSVersion.TLSv1 if ssl.HAS_TLSv1 else ssl.TLSVersion.TLSv1_1
            context.maximum_version = ssl.TLSVersion.TLSv1_1 if ssl.HAS_TLSv1_1 else ssl.TLSVersion.TLSv1
            # OpenSSL 3 negotiates TLS 1.0 and 1.1 only at security level 0.
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
    except (ssl.SSLError, ValueError):
        return None
    return context


@functools.cache
def _inspecting_context() -> ssl.SSLContext:
    """A client that accepts any certificate: used only to read the one a verified connection refused."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _handshake(address: str, run: _Run, context: ssl.SSLContext) -> tuple[str | None, bytes | None]:
    """One TLS handshake with the checked address (SNI: the domain): the version agreed and the certificate.

    Raises DeadlineExceeded when the deadline cut it short, ssl.SSLError or OSError otherwise.
    """
    settings = run.settings
    watchdog = _Watchdog(run.deadline)
    with watchdog:
        try:
            sock = socket.create_connection((address, settings.https_port),
                                            timeout=run.deadline.timeout(settings.connect_timeout))
            watchdog.watch(sock)
            with sock:
                sock.settimeout(run.deadline.timeout(settings.read_timeout))
                with context.wrap_socket(sock, server_hostname=run.host) as tls:
                    return tls.version(), tls.getpeercert(binary_form=True)
        except OSError:
            if watchdog.fired or run.out_of_time():
                raise DeadlineExceeded(f"the {run.deadline.seconds:g} s deadline ran out during the TLS "
                                       "handshake") from None
            raise


def certificate_not_after(der: bytes) -> dt.datetime:
    """The notAfter time of a DER X.509 certificate (RFC 5280 section 4.1); ValueError if it cannot be read.

    The standard library parses a certificate only after verifying it, and an expired or untrusted one is
    exactly what we must date; the cryptography package is not a dependency, so read the few fields here.
    """
    tag, start, _ = _der(der, 0)
    if tag != 0x30:
        raise ValueError("not a DER certificate")
    tag, position, _ = _der(der, start)
    if tag != 0x30:
        raise ValueError("no TBSCertificate")
    tag, _, end = _der(der, position)
    if tag == 0xA0:  # [0] version
        position = end
    for expected in (0x02, 0x30, 0x30):  # serialNumber, signature, issuer
        tag, _, end = _der(der, position)
        if tag != expected:
            raise ValueError("unexpected certificate structure")
        position = end
    tag, validity, _ = _der(der, position)
    if tag != 0x30:
        raise ValueError("no validity")
    _, _, after_not_before = _der(der, validity)
    tag, start, end = _der(der, after_not_before)
    text = der[start:end].decode("ascii")
    if tag == 0x17 and re.fullmatch(r"\d{12}Z", text):  # UTCTime: YY >= 50 is 19YY (RFC 5280 4.1.2.5.1)
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    elif not (tag == 0x18 and re.fullmatch(r"\d{14}Z", text)):
        raise ValueError(f"unreadable notAfter {text!r}")
    return dt.datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=dt.UTC)


def _der(data: bytes, offset: int) -> tuple[int, int, int]:
    """Tag, start and end of the contents of the DER element at ``offset``."""
    if offset + 2 > len(data):
        raise ValueError("certificate truncated")
    tag, length, start = data[offset], data[offset + 1], offset + 2
    if length & 0x80:
        count = length & 0x7F
        if not 0 < count <= 4 or start + count > len(data):
            raise ValueError("bad DER length")
        length = int.from_bytes(data[start:start + count], "big")
        start += count
    if start + length > len(data):
        raise ValueError("certificate truncated")
    return tag, start, start + length


# --- header analyses: the Observatory's tests, and our checks' verdicts ---------------------------------------

class _Finding(NamedTuple):
    outcome: str
    """The Observatory outcome, for the score."""
    status: Status
    reason: str
    value: Any


_BROAD = frozenset({"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"})
_UNSAFE_INLINE = frozenset({"'unsafe-inline'", "data:"})
_NONCE_OR_HASH = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")
_CSP_PASSING = frozenset({"csp-implemented-with-no-unsafe-default-src-none", "csp-implemented-with-no-unsafe",
                          "csp-implemented-with-unsafe-inline-in-style-src-only",
                          "csp-implemented-with-insecure-scheme-in-passive-content-only"})
_PRIVATE_REFERRERS = ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
_UNSAFE_REFERRERS = ("origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade")
_COOKIE_BADNESS = (
    "cookies-without-secure-flag-but-protected-by-hsts", "cookies-without-secure-flag",
    "cookies-session-without-secure-flag-but-protected-by-hsts", "cookies-samesite-flag-invalid",
    "cookies-anticsrf-without-samesite-flag", "cookies-session-without-httponly-flag",
    "cookies-session-without-secure-flag")
"""Cookie outcomes from least to most severe: the Observatory keeps the worst one met."""


_SHORTEST_POLICY = len("img-src") - 1
"""The Observatory refuses a policy shorter than this (mdn-http-observatory ``cspParser.js``)."""
_REPEATABLE_DIRECTIVES = frozenset({"report-uri", "report-to"})
"""Directives the Observatory lets a policy repeat; any other repeated directive makes the header invalid."""


@dataclass
class _Source:
    """One source of a directive while policies are combined (the Observatory's ``{source, index, keep}``)."""

    source: str
    index: int
    keep: bool


def parse_csp(values: Sequence[str], *, repeated: Literal["invalid", "first"] = "invalid") -> dict[str, frozenset[str]]:
    """The directives of Content-Security-Policy headers, combined as the MDN HTTP Observatory combines them.

    Each header may hold several policies separated by commas (RFC 9110 §5.3, CSP3 §2.2). Within a policy
    directive names and sources are lower-cased, a source list left empty means ``'none'``; across policies
    a source counts only when every policy that names the directive allows it (a directive named only by a
    later policy keeps none). Raises ValueError on a policy shorter than six characters and, with
    ``repeated="invalid"`` (the Observatory), on a repeated directive other than report-uri and report-to;
    ``repeated="first"`` keeps the first, as browsers do (CSP3 §2.2.1).
    """
    policies = [policy.replace("\r", "").replace("\n", "").strip()
                for header in values for policy in header[:16_384].split(",")]
    if not policies:
        return {}
    for policy in policies:
        if len(policy) < _SHORTEST_POLICY:
            raise ValueError(f"the policy {policy[:40]!r} is too short to hold a directive")
    combined: dict[str, list[_Source]] = {}
    for index, policy in enumerate(policies):
        seen: set[str] = set()
        for entry in policy.split(";"):
            tokens = entry.split()
            if not tokens:
                continue
            directive = tokens[0].lower()
            if directive in seen:
                if repeated == "first" or directive in _REPEATABLE_DIRECTIVES:
                    continue
                raise ValueError(f"the directive {directive[:40]} appears twice in one policy")
            seen.add(directive)
            sources = [_Source(token.lower(), index, index == 0) for token in tokens[1:]]
            if not sources and directive.endswith("-src"):
                sources = [_Source("'none'", index, index == 0)]
            combined[directive] = _combine(combined.get(directive, []) if index else [], sources)
            if index == 0 and len(policies) > 1:
                for source in combined[directive]:
                    source.keep = False  # later policies must allow a source again for it to stay
    return {directive: frozenset(source.source for source in sources) or frozenset({"'none'"})
            for directive, sources in combined.items()}


def _combine(earlier: list[_Source], sources: list[_Source]) -> list[_Source]:
    """The Observatory's merge of one directive: longer duplicates within a policy dropped, and a source kept
    across policies only when the previous one (in sorted order) from another policy matches it."""
    merged = sorted([*earlier, *sources], key=lambda item: item.source)
    for previous, current in itertools.pairwise(merged):
        if current.index == previous.index and current.source.startswith(previous.source):
            current.keep = False
        if current.index != previous.index and _path_part_match(previous.source, current.source):
            current.keep = True
    return [source for source in merged if source.keep]


def _path_part_match(first: str, second: str) -> bool:
    """The Observatory's ``pathPartMatch``: ``first`` covers ``second`` path piece by path piece."""
    if not first or (first == "/" and not second):
        return True
    exact = not first.endswith("/")
    pieces, others = first.split("/"), second.split("/")
    if len(pieces) > len(others) or (exact and len(pieces) != len(others)):
        return False
    if not exact:
        pieces.pop()
    return all(unquote(piece) == unquote(other) for piece, other in zip(pieces, others, strict=False))


class _CspVerdict(NamedTuple):
    outcome: str
    problems: list[str]


def _csp_verdict(csp: Mapping[str, frozenset[str]], https: bool) -> _CspVerdict:
    """The Observatory's CSP test (mdn-http-observatory ``csp.js``) on parsed directives: the first of its
    checks that fails decides the outcome; every failing one is listed."""
    default = csp.get("default-src")
    script = set(csp.get("script-src") or default or {"*"})
    objects = set(csp.get("object-src") or default or {"*"})
    style = set(csp.get("style-src") or default or {"*"})
    for sources in (script, style):
        if any(source.startswith(_NONCE_OR_HASH) for source in sources):
            sources.discard("'unsafe-inline'")  # ignored by browsers when a nonce or hash is present
    outcome: str | None = None
    problems: list[str] = []

    def settle(candidate: str, problem: str) -> None:
        nonlocal outcome
        problems.append(problem)
        outcome = outcome or candidate

    if "'strict-dynamic'" in script:
        if any(source.startswith(_NONCE_OR_HASH) for source in script):
            script = {source for source in script if source not in ("'self'", "'unsafe-inline'")
                      and not any(source.startswith(broad) for broad in _BROAD)}
        else:
            settle("csp-header-invalid", "'strict-dynamic' without a nonce or hash")
    active = [source for name, sources in csp.items() if name not in ("img-src", "media-src", "script-src")
              for source in sources] + sorted(script)
    passive = [source for name in ("img-src", "media-src") for source in (csp.get(name) or default or ())]
    unsafe_scripts = sorted(script & (_BROAD | _UNSAFE_INLINE)) + sorted(objects & _BROAD)
    if unsafe_scripts:
        where = "script-src or object-src" if ("script-src" in csp or "object-src" in csp) else "default-src"
        missing = " (no script-src, object-src or default-src)" if default is None and (
            "script-src" not in csp or "object-src" not in csp) else ""
        settle("csp-implemented-with-unsafe-inline",
               f"{where} allows {', '.join(dict.fromkeys(unsafe_scripts))}{missing}")
    if https and any(source.startswith(("http:", "ftp:")) for source in active):
        settle("csp-implemented-with-insecure-scheme", "active content may load over plain HTTP")
    if "'unsafe-eval'" in script | style:
        settle("csp-implemented-with-unsafe-eval", "'unsafe-eval' is allowed")
    if https and any(source.startswith(("http:", "ftp:")) for source in passive):
        settle("csp-implemented-with-insecure-scheme-in-passive-content-only", "images or media may load over HTTP")
    if style & (_BROAD | _UNSAFE_INLINE):
        settle("csp-implemented-with-unsafe-inline-in-style-src-only", "style-src allows unsafe or broad sources")
    if default == frozenset({"'none'"}):
        outcome = outcome or "csp-implemented-with-no-unsafe-default-src-none"
    return _CspVerdict(outcome or "csp-implemented-with-no-unsafe", problems)


class _Csp(NamedTuple):
    finding: _Finding
    observed: dict[str, frozenset[str]]
    """The directives as the Observatory reads them (empty when it finds the header invalid)."""
    enforced: dict[str, frozenset[str]]
    """The directives browsers enforce (a repeated directive's first occurrence)."""


def _csp_finding(response: _Response) -> _Csp:
    """The Observatory's CSP outcome for the score; the verdict is what browsers enforce where they differ.

    A policy that repeats a directive is invalid to the Observatory (-25) but enforced by browsers with the
    first occurrence (CSP3 §2.2.1): the check then judges that enforced policy and says so. The
    Observatory's reading of ``<meta http-equiv>`` policies is not done: only headers are read.
    """
    values = response.values("content-security-policy")
    if not values:
        note = (" (only Content-Security-Policy-Report-Only, which blocks nothing)"
                if response.values("content-security-policy-report-only") else "")
        return _Csp(_Finding("csp-not-implemented", "fail", f"no Content-Security-Policy header{note} "
                             f"(csp-not-implemented)", False), {}, {})
    https = response.url.startswith("https:")
    try:
        csp = parse_csp(values)
    except ValueError as exc:
        try:
            enforced = parse_csp(values, repeated="first")
        except ValueError:
            return _Csp(_Finding("csp-header-invalid", "fail", f"the Content-Security-Policy cannot be parsed: "
                                 f"{exc} (csp-header-invalid)", False), {}, {})
        verdict = _csp_verdict(enforced, https)
        passed = verdict.outcome in _CSP_PASSING
        reason = (f"the Observatory counts the Content-Security-Policy invalid (csp-header-invalid: {exc}); browsers "
                  f"enforce the first occurrence (CSP3 §2.2.1), and that policy "
                  f"{'restricts' if passed else 'does not restrict'} scripts ({verdict.outcome})"
                  + (f": {'; '.join(verdict.problems)}" if verdict.problems else ""))
        return _Csp(_Finding("csp-header-invalid", "pass" if passed else "fail", reason, passed), {}, enforced)
    verdict = _csp_verdict(csp, https)
    outcome, problems = verdict
    if outcome in _CSP_PASSING:
        detail = f"; note: {', '.join(problems)}" if problems else ""
        return _Csp(_Finding(outcome, "pass", f"the Content-Security-Policy restricts scripts ({outcome}){detail}",
                             True), csp, csp)
    return _Csp(_Finding(outcome, "fail", f"the Content-Security-Policy does not restrict scripts ({outcome}): "
                                          f"{'; '.join(problems)}", False), csp, csp)


def _hsts_finding(response: _Response, scoring: WebScoring) -> _Finding:
    """The Observatory's HSTS outcome; the verdict follows RFC 6797 §8.1 (only the first header counts).

    The Observatory reads repeated headers joined by commas, so a second Strict-Transport-Security header
    makes it invalid (-20); a browser processes the first and ignores the rest.
    """
    minimum = scoring.hsts_min_max_age.value
    if not response.url.startswith("https:"):
        return _Finding("hsts-not-implemented-no-https", "fail",
                        f"the home page ends on plain HTTP ({response.url}), where HSTS does not apply", False)
    values = response.values("strict-transport-security")
    if not values:
        return _Finding("hsts-not-implemented", "fail", "no Strict-Transport-Security header", False)
    first = _hsts_max_age(values[0][:1024])
    outcome = _hsts_outcome(first, minimum) if len(values) == 1 else "hsts-header-invalid"
    repeated = (f"; {len(values)} headers: the Observatory counts that invalid, browsers use the first "
                f"(RFC 6797 §8.1)") if len(values) > 1 else ""
    if first is None:
        return _Finding(outcome, "fail", f"the Strict-Transport-Security header {values[0][:120]!r} has no single "
                                         f"valid max-age ({outcome}){repeated}", False)
    if first < minimum:
        return _Finding(outcome, "fail", f"Strict-Transport-Security max-age={first} is under {minimum} s (six "
                                         f"months) ({outcome}){repeated}", first)
    return _Finding(outcome, "pass", f"Strict-Transport-Security max-age={first} ({first // 86400} days) "
                                     f"({outcome}){repeated}", first)


def _hsts_max_age(header: str) -> int | None:
    """max-age of one header, or None when it has none, has two, or holds a comma (RFC 6797 §6.1)."""
    max_age: int | None = None
    valid = "," not in header
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "max-age":
            digits = value.strip().strip('"')
            valid = valid and digits.isdigit() and max_age is None
            max_age = int(digits[:20]) if digits.isdigit() else None
    return max_age if valid else None


def _hsts_outcome(max_age: int | None, minimum: int) -> str:
    if max_age is None:
        return "hsts-header-invalid"
    if max_age < minimum:
        return "hsts-implemented-max-age-less-than-six-months"
    return "hsts-implemented-max-age-at-least-six-months"


def _joined(response: _Response, name: str, limit: int) -> str | None:
    """A header as the Observatory reads it: repeated headers joined by ", " (as Node.js joins them)."""
    values = response.values(name)
    return ", ".join(values)[:limit] if values else None


def _frame_finding(response: _Response, csp: _Csp) -> _Finding:
    """The Observatory's X-Frame-Options outcome; the verdict is what browsers do (HTML §7.1.7).

    A CSP frame-ancestors directive replaces X-Frame-Options in browsers (and in the Observatory's
    outcome); repeated X-Frame-Options values are invalid to the Observatory, while a browser applies a
    single value they agree on and refuses framing when they conflict.
    """
    joined = _joined(response, "x-frame-options", 1024)
    xfo = joined.strip().lower() if joined is not None else None
    if xfo in ("deny", "sameorigin"):
        outcome = "x-frame-options-sameorigin-or-deny"
    elif xfo is not None and xfo.startswith("allow-from"):
        outcome = "x-frame-options-allow-from-origin"
    elif xfo is not None:
        outcome = "x-frame-options-header-invalid"
    else:
        outcome = "x-frame-options-not-implemented"
    if "frame-ancestors" in csp.observed:  # the Observatory: any frame-ancestors in a CSP it could read
        outcome = "x-frame-options-implemented-via-csp"
    ancestors = csp.enforced.get("frame-ancestors")
    if ancestors is not None:
        if ancestors & _BROAD:
            return _Finding(outcome, "fail", f"CSP frame-ancestors {' '.join(sorted(ancestors))} lets any site frame "
                                             f"the page (browsers ignore X-Frame-Options beside it) ({outcome})", False)
        return _Finding(outcome, "pass", f"CSP frame-ancestors {' '.join(sorted(ancestors)) or '(empty)'} "
                                         f"({outcome})", True)
    tokens = {token.strip().lower() for value in response.values("x-frame-options") for token in value.split(",")}
    tokens.discard("")
    if len(tokens) == 1 and tokens <= {"deny", "sameorigin"}:
        return _Finding(outcome, "pass", f"X-Frame-Options {next(iter(tokens)).upper()} ({outcome})", True)
    if len(tokens) > 1 and tokens & {"deny", "sameorigin", "allowall"}:
        return _Finding(outcome, "pass", f"X-Frame-Options {joined!r}: browsers refuse framing when the values "
                                         f"conflict or repeat (HTML §7.1.7) ({outcome})", True)
    if xfo is not None and xfo.startswith("allow-from"):
        return _Finding(outcome, "fail", f"X-Frame-Options ALLOW-FROM is ignored by current browsers and there is no "
                                         f"CSP frame-ancestors ({outcome})", False)
    if xfo is not None:
        return _Finding(outcome, "fail", f"X-Frame-Options {joined!r} is not DENY or SAMEORIGIN ({outcome})", False)
    return _Finding(outcome, "fail", f"no X-Frame-Options header and no CSP frame-ancestors ({outcome})", False)


def _nosniff_finding(response: _Response) -> _Finding:
    """The Observatory's outcome on the joined header; the verdict follows Fetch's "determine nosniff" (the
    first of the comma-separated values)."""
    joined = _joined(response, "x-content-type-options", 256)
    if joined is None:
        return _Finding("x-content-type-options-not-implemented", "fail", "no X-Content-Type-Options header "
                        "(x-content-type-options-not-implemented)", False)
    outcome = ("x-content-type-options-nosniff" if joined.strip().lower() == "nosniff"
               else "x-content-type-options-header-invalid")
    first = joined.split(",")[0].strip().lower()
    if first == "nosniff":
        note = "" if outcome.endswith("nosniff") else ": browsers read the first value (Fetch)"
        return _Finding(outcome, "pass", f"X-Content-Type-Options: {joined[:80]} ({outcome}){note}", True)
    return _Finding(outcome, "fail", f"X-Content-Type-Options is {joined[:80]!r}, not nosniff ({outcome})", False)


def _referrer_finding(response: _Response) -> _Finding:
    values = response.values("referrer-policy")
    if not values:
        return _Finding("referrer-policy-not-implemented", "fail",
                        "no Referrer-Policy header (browsers then default to strict-origin-when-cross-origin)", False)
    # The last policy the browser recognises wins (W3C Referrer Policy, section 8.1); the Observatory agrees.
    tokens = [token.strip().lower() for token in ",".join(values)[:1024].split(",")]
    known = [token for token in tokens if token in _PRIVATE_REFERRERS + _UNSAFE_REFERRERS]
    if not known:
        return _Finding("referrer-policy-header-invalid", "fail",
                        f"Referrer-Policy {', '.join(values)[:120]!r} names no known policy", False)
    policy = known[-1]
    if policy in _PRIVATE_REFERRERS:
        return _Finding("referrer-policy-private", "pass", f"Referrer-Policy {policy} keeps URLs private "
                        f"(referrer-policy-private)", policy)
    return _Finding("referrer-policy-unsafe", "fail", f"Referrer-Policy {policy} sends full or cross-origin URLs "
                    f"(referrer-policy-unsafe)", policy)


def _corp_outcome(response: _Response) -> str:
    """The Observatory's CORP outcome on the joined header (a repeated header is not a valid value to browsers
    either: Fetch reads the combined value)."""
    header = _joined(response, "cross-origin-resource-policy", 256)
    if header is None:
        return "corp-not-implemented"
    return {"same-site": "corp-implemented-with-same-site", "same-origin": "corp-implemented-with-same-origin",
            "cross-origin": "corp-implemented-with-cross-origin"}.get(header.strip().lower(), "corp-header-invalid")


@dataclass(frozen=True)
class _Cookie:
    name: str
    secure: bool
    http_only: bool
    same_site: str | None
    """The SameSite value in lower case, "" when the attribute has none, None when absent."""


def _parse_cookie(header: str, over_https: bool) -> _Cookie | None:
    """One Set-Cookie header; a cookie set over plain HTTP counts as not Secure."""
    pair, *attributes = header[:8192].split(";")
    name, sep, _ = pair.partition("=")
    if not sep or not name.strip():
        return None
    secure = http_only = False
    same_site: str | None = None
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        key = key.strip().lower()
        if key == "secure":
            secure = True
        elif key == "httponly":
            http_only = True
        elif key == "samesite":
            same_site = value.strip().lower()
    return _Cookie(name=name.strip(), secure=secure and over_https, http_only=http_only, same_site=same_site)


def _cookies_finding(responses: Sequence[_Response], hsts_passes: bool, scoring: WebScoring) -> _Finding:
    """The Observatory's cookie test (``cookies.js``) and our check, over every Set-Cookie of the fetch."""
    cookies = [cookie for response in responses for header in response.values("set-cookie")
               if (cookie := _parse_cookie(header, response.url.startswith("https:"))) is not None]
    if not cookies:
        return _Finding("cookies-not-found", "pass", "the home page sets no cookies", True)
    worst: str | None = None

    def worse(candidate: str) -> None:
        nonlocal worst
        if worst is None or _COOKIE_BADNESS.index(candidate) > _COOKIE_BADNESS.index(worst):
            worst = candidate

    problems: list[str] = []
    for cookie in cookies:
        lowered = cookie.name.lower()
        session = any(marker in lowered for marker in scoring.session_cookie_markers.value)
        anti_csrf = any(marker in lowered for marker in scoring.csrf_cookie_markers.value)
        if cookie.same_site is not None and (cookie.same_site not in ("lax", "strict", "none")
                                             or (cookie.same_site == "none" and not cookie.secure)):
            worse("cookies-samesite-flag-invalid")
            problems.append(f"{cookie.name} has SameSite={cookie.same_site or '(empty)'}"
                            f"{' without Secure' if cookie.same_site == 'none' else ''}")
        if not cookie.secure:
            if session:
                worse("cookies-session-without-secure-flag-but-protected-by-hsts" if hsts_passes
                      else "cookies-session-without-secure-flag")
            else:
                worse("cookies-without-secure-flag-but-protected-by-hsts" if hsts_passes
                      else "cookies-without-secure-flag")
            problems.append(f"{cookie.name} lacks Secure")
        if anti_csrf and not cookie.same_site:
            worse("cookies-anticsrf-without-samesite-flag")
        if session and not cookie.http_only:
            worse("cookies-session-without-httponly-flag")
            problems.append(f"{cookie.name} is a session cookie without HttpOnly")
        if cookie.same_site is None:
            problems.append(f"{cookie.name} lacks SameSite")
    names = ", ".join(sorted({cookie.name for cookie in cookies}))
    if worst is None:
        outcome = ("cookies-secure-with-httponly-sessions" if problems
                   else "cookies-secure-with-httponly-sessions-and-samesite")
    else:
        outcome = worst
    if problems:
        shown = problems[:6] + ([f"and {len(problems) - 6} more"] if len(problems) > 6 else [])
        return _Finding(outcome, "fail", f"cookie flags missing: {'; '.join(shown)}", False)
    return _Finding(outcome, "pass", f"every cookie ({names}) is Secure with SameSite, session cookies HttpOnly",
                    True)


def _redirection_outcome(plain: _Fetch) -> tuple[str | None, str]:
    """The Observatory's redirection outcome for http://DOMAIN/, or None (and why) when it cannot be told."""
    failure = plain.failure
    if not plain.responses:
        if failure is not None and failure.kind in ("network", "timeout", "tls", "protocol"):
            return "redirection-not-needed-no-http", ""
        return None, failure.reason if failure is not None else "no answer"
    if failure is not None:
        if failure.kind == "certificate":
            return "redirection-invalid-cert", ""
        if failure.kind == "redirect":
            return "redirection-not-to-https", ""
        return None, failure.reason
    urls = [response.url for response in plain.responses]
    if len(urls) == 1:
        return "redirection-missing", ""
    if not urls[-1].startswith("https:"):
        return "redirection-not-to-https", ""
    if urls[1].startswith("http:"):
        return "redirection-not-to-https-on-initial-redirection", ""
    if urlsplit(urls[0]).hostname != urlsplit(urls[1]).hostname:
        return "redirection-off-host-from-http", ""
    return "redirection-to-https", ""


# --- security.txt and privacy policy ------------------------------------------------------------------------

_SECURITY_TXT_FIELDS = ("acknowledgments", "canonical", "contact", "csaf", "encryption", "expires", "hiring",
                        "policy", "preferred-languages")
_SINGLE_FIELDS = ("expires", "preferred-languages")


def parse_security_txt(text: str) -> tuple[dict[str, Any], list[str]]:
    """The fields of a security.txt (RFC 9116), and the problems met parsing it.

    A PGP cleartext signature (RFC 4880 section 7) is unwrapped, not verified. Expires and
    Preferred-Languages are strings (they may appear once); the other fields are lists.
    """
    lines = text[:SECURITY_TXT_BYTES].splitlines()
    if lines and lines[0].strip() == "-----BEGIN PGP SIGNED MESSAGE-----":
        start = next((index for index, line in enumerate(lines) if not line.strip()), len(lines)) + 1
        unwrapped: list[str] = []
        for line in lines[start:]:
            if line.strip() == "-----BEGIN PGP SIGNATURE-----":
                break
            unwrapped.append(line[2:] if line.startswith("- ") else line)
        lines = unwrapped
    fields: dict[str, list[str]] = {}
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, sep, value = stripped.partition(":")
        key = name.strip().lower()
        if sep and key in _SECURITY_TXT_FIELDS:
            fields.setdefault(key, []).append(value.strip())
    problems = [f"{key.capitalize()} appears {len(fields[key])} times (at most once)"
                for key in _SINGLE_FIELDS if len(fields.get(key, ())) > 1]
    parsed: dict[str, Any] = {key: (values[0] if key in _SINGLE_FIELDS else values)
                              for key, values in sorted(fields.items())}
    return parsed, problems


def _security_txt_verdict(fields: Mapping[str, Any], problems: list[str], now: dt.datetime) -> tuple[Status, str]:
    problems = list(problems)
    if not fields.get("contact"):
        problems.append("no Contact field")
    expires_text = fields.get("expires")
    expires: dt.datetime | None = None
    if expires_text is None:
        problems.append("no Expires field")
    else:
        try:
            expires = dt.datetime.fromisoformat(str(expires_text))
        except ValueError:
            problems.append(f"Expires {str(expires_text)[:60]!r} is not an RFC 3339 date")
        else:
            if expires.tzinfo is None:
                problems.append(f"Expires {expires_text} has no time zone")
                expires = None
            elif expires <= now:
                problems.append(f"it expired on {expires.date().isoformat()}")
    if problems:
        return "fail", f"security.txt is not valid: {'; '.join(problems)}"
    assert expires is not None
    contacts = fields["contact"]
    return "pass", (f"security.txt names {len(contacts)} contact{'s' if len(contacts) != 1 else ''} and expires on "
                    f"{expires.date().isoformat()}")


def _privacy_link(response: _Response, run: _Run) -> str | None:
    """The absolute URL of the page's first privacy link, found by HTMLParser in a worker process.

    Raises DeadlineExceeded or ParseFailed when the page could not be read: HTMLParser takes time that
    grows with the square of some hostile pages' size (a megabyte of ``<a`` ran for minutes), and the worker
    is stopped at the deadline (see ``riskengine.enrich.worker``).
    """
    if response.content_type not in ("", "text/html", "application/xhtml+xml"):
        return None
    found = parse_within("privacy-link", {"html": response.text()}, run.deadline, what=f"the HTML of {response.url}")
    if not isinstance(found, str):
        return None
    link = urljoin(response.url, found)
    return link if urlsplit(link).scheme in ("http", "https") else None


# --- the checks --------------------------------------------------------------------------------------------

def check_web(domain: str, guard: AddressGuard, deadline: Deadline, now: dt.datetime, *,
              scoring: WebScoring | None = None) -> list[Evidence]:
    """Observe the vendor's website: one Evidence per name in ``CHECKS``, in that order.

    Never raises for the network: a refused address, a timeout, the deadline, a bad certificate or a server
    that does not speak HTTP each become "unknown" (or "fail" where the failure is the finding, such as an
    invalid certificate or a redirect loop) with the reason. One fetch of https://DOMAIN/ serves every
    header check, one of http://DOMAIN/ the redirect check; security.txt and the privacy policy follow.
    ``now`` dates the evidence and judges expiry; ``scoring`` defaults to ``scoring/web-observatory.yaml``.
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    run = _Run(guard=guard, deadline=deadline, host=domain, now=now, scoring=scoring or load_web_scoring())
    try:
        host = normalise_domain(domain)
    except DomainError as exc:
        return _all_unknown(run, f"https://{domain[:200]}/", str(exc))
    run = _Run(guard=guard, deadline=deadline, host=host, now=now, scoring=run.scoring)
    if guard.settings.offline:
        return _all_unknown(run, run.url("https", "/"), "offline mode: no connection is made")
    home = _fetch(run.url("https", "/"), run)
    plain = _fetch(run.url("http", "/"), run)
    records = _certificate_records(home, run)
    records["web.tls_legacy"] = _legacy_tls_record(home, run)
    records["web.redirects_to_https"] = _redirect_record(plain, run)
    records.update(_header_records(home, plain, run))
    records["web.security_txt"] = _security_txt_record(home, run)
    records["web.privacy_policy"] = _privacy_record(home, run)
    return [records[name] for name in CHECKS]


def _all_unknown(run: _Run, query: str, reason: str) -> list[Evidence]:
    return [run.record(name, "unknown", reason, query) for name in CHECKS]


def _certificate_records(home: _Fetch, run: _Run) -> dict[str, Evidence]:
    query = home.start
    first = home.responses[0] if home.responses else None
    failure = home.failure
    records: dict[str, Evidence] = {}
    if first is not None:
        records["web.https"] = run.record("web.https", "pass", f"{query} answered HTTP {first.status} over TLS with "
                                          f"a certificate valid for {run.host}", query, value=True,
                                          address=first.address, raw=first.head())
    elif failure is not None and failure.kind == "certificate":
        records["web.https"] = run.record("web.https", "fail", failure.reason, query, value=False,
                                          address=home.address, raw=home.raw())
    else:
        reason = failure.reason if failure is not None else "no answer"
        records["web.https"] = run.record("web.https", "unknown", reason, query, address=home.address,
                                          raw=home.raw())
    der = first.certificate if first is not None else None
    untrusted = failure is not None and failure.kind == "certificate" and first is None
    why_not = failure.reason if failure is not None else "the server sent no certificate"
    if der is None and failure is not None and failure.kind in ("certificate", "protocol") and home.addresses:
        try:
            _, der = _handshake(home.addresses[0], run, _inspecting_context())
        except (DeadlineExceeded, OSError) as exc:
            why_not = f"the certificate could not be read: {_short(str(exc))}"
    if der is None:
        records["web.cert_days_left"] = run.record("web.cert_days_left", "unknown", why_not, query,
                                                   address=home.address)
        return records
    pem = ssl.DER_cert_to_PEM_cert(der)
    address = first.address if first is not None else home.addresses[0]
    try:
        expires = certificate_not_after(der)
    except ValueError as exc:
        records["web.cert_days_left"] = run.record("web.cert_days_left", "unknown", f"the certificate's expiry "
                                                   f"cannot be read: {exc}", query, address=address, raw=pem)
        return records
    seconds = (expires - run.now).total_seconds()
    # Whole days left, or whole days since expiry (at least one: an expired certificate is never "0 days").
    days = math.floor(seconds / 86_400) if seconds >= 0 else -max(1, math.floor(-seconds / 86_400))
    minimum = run.scoring.certificate_min_days.value
    when = expires.date().isoformat()
    if days < 0:
        reason = f"the certificate of {run.host} expired {-days} day{'s' if days < -1 else ''} ago ({when})"
    elif days < minimum:
        reason = f"the certificate of {run.host} expires in {days} days ({when}), under the {minimum}-day minimum"
    else:
        reason = f"the certificate of {run.host} expires in {days} days ({when})"
    if untrusted:
        reason += "; the certificate itself was refused (see web.https)"
    records["web.cert_days_left"] = run.record("web.cert_days_left", "fail" if days < minimum else "pass", reason,
                                               query, value=days, address=address, raw=pem)
    return records


def _legacy_tls_record(home: _Fetch, run: _Run) -> Evidence:
    query = f"tls://{run.host}:{run.settings.https_port} (TLS 1.0 and 1.1 offered)"
    failure = home.failure
    reached = bool(home.responses) or (failure is not None and failure.kind in ("certificate", "protocol", "tls"))
    if not reached or not home.addresses:
        reason = failure.reason if failure is not None else "no answer"
        return run.record("web.tls_legacy", "unknown", f"not tried: {reason}", query)
    context = _legacy_context()
    if context is None:
        return run.record("web.tls_legacy", "unknown", "this machine's OpenSSL cannot offer TLS 1.0 or 1.1, so "
                          "whether the server accepts them is not known", query)
    address = home.addresses[0]
    try:
        version, _ = _handshake(address, run, context)
    except ssl.SSLError as exc:
        if exc.reason in _LOCAL_TLS_LIMITS:
            return run.record("web.tls_legacy", "unknown", f"this machine's OpenSSL cannot offer TLS 1.0 or 1.1 "
                              f"({exc.reason})", query, address=address)
        return run.record("web.tls_legacy", "pass", f"the server refused TLS 1.0 and 1.1 "
                          f"({exc.reason or _short(str(exc))})", query, value=False, address=address)
    except ConnectionResetError:
        return run.record("web.tls_legacy", "pass", "the server refused TLS 1.0 and 1.1 (connection reset)", query,
                          value=False, address=address)
    except DeadlineExceeded as exc:
        return run.record("web.tls_legacy", "unknown", str(exc), query, address=address)
    except OSError as exc:
        return run.record("web.tls_legacy", "unknown", f"the TLS 1.0/1.1 handshake could not be made: "
                          f"{_short(str(exc))}", query, address=address)
    return run.record("web.tls_legacy", "fail", f"the server accepted {version}, deprecated by RFC 8996", query,
                      value=True, address=address, raw=f"negotiated {version}")


def _redirect_record(plain: _Fetch, run: _Run) -> Evidence:
    query, raw, failure = plain.start, plain.raw(), plain.failure
    if failure is None:
        final = plain.responses[-1]
        if final.url.startswith("https:"):
            return run.record("web.redirects_to_https", "pass", f"{query} redirects to {final.url} "
                              f"(HTTP {final.status})", query, value=True, address=final.address, raw=raw)
        if len(plain.responses) == 1:
            reason = f"{query} answers HTTP {final.status} over plain HTTP without redirecting to HTTPS"
        else:
            reason = f"{query} redirects to {final.url}, which is not HTTPS"
        return run.record("web.redirects_to_https", "fail", reason, query, value=False, address=final.address,
                          raw=raw)
    if failure.kind == "redirect" or (failure.kind == "certificate" and plain.responses):
        return run.record("web.redirects_to_https", "fail", failure.reason, query, value=False,
                          address=plain.address, raw=raw)
    return run.record("web.redirects_to_https", "unknown", failure.reason, query, address=plain.address, raw=raw)


def _header_records(home: _Fetch, plain: _Fetch, run: _Run) -> dict[str, Evidence]:
    query = home.start
    final = home.final
    names = ("web.hsts", "web.csp", "web.frame_protection", "web.nosniff", "web.referrer_policy",
             "web.cookies_secure", "web.score")
    if final is None:
        reason = f"the HTTPS home page could not be read: {home.failure.reason if home.failure else 'no answer'}"
        return {name: run.record(name, "unknown", reason, query, address=home.address, raw=home.raw())
                for name in names}
    raw, address = home.raw(), final.address
    hsts = _hsts_finding(final, run.scoring)
    csp = _csp_finding(final)
    findings = {
        "web.hsts": hsts,
        "web.csp": csp.finding,
        "web.frame_protection": _frame_finding(final, csp),
        "web.nosniff": _nosniff_finding(final),
        "web.referrer_policy": _referrer_finding(final),
        "web.cookies_secure": _cookies_finding(home.responses, hsts.status == "pass", run.scoring),
    }
    records = {name: run.record(name, finding.status, finding.reason, query, value=finding.value, address=address,
                                raw=raw) for name, finding in findings.items()}
    outcomes = {
        "strict-transport-security": hsts.outcome,
        "content-security-policy": csp.finding.outcome,
        "x-frame-options": findings["web.frame_protection"].outcome,
        "x-content-type-options": findings["web.nosniff"].outcome,
        "referrer-policy": findings["web.referrer_policy"].outcome,
        "cookies": findings["web.cookies_secure"].outcome,
        "cross-origin-resource-policy": _corp_outcome(final),
    }
    redirection, why_not = _redirection_outcome(plain)
    if redirection is not None:
        outcomes["redirection"] = redirection
    score, applied = observatory_score(outcomes, run.scoring)
    passed = score >= run.scoring.pass_score.value
    reason = (f"web score {score}/{run.scoring.maximum.value} from the Observatory's modifiers: "
              f"{', '.join(applied) or 'no penalty or bonus'}")
    if redirection is None:
        reason += f"; redirection not scored ({why_not})"
    records["web.score"] = run.record("web.score", "pass" if passed else "fail", reason, query, value=score,
                                      address=address, raw=raw)
    return records


def _security_txt_record(home: _Fetch, run: _Run) -> Evidence:
    url = run.url("https", "/.well-known/security.txt")
    if not home.responses:
        reason = home.failure.reason if home.failure else "no answer"
        return run.record("web.security_txt", "unknown", f"not fetched, the HTTPS site did not answer: {reason}", url)
    fetch = _fetch(url, run)
    final = fetch.final
    if final is None:
        assert fetch.failure is not None
        status: Status = "fail" if fetch.failure.kind == "redirect" else "unknown"
        return run.record("web.security_txt", status, fetch.failure.reason, url, address=fetch.address,
                          raw=fetch.raw())
    if final.status != 200:
        return run.record("web.security_txt", "fail", f"{final.url} answered HTTP {final.status}", url,
                          address=final.address, raw=fetch.raw())
    if final.content_type != "text/plain":
        return run.record("web.security_txt", "fail", f"{final.url} is served as {final.content_type or 'no type'}"
                          ", not text/plain (RFC 9116 section 3)", url, address=final.address, raw=fetch.raw())
    fields, problems = parse_security_txt(final.text(SECURITY_TXT_BYTES))
    status, reason = _security_txt_verdict(fields, problems, run.now)
    if len(final.body) > SECURITY_TXT_BYTES:
        reason += f" (file cut at {SECURITY_TXT_BYTES:,} bytes for parsing)"
    elif final.truncated:
        reason += f" (file cut at {run.settings.max_bytes:,} bytes)"
    return run.record("web.security_txt", status, reason, url, value=fields, address=final.address, raw=fetch.raw())


@dataclass(frozen=True)
class PolicyFile:
    """One file fetched for another check (the MTA-STS policy): its text, or why there is none."""

    url: str
    status: Status
    """``pass``: the text was read; ``fail``: the server answered, but not with a usable file (the finding);
    ``unknown``: no answer (refused address, timeout, deadline)."""
    reason: str
    text: str | None = None
    address: str = ""
    raw: bytes = b""


def fetch_policy_file(host: str, path: str, guard: AddressGuard, deadline: Deadline, now: dt.datetime, *,
                      limit: int) -> PolicyFile:
    """GET ``https://host/path`` once, through the same guarded transport as the web checks; never raises.

    Redirects are not followed and the answer must be HTTP 200 with ``text/plain`` (RFC 8461 §3.3 asks both
    of an MTA-STS policy); the certificate must be valid for ``host``. At most ``limit`` bytes are decoded.
    """
    url = f"https://{host}{'' if guard.settings.https_port == 443 else f':{guard.settings.https_port}'}{path}"
    run = _Run(guard=guard, deadline=deadline, host=host, now=now, scoring=load_web_scoring())
    fetch = _fetch(url, run, max_requests=1)
    first = fetch.responses[0] if fetch.responses else None
    if first is not None and first.status in _REDIRECTS:
        return PolicyFile(url, "fail", f"{url} redirects (HTTP {first.status}); redirects are not followed "
                          f"(RFC 8461 §3.3)", address=first.address, raw=fetch.raw())
    failure = fetch.failure
    if failure is not None:
        status: Status = "fail" if failure.kind in ("certificate", "redirect") else "unknown"
        return PolicyFile(url, status, failure.reason, address=fetch.address, raw=fetch.raw())
    assert first is not None
    if first.status != 200:
        return PolicyFile(url, "fail", f"{url} answered HTTP {first.status}", address=first.address, raw=fetch.raw())
    if first.content_type != "text/plain":
        return PolicyFile(url, "fail", f"{url} is served as {first.content_type or 'no type'}, not text/plain "
                          f"(RFC 8461 §3.3)", address=first.address, raw=fetch.raw())
    return PolicyFile(url, "pass", f"{url} answered HTTP 200", text=first.text(limit), address=first.address,
                      raw=fetch.raw())


def _privacy_record(home: _Fetch, run: _Run) -> Evidence:
    query = home.start
    if not home.responses:
        reason = home.failure.reason if home.failure else "no answer"
        return run.record("web.privacy_policy", "unknown", f"not looked for, the HTTPS site did not answer: {reason}",
                          query)
    final = home.final
    notes: list[str] = []
    home_read = False
    if final is not None:
        try:
            link = _privacy_link(final, run)
        except (DeadlineExceeded, ParseFailed) as exc:
            notes.append(f"the home page's HTML was not read: {exc}")
        else:
            if link is not None:
                return run.record("web.privacy_policy", "pass", f"the home page links to a privacy policy at "
                                  f"{link}", query, value=link, address=final.address, raw=home.raw())
            home_read = True
            notes.append("no link mentioning privacy on the home page" + (
                f" (its body was cut at {run.settings.max_bytes:,} bytes)" if final.truncated else ""))
    else:
        notes.append(f"the home page could not be read ({home.failure.reason if home.failure else 'no answer'})")
    budget = _PRIVACY_REQUESTS - 1
    reached = home_read  # a home page that could not be read may hold the link: never held against the vendor
    last: _Fetch | None = None
    for path in ("/privacy", "/privacy-policy"):
        if budget <= 0:
            break
        fetch = _fetch(run.url("https", path), run, max_requests=budget)
        last = fetch
        budget -= max(1, fetch.requests_made)
        if fetch.final is not None and fetch.final.status == 200:
            return run.record("web.privacy_policy", "pass", f"{fetch.start} answers HTTP 200"
                              + (f" at {fetch.final.url}" if fetch.final.url != fetch.start else ""), fetch.start,
                              value=fetch.final.url, address=fetch.final.address, raw=fetch.raw())
        if fetch.failure is None:
            notes.append(f"{path} answered HTTP {fetch.responses[-1].status}")
        else:
            notes.append(f"{path}: {fetch.failure.reason}")
        reached = reached or bool(fetch.responses)
    status: Status = "fail" if reached else "unknown"
    where = last if last is not None else home
    return run.record("web.privacy_policy", status, "no privacy policy found: " + "; ".join(notes), query,
                      value=False if reached else None, address=where.address, raw=where.raw())
