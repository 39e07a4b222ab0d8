"""Real web servers on loopback addresses for the enrichment tests: HTTPS with a test CA, plain HTTP, and
the hostile ones (silent, garbage, slow drip).

A ``Site`` runs an HTTPS server and a plain HTTP server on one address; each answers per path from
``https_routes`` / ``http_routes``, which a test fills after the ports are known (redirects name them). A route
keyed ``host/path`` (``mta-sts.vendor.test/.well-known/mta-sts.txt``) answers only requests for that host.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.client import responses as reason_phrases
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme

GARBAGE = bytes(range(256)) * 4
"""Bytes that are neither HTTP nor TLS."""


@dataclass
class Reply:
    """What a server sends for one path."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    filler: int = 0
    """Extra bytes of body after ``body`` (a huge body without holding it in memory)."""
    filler_pattern: bytes = b"x"
    """What the filler repeats (``b"<a"``: a page HTMLParser is slow to read)."""
    drip: float = 0.0
    """Seconds between single bytes (slow drip); with ``drip_headers`` from the status line on."""
    drip_headers: bool = False
    garbage: bool = False
    """Answer with bytes that are not HTTP."""


@dataclass(frozen=True)
class Seen:
    """A request a server received."""

    scheme: str
    path: str
    host: str
    client: str


def leaf_context(leaf: trustme.LeafCert, *, legacy: bool = False) -> ssl.SSLContext:
    """A server context presenting ``leaf``; ``legacy`` also accepts TLS 1.0 and 1.1."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(context)
    if legacy:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, site: Site, scheme: str, address: str, context: ssl.SSLContext | None) -> None:
        self.site, self.scheme, self.context = site, scheme, context
        super().__init__((address, 0), _Handler)

    def get_request(self) -> tuple[Any, Any]:
        sock, client = super().get_request()
        if self.context is not None:
            # The handshake happens in the request's thread, so a silent client cannot stall the server.
            sock = self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, client

    def finish_request(self, request: Any, client_address: Any) -> None:
        if isinstance(request, ssl.SSLSocket):
            request.settimeout(5)
            try:
                request.do_handshake()
            except (OSError, ssl.SSLError):
                return
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up early are the point of several tests: stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        site, scheme = self.server.site, self.server.scheme
        site.seen.append(Seen(scheme, self.path, self.headers.get("Host", ""), self.client_address[0]))
        routes = site.https_routes if scheme == "https" else site.http_routes
        host = self.headers.get("Host", "").rsplit(":", 1)[0].lower()
        reply = (routes.get(host + self.path) or routes.get(self.path) or routes.get("*")
                 or Reply(404, [("Content-Type", "text/plain")], b"not found"))
        try:
            self._send(reply)
        except OSError:
            return
        self.close_connection = True

    def _send(self, reply: Reply) -> None:
        if reply.garbage:
            self.wfile.write(GARBAGE)
            self.wfile.flush()
            return
        lines = [f"HTTP/1.1 {reply.status} {reason_phrases.get(reply.status, 'Unknown')}"]
        lines += [f"{name}: {value}" for name, value in reply.headers]
        lines += [f"Content-Length: {len(reply.body) + reply.filler}", "Connection: close"]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if reply.drip and reply.drip_headers:
            self._drip(head + reply.body, reply.drip)
            return
        self.wfile.write(head)
        if reply.drip:
            self.wfile.flush()
            self._drip(reply.body + (reply.filler_pattern * reply.filler)[:reply.filler], reply.drip)
            return
        self.wfile.write(reply.body)
        left, block = reply.filler, reply.filler_pattern * (65_536 // len(reply.filler_pattern))
        while left > 0 and not self.server.site.closed.is_set():
            self.wfile.write(block[:left])
            left -= len(block)
        self.wfile.flush()

    def _drip(self, data: bytes, delay: float) -> None:
        for index in range(len(data)):
            if self.server.site.closed.is_set():
                return
            self.wfile.write(data[index:index + 1])
            self.wfile.flush()
            time.sleep(delay)


class Site:
    """An HTTPS server (presenting ``leaf``) and a plain HTTP server on ``address``, on ephemeral ports."""

    def __init__(self, leaf: trustme.LeafCert, address: str = "127.0.0.1", *, legacy_tls: bool = False) -> None:
        self.address = address
        self.https_routes: dict[str, Reply] = {}
        self.http_routes: dict[str, Reply] = {}
        self.seen: list[Seen] = []
        self.closed = threading.Event()
        self._servers = [_Server(self, "https", address, leaf_context(leaf, legacy=legacy_tls)),
                         _Server(self, "http", address, None)]
        for server in self._servers:
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def https_port(self) -> int:
        return int(self._servers[0].server_address[1])

    @property
    def http_port(self) -> int:
        return int(self._servers[1].server_address[1])

    def https_url(self, path: str, host: str = "vendor.test") -> str:
        return f"https://{host}:{self.https_port}{path}"

    def http_url(self, path: str, host: str = "vendor.test") -> str:
        return f"http://{host}:{self.http_port}{path}"

    def close(self) -> None:
        self.closed.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RawServer:
    """A TCP server with one behaviour for every connection: ``silent`` (accepts, never answers) or
    ``garbage`` (sends bytes that are neither TLS nor HTTP, then closes)."""

    def __init__(self, behaviour: str, address: str = "127.0.0.1") -> None:
        self.behaviour = behaviour
        self._listener = socket.create_server((address, 0))
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._listener.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.behaviour == "garbage":
                with contextlib.suppress(OSError):  # the client may hang up first
                    connection.sendall(GARBAGE)
                connection.close()
            else:
                self._held.append(connection)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._listener.close()
        for connection in self._held:
            connection.close()

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def closed_port(address: str = "127.0.0.1") -> int:
    """A port nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])

