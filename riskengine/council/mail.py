"""Sending the vendor loop's mails through the SMTP server of the settings (``riskengine.settings.mail``).

One connection per batch of mails; every step has the settings' timeout. A server that refuses the connection,
does not answer in time, refuses TLS, the credentials or a message (a 4xx or 5xx reply) is a ``MailError`` with a
sentence naming the server and what it said, and the caller leaves its request as it was (not sent).

Security: ``smtp://`` upgrades with STARTTLS, and a server that does not offer it is refused, unless it is on
this machine (a local relay, the demo's catcher). Credentials are only ever sent over TLS. The server's
certificate is checked against the system's CAs (or ``smtp-ca-bundle``), with its host name.
"""

from __future__ import annotations

import email.policy
import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING

from riskengine.errors import MailError

if TYPE_CHECKING:
    import datetime as dt

    from riskengine.settings.mail import MailSettings


@dataclass(frozen=True)
class Mail:
    """One mail to send: to one address, plain text."""

    to: str
    subject: str
    body: str


_POLICY = email.policy.default.clone(max_line_length=998)
"""RFC 5322's limit (998 characters a line): a link stays whole on its line, readable in the raw mail, instead of
being cut by quoted-printable soft breaks at 78."""


def compose(settings: MailSettings, mail: Mail, *, now: dt.datetime) -> EmailMessage:
    message = EmailMessage(policy=_POLICY)
    message["From"] = settings.sender
    message["To"] = mail.to
    message["Subject"] = " ".join(mail.subject.split())
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-reply loops
    if mail.body.isascii():
        message.set_content(mail.body, cte="7bit")
    else:  # a vendor's name with accents: the library picks quoted-printable or base64
        message.set_content(mail.body)
    return message


class Mailer:
    """A connection to the mail server, opened on entry; ``send`` one mail after another."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        self._smtp = _connect(self.settings)
        return self

    def __exit__(self, *_: object) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def send(self, mail: Mail, *, now: dt.datetime) -> None:
        """Send ``mail``; ``MailError`` when the server does not accept it."""
        assert self._smtp is not None, "send inside 'with Mailer(...)'"
        message = compose(self.settings, mail, now=now)
        with _failures(self.settings, f"sending to {mail.to}"):
            refused = self._smtp.send_message(message)
            if refused:
                code, reason = next(iter(refused.values()))
                raise MailError(f"the mail server at {self.settings.shown} refused {mail.to}: {code} "
                                f"{reason.decode(errors='replace')}")


def send_mails(settings: MailSettings, mails: Sequence[Mail], *, now: dt.datetime) -> None:
    """Send every mail over one connection (``MailError`` at the first failure)."""
    with Mailer(settings) as mailer:
        for mail in mails:
            mailer.send(mail, now=now)


def _tls_context(settings: MailSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(settings.ca_bundle) if settings.ca_bundle else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _connect(settings: MailSettings) -> smtplib.SMTP:
    with _failures(settings, "connecting"):
        smtp: smtplib.SMTP
        if settings.security == "tls":
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                    context=_tls_context(settings))
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        try:
            smtp.ehlo()
            tls = settings.security == "tls"
            if not tls and smtp.has_extn("starttls"):
                smtp.starttls(context=_tls_context(settings))
                smtp.ehlo()
                tls = True
            elif not tls and not settings.loopback:
                raise MailError(f"the mail server at {settings.shown} does not offer STARTTLS: refusing to send "
                                "mail in clear text over the network (use smtps:// for a server that speaks TLS "
                                "from the start)")
            if settings.username:
                if not tls:
                    raise MailError(f"the mail server at {settings.shown} offers no TLS: the password is never "
                                    "sent in clear text")
                smtp.login(settings.username, settings.password)
        except BaseException:
            smtp.close()
            raise
    return smtp


class _failures:
    """Turn what smtplib, ssl and sockets raise into a ``MailError`` that says what happened and where."""

    def __init__(self, settings: MailSettings, doing: str) -> None:
        self.settings, self.doing = settings, doing

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _: object) -> None:
        if exc is None or isinstance(exc, MailError) or not isinstance(exc, Exception):
            return
        server = self.settings.shown
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            message = (f"the mail server at {server} refused the user {self.settings.username!r} and its password "
                       f"(RISKENGINE_SMTP_PASSWORD): {exc.smtp_code} {_said(exc.smtp_error)}")
        elif isinstance(exc, smtplib.SMTPRecipientsRefused):
            code, reason = next(iter(exc.recipients.values()))
            message = f"the mail server at {server} refused the recipient ({self.doing}): {code} {_said(reason)}"
        elif isinstance(exc, smtplib.SMTPResponseException):
            message = f"the mail server at {server} refused ({self.doing}): {exc.smtp_code} {_said(exc.smtp_error)}"
        elif isinstance(exc, ConnectionRefusedError):
            message = f"cannot connect to the mail server at {server}: connection refused"
        elif isinstance(exc, socket.timeout | TimeoutError) or isinstance(exc.__context__, TimeoutError):
            # smtplib turns a read that timed out into "Connection unexpectedly closed: timed out"
            message = (f"the mail server at {server} did not answer within {self.settings.timeout:g} s "
                       f"({self.doing})")
        elif isinstance(exc, ssl.SSLCertVerificationError):
            message = (f"the mail server at {server} has a certificate that cannot be trusted: "
                       f"{exc.verify_message} (set smtp-ca-bundle in [mail] for a private CA)")
        elif isinstance(exc, ssl.SSLError):
            message = f"TLS with the mail server at {server} failed: {exc.reason or exc}"
        elif isinstance(exc, smtplib.SMTPServerDisconnected):
            message = f"the mail server at {server} closed the connection ({self.doing})"
        elif isinstance(exc, socket.gaierror):
            message = f"cannot find the mail server {self.settings.host}: {exc.strerror}"
        elif isinstance(exc, smtplib.SMTPException | OSError):
            message = f"the mail server at {server} failed ({self.doing}): {exc}"
        else:
            return
        raise MailError(message) from exc


def _said(reply: bytes | str) -> str:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())[:300]
