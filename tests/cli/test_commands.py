"""The CLI package: every command's help, one clock for every command that dates anything, a start without heavy
imports, and ``compare``'s network options (the same as ``assess``'s)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from riskengine.cli import main
from riskengine.settings import effective_settings
from tests.conftest import EPOCH, SAMPLES, run_cli

INVENTORY, ORG = str(SAMPLES / "inventory.yaml"), str(SAMPLES / "org-profile.yaml")
NORTHWIND, PIXELPATH = str(SAMPLES / "northwind-mail.xlsx"), str(SAMPLES / "pixelpath-analytics.xlsx")
BAD_EPOCH = "20261124x"


def _paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            found += _paths(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


COMMANDS = _paths(main)


def test_every_command_is_listed() -> None:
    assert {" ".join(path) for path in COMMANDS} == {
        "", "template", "validate", "import", "enrich", "explain", "inventory", "inventory check", "assess", "render",
        "tco", "batch", "compare", "history", "approve", "verify", "due", "register", "register check", "config",
        "serve", "user", "user add", "user list", "user set", "user password", "keys", "keys init", "sign",
        "discover", "invite", "remind"}


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_the_listing_says_what_each_command_says(width: int) -> None:
    """``riskengine --help`` lists the commands without importing their modules: from a table that must agree with
    each command's own short help, whatever the terminal's width."""
    from riskengine.cli import _COMMANDS, _listed

    context = click.Context(main)
    for name in _COMMANDS:
        command = main.get_command(context, name)
        assert command is not None and command.name == name
        assert _listed(name, width) == command.get_short_help_str(width), name


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "riskengine")
def test_every_commands_help_works(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="riskengine", terminal_width=120)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(" ".join(("Usage: riskengine", *path, "[OPTIONS]")))
    assert "-h, --help" in result.output


def _clocked(tmp_path: Path) -> dict[str, list[str]]:
    """Every command that dates what it writes or reads the day, with arguments that get it to the clock."""
    database = ["--db", str(tmp_path / "register.db")]
    return {
        "template": ["template", str(tmp_path / "blank.xlsx")],
        "validate": ["validate", NORTHWIND],
        "import": ["import", NORTHWIND, "-o", str(tmp_path / "ours.xlsx")],
        "assess": ["assess", NORTHWIND, "--offline", "-o", str(tmp_path / "r.pdf"), *database],
        "tco": ["tco", NORTHWIND, "--offline", "--json", str(tmp_path / "t.json"), *database],
        "batch": ["batch", str(SAMPLES), "--offline", "--workers", "1", "-o", str(tmp_path / "out"), *database],
        "compare": ["compare", NORTHWIND, PIXELPATH, "--offline", "-o", str(tmp_path / "c.pdf"), *database],
        "enrich": ["enrich", "northwindmail.example", "--offline", *database],
        "render": ["render", "RA-20261124-0000000000", "-o", str(tmp_path / "r.pdf"), *database],
        "approve": ["approve", "RA-20261124-0000000000", "--role", "it", "--by", "Sam Lee", "--decision", "approve",
                    *database],
        "due": ["due", *database],
    }


@pytest.mark.parametrize("command", sorted(_clocked(Path("."))))
def test_a_bad_source_date_epoch_is_exit_2_before_anything_is_written(command: str, tmp_path: Path) -> None:
    """One clock (riskengine.clock) for every command: a bad value is refused, never replaced by the wall clock."""
    result = CliRunner().invoke(main, _clocked(tmp_path)[command], env={"SOURCE_DATE_EPOCH": BAD_EPOCH})
    assert result.exit_code == 2, result.output
    assert f"SOURCE_DATE_EPOCH: must be a whole number of seconds since 1970-01-01 UTC, got '{BAD_EPOCH}'" \
        in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_cli_starts_without_importing_the_library() -> None:
    """``riskengine --help`` and the register's quick commands start fast: building the CLI imports click only."""
    code = ("import sys, riskengine.cli; print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'openpyxl', 'reportlab', 'numpy', 'pydantic', 'networkx', 'rich', 'platformdirs'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "[]"


def test_network_options_become_the_settings(tmp_path: Path) -> None:
    given = {"network.offline": True, "network.allow-network": ("127.0.0.0/8",),
             "network.resolve": ("Vendor.example:127.0.0.1",), "network.whois-server": "127.0.0.1:4343",
             "network.dns-server": "[::1]:5353", "network.deadline": 2.5}
    settings = effective_settings(given, environ={}, cwd=tmp_path).network()
    assert settings.offline and [str(network) for network in settings.allow_networks] == ["127.0.0.0/8"]
    assert settings.resolve == {"vendor.example": "127.0.0.1"}
    assert (settings.whois_server, settings.dns_server, settings.deadline) == (("127.0.0.1", 4343), ("::1", 5353), 2.5)


def _compare(tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["compare", NORTHWIND, PIXELPATH, "--inventory", INVENTORY, "--org", ORG,
                                     "--db", str(tmp_path / "register.db"), "-o", str(tmp_path / "c.pdf"),
                                     "--json", str(tmp_path / "c.json"), *extra],
                              env={"SOURCE_DATE_EPOCH": EPOCH, "RISKENGINE_OFFLINE": "", **(env or {})})


def test_compare_takes_the_network_options_of_assess(tmp_path: Path) -> None:
    """Each option reaches the settings: a malformed one is refused by the same builder as assess's."""
    refused = _compare(tmp_path, "--resolve", "no-address", "--allow-network", "127.0.0.0/8")
    assert refused.exit_code == 2 and "--resolve expects HOST:ADDR, got 'no-address'" in refused.stderr
    bad_server = _compare(tmp_path, "--whois-server", "127.0.0.1:port")
    assert bad_server.exit_code == 2 and "127.0.0.1:port" in bad_server.stderr
    missing_bundle = _compare(tmp_path, "--ca-bundle", str(tmp_path / "none.pem"))
    assert missing_bundle.exit_code == 2 and "does not exist" in missing_bundle.stderr
    assert not (tmp_path / "c.pdf").exists()


@pytest.mark.parametrize("offline", [["--offline"], []], ids=["flag", "environment"])
def test_compare_offline_assesses_each_candidate_as_assess_offline_does(tmp_path: Path, offline: list[str]) -> None:
    """The candidates carry the assessment ids ``assess --offline`` gives the same files with the same store (it
    used to assess them with no evidence at all, under ids no assessment in the register had)."""
    result = _compare(tmp_path, *offline, env={"RISKENGINE_OFFLINE": "1"} if not offline else None)
    assert result.exit_code == 0, result.output
    compared = {candidate["row"]["legal_name"]: candidate["row"]["assessment_id"]
                for candidate in json.loads((tmp_path / "c.json").read_text())["candidates"]}
    for questionnaire in (NORTHWIND, PIXELPATH):
        alone = run_cli("assess", questionnaire, "--inventory", INVENTORY, "--org", ORG, "--offline",
                        "--db", str(tmp_path / "register.db"), "-o", str(tmp_path / "alone.pdf"), "--force")
        assert alone.returncode == 0, alone.stderr
        assessed = json.loads((tmp_path / "alone.json").read_text())
        assert compared[assessed["vendor"]["legal_name"]] == assessed["assessment_id"]


def test_python_dash_m_runs_the_same_cli(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "northwind-mail.xlsx", tmp_path / "q.xlsx")
    result = run_cli("validate", str(tmp_path / "q.xlsx"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{tmp_path / 'q.xlsx'}: valid (")


@pytest.mark.parametrize("arguments", [["history"], ["due", "--as-of", "2026-11-24"]], ids=["history", "due"])
def test_the_quick_register_commands_import_no_pydantic(arguments: list[str], tmp_path: Path) -> None:
    """``history`` and ``due`` answer at once: no pydantic (nor any renderer) is imported to run them."""
    code = ("import sys\nfrom riskengine.cli import main\n"
            f"main.main({[*arguments, '--db', str(tmp_path / 'r.db')]!r}, standalone_mode=False)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'openpyxl', 'reportlab', 'numpy'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[]"


_PROCESS_STATE = ("import atexit, gc, os\n"
                  "atexit.register(lambda: print(gc.isenabled(), os.environ.get('OPENBLAS_NUM_THREADS')))\n"
                  "import runpy, sys\n"
                  "sys.argv = ['riskengine', *sys.argv[1:]]\n"
                  "runpy.run_module('riskengine', run_name='__main__')\n")


@pytest.mark.parametrize(("environment", "threads"), [({}, "1"), ({"OPENBLAS_NUM_THREADS": "3"}, "3")],
                         ids=["default", "the user's"])
def test_the_program_owns_its_process(environment: dict[str, str], threads: str, tmp_path: Path) -> None:
    """``python -m riskengine`` (as the console script) ends with the collector still off, so that no pass over
    the command's objects runs before exit, and numpy's BLAS on one thread unless the environment says more."""
    shutil.copy(SAMPLES / "northwind-mail.xlsx", tmp_path / "q.xlsx")
    env = {name: value for name, value in os.environ.items() if name != "OPENBLAS_NUM_THREADS"}
    result = subprocess.run([sys.executable, "-c", _PROCESS_STATE, "validate", str(tmp_path / "q.xlsx")],
                            capture_output=True, text=True, timeout=60, check=False, env={**env, **environment})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"False {threads}"
