"""The options several commands share, declared once, and what they turn into (``NetworkOptions.settings``).

Building the CLI imports only click: what an option needs (pydantic, the evidence store, platformdirs) is imported
when a command runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

if TYPE_CHECKING:
    from riskengine.enrich.settings import NetworkSettings
    from riskengine.policy import Policy

Command = TypeVar("Command", bound=Callable[..., Any])

EXISTING = click.Path(exists=True, dir_okay=False, path_type=Path)
"""An input file that must exist."""
OUTPUT = click.Path(dir_okay=False, path_type=Path)
"""A file riskengine writes."""
TIERS = ("low", "medium", "high", "critical")
AUDIENCES = ("full", "it", "marketing", "compliance")
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
         "postgresql://USER@HOST:PORT/NAME). Default: RISKENGINE_DB, else riskengine.db in the user's data folder.")
org_option = click.option("--org", "org_profile", type=EXISTING,
                          help="Organisation profile (currency, rates, horizon).")


def inventory_option(help: str = "Inventory of existing systems (YAML, Excel or a Backstage catalog) to place the "
                                 "tool in.") -> Callable[[Command], Command]:
    """``--inventory``: a file or a folder (a Backstage catalog)."""
    return click.option("--inventory", type=click.Path(exists=True, path_type=Path), help=help)


EACH_TOOL = "Inventory of existing systems (YAML, Excel or a Backstage catalog) to place each tool in."


def audience_option(of: str) -> Callable[[Command], Command]:
    """``--audience``: the sections and voice of ``of`` (``the PDF``, ``each PDF``)."""
    return click.option("--audience", type=click.Choice(AUDIENCES), default="full", show_default=True,
                        help=f"Sections and voice of {of}; the JSON is always whole.")


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
    """The options that steer outgoing connections, as given; ``settings()`` checks and builds them. (A named tuple,
    not a dataclass: building the CLI must not import ``dataclasses``, a tenth of its start.)"""

    offline: bool = False
    allow_networks: tuple[str, ...] = ()
    resolve: tuple[str, ...] = ()
    whois_server: str | None = None
    dns_server: str | None = None
    rdap_server: str | None = None
    ca_bundle: Path | None = None
    deadline: float = 30.0

    def settings(self) -> NetworkSettings:
        """The ``NetworkSettings`` these options ask for; a malformed value is a ``UsageError`` naming it, and a CA
        bundle that is not a regular file is refused (``riskengine.runfiles``)."""
        from riskengine.enrich.settings import NetworkSettings, parse_host_port
        from riskengine.errors import UsageError
        from riskengine.runfiles import RunFiles, check_run_files

        check_run_files(RunFiles.of(inputs=[("CA bundle", self.ca_bundle)]))
        try:
            overrides = {}
            for item in self.resolve:
                host, _, address = item.partition(":")
                if not host or not address:
                    raise ValueError(f"--resolve expects HOST:ADDR, got {item!r}")
                overrides[host.lower()] = address
            return NetworkSettings(
                offline=self.offline, allow_networks=self.allow_networks, resolve=overrides,
                whois_server=parse_host_port(self.whois_server, 43) if self.whois_server else None,
                dns_server=parse_host_port(self.dns_server, 53) if self.dns_server else None,
                rdap_base=self.rdap_server, ca_bundle=str(self.ca_bundle) if self.ca_bundle else None,
                deadline=self.deadline)
        except ValueError as exc:
            raise UsageError(str(exc).splitlines()[0]) from exc


_NETWORK_NAMES = ("offline", "allow_networks", "resolve", "whois_server", "dns_server", "rdap_server", "ca_bundle",
                  "deadline")


def network_options(command: Command) -> Command:
    """``--offline``, ``--db`` and the options that steer outgoing connections; the command receives them as one
    ``network: NetworkOptions`` argument (and ``db_path``)."""

    @functools.wraps(command)
    def with_network(*args: Any, **kwargs: Any) -> Any:
        network = NetworkOptions(**{name: kwargs.pop(name) for name in _NETWORK_NAMES})
        return command(*args, network=network, **kwargs)

    return _stack(
        click.option("--offline", is_flag=True, envvar="RISKENGINE_OFFLINE",
                     help="Never connect: use only evidence already in the store (missing evidence is 'unknown'). "
                          "Also set by RISKENGINE_OFFLINE=1."),
        db_option,
        click.option("--allow-network", "allow_networks", multiple=True, metavar="CIDR",
                     help="Allow connections to this non-public network (tests, air-gapped mirrors); repeatable."),
        click.option("--resolve", "resolve", multiple=True, metavar="HOST:ADDR",
                     help="Use ADDR for HOST instead of DNS (still checked by the address guard); repeatable."),
        click.option("--whois-server", metavar="HOST:PORT", help="Send WHOIS queries to this server."),
        click.option("--dns-server", metavar="HOST:PORT", help="Ask this DNS server instead of the system's."),
        click.option("--rdap-server", metavar="URL", help="Use this RDAP base URL instead of the registry's."),
        click.option("--ca-bundle", type=EXISTING, help="Trust these CA certificates for HTTPS checks."),
        click.option("--deadline", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
                     help="Seconds for all outside checks of one vendor."),
    )(with_network)  # type: ignore[return-value]


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
    """The riskengine database (a path or a URL): ``--db``, else ``RISKENGINE_DB``, else riskengine.db in the
    user's data folder."""
    from riskengine.database import default_path

    return db_path if db_path is not None else default_path()
