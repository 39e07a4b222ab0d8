"""The settings file, riskengine.toml: parsed with ``tomllib``, validated by a pydantic model, every problem with its
line.

The file's keys are the settings of ``riskengine.settings.KEYS``: the network ones in a ``[network]`` table. An
unknown key names the closest known ones; a value of the wrong type, an audience that is not one, a path to an input
that does not exist are problems too, all reported at once (``ConfigurationError``). ``tomllib`` gives no positions,
so the line of each key is found by reading the file's lines (``_key_lines``): a key set in an inline table is
placed at its table's line.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from riskengine.errors import ConfigurationError, Problem
from riskengine.settings.keys import KEYS, check_path, is_url

_MODEL = ConfigDict(frozen=True, extra="forbid", strict=True, alias_generator=lambda name: name.replace("_", "-"))
"""Keys are written as the options are (``allow-network``); strict, so that ``offline = "yes"`` or
``deadline = "30"`` is an error rather than a guess."""


class NetworkTable(BaseModel):
    """``[network]``: how the outside checks may connect (``riskengine.enrich.settings``)."""

    model_config = _MODEL

    offline: bool | None = None
    allow_network: list[str] | None = None
    resolve: list[str] | None = None
    whois_server: str | None = None
    dns_server: str | None = None
    rdap_server: str | None = None
    ca_bundle: str | None = None
    deadline: float | None = Field(default=None, ge=0.1)


class SigningTable(BaseModel):
    """``[signing]``: the organisation's key and certificate that sign approved reports (docs/signing.md)."""

    model_config = _MODEL

    key: str | None = None
    certificate: str | None = None
    timestamp_url: str | None = None
    user_key: str | None = None
class MailTable(BaseModel):
    """``[mail]``: how invitations and reminders are sent (``riskengine.council.mail``). No password: it is read
    from the environment (``RISKENGINE_SMTP_PASSWORD``), never from a file."""

    model_config = _MODEL

    smtp: str | None = None
    sender: str | None = None
    public_url: str | None = None
    smtp_ca_bundle: str | None = None
    smtp_timeout: float | None = Field(default=None, ge=0.1)


class SettingsFile(BaseModel):
    """riskengine.toml: every key optional; paths relative to the file's folder."""

    model_config = _MODEL

    inventory: str | None = None
    org: str | None = None
    policy: str | None = None
    profile: str | None = None
    bank: str | None = None
    db: str | None = None
    audience: Literal["full", "it", "marketing", "compliance"] | None = None
    network: NetworkTable | None = None
    signing: SigningTable | None = None
    mail: MailTable | None = None


def read_settings(path: Path) -> dict[str, tuple[object, int | None]]:
    """The settings ``path`` sets: name (``network.deadline``) -> (value, line). Paths are made absolute against the
    file's folder and checked (an input must exist). Raises ``ConfigurationError`` with every problem."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise ConfigurationError(source, [Problem(place=source, message=f"not UTF-8 text ({exc.reason})")]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(source, [_syntax_problem(source, str(exc))]) from exc
    lines = _key_lines(text)

    def place(name: str) -> str:
        line = _line(lines, name)
        return f"{source}:{line}" if line else source

    problems: list[Problem] = []
    try:
        SettingsFile.model_validate(data)
    except ValidationError as exc:
        problems += [_problem(error, place) for error in exc.errors()]
    flat = _flatten(data)  # the file's own keys are the model's aliases
    values: dict[str, tuple[object, int | None]] = {}
    for key in KEYS:
        value = flat.get(key.name)
        if value is None or any(problem.message.startswith(f"{key.name}: ") for problem in problems):
            continue
        if key.kind == "database" and is_url(str(value)):
            value = str(value)
        elif key.kind in ("inventory", "file", "folder", "database"):
            given = Path(str(value)).expanduser()
            value = given if given.is_absolute() else path.parent / given
            problem = check_path(key, value) if str(given) not in ("", ".") else "an empty path; leave the key out"
            if problem is not None:
                problems.append(Problem(place=place(key.name), message=f"{key.name}: {problem}"))
                continue
        elif key.kind == "list":
            value = tuple(str(item) for item in value) if isinstance(value, list) else ()
        values[key.name] = (value, _line(lines, key.name))
    if problems:
        raise ConfigurationError(source, sorted(problems, key=lambda problem: _place_line(problem.place)))
    return values


def _place_line(place: str) -> int:
    number = place.rpartition(":")[2]
    return int(number) if number.isdigit() else 0


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


_KNOWN = {key.name for key in KEYS} | {"network", "signing", "mail"}
_SYNONYMS = {"timeout": "deadline", "timeouts": "deadline", "register": "db", "database": "db",
             "organisation": "org", "org-profile": "org", "offline-mode": "offline", "password": "smtp (the password: "
             "RISKENGINE_SMTP_PASSWORD in the environment, never the file)", "smtp-password": "smtp (the password: "
             "RISKENGINE_SMTP_PASSWORD in the environment, never the file)", "from": "sender"}
"""Words a reader may reach for that spell differently from the setting: suggested by meaning, not by letters."""


def _problem(error: Any, place: Any) -> Problem:
    """A pydantic error as a problem at the key's line: an unknown key with the closest known ones, a wrong type with
    what was found."""
    name = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        level = name.rpartition(".")[0]
        siblings = sorted(known.rpartition(".")[2] for known in _KNOWN
                          if known.rpartition(".")[0] == level and known != level)
        given = name.rpartition(".")[2]
        close = [_SYNONYMS[given]] if given in _SYNONYMS else difflib.get_close_matches(given, siblings, n=3,
                                                                                        cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        return Problem(place=place(name), message=f"{name}: unknown setting{hint} (known here: {', '.join(siblings)})")
    if error["type"] == "model_type":
        return Problem(place=place(name), message=f"{name}: expected a table ([{name}]), got {_shown(error['input'])}")
    return Problem(place=place(name), message=f"{name}: {error['msg'][:1].lower()}{error['msg'][1:]}, got "
                                              f"{_shown(error['input'])}")


def _shown(value: object) -> str:
    return f"{value!r}" if not isinstance(value, bool) else str(value).lower()


_SYNTAX_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)$")


def _syntax_problem(source: str, message: str) -> Problem:
    found = _SYNTAX_LINE.search(message)
    if found is None:
        return Problem(place=source, message=f"not valid TOML: {message}")
    return Problem(place=f"{source}:{found.group(1)}", message=f"not valid TOML: {message[:found.start()]}")


_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\- \"]+?)\s*\]\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\")(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"))*)\s*=")


def _key_lines(text: str) -> dict[str, int]:
    """The line of each key of a TOML text (``network.deadline`` -> 7), its first occurrence: enough to place a
    problem, not a parser (a line inside a multi-line string that looks like a key may be taken for one)."""
    lines: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE.match(line)
        if header is not None:
            table = _dotted(header.group(1))
            lines.setdefault(table, number)
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment is not None:
            lines.setdefault(f"{table}.{_dotted(assignment.group(1))}" if table else _dotted(assignment.group(1)),
                             number)
    return lines


def _dotted(key: str) -> str:
    return ".".join(part.strip().strip('"') for part in key.split("."))


def _line(lines: dict[str, int], name: str) -> int | None:
    """The line of ``name``, else of the nearest table holding it."""
    while name:
        if name in lines:
            return lines[name]
        name = name.rpartition(".")[0]
    return None
