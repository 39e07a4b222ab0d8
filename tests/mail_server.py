"""A real SMTP server on 127.0.0.1 for the tests and the demo (aiosmtpd, a dev dependency): it keeps every mail it
accepts, and can be told to misbehave (refuse every message with a 5xx reply); ``silent_server`` accepts
connections and never answers (a slow server). With ``tls`` it offers STARTTLS with a certificate of a test CA
(trustme) and asks for a user and password.

Run it as the demo's mail catcher (``make demo-vendor``)::

    python -m tests.mail_server --port 8025 --out out/mail     # prints each mail, keeps it as a .eml file
"""

from __future__ import annotations

import argparse
import contextlib
import email
import email.policy
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "riskengine", "mail-s3cret"


@dataclass
class Catcher:
    """The aiosmtpd handler: keeps each accepted mail; with ``refuse`` answers every message with that reply."""

    refuse: str = ""
    mails: list[EmailMessage] = field(default_factory=list)
    out: Path | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.mails.append(message)
            count = len(self.mails)
        if self.out is not None:
            self.out.mkdir(parents=True, exist_ok=True)
            (self.out / f"{count:03d}.eml").write_bytes(envelope.content)
            print(f"--- mail {count} to {', '.join(envelope.rcpt_tos)} ({self.out / f'{count:03d}.eml'})\n"
                  f"{envelope.content.decode(errors='replace')}", flush=True)
        return "250 OK"

    def bodies(self) -> list[str]:
        with self.lock:
            return [str(message.get_body(("plain",)).get_content()) for message in self.mails]  # type: ignore[union-attr]


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


@dataclass
class RunningServer:
    port: int
    catcher: Catcher
    ca_file: Path | None = None

    @property
    def url(self) -> str:
        return f"smtp://{USER}@127.0.0.1:{self.port}" if self.ca_file else f"smtp://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def mail_server(*, refuse: str = "", tls_folder: Path | None = None, out: Path | None = None,
                port: int | None = None) -> Iterator[RunningServer]:
    """An SMTP server on 127.0.0.1 for the block; with ``tls_folder``, STARTTLS (required) and AUTH with
    ``USER``/``PASSWORD``, its CA's certificate written there."""
    catcher = Catcher(refuse=refuse, out=out)
    port = port or free_port()
    extra: dict[str, Any] = {}
    ca_file = None
    if tls_folder is not None:
        import trustme

        authority = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        ca_file = tls_folder / "mail-ca.pem"
        authority.cert_pem.write_to_path(str(ca_file))
        extra = {"tls_context": context, "require_starttls": True, "authenticator": _authenticate,
                 "auth_required": True}
    controller = Controller(catcher, hostname="127.0.0.1", port=port, ready_timeout=10, **extra)
    controller.start()
    try:
        yield RunningServer(port=port, catcher=catcher, ca_file=ca_file)
    finally:
        controller.stop()


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A server that accepts connections and never says a word (no SMTP greeting): a slow or hung mail server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
                held.append(connection)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="A local SMTP catcher: prints every mail and keeps it as .eml.")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--out", type=Path, default=Path("out/mail"))
    parser.add_argument("--seconds", type=float, default=0, help="stop after this many seconds (0: at Ctrl-C)")
    arguments = parser.parse_args()
    with mail_server(port=arguments.port, out=arguments.out):
        print(f"catching mail on smtp://127.0.0.1:{arguments.port}, keeping it in {arguments.out}/", flush=True)
        try:
            deadline = time.monotonic() + arguments.seconds if arguments.seconds else None
            while deadline is None or time.monotonic() < deadline:
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
