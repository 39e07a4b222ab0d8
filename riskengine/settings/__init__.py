"""Settings set once: ``riskengine.toml`` names the inventory, the organisation profile, the policy, the register
and the network options that every command would otherwise repeat.

Where each setting comes from, lowest first; a later one wins:

    default        what riskengine does untold: no inventory, no organisation profile, the shipped policy, the
                   register in the user's data folder, online, 30 s for the outside checks
    file           riskengine.toml: ``--config PATH``, else ``RISKENGINE_CONFIG``, else the first riskengine.toml in
                   the working folder or one of its parents; a relative path in it is relative to the file
    environment    ``RISKENGINE_<NAME>``: ``RISKENGINE_DB``, ``RISKENGINE_OFFLINE``, ``RISKENGINE_ALLOW_NETWORK``
                   (several values separated by spaces or commas); a relative path is relative to the working folder
    command line   the option of the same name: ``--inventory``, ``--db``, ``--offline``/``--online``, ...

``effective_settings`` returns every setting with its value and where it came from (what ``riskengine config``
prints, file and line included). A problem in the file is a ``ConfigurationError`` holding every one with its line
(an unknown key with the closest known ones, a wrong type, a path that does not exist); one in the environment names
the variable.

This module imports no pydantic until a settings file is read: ``history`` and ``due`` without one start fast, and
the command line can be built with it. (So the result is a named tuple; the file is validated by a pydantic model,
``riskengine.settings.schema``.)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from riskengine.settings.keys import AUDIENCES, KEYS, Key, check_path, is_url

if TYPE_CHECKING:
    from riskengine.enrich.settings import NetworkSettings
    from riskengine.errors import Problem
    from riskengine.settings.mail import MailSettings

__all__ = ["CONFIG_ENVIRONMENT", "CONFIG_NAME", "KEYS", "EffectiveSettings", "Key", "Setting", "SigningSettings",
           "Source",
           "effective_settings", "find_settings_file"]

CONFIG_NAME = "riskengine.toml"
CONFIG_ENVIRONMENT = "RISKENGINE_CONFIG"
MAX_SETTINGS_BYTES = 1_000_000
"""A settings file is a few hundred bytes; a larger one is not read."""
_BY_NAME = {key.name: key for key in KEYS}


class SigningSettings(NamedTuple):
    """``[signing]``: what signs an approved report, and what a CLI sign-off is signed with (docs/signing.md)."""

    key: Path | None = None
    """The organisation's private key (PEM, or PKCS#12 holding its certificate); None: reports are not signed."""
    certificate: Path | None = None
    timestamp_url: str | None = None
    user_key: Path | None = None
    """This user's own key (``keys init --user``), its certificate beside it (``NAME.crt``)."""


class Source(NamedTuple):
    """Where a setting's value came from: ``default``, ``file`` (``where`` is ``path:line``), ``environment``
    (``where`` is the variable) or ``command line`` (``where`` is the option)."""

    kind: Literal["default", "file", "environment", "command line"]
    where: str = ""

    def __str__(self) -> str:
        if self.kind == "default":
            return "default"
        return self.where if self.kind == "file" else f"{self.kind} {self.where}"


class Setting(NamedTuple):
    """One setting in effect: its key, value and source."""

    key: Key
    value: object
    source: Source


class EffectiveSettings(NamedTuple):
    """Every setting in effect, with its source; the typed properties are what the commands use."""

    settings: tuple[Setting, ...]
    file: Path | None = None
    """The settings file read, if any."""
    found_by: str = ""
    """How the file was found: ``--config``, ``RISKENGINE_CONFIG``, or ``search`` (the working folder or a
    parent)."""

    def setting(self, name: str) -> Setting:
        return next(setting for setting in self.settings if setting.key.name == name)

    def value(self, name: str) -> object:
        return self.setting(name).value

    def _path(self, name: str) -> Path | None:
        value = self.value(name)
        return value if isinstance(value, Path) else None

    @property
    def inventory(self) -> Path | None:
        return self._path("inventory")

    @property
    def org(self) -> Path | None:
        return self._path("org")

    @property
    def policy(self) -> Path | None:
        return self._path("policy")

    @property
    def profile(self) -> Path | None:
        return self._path("profile")

    @property
    def bank(self) -> Path | None:
        return self._path("bank")

    @property
    def db(self) -> Path | str:
        """A SQLite file's path, or a database URL (``riskengine.database.locate``)."""
        value = self.value("db")
        assert isinstance(value, Path | str), "effective_settings always sets the database"
        return value

    @property
    def audience(self) -> str:
        return str(self.value("audience"))

    def signing(self) -> SigningSettings:
        """The signing key, certificate, timestamp service and user key in effect (``riskengine.signing``)."""
        url = self.value("signing.timestamp-url")
        return SigningSettings(key=self._path("signing.key"), certificate=self._path("signing.certificate"),
                               timestamp_url=url if isinstance(url, str) and url else None,
                               user_key=self._path("signing.user-key"))

    def network(self) -> NetworkSettings:
        """The ``NetworkSettings`` in effect. A malformed value (``--resolve`` without an address, a WHOIS server
        without a valid port, a network that is no CIDR) is a ``UsageError`` naming where it was set: the option,
        the environment variable, or the file and line; every one at once. A CA bundle that is not a regular file is
        refused (``riskengine.runfiles``)."""
        import ipaddress

        from riskengine.enrich.settings import NetworkSettings, parse_host_port
        from riskengine.errors import UsageError
        from riskengine.runfiles import RunFiles, check_run_files

        ca_bundle = self._path("network.ca-bundle")
        check_run_files(RunFiles.of(inputs=[("CA bundle", ca_bundle)]))
        problems: list[str] = []
        networks: list[str] = []
        for item in _strings(self.value("network.allow-network")):
            try:
                networks.append(str(ipaddress.ip_network(item, strict=False)))
            except ValueError as exc:
                problems.append(f"{self._where('network.allow-network')}: {exc}")
        overrides: dict[str, str] = {}
        for item in _strings(self.value("network.resolve")):
            host, _, address = item.partition(":")
            if not host or not address:
                problems.append(f"{self._where('network.resolve')} expects HOST:ADDR, got {item!r}")
            overrides[host.lower()] = address
        servers: dict[str, tuple[str, int] | None] = {}
        for name, port in (("network.whois-server", 43), ("network.dns-server", 53)):
            text = self.value(name)
            try:
                servers[name] = parse_host_port(text, port) if isinstance(text, str) else None
            except ValueError as exc:
                problems.append(f"{self._where(name)}: {exc}")
        if problems:
            raise UsageError("\n  ".join(problems))
        rdap = self.value("network.rdap-server")
        deadline = self.value("network.deadline")
        return NetworkSettings(
            offline=self.value("network.offline") is True, allow_networks=tuple(networks), resolve=overrides,
            whois_server=servers["network.whois-server"], dns_server=servers["network.dns-server"],
            rdap_base=rdap if isinstance(rdap, str) else None, ca_bundle=str(ca_bundle) if ca_bundle else None,
            deadline=float(deadline) if isinstance(deadline, int | float) else 30.0)

    def mail(self, environ: Mapping[str, str] | None = None) -> MailSettings:
        """The ``MailSettings`` in effect (``riskengine.settings.mail``), the password from
        ``RISKENGINE_SMTP_PASSWORD``; a missing or malformed setting is a ``UsageError`` naming where it was set."""
        from riskengine.settings.mail import parse_mail_settings

        names = ("mail.smtp", "mail.sender", "mail.public-url")
        timeout = self.value("mail.smtp-timeout")
        return parse_mail_settings(
            self.value("mail.smtp"), self.value("mail.sender"), self.value("mail.public-url"),
            ca_bundle=self._path("mail.smtp-ca-bundle"),
            timeout=float(timeout) if isinstance(timeout, int | float) else 30.0,
            environ=os.environ if environ is None else environ, where={name: self._where(name) for name in names})

    def _where(self, name: str) -> str:
        """Where a setting was set, to lead a message: ``--resolve``, ``RISKENGINE_RESOLVE``, or
        ``riskengine.toml:7: network.resolve``."""
        setting = self.setting(name)
        source = setting.source
        if source.kind == "file":
            return f"{source.where}: {name}"
        return source.where or setting.key.option


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list | tuple) else ()


def find_settings_file(cwd: Path) -> Path | None:
    """The first ``riskengine.toml`` in ``cwd`` or one of its parents, if any."""
    folder = cwd.absolute()
    for candidate in (folder / CONFIG_NAME, *(parent / CONFIG_NAME for parent in folder.parents)):
        if candidate.is_file():
            return candidate
    return None


def effective_settings(command_line: Mapping[str, object] | None = None, *, config: Path | None = None,
                       environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> EffectiveSettings:
    """Every setting in effect: ``command_line`` (setting name -> value given on the command line; a name absent or
    None is not given) over the environment (default: ``os.environ``) over the settings file over the defaults.

    The file is ``config`` if given, else ``RISKENGINE_CONFIG``, else the first riskengine.toml in ``cwd`` (default:
    the working folder) or its parents. Raises ``ConfigurationError`` with every problem of the file (each with its
    line) or of the environment (each with its variable), and ``UsageError`` for a named file that is missing.
    """
    environ = os.environ if environ is None else environ
    cwd = Path.cwd() if cwd is None else cwd
    given = {name: value for name, value in (command_line or {}).items() if value is not None and value != ()}
    unknown = sorted(set(given) - set(_BY_NAME))
    if unknown:
        raise ValueError(f"unknown settings {', '.join(unknown)}")
    file, found_by = _locate(config, environ, cwd)
    from_file = _read_file(file) if file is not None else {}
    from_environment = _read_environment(environ, cwd)
    settings: list[Setting] = []
    for key in KEYS:
        if key.name in given:
            value = given[key.name]
            option = key.off if value is False and key.off else key.option
            settings.append(Setting(key, value, Source("command line", option)))
        elif key.name in from_environment:
            settings.append(Setting(key, from_environment[key.name], Source("environment", key.environment)))
        elif key.name in from_file:
            value, line = from_file[key.name]
            settings.append(Setting(key, value, Source("file", f"{file}:{line}" if line else str(file))))
        else:
            settings.append(Setting(key, _default(key), Source("default")))
    return EffectiveSettings(settings=tuple(settings), file=file, found_by=found_by)


def _default(key: Key) -> object:
    if key.kind == "database":
        from riskengine.database import default_path

        return default_path()
    return key.default


def _locate(config: Path | None, environ: Mapping[str, str], cwd: Path) -> tuple[Path | None, str]:
    if config is not None:
        return _absolute(config, cwd), "--config"
    named = environ.get(CONFIG_ENVIRONMENT, "")
    if named:
        path = _absolute(Path(named).expanduser(), cwd)
        if not path.is_file():
            from riskengine.errors import UsageError

            raise UsageError(f"{CONFIG_ENVIRONMENT}: {path} {'is not a file' if path.exists() else 'does not exist'}")
        return path, CONFIG_ENVIRONMENT
    found = find_settings_file(cwd)
    return found, "search" if found is not None else ""


def _absolute(path: Path, cwd: Path) -> Path:
    return path if path.is_absolute() else cwd.absolute() / path


def _read_file(path: Path) -> dict[str, tuple[object, int | None]]:
    """The settings ``path`` holds: name -> (value, line); paths made absolute against the file's folder. The null
    device (``--config /dev/null``) holds none: how to run without the file a search would find."""
    from riskengine.runfiles import require_regular_file

    if path == Path(os.devnull):
        return {}
    from riskengine.settings.schema import read_settings

    require_regular_file(path)
    size = path.stat().st_size
    if size > MAX_SETTINGS_BYTES:
        from riskengine.errors import UnreadableFileError

        raise UnreadableFileError(str(path), f"{size:,} bytes is too large for a settings file (the limit is "
                                             f"{MAX_SETTINGS_BYTES:,})")
    return read_settings(path)


_SEPARATORS = re.compile(r"[\s,]+")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _read_environment(environ: Mapping[str, str], cwd: Path) -> dict[str, object]:
    """The settings the environment sets (an empty variable sets nothing), read by each key's kind."""
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for key in KEYS:
        text = environ.get(key.environment, "").strip()
        if not text:
            continue
        value, problem = read_value(key, text, base=cwd)
        if problem is not None:
            from riskengine.errors import Problem

            problems.append(Problem(place=key.environment, message=problem))
        else:
            values[key.name] = value
    if problems:
        from riskengine.errors import ConfigurationError

        raise ConfigurationError("the environment", problems)
    return values


def read_value(key: Key, text: str, *, base: Path) -> tuple[object, str | None]:
    """``text`` (from the environment) read as ``key``'s kind: the value and None, or None and what is wrong.

    A relative path is taken relative to ``base``, and checked as the kind asks (``check_path``); a database URL is
    kept as it is."""
    if key.kind == "database" and is_url(text):
        return text, None
    if key.kind in ("inventory", "file", "folder", "database"):
        path = Path(text).expanduser()
        path = path if path.is_absolute() else base / path
        return path, check_path(key, path)
    if key.kind == "audience":
        return (text, None) if text in AUDIENCES else (None, f"expected one of {', '.join(AUDIENCES)}, got {text!r}")
    if key.kind == "flag":
        word = text.lower()
        if word in _TRUE + _FALSE:
            return word in _TRUE, None
        return None, f"expected 1 or 0 (true/false, yes/no, on/off), got {text!r}"
    if key.kind == "list":
        return tuple(item for item in _SEPARATORS.split(text) if item), None
    if key.kind == "seconds":
        try:
            seconds = float(text)
        except ValueError:
            return None, f"expected a number of seconds, got {text!r}"
        return (seconds, None) if seconds >= 0.1 else (None, f"expected at least 0.1 seconds, got {text!r}")
    return text, None
