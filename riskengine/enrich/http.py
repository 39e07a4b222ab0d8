"""The one guarded HTTP(S) transport of the enrichment stage: the web checks, the MTA-STS policy and RDAP.

``fetch`` GETs a URL and follows its redirects itself, never through requests, and checks each hop again:
http or https only, on the configured ports (or, for a configured server such as RDAP's, the URL's port), a
valid name or an address literal, an address the guard allows. The connection goes to the address the
guard checked while TLS still sends the name (SNI) and checks the certificate against it, so a second DNS
answer cannot move it. Socket timeouts bound each read but not their sum, so a watchdog shuts the sockets
when the vendor's deadline runs out: a server that drips one byte at a time cannot hold a fetch past it.
Bodies are read in chunks up to ``max_bytes`` and cut there. No proxy, ``.netrc`` or CA bundle is taken
from the environment.

``fetch`` never raises for the network: it returns every response on the way (``Fetch.responses``) and,
when it stopped without an answer, a ``FetchFailed`` whose ``kind`` says why and whose ``reason`` is the
sentence the evidence shows. ``handshake`` makes one bare TLS handshake (legacy versions, or reading a
certificate that verification refused) through the same guard and watchdog.

    FetchFailed(kind, reason, cause)
        kind: address | deadline | network | timeout | certificate | tls | protocol | redirect
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import warnings
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal
from urllib.parse import urldefrag, urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.util.ssl_match_hostname import CertificateError

from riskengine.enrich.domain import DomainError, normalise_domain
from riskengine.enrich.guard import AddressGuard, AddressRefused, Deadline, DeadlineExceeded
from riskengine.enrich.settings import NetworkSettings

__all__ = ["REDIRECTS", "USER_AGENT", "FailureKind", "Fetch", "FetchFailed", "Response", "TlsSession", "fetch",
           "handshake", "inspecting_context", "legacy_context", "short"]

USER_AGENT = "riskengine/1 (vendor risk assessment)"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = "text/html,text/plain;q=0.9,*/*;q=0.5"
_CHUNK_BYTES = 16_384
_RAW_BODY_BYTES = 16_384
"""How much of a body ``Fetch.raw`` keeps as evidence (the checks read up to ``max_bytes``)."""

FailureKind = Literal["address", "deadline", "network", "timeout", "certificate", "tls", "protocol", "redirect"]


class FetchFailed(Exception):
    """Why a fetch ended without an answer: ``kind`` lets a check choose "fail" or "unknown", ``reason`` is the
    sentence its evidence shows, ``cause`` the exception behind it (None when riskengine itself refused)."""

    def __init__(self, kind: FailureKind, reason: str, cause: BaseException | None = None) -> None:
        super().__init__(reason)
        self.kind: FailureKind = kind
        self.reason = reason
        self.cause = cause


@dataclass(frozen=True)
class Response:
    """One HTTP answer: its head, its body (at most ``max_bytes``), and the TLS session it came over."""

    url: str
    address: str
    """The address connected to, after the guard checked it."""
    status: int
    reason: str
    version: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    truncated: bool
    """True when the body went on past ``max_bytes`` and was cut there."""
    certificate: bytes | None
    """The server's certificate (DER) when the hop was HTTPS."""
    tls_version: str | None
    cipher: str | None
    elapsed: float
    """Seconds from the request to the end of the body."""

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


@dataclass(frozen=True)
class Fetch:
    """A URL followed to its end: every response on the way, and why it stopped when it did not end on one."""

    start: str
    responses: tuple[Response, ...]
    addresses: tuple[str, ...]
    """The checked address of every request made, in order."""
    failure: FetchFailed | None
    body_limit: int

    @property
    def final(self) -> Response | None:
        return self.responses[-1] if self.responses and self.failure is None else None

    @property
    def address(self) -> str:
        return self.addresses[-1] if self.addresses else ""

    @property
    def requests_made(self) -> int:
        return len(self.addresses)

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


@dataclass(frozen=True)
class _Options:
    guard: AddressGuard
    deadline: Deadline
    headers: Mapping[str, str]
    any_port: bool
    body_statuses: Collection[int] | None
    decode_content: bool

    @property
    def settings(self) -> NetworkSettings:
        return self.guard.settings

    def ran_out(self, url: str, cause: BaseException | None = None) -> FetchFailed:
        return FetchFailed("deadline", f"the {self.deadline.seconds:g} s deadline ran out while fetching {url}", cause)


def fetch(url: str, guard: AddressGuard, deadline: Deadline, *, headers: Mapping[str, str] | None = None,
          follow_redirects: bool = True, max_requests: int | None = None, any_port: bool = False,
          body_statuses: Collection[int] | None = None, decode_content: bool = False) -> Fetch:
    """GET ``url`` and, unless ``follow_redirects`` is False, follow its redirects, each hop validated and guarded.

    Never raises for the network: see ``Fetch.failure``. ``headers`` add to (or replace) the default
    User-Agent and Accept; ``max_requests`` bounds the requests one check may make; ``any_port`` lets the URL
    name its own port (a configured server) instead of the settings' http and https ports; the body is read
    for the statuses in ``body_statuses`` (default: every status but a redirect), and decoded as the server
    encoded it only with ``decode_content``.
    """
    options = _Options(guard=guard, deadline=deadline,
                       headers={"User-Agent": USER_AGENT, "Accept": _ACCEPT, **(headers or {})},
                       any_port=any_port, body_statuses=body_statuses, decode_content=decode_content)
    responses: list[Response] = []
    addresses: list[str] = []
    current = url
    visited = {url}
    limit = guard.settings.max_redirects
    failure: FetchFailed | None = None
    try:
        while True:
            target = _target(current, options)
            address = str(guard.resolve(target.host, deadline))
            addresses.append(address)
            response = _request(target, address, options)
            responses.append(response)
            location = response.first("location")
            if not follow_redirects or response.status not in REDIRECTS or not location:
                break
            try:
                following = _join_location(current, location)
            except ValueError:
                raise FetchFailed("address", f"{current} redirects to an unusable address {location[:200]!r}") from None
            if len(responses) > limit:
                raise FetchFailed("redirect", f"{url} redirects more than {limit} times")
            if max_requests is not None and len(addresses) >= max_requests:
                raise FetchFailed("redirect", f"{url} still redirects after the {max_requests} requests "
                                              "this check may make")
            if following in visited:
                raise FetchFailed("redirect", f"redirect loop: {current} sends back to {following}")
            visited.add(following)
            current = following
    except FetchFailed as stopped:
        failure = stopped
    except AddressRefused as exc:
        failure = FetchFailed("address", f"{current} refused: {exc}", exc)
    except DeadlineExceeded as exc:
        failure = FetchFailed("deadline", f"{exc} before {current} answered", exc)
    return Fetch(start=url, responses=tuple(responses), addresses=tuple(addresses), failure=failure,
                 body_limit=guard.settings.max_bytes)


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


def _join_location(base: str, location: str) -> str:
    """The absolute URL a Location header points to, without its fragment; ValueError when unusable."""
    joined = urldefrag(urljoin(base, location.strip())).url
    urlsplit(joined).port  # noqa: B018 - raises ValueError on a malformed port or IPv6 literal
    return joined


def _target(url: str, options: _Options) -> _Target:
    """Validate one hop: scheme, port, name; raise FetchFailed("address") with the reason otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchFailed("address", f"{url[:200]} is not a usable URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchFailed("address", f"{url[:200]} is refused: only http and https are followed")
    if parts.username is not None or parts.password is not None:
        raise FetchFailed("address", f"{url[:200]} is refused: it carries a user name or password")
    effective = port if port is not None else (443 if scheme == "https" else 80)
    allowed = options.settings.https_port if scheme == "https" else options.settings.http_port
    if not options.any_port and effective != allowed:
        raise FetchFailed("address", f"{url[:200]} is refused: port {effective} is not the {scheme} port {allowed}")
    name = (parts.hostname or "").strip()
    try:
        host = str(ipaddress.ip_address(name))
    except ValueError:
        try:
            host = normalise_domain(name)
        except DomainError as exc:
            raise FetchFailed("address", f"{url[:200]} is refused: {exc}") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in path):
        raise FetchFailed("address", f"{url[:200]} is refused: its path holds spaces or control characters")
    return _Target(url=url, scheme=scheme, host=host, port=effective, path=path)


# --- one request -------------------------------------------------------------------------------------------

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
        self.session: TlsSession | None = None

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
    """A connection whose socket the deadline's watchdog can shut."""

    def __init__(self, *args: Any, watchdog: _Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self._watchdog.watch(sock)
        return sock


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    """The same over TLS (urllib3's HTTPSConnection is an HTTPConnection: its TLS set-up runs in ``connect``)."""

    def connect(self) -> None:
        super().connect()
        if isinstance(self.sock, ssl.SSLSocket):
            self._watchdog.session = TlsSession.of(self.sock)


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


def _request(target: _Target, address: str, options: _Options) -> Response:
    """One GET of ``target`` at the checked ``address``; the body read in chunks up to ``max_bytes``."""
    settings, deadline = options.settings, options.deadline
    watchdog = _Watchdog(deadline)
    session = requests.Session()
    session.trust_env = False  # no proxies, .netrc or CA bundle taken from the environment
    session.headers.clear()
    adapter = _PinnedAdapter(target.host, watchdog)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    headers = {"Host": target.host_header, **options.headers, "Accept-Encoding": "identity", "Connection": "close"}
    verify: bool | str = settings.ca_bundle or True
    started = time.monotonic()
    try:
        with watchdog:
            timeout = (deadline.timeout(settings.connect_timeout), deadline.timeout(settings.read_timeout))
            response = session.get(target.request_url(address), headers=headers, allow_redirects=False, stream=True,
                                   timeout=timeout, verify=verify)
            try:
                wanted = (response.status_code not in REDIRECTS if options.body_statuses is None
                          else response.status_code in options.body_statuses)
                body, truncated = _read_body(response, options) if wanted else (b"", False)
                version = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(getattr(response.raw, "version", 11), "HTTP/1.1")
                received = tuple((str(key), str(value)) for key, value in response.raw.headers.items())
            finally:
                response.close()
    except DeadlineExceeded:
        raise
    except _NETWORK_ERRORS as exc:
        raise _failure(exc, target, watchdog, options) from None
    finally:
        session.close()
    if watchdog.fired:
        # The watchdog shut the socket: what was read may be a head cut short (a status line with no headers
        # after it), which would pass for an answer. Nothing read after the deadline is evidence.
        raise options.ran_out(target.url)
    tls = watchdog.session if target.scheme == "https" else None
    return Response(url=target.url, address=address, status=response.status_code, reason=response.reason or "",
                    version=version, headers=received, body=body, truncated=truncated,
                    certificate=tls.certificate if tls else None, tls_version=tls.version if tls else None,
                    cipher=tls.cipher if tls else None, elapsed=time.monotonic() - started)


def _read_body(response: requests.Response, options: _Options) -> tuple[bytes, bool]:
    """Up to ``max_bytes`` of the body (True when cut), checking the deadline between chunks."""
    limit = options.settings.max_bytes
    parts: list[bytes] = []
    size = 0
    for chunk in response.raw.stream(_CHUNK_BYTES, decode_content=options.decode_content):
        options.deadline.remaining()
        if size + len(chunk) > limit:
            parts.append(chunk[: limit - size])
            return b"".join(parts), True
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts), False


def _failure(exc: BaseException, target: _Target, watchdog: _Watchdog, options: _Options) -> FetchFailed:
    """Name what went wrong in one sentence, from the chain of exceptions requests and urllib3 wrap."""
    url = target.url
    if watchdog.fired or _expired(options.deadline):
        return options.ran_out(url, exc)
    causes = _causes(exc)
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = cause.verify_message or cause.reason or str(cause)
            return FetchFailed("certificate", f"the certificate of {url} was refused: {detail}", exc)
        if isinstance(cause, CertificateError):
            return FetchFailed("certificate", f"the certificate of {url} is not valid for {target.host}: "
                                              f"{short(str(cause))}", exc)
    for cause in causes:
        if isinstance(cause, ssl.SSLError):
            return FetchFailed("tls", f"the TLS handshake with {url} failed: {cause.reason or short(str(cause))}",
                               exc)
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError):
            return FetchFailed("network", f"{url}: connection refused by {target.host} (port {target.port})", exc)
    for cause in causes:
        # urllib3's NewConnectionError subclasses ConnectTimeoutError, though it is not a timeout.
        if isinstance(cause, TimeoutError | urllib3.exceptions.TimeoutError | requests.Timeout) and not isinstance(
                cause, urllib3.exceptions.NewConnectionError):
            settings = options.settings
            return FetchFailed("timeout", f"{url} did not answer in time (connect {settings.connect_timeout:g} s, "
                                          f"read {settings.read_timeout:g} s)", exc)
    for cause in causes:
        if isinstance(cause, http.client.RemoteDisconnected):
            return FetchFailed("protocol", f"{url} closed the connection without an HTTP answer", exc)
        if isinstance(cause, http.client.HTTPException):
            return FetchFailed("protocol", f"{url} did not answer with valid HTTP "
                                           f"({type(cause).__name__}: {short(str(cause))})", exc)
    for cause in causes:
        if isinstance(cause, ConnectionResetError):
            return FetchFailed("network", f"{url}: connection reset by the server", exc)
    for cause in causes:
        if isinstance(cause, OSError):
            return FetchFailed("network", f"{url}: {short(str(cause))}", exc)
    return FetchFailed("protocol", f"{url} could not be read ({type(exc).__name__}: {short(str(exc))})", exc)


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


def short(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut to ``limit`` characters: an exception's message fit for a reason."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- bare TLS handshakes: legacy versions, and the certificate of a site that failed verification ----------

@dataclass(frozen=True)
class TlsSession:
    """What a TLS handshake agreed: the protocol version, the cipher, and the server's certificate (DER)."""

    version: str | None
    cipher: str | None
    certificate: bytes | None

    @classmethod
    def of(cls, tls: ssl.SSLSocket) -> TlsSession:
        cipher = tls.cipher()
        return cls(version=tls.version(), cipher=cipher[0] if cipher else None,
                   certificate=tls.getpeercert(binary_form=True))


@functools.cache
def legacy_context() -> ssl.SSLContext | None:
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
def inspecting_context() -> ssl.SSLContext:
    """A client that accepts any certificate: used only to read the one a verified connection refused."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def handshake(address: str, host: str, guard: AddressGuard, deadline: Deadline,
              context: ssl.SSLContext) -> TlsSession:
    """One TLS handshake with ``address`` (already checked by the guard) on the https port, SNI ``host``.

    Raises DeadlineExceeded when the deadline cut it short, ssl.SSLError or OSError otherwise: what the
    server refused is the finding of the caller (``riskengine.enrich.tls.legacy_tls_verdict``).
    """
    settings = guard.settings
    watchdog = _Watchdog(deadline)
    with watchdog:
        try:
            sock = socket.create_connection((address, settings.https_port),
                                            timeout=deadline.timeout(settings.connect_timeout))
            watchdog.watch(sock)
            with sock:
                sock.settimeout(deadline.timeout(settings.read_timeout))
                with context.wrap_socket(sock, server_hostname=host) as tls:
                    return TlsSession.of(tls)
        except OSError:
            if watchdog.fired or _expired(deadline):
                raise DeadlineExceeded(f"the {deadline.seconds:g} s deadline ran out during the TLS "
                                       "handshake") from None
            raise


def _expired(deadline: Deadline) -> bool:
    try:
        deadline.remaining()
    except DeadlineExceeded:
        return True
    return False

