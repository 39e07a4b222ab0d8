"""Real registration servers on 127.0.0.1 for tests: a WHOIS server (RFC 3912) and a small RDAP server.

``WhoisServer`` reads one query line, answers from ``replies`` (query, lower case -> reply) and closes, as
registries do. A reply is bytes, or a behaviour standing in for a broken server: ``silent`` never answers,
``drip`` sends a byte at a time for ever, ``huge`` sends a real record followed by megabytes of filler,
``long_lines`` megabytes of long lines that are slow to parse.
Queries without a reply get a Verisign-style ``No match``. ``queries`` logs every query received.

``RdapServer`` answers ``GET /domain/NAME`` from ``answers`` (name -> JSON body, or an ``RdapAnswer`` with
a status, headers, or a fault: silent, dripping headers or body, no Content-Length) and 404 with an RDAP
error object otherwise; plain http unless an ``ssl.SSLContext`` is given. Fixture texts live in
``whois_fixtures/``: ``fixture(name, **values)`` fills the ``@NAME@`` placeholders (referral targets, ports).
"""

from __future__ import annotations

import http.server
import json
import socket
import socketserver
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

FIXTURES = Path(__file__).parent / "whois_fixtures"
Behaviour = Callable[[socket.socket, threading.Event], None]
Reply = bytes | Behaviour


def fixture(name: str, **values: str) -> str:
    """A fixture text with ``@KEY@`` placeholders replaced: ``fixture("verisign-thin.txt", domain=...)``."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key.upper()}@", value)
    return text


def silent(connection: socket.socket, stop: threading.Event) -> None:
    """Accept the query and never answer (until the test ends)."""
    stop.wait(30)


def drip(interval: float = 0.1) -> Behaviour:
    """Answer one byte every ``interval`` seconds, for ever: each read succeeds, the reply never ends."""

    def send(connection: socket.socket, stop: threading.Event) -> None:
        while not stop.wait(interval):
            try:
                connection.sendall(b"%")
            except OSError:
                return

    return send


def huge(head: str, size: int) -> Behaviour:
    """A real record, then comment lines until ``size`` bytes have been sent (or the client hangs up)."""

    def send(connection: socket.socket, stop: threading.Event) -> None:
        line = b"% " + b"filler " * 20 + b"\r\n"
        sent = 0
        try:
            connection.sendall(head.encode())
            while sent < size and not stop.is_set():
                connection.sendall(line * 64)
                sent += len(line) * 64
        except OSError:
            return

    return send


def long_lines(size: int, width: int = 1_000) -> Behaviour:
    """``size`` bytes of ``width``-character lines that hold no record (python-whois's worst case: its
    e-mail pattern takes time that grows with the square of a line's length), or until the client hangs up."""

    def send(connection: socket.socket, stop: threading.Event) -> None:
        block = (b"x" * (width - 2) + b"\r\n") * 64
        sent = 0
        try:
            while sent < size and not stop.is_set():
                connection.sendall(block)
                sent += len(block)
        except OSError:
            return

    return send


class _ThreadingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


class WhoisServer:
    """Serve ``replies`` on 127.0.0.1 (a free port) until ``close()``."""

    def __init__(self, replies: Mapping[str, Reply] | None = None) -> None:
        self.replies: dict[str, Reply] = {key.lower(): value for key, value in (replies or {}).items()}
        self.queries: list[str] = []
        self._stop = threading.Event()
        owner = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                owner._answer(self.request)

        self._server = _ThreadingServer(("127.0.0.1", 0), Handler)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="whois-test", daemon=True)
        self._thread.start()

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    @property
    def hostport(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _answer(self, connection: socket.socket) -> None:
        connection.settimeout(5)
        received = b""
        try:
            while b"\n" not in received and len(received) < 1024:
                chunk = connection.recv(1024)
                if not chunk:
                    break
                received += chunk
        except OSError:
            return
        query = received.decode("utf-8", "replace").strip().lower()
        self.queries.append(query)
        reply = self.replies.get(query, f'No match for "{query.upper()}".\r\n'.encode())
        if isinstance(reply, bytes):
            try:
                connection.sendall(reply)
            except OSError:
                return
        else:
            reply(connection, self._stop)

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> WhoisServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class RdapAnswer:
    """One answer of the RDAP server; the flags stand in for broken or hostile servers."""

    body: bytes = b""
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    silent: bool = False
    """Read the request and never answer."""
    drip: Literal["", "headers", "body"] = ""
    """Send the headers (or, after normal headers, the body) one byte every 50 ms, for ever."""
    declare_length: bool = True
    """Send Content-Length; without it the body ends when the connection closes."""


class RdapServer:
    """Serve RDAP domain objects on 127.0.0.1 until ``close()``; ``requests`` logs ``(path, Host header)``."""

    def __init__(self, answers: Mapping[str, Any] | None = None, *, context: ssl.SSLContext | None = None) -> None:
        self.answers: dict[str, RdapAnswer] = {name.lower(): self._answer_of(value)
                                               for name, value in (answers or {}).items()}
        self.requests: list[tuple[str, str]] = []
        self._stop = threading.Event()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append((self.path, self.headers.get("Host", "")))
                name = self.path.rsplit("/domain/", 1)[-1].lower() if "/domain/" in self.path else ""
                answer = owner.answers.get(name) or RdapAnswer(
                    json.dumps({"errorCode": 404, "title": "Not Found",
                                "description": [f"{name} is not registered here"]}).encode(), status=404)
                if answer.silent:
                    owner._stop.wait(30)
                    return
                try:
                    if answer.drip == "headers":
                        self._drip(b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 60_000 + b"\r\n\r\n")
                        return
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/rdap+json")
                    for key, value in answer.headers.items():
                        self.send_header(key, value)
                    if answer.declare_length or answer.drip:
                        self.send_header("Content-Length", str(500_000 if answer.drip else len(answer.body)))
                    self.end_headers()
                    if answer.drip == "body":
                        self._drip(b"{" + b" " * 499_999)
                    else:
                        self.wfile.write(answer.body)
                except OSError:  # the client hung up, as it should on a hostile answer
                    return

            def _drip(self, data: bytes) -> None:
                for index in range(len(data)):
                    if owner._stop.wait(0.05):
                        return
                    self.wfile.write(data[index:index + 1])
                    self.wfile.flush()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.block_on_close = False
        if context is not None:
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="rdap-test", daemon=True)
        self._thread.start()

    @staticmethod
    def _answer_of(value: Any) -> RdapAnswer:
        if isinstance(value, RdapAnswer):
            return value
        if isinstance(value, bytes):
            return RdapAnswer(value)
        if isinstance(value, str):
            return RdapAnswer(value.encode())
        return RdapAnswer(json.dumps(value).encode())

    def base(self, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}/"

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> RdapServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
