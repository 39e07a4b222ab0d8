"""``config``: the settings in effect, each with where it came from (``riskengine.settings``)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import click

from riskengine.cli.options import (
    NetworkOptions,
    PolicyOptions,
    audience_option,
    configured,
    inventory_option,
    json_flag,
    network_options,
    org_option,
    policy_options,
    settings_in_effect,
)

if TYPE_CHECKING:
    from riskengine.settings import EffectiveSettings, Setting

VALUE_WIDTH = 48
"""The values' column; a longer value (a deep path) pushes its source to the right."""


@click.command("config")
@functools.partial(configured, announce=False)
@inventory_option()
@org_option
@policy_options
@network_options
@audience_option("the PDF")
@json_flag("Print the settings as JSON: each with its value and source.")
def config_command(inventory: Path | None, org_profile: Path | None, policy: PolicyOptions, audience: str,
                   db_path: Path, network: NetworkOptions, as_json: bool) -> None:
    """Show the settings in effect and where each came from: default, file:line, environment or command line.

    \b
    riskengine config
    riskengine config --config team.toml --json
    riskengine config --inventory other.yaml --online   what assess would use with these options

    The settings file is --config PATH, else RISKENGINE_CONFIG, else the first riskengine.toml in the working
    folder or its parents; a relative path in it is relative to the file. The environment (RISKENGINE_DB,
    RISKENGINE_OFFLINE, ... one per setting) overrides the file, and an option overrides both. A problem in the
    file is listed with its line (exit 2), and so is a malformed network value. See docs/configuration.md.
    """
    effective = settings_in_effect()
    network.settings()  # a malformed network value is an error here too, naming where it was set
    if as_json:
        import json

        click.echo(json.dumps({
            "file": str(effective.file) if effective.file else None,
            "found_by": effective.found_by or None,
            "settings": {setting.key.name: {"value": _json_value(setting.value), "source": str(setting.source),
                                            "option": setting.key.option, "environment": setting.key.environment}
                         for setting in effective.settings},
        }, indent=2))
        return
    click.echo(_file_line(effective))
    width = max(len(setting.key.name) for setting in effective.settings)
    for setting in effective.settings:
        shown = _text(setting)
        click.echo(f"  {setting.key.name:<{width}}  {shown:<{VALUE_WIDTH}}  {setting.source}".rstrip())


def _file_line(effective: EffectiveSettings) -> str:
    from riskengine.settings import CONFIG_ENVIRONMENT, CONFIG_NAME

    if effective.file is None:
        return (f"settings file: none ({CONFIG_NAME} is looked for in {Path.cwd()} and its parents; --config or "
                f"{CONFIG_ENVIRONMENT} names one)")
    how = {"--config": "given with --config", CONFIG_ENVIRONMENT: f"named by {CONFIG_ENVIRONMENT}",
           "search": "found in the working folder or a parent"}[effective.found_by]
    return f"settings file: {effective.file} ({how})"


def _text(setting: Setting) -> str:
    value = setting.value
    if value is None or value == ():
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _json_value(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value
