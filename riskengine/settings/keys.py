"""The settings riskengine.toml, the environment and the command line may set: one table, read by the settings file's
model, the environment reader and ``riskengine config`` alike."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, NamedTuple

AUDIENCES = ("full", "it", "marketing", "compliance")

Kind = Literal["inventory", "file", "folder", "database", "audience", "flag", "list", "text", "seconds"]
"""How a setting's value is read and checked: ``inventory`` a file or a folder that exists, ``file`` and
``folder`` one that exists, ``database`` a path that need not or a database URL (``riskengine.database.locate``),
``flag`` true or false, ``list`` several strings, ``seconds`` a number of at least 0.1."""


class Key(NamedTuple):
    """One setting: its name in riskengine.toml (``network.deadline``: ``deadline`` in the ``[network]`` table), its
    option and its environment variable, both named after it."""

    name: str
    kind: Kind
    help: str
    default: object = None
    off: str = ""
    """A flag's option that turns it off (``--online``)."""

    @property
    def option(self) -> str:
        """``--deadline``: the command-line option of this setting."""
        return "--" + self.name.rsplit(".", 1)[-1]

    @property
    def environment(self) -> str:
        """``RISKENGINE_DEADLINE``: the environment variable of this setting; the signing table's keep their table's
        name (``RISKENGINE_SIGNING_KEY``), which a bare ``RISKENGINE_KEY`` would not say."""
        name = self.name if self.name.startswith("signing.") else self.name.rsplit(".", 1)[-1]
        return "RISKENGINE_" + name.replace(".", "_").replace("-", "_").upper()


KEYS: tuple[Key, ...] = (
    Key("inventory", "inventory", "inventory of existing systems: YAML, Excel, or a Backstage catalog folder"),
    Key("org", "file", "organisation profile: currency, rates, horizon, approved data regions"),
    Key("policy", "folder", "folder of policy files, each replacing its shipped namesake"),
    Key("profile", "file", "scoring profile (over the policy folder's)"),
    Key("bank", "file", "question bank (over the policy folder's)"),
    Key("db", "database", "the riskengine database: register and evidence store (a SQLite file, or a URL: "
                          "sqlite:///PATH, postgresql://USER@HOST:PORT/NAME)"),
    Key("audience", "audience", "sections and voice of the PDF reports: full, it, marketing or compliance", "full"),
    Key("network.offline", "flag", "never connect: use only evidence already in the store", False, "--online"),
    Key("network.allow-network", "list", "non-public networks (CIDR) that may be reached anyway", ()),
    Key("network.resolve", "list", "HOST:ADDR: use ADDR for HOST instead of DNS", ()),
    Key("network.whois-server", "text", "send WHOIS queries to this HOST:PORT"),
    Key("network.dns-server", "text", "ask this DNS server (HOST:PORT) instead of the system's"),
    Key("network.rdap-server", "text", "RDAP base URL instead of the registry's"),
    Key("network.ca-bundle", "file", "CA certificates to trust for the HTTPS checks"),
    Key("network.deadline", "seconds", "seconds for all outside checks of one vendor", 30.0),
    Key("signing.key", "file", "the organisation's private key that signs approved reports: PEM, or PKCS#12 "
                               "(.p12/.pfx; passphrase in RISKENGINE_SIGNING_PASSPHRASE)"),
    Key("signing.certificate", "file", "its certificate (PEM, with the chain after it): what verify trusts"),
    Key("signing.timestamp-url", "text", "an RFC 3161 timestamp service to time-stamp each signature (http/https)"),
    Key("signing.user-key", "file", "this user's own key (riskengine keys init --user): approve signs with it"),
    Key("mail.smtp", "text", "the mail server for invitations and reminders: smtp://[USER@]HOST[:PORT] (STARTTLS) or "
                             "smtps://[USER@]HOST[:PORT] (TLS); the password in RISKENGINE_SMTP_PASSWORD"),
    Key("mail.sender", "text", "the From address of invitations and reminders (vendor-risk@example.com)"),
    Key("mail.public-url", "text", "the web app's address as vendors reach it, for the links in invitations "
                                   "(https://riskengine.example.com)"),
    Key("mail.smtp-ca-bundle", "file", "CA certificates to trust for the mail server's TLS"),
    Key("mail.smtp-timeout", "seconds", "seconds to wait for the mail server at each step", 30.0),
)
"""Every setting, in the order ``riskengine config`` lists them."""


def check_path(key: Key, path: Path) -> str | None:
    """What is wrong with ``path`` as ``key``'s value (an input that does not exist, a folder for a file), or
    None."""
    if key.kind == "database":
        return None if not path.is_dir() else f"{path} is a folder; the database is a file"
    if not path.exists():
        return f"{path} does not exist"
    if key.kind == "file" and path.is_dir():
        return f"{path} is a folder, not a file"
    if key.kind == "folder" and not path.is_dir():
        return f"{path} is not a folder"
    return None


def is_url(text: str) -> bool:
    """Whether a ``database`` setting names a database by URL (``sqlite:///...``, ``postgresql://...``) rather than a
    SQLite file's path: what ``riskengine.database.locate`` decides."""
    from riskengine.database import locate

    return isinstance(locate(text), str)


def shown(key: Key, value: object) -> object:
    """``value`` as ``key``'s setting may be shown: a database URL with its password hidden (``***``)."""
    if key.kind == "database" and isinstance(value, str):
        from riskengine.database import display_name

        return display_name(value)
    return value
