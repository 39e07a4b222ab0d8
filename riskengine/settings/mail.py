"""How riskengine sends mail (invitations and reminders): the ``[mail]`` settings checked and turned into
``MailSettings``.

The server is named by a URL, its password never: ``smtp://USER@HOST:PORT`` speaks plain SMTP and upgrades with
STARTTLS (required, except to a server on this machine, where it is used when offered: a local relay or the demo's
catcher); ``smtps://USER@HOST:PORT`` speaks TLS from the first byte. The password is read from the environment
variable ``RISKENGINE_SMTP_PASSWORD`` only, so a settings file kept in a repository cannot hold it; a URL with a
password in it is refused.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

PASSWORD_ENVIRONMENT = "RISKENGINE_SMTP_PASSWORD"
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
"""RFC 6409 (submission, STARTTLS) and RFC 8314 (submission over implicit TLS)."""


@dataclass(frozen=True)
class MailSettings:
    """Where and how mail is sent: the server, the sender, the web app's public address for links."""

    host: str
    port: int
    security: Literal["starttls", "tls"]
    username: str
    password: str
    sender: str
    public_url: str
    """The web app's address as vendors reach it, without a trailing slash."""
    ca_bundle: Path | None = None
    timeout: float = 30.0

    @property
    def loopback(self) -> bool:
        """Whether the server is on this machine (STARTTLS then optional)."""
        if self.host.lower() == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    @property
    def shown(self) -> str:
        """The server as messages name it (no password is ever part of it)."""
        scheme = "smtps" if self.security == "tls" else "smtp"
        user = f"{self.username}@" if self.username else ""
        return f"{scheme}://{user}{self.host}:{self.port}"


def parse_mail_settings(smtp: object, sender: object, public_url: object, *, ca_bundle: Path | None = None,
                        timeout: float = 30.0, environ: Mapping[str, str], where: Mapping[str, str]) -> MailSettings:
    """``MailSettings`` from the settings' values; every problem at once in a ``UsageError``, each led by where the
    setting was set (``where``: setting name -> ``riskengine.toml:7: mail.smtp``, ``--smtp`` ...)."""
    problems: list[str] = []
    host, port, username, security = "", 0, "", "starttls"
    if not isinstance(smtp, str) or not smtp.strip():
        problems.append(f"{where['mail.smtp']}: no mail server is set; set smtp in [mail] of riskengine.toml (or "
                        "RISKENGINE_SMTP, --smtp): smtp://USER@HOST:PORT or smtps://USER@HOST:PORT")
    else:
        parts = urlsplit(smtp.strip())
        if parts.scheme not in DEFAULT_PORTS:
            problems.append(f"{where['mail.smtp']}: expected smtp://HOST[:PORT] or smtps://HOST[:PORT], got "
                            f"{_without_password(smtp)!r}")
        elif parts.password is not None:
            problems.append(f"{where['mail.smtp']}: the URL holds a password; remove it and set "
                            f"{PASSWORD_ENVIRONMENT} in the environment instead")
        else:
            try:
                port = parts.port or DEFAULT_PORTS[parts.scheme]
            except ValueError:
                problems.append(f"{where['mail.smtp']}: the port of {smtp!r} is not a number from 1 to 65535")
            host = parts.hostname or ""
            if not host:
                problems.append(f"{where['mail.smtp']}: {smtp!r} names no host")
            if parts.path not in ("", "/") or parts.query:
                problems.append(f"{where['mail.smtp']}: {smtp!r}: a mail server URL has no path or query")
            username = unquote(parts.username or "")
            security = "tls" if parts.scheme == "smtps" else "starttls"
    if not isinstance(sender, str) or "@" not in sender or any(c in sender for c in "\r\n<>, "):
        problems.append(f"{where['mail.sender']}: expected the From address of the mails (vendor-risk@example.com), "
                        f"got {sender!r}" if sender else f"{where['mail.sender']}: no sender is set; set sender in "
                        "[mail] of riskengine.toml (or RISKENGINE_SENDER, --sender)")
    link = public_url.strip().rstrip("/") if isinstance(public_url, str) else ""
    if not link:
        problems.append(f"{where['mail.public-url']}: no public address of the web app is set, for the links the "
                        "mails carry; set public-url in [mail] of riskengine.toml (or RISKENGINE_PUBLIC_URL, "
                        "--public-url)")
    elif urlsplit(link).scheme not in ("http", "https") or not urlsplit(link).hostname:
        problems.append(f"{where['mail.public-url']}: expected an http or https address, got {link!r}")
    password = environ.get(PASSWORD_ENVIRONMENT, "")
    if password and not username:
        problems.append(f"{PASSWORD_ENVIRONMENT} is set but {where['mail.smtp']} names no user "
                        "(smtp://USER@HOST:PORT)")
    if problems:
        from riskengine.errors import UsageError

        raise UsageError("\n  ".join(problems))
    return MailSettings(host=host, port=port, security=security, username=username,  # type: ignore[arg-type]
                        password=password, sender=str(sender), public_url=link, ca_bundle=ca_bundle,
                        timeout=timeout)


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
