"""The options several commands share, declared once, and the settings they override (``configured``).

Every option that is also a setting (``--inventory``, ``--org``, ``--db``, ``--offline``, ...: ``riskengine.settings``)
defaults to "not given" here; ``configured`` fills what the command line leaves out from the environment,
riskengine.toml and the defaults, so a command body sees the settings in effect.

Building the CLI imports only click: what an option needs (pydantic, the evidence store, platformdirs) is imported
when a command runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

from riskengine.settings.keys import AUDIENCES

if TYPE_CHECKING:
    from riskengine.enrich.settings import NetworkSettings
    from riskengine.policy import Policy
    from riskengine.settings import EffectiveSettings
    from riskengine.settings.mail import MailSettings

Command = TypeVar("Command", bound=Callable[..., Any])

EXISTING = click.Path(exists=True, dir_okay=False, path_type=Path)
"""An input file that must exist."""
OUTPUT = click.Path(dir_okay=False, path_type=Path)
"""A file riskengine writes."""
TIERS = ("low", "medium", "high", "critical")
FORMATS = ("riskengine", "caiq", "hecvat3", "hecvat4", "vsaq", "mapped")
"""The questionnaire formats ``riskengine.importers`` reads (named here so building the CLI imports nothing)."""


def _stack(*options: Callable[[Command], Command]) -> Callable[[Command], Command]:
    """One decorator applying ``options`` so that ``--help`` lists them in the order given."""
    def decorate(command: Command) -> Command:
        for option in reversed(options):
            command = option(command)
        return command
    return decorate


force_option = click.option(
    "--force", is_flag=True,
    help="Replace an existing file at an output path even if riskengine did not write it. Never an input, the "
         "register database or another output of the run.")


class _DatabaseType(click.ParamType):  # type: ignore[type-arg]
    """``--db``: a SQLite file's path, or a database URL kept as text (a path would fold its ``//``)."""

    name = "PATH|URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path | str:
        from riskengine.database import locate

        return locate(value)


db_option = click.option(
    "--db", "db_path", type=_DatabaseType(),
    help="The riskengine database (evidence store and register): a SQLite file, or a URL (sqlite:///PATH, "
         "postgresql://USER@HOST:PORT/NAME). Default: db in riskengine.toml, RISKENGINE_DB, else riskengine.db in "
         "the user's data folder.")
org_option = click.option("--org", "org_profile", type=EXISTING,
                          help="Organisation profile (currency, rates, horizon, approved regions). Without one, "
                               "defaults are used and the report says so.")


def inventory_option(help: str = "Inventory of existing systems (YAML, Excel or a Backstage catalog) to place the "
                                 "tool in. Without one, integrations, duplicates and blast radius are not assessed "
                                 "and the report says so.") -> Callable[[Command], Command]:
    """``--inventory``: a file or a folder (a Backstage catalog)."""
    return click.option("--inventory", type=click.Path(exists=True, path_type=Path), help=help)


EACH_TOOL = "Inventory of existing systems (YAML, Excel or a Backstage catalog) to place each tool in."


def audience_option(of: str) -> Callable[[Command], Command]:
    """``--audience``: the sections and voice of ``of`` (``the PDF``, ``each PDF``)."""
    return click.option("--audience", type=click.Choice(AUDIENCES),
                        help=f"Sections and voice of {of}; the JSON is always whole. Default: audience in "
                             "riskengine.toml, else full.")


def json_flag(help: str) -> Callable[[Command], Command]:
    """``--json``: print the answer as JSON instead of text."""
    return click.option("--json", "as_json", is_flag=True, help=help)


format_options = _stack(
    click.option("--format", "format_name", type=click.Choice(FORMATS),
                 help="Force the questionnaire's format instead of recognising it by its content: ours, CAIQ v3.1 or "
                      "v4, HECVAT 3 or 4, VSAQ answers, or 'mapped' with --mapping."),
    click.option("--mapping", type=EXISTING,
                 help="A mapping (YAML) for a one-off questionnaire, or instead of the shipped one (see "
                      "docs/importers.md)."),
)
"""How to read a questionnaire that is not ours: ``--format`` and ``--mapping``."""


class NetworkOptions(NamedTuple):
    """The network settings in effect (command line over environment over riskengine.toml); ``settings()`` checks
    and builds them. (A named tuple, not a dataclass: building the CLI must not import ``dataclasses``, a tenth of
    its start.)"""

    effective: EffectiveSettings

    def settings(self) -> NetworkSettings:
        """The ``NetworkSettings`` in effect; a malformed value is a ``UsageError`` naming where it was set, and a CA
        bundle that is not a regular file is refused (``riskengine.runfiles``)."""
        return self.effective.network()


_NETWORK_NAMES = ("offline", "allow_networks", "resolve", "whois_server", "dns_server", "rdap_server", "ca_bundle",
                  "deadline")


def network_options(command: Command) -> Command:
    """``--offline``/``--online``, ``--db`` and the options that steer outgoing connections; with ``configured``,
    the command receives them as one ``network: NetworkOptions`` argument (and ``db_path``)."""
    return _stack(
        click.option("--offline/--online", "offline", default=None,
                     help="Never connect: use only evidence already in the store (missing evidence is 'unknown'); "
                          "--online overrides offline = true in riskengine.toml or RISKENGINE_OFFLINE=1."),
        db_option,
        click.option("--allow-network", "allow_networks", multiple=True, metavar="CIDR",
                     help="Allow connections to this non-public network (tests, air-gapped mirrors); repeatable."),
        click.option("--resolve", "resolve", multiple=True, metavar="HOST:ADDR",
                     help="Use ADDR for HOST instead of DNS (still checked by the address guard); repeatable."),
        click.option("--whois-server", metavar="HOST:PORT", help="Send WHOIS queries to this server."),
        click.option("--dns-server", metavar="HOST:PORT", help="Ask this DNS server instead of the system's."),
        click.option("--rdap-server", metavar="URL", help="Use this RDAP base URL instead of the registry's."),
        click.option("--ca-bundle", type=EXISTING, help="Trust these CA certificates for HTTPS checks."),
        click.option("--deadline", type=click.FloatRange(min=0.1),
                     help="Seconds for all outside checks of one vendor. Default: 30."),
    )(command)


class MailOptions(NamedTuple):
    """The mail settings in effect (command line over environment over riskengine.toml); ``settings()`` checks and
    builds them."""

    effective: EffectiveSettings

    def settings(self) -> MailSettings:
        """The ``MailSettings`` in effect; a missing or malformed one is a ``UsageError`` naming where it was set."""
        return self.effective.mail()


_MAIL_NAMES = ("smtp", "sender", "public_url", "smtp_ca_bundle", "smtp_timeout")


def mail_options(command: Command) -> Command:
    """``--smtp``, ``--sender``, ``--public-url``, ``--smtp-ca-bundle`` and ``--smtp-timeout``; with ``configured``,
    the command receives them as one ``mail: MailOptions`` argument."""
    return _stack(
        click.option("--smtp", metavar="URL",
                     help="The mail server: smtp://[USER@]HOST[:PORT] (STARTTLS) or smtps://[USER@]HOST[:PORT] (TLS). "
                          "The password comes from RISKENGINE_SMTP_PASSWORD. Default: smtp in [mail] of "
                          "riskengine.toml, RISKENGINE_SMTP."),
        click.option("--sender", metavar="ADDRESS", help="The From address of the mails."),
        click.option("--public-url", metavar="URL", help="The web app's address as vendors reach it, for links."),
        click.option("--smtp-ca-bundle", type=EXISTING, help="Trust these CA certificates for the mail server."),
        click.option("--smtp-timeout", type=click.FloatRange(min=0.1),
                     help="Seconds to wait for the mail server at each step. Default: 30."),
    )(command)


class PolicyOptions(NamedTuple):
    """``--policy``, ``--profile`` and ``--bank`` as given; ``load()`` turns them into the ``Policy``."""

    folder: Path | None = None
    profile: Path | None = None
    bank: Path | None = None

    @property
    def given(self) -> bool:
        return any(path is not None for path in self)

    def inputs(self) -> list[tuple[str, Path | None]]:
        """The files the options name, for ``check_run_files``: an output may never land on one of them."""
        from riskengine.policy import PARTS

        named: list[tuple[str, Path | None]] = [("scoring profile", self.profile), ("question bank", self.bank)]
        if self.folder is not None:
            named += [(f"policy file ({part.label})", self.folder / part.relative) for part in PARTS.values()
                      if (self.folder / part.relative).exists()]
        return named

    def load(self) -> Policy:
        """The policy these options ask for: the shipped one, overridden by the folder, then by the two files."""
        from riskengine.pipeline import default_policy, load_policy

        if not self.given:
            return default_policy()
        return load_policy(self.folder, profile=self.profile, bank=self.bank)


def policy_options(command: Command) -> Command:
    """``--policy``, ``--profile`` and ``--bank``; the command receives them as one ``policy: PolicyOptions``."""

    @functools.wraps(command)
    def with_policy(*args: Any, **kwargs: Any) -> Any:
        policy = PolicyOptions(kwargs.pop("policy_folder"), kwargs.pop("profile_path"), kwargs.pop("bank_path"))
        return command(*args, policy=policy, **kwargs)

    return _stack(
        click.option("--policy", "policy_folder", type=click.Path(exists=True, file_okay=False, path_type=Path),
                     metavar="DIR", help="A folder of policy files laid out like the shipped data "
                                         "(scoring/default.yaml, templates/report.yaml ...), each replacing its "
                                         "namesake; see docs/architecture.md."),
        click.option("--profile", "profile_path", type=EXISTING,
                     help="Scoring profile other than the shipped one (over --policy's)."),
        click.option("--bank", "bank_path", type=EXISTING,
                     help="A question bank other than the shipped one (over --policy's)."),
    )(with_policy)  # type: ignore[return-value]


bank_option = click.option("--bank", "bank_path", type=EXISTING, help="A question bank other than the shipped one.")


def database(db_path: Path | str | None) -> Path | str:
    """The riskengine database (a path or a URL): ``db_path`` (``--db``), else the settings' (``RISKENGINE_DB``,
    ``db`` in riskengine.toml, else riskengine.db in the user's data folder)."""
    return db_path if db_path is not None else settings_in_effect().db


SETTINGS = {"inventory": "inventory", "org": "org_profile", "policy": "policy_folder", "profile": "profile_path",
            "bank": "bank_path", "db": "db_path", "audience": "audience", "network.offline": "offline",
            "network.allow-network": "allow_networks", "network.resolve": "resolve",
            "network.whois-server": "whois_server", "network.dns-server": "dns_server",
            "network.rdap-server": "rdap_server", "network.ca-bundle": "ca_bundle", "network.deadline": "deadline",
            "mail.smtp": "smtp", "mail.sender": "sender", "mail.public-url": "public_url",
            "mail.smtp-ca-bundle": "smtp_ca_bundle", "mail.smtp-timeout": "smtp_timeout"}
"""Each setting (``riskengine.settings.KEYS``) and the parameter of its option in the commands."""
_META = "riskengine.settings"

config_option = click.option(
    "--config", "config_path", type=EXISTING, metavar="PATH",
    help="Settings file (TOML). Default: RISKENGINE_CONFIG, else riskengine.toml in the working folder or its "
         "parents; /dev/null for none. Options given here override it; `riskengine config` shows the settings in "
         "effect.")


def configured(command: Command, *, announce: bool = True) -> Command:
    """``--config``, and the settings in effect for every option that is a setting: the command receives each
    option's value from the command line, else the environment, else riskengine.toml, else the default (and the
    network options as one ``network: NetworkOptions``). Put it right under ``@click.command``.

    When riskengine.toml sets something the command uses, one line on stderr says what and from which file (unless
    not ``announce``): a result never changes because of a file nobody mentioned."""

    @functools.wraps(command)
    def with_settings(*args: Any, **kwargs: Any) -> Any:
        from riskengine.settings import effective_settings

        config = kwargs.pop("config_path")
        given = {name: kwargs[parameter] for name, parameter in SETTINGS.items() if parameter in kwargs}
        effective = effective_settings(given, config=config)
        click.get_current_context().meta[_META] = effective
        used = [name for name, parameter in SETTINGS.items() if parameter in kwargs]
        for name in used:
            kwargs[SETTINGS[name]] = effective.value(name)
        from_file = [name for name in used if effective.setting(name).source.kind == "file"]
        if from_file and announce:
            click.echo(f"settings from {effective.file}: {', '.join(from_file)}", err=True)
        if "offline" in kwargs:
            for parameter in _NETWORK_NAMES:
                kwargs.pop(parameter)
            kwargs["network"] = NetworkOptions(effective)
        if "smtp" in kwargs:
            for parameter in _MAIL_NAMES:
                kwargs.pop(parameter)
            kwargs["mail"] = MailOptions(effective)
        return command(*args, **kwargs)

    return config_option(with_settings)  # type: ignore[return-value]


def settings_in_effect() -> EffectiveSettings:
    """The settings of the running command (``configured``); for a command without them, those of the working
    folder and the environment."""
    context = click.get_current_context(silent=True)
    effective: EffectiveSettings | None = context.meta.get(_META) if context is not None else None
    if effective is None:
        from riskengine.settings import effective_settings

        effective = effective_settings()
    return effective
