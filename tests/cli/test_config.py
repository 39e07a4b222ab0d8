"""Settings set once (riskengine.toml, the environment, the command line; ``riskengine config``), what an assessment
without an inventory or an organisation profile says it did not consider, and a demo that keeps to its own register.
Through the real command line: click's runner in this process, ``make demo`` in a child."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from riskengine.cli import main
from riskengine.settings import CONFIG_ENVIRONMENT, KEYS
from tests.conftest import EPOCH, ROOT, SAMPLES

NORTHWIND = SAMPLES / "northwind-mail.xlsx"
CLEAN = {key.environment: None for key in KEYS} | {CONFIG_ENVIRONMENT: None, "SOURCE_DATE_EPOCH": EPOCH}
"""The environment of every run: no RISKENGINE_* variable of the machine's reaches it."""
NO_INVENTORY = "no inventory: integrations, duplicates and blast radius not assessed"
NO_ORG = ("no organisation profile: costs in EUR at default rates over 3 years; data regions not checked against "
          "approved ones")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env={**CLEAN, **(env or {})}, terminal_width=200)


def _settings(*args: str, env: dict[str, str] | None = None) -> dict[str, dict[str, object]]:
    result = _run("config", "--json", *args, env=env)
    assert result.exit_code == 0, result.output
    shown: dict[str, dict[str, object]] = json.loads(result.stdout)["settings"]
    return shown


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A team folder: riskengine.toml naming the inventory and org profile beside it (relative paths), a register in
    a subfolder, offline, audience it, a 12-second deadline; the working folder is two levels below it."""
    shutil.copy(SAMPLES / "inventory.yaml", tmp_path / "inventory.yaml")
    (tmp_path / "profiles").mkdir()
    shutil.copy(SAMPLES / "org-profile.yaml", tmp_path / "profiles" / "org.yaml")
    (tmp_path / "riskengine.toml").write_text(
        "# the team's settings\n"
        'inventory = "inventory.yaml"\n'
        'org = "profiles/org.yaml"\n'
        'db = "register/riskengine.db"\n'
        'audience = "it"\n'
        "\n"
        "[network]\n"
        "offline = true\n"
        "deadline = 12\n", encoding="utf-8")
    work = tmp_path / "vendors" / "2026"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    return tmp_path


def test_a_file_in_a_parent_folder_is_found_and_its_paths_are_relative_to_it(team: Path) -> None:
    settings = _settings()
    toml = team / "riskengine.toml"
    assert settings["inventory"] == {"value": str(team / "inventory.yaml"), "source": f"{toml}:2",
                                     "option": "--inventory", "environment": "RISKENGINE_INVENTORY"}
    assert (settings["org"]["value"], settings["org"]["source"]) == (str(team / "profiles" / "org.yaml"), f"{toml}:3")
    assert (settings["db"]["value"], settings["db"]["source"]) == (str(team / "register" / "riskengine.db"),
                                                                   f"{toml}:4")
    assert (settings["audience"]["value"], settings["audience"]["source"]) == ("it", f"{toml}:5")
    assert (settings["network.offline"]["value"], settings["network.offline"]["source"]) == (True, f"{toml}:8")
    assert (settings["network.deadline"]["value"], settings["network.deadline"]["source"]) == (12, f"{toml}:9")
    assert (settings["profile"]["value"], settings["profile"]["source"]) == (None, "default")


def test_default_then_file_then_environment_then_command_line(team: Path) -> None:
    other = team / "other-inventory.yaml"
    shutil.copy(SAMPLES / "inventory.yaml", other)
    env = {"RISKENGINE_AUDIENCE": "marketing", "RISKENGINE_DEADLINE": "5", "RISKENGINE_INVENTORY": str(other)}
    settings = _settings("--audience", "compliance", "--online", env=env)
    toml = team / "riskengine.toml"
    assert (settings["bank"]["value"], settings["bank"]["source"]) == (None, "default")
    assert (settings["org"]["value"], settings["org"]["source"]) == (str(team / "profiles" / "org.yaml"), f"{toml}:3")
    assert (settings["inventory"]["value"], settings["inventory"]["source"]) == (str(other),
                                                                                 "environment RISKENGINE_INVENTORY")
    assert (settings["network.deadline"]["value"], settings["network.deadline"]["source"]) == (
        5.0, "environment RISKENGINE_DEADLINE")
    assert (settings["audience"]["value"], settings["audience"]["source"]) == ("compliance",
                                                                               "command line --audience")
    assert (settings["network.offline"]["value"], settings["network.offline"]["source"]) == (False,
                                                                                             "command line --online")


def test_config_and_the_environment_name_another_file(team: Path, tmp_path: Path) -> None:
    """--config beats RISKENGINE_CONFIG, which beats the file found by searching; relative to the named file."""
    (team / "named").mkdir()
    named = team / "named" / "settings.toml"
    named.write_text('audience = "marketing"\ndb = "named.db"\n', encoding="utf-8")
    flagged = team / "flagged.toml"
    flagged.write_text('audience = "compliance"\n', encoding="utf-8")
    by_environment = _settings(env={CONFIG_ENVIRONMENT: str(named)})
    assert (by_environment["audience"]["value"], by_environment["audience"]["source"]) == ("marketing", f"{named}:1")
    assert by_environment["db"]["value"] == str(team / "named" / "named.db")
    assert by_environment["inventory"]["source"] == "default", "only one file is read"
    by_option = _settings("--config", str(flagged), env={CONFIG_ENVIRONMENT: str(named)})
    assert (by_option["audience"]["value"], by_option["audience"]["source"]) == ("compliance", f"{flagged}:1")
    assert by_option["db"]["source"] == "default"
    text = _run("config", "--config", str(flagged))
    assert text.stdout.splitlines()[0] == f"settings file: {flagged} (given with --config)"


def test_without_a_file_every_setting_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = _run("config", env={"XDG_DATA_HOME": str(tmp_path / "data")})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"settings file: none (riskengine.toml is looked for in {tmp_path} and its parents")
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["inventory"] == ["inventory", "(none)", "default"]
    assert rows["db"] == ["db", str(tmp_path / "data" / "riskengine" / "riskengine.db"), "default"]
    assert rows["audience"] == ["audience", "full", "default"]
    assert rows["network.offline"] == ["network.offline", "false", "default"]
    assert rows["network.deadline"] == ["network.deadline", "30", "default"]
    assert list(rows) == [key.name for key in KEYS]


def test_config_prints_each_setting_with_its_source(team: Path) -> None:
    result = _run("config", "--whois-server", "127.0.0.1:4343", env={"RISKENGINE_DB": "elsewhere.db"})
    assert result.exit_code == 0, result.output
    toml = team / "riskengine.toml"
    lines = result.stdout.splitlines()
    assert lines[0] == f"settings file: {toml} (found in the working folder or a parent)"
    rows = {line.split()[0]: (line.split()[1], " ".join(line.split()[2:])) for line in lines[1:]}
    assert rows["inventory"] == (str(team / "inventory.yaml"), f"{toml}:2")
    assert rows["db"] == (str(Path.cwd() / "elsewhere.db"), "environment RISKENGINE_DB")
    assert rows["network.whois-server"] == ("127.0.0.1:4343", "command line --whois-server")
    assert rows["network.resolve"] == ("(none)", "default")
    assert result.stderr == "", "config shows the file itself: no notice"


def test_the_database_may_be_a_url_whose_password_is_never_shown(team: Path) -> None:
    """A URL in riskengine.toml, the environment or --db is kept as it is (not made a path relative to the file);
    ``config`` shows it with its password as ***, in the listing and in the JSON."""
    toml = team / "riskengine.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'db = "register/riskengine.db"', 'db = "postgresql://ada:s3cret@db.example:5432/risk"'), encoding="utf-8")
    settings = _settings()
    assert (settings["db"]["value"], settings["db"]["source"]) == ("postgresql://ada:***@db.example:5432/risk",
                                                                   f"{toml}:4")
    assert _settings(env={"RISKENGINE_DB": "sqlite:///team.db"})["db"] == {
        "value": "sqlite:///team.db", "source": "environment RISKENGINE_DB", "option": "--db",
        "environment": "RISKENGINE_DB"}
    assert _settings("--db", "postgresql://ada:other@127.0.0.1/x")["db"]["value"] == "postgresql://ada:***@127.0.0.1/x"
    listing = _run("config")
    assert listing.exit_code == 0, listing.output
    assert "  db  " in listing.stdout and "postgresql://ada:***@db.example:5432/risk" in listing.stdout
    assert "s3cret" not in listing.output


def test_problems_in_the_file_are_listed_with_their_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "riskengine.toml").write_text(
        'inventory = "missing.yaml"\n'
        'audiance = "it"\n'
        "org = 3\n"
        "\n"
        "[network]\n"
        'offline = "yes"\n'
        "timeout = 5\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    toml = tmp_path / "riskengine.toml"
    for command in (["config"], ["assess", str(NORTHWIND), "-o", "r.pdf"], ["history"]):
        result = _run(*command)
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines() == [
            f"error: {toml} is invalid:",
            f"  {toml}:1: inventory: {tmp_path / 'missing.yaml'} does not exist",
            f"  {toml}:2: audiance: unknown setting; did you mean audience? (known here: audience, bank, db, "
            "inventory, mail, network, org, policy, profile, signing)",
            f"  {toml}:3: org: input should be a valid string, got 3",
            f"  {toml}:6: network.offline: input should be a valid boolean, got 'yes'",
            f"  {toml}:7: network.timeout: unknown setting; did you mean deadline? (known here: allow-network, "
            "ca-bundle, deadline, dns-server, offline, rdap-server, resolve, whois-server)",
        ]
        assert "Traceback" not in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["riskengine.toml"], "nothing written"


def test_a_file_that_is_not_toml_names_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('audience = "it"\n[network\n', encoding="utf-8")
    result = _run("config", "--config", str(broken))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1].startswith(f"  {broken}:2: not valid TOML: ")


def test_a_malformed_network_value_names_where_it_was_set(team: Path) -> None:
    toml = team / "riskengine.toml"
    toml.write_text(toml.read_text() + 'resolve = ["no-address"]\n', encoding="utf-8")
    result = _run("config")
    assert result.exit_code == 2
    assert result.stderr == f"error: {toml}:10: network.resolve expects HOST:ADDR, got 'no-address'\n"
    bad_environment = _run("config", env={"RISKENGINE_OFFLINE": "maybe"})
    assert bad_environment.exit_code == 2
    assert bad_environment.stderr == ("error: the environment is invalid:\n  RISKENGINE_OFFLINE: expected 1 or 0 "
                                      "(true/false, yes/no, on/off), got 'maybe'\n")


def test_assess_takes_its_settings_from_the_file_and_says_so(team: Path) -> None:
    """The same result as with every option spelt out, recorded in the file's register, announced on stderr."""
    result = _run("assess", str(NORTHWIND), "-o", "northwind.pdf")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (f"settings from {team / 'riskengine.toml'}: inventory, org, db, "
                                             "audience, network.offline, network.deadline")
    assert "warning" not in result.stderr
    written = json.loads(Path("northwind.json").read_text())
    assert written["not_considered"] == []
    assert {item["role"] for item in written["inputs"]} >= {"inventory", "org_profile"}
    spelt_out = _run("assess", str(NORTHWIND), "--inventory", str(SAMPLES / "inventory.yaml"), "--org",
                     str(SAMPLES / "org-profile.yaml"), "--offline", "--audience", "it", "--config", os.devnull,
                     "--db", "spelt.db", "-o", "spelt.pdf")
    assert spelt_out.exit_code == 0, spelt_out.output
    assert json.loads(Path("spelt.json").read_text())["risk"] == written["risk"]
    with sqlite3.connect(team / "register" / "riskengine.db") as register:
        assert register.execute("SELECT assessment_id FROM assessments").fetchall() == [(written["assessment_id"],)]
    history = _run("history")
    assert history.exit_code == 0 and "Northwind Mailworks B.V." in history.stdout


def test_assess_without_inventory_or_org_warns_and_the_report_and_json_say_so(tmp_path: Path) -> None:
    database = ["--db", str(tmp_path / "register.db"), "--offline", "--config", os.devnull]
    bare = _run("assess", str(NORTHWIND), "-o", str(tmp_path / "bare.pdf"), *database)
    assert bare.exit_code == 0, bare.output
    assert bare.stderr.splitlines() == [f"warning: {NO_INVENTORY}", f"warning: {NO_ORG}"]
    result = json.loads((tmp_path / "bare.json").read_text())
    assert result["not_considered"] == [{"role": "inventory", "effect": NO_INVENTORY},
                                        {"role": "org_profile", "effect": NO_ORG}]
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(tmp_path / "bare.pdf").pages]
    assert f"Not considered {_capitalised(NO_INVENTORY)} {_capitalised(NO_ORG)}" in pages[0], "on the cover"
    inputs = next(page for page in pages if "Inputs The files this assessment read" in page)
    listed = inputs.replace("\x7f", "•")  # the bullet's glyph, as pypdf reads it
    assert ("Not considered This assessment was run without these inputs, so what each one feeds was not assessed: "
            f"• {_capitalised(NO_INVENTORY)} • {_capitalised(NO_ORG)} Versions") in listed
    with_org = _run("assess", str(NORTHWIND), "--org", str(SAMPLES / "org-profile.yaml"),
                    "-o", str(tmp_path / "org.pdf"), *database)
    assert with_org.stderr.splitlines() == [f"warning: {NO_INVENTORY}"]
    whole = _run("assess", str(NORTHWIND), "--org", str(SAMPLES / "org-profile.yaml"), "--inventory",
                 str(SAMPLES / "inventory.yaml"), "-o", str(tmp_path / "whole.pdf"), *database)
    assert whole.stderr == ""
    assert json.loads((tmp_path / "whole.json").read_text())["not_considered"] == []
    assert "Not considered" not in PdfReader(tmp_path / "whole.pdf").pages[0].extract_text()
    assert result["risk"]["residual"] < json.loads((tmp_path / "whole.json").read_text())["risk"]["residual"], \
        "what was left out lowered the residual: why it must be said"


def test_tco_and_batch_warn_of_what_they_do_not_consider(tmp_path: Path) -> None:
    common = ["--db", str(tmp_path / "register.db"), "--offline", "--config", os.devnull]
    tco = _run("tco", str(NORTHWIND), "--inventory", str(SAMPLES / "inventory.yaml"), *common)
    assert tco.exit_code == 0, tco.output
    assert tco.stderr.splitlines() == [f"warning: {NO_ORG}"]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(NORTHWIND, inbox / "northwind-mail.xlsx")
    batch = _run("batch", str(inbox), "--workers", "1", "-o", str(tmp_path / "out"), *common)
    assert batch.exit_code == 0, batch.output
    assert batch.stderr.splitlines()[:2] == [f"warning: {NO_INVENTORY}", f"warning: {NO_ORG}"]
    assert [item["role"] for item in json.loads((tmp_path / "out" / "northwind-mail.json").read_text())[
        "not_considered"]] == ["inventory", "org_profile"]


def test_the_demo_keeps_to_its_own_register_and_never_touches_home(tmp_path: Path) -> None:
    """``make demo`` as it is written (with the test's Python and an output folder of its own): the register is
    out/riskengine.db, and HOME (and the data folder under it) stays empty."""
    home = tmp_path / "home"
    home.mkdir()
    out = tmp_path / "out"
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("RISKENGINE_") and name != "SOURCE_DATE_EPOCH"}
    environment.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"),
                       XDG_CACHE_HOME=str(home / ".cache"), XDG_CONFIG_HOME=str(home / ".config"))
    bin_folder = tmp_path / "bin"  # the program `riskengine` of the tree under test, run by this test's Python
    bin_folder.mkdir()
    (bin_folder / "riskengine").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m riskengine "$@"\n')
    (bin_folder / "riskengine").chmod(0o755)
    result = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "demo", f"OUT={out}", "STAMP=",
                             f"BIN={bin_folder}"], env=environment, capture_output=True, text=True, timeout=600,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"reports in {out}/, recorded in {out}/riskengine.db"
    assert list(home.rglob("*")) == [], "nothing is written under HOME"
    with sqlite3.connect(out / "riskengine.db") as register:
        names = sorted(name for (name,) in register.execute("SELECT name FROM vendors"))
    assert names == ["GlowUp Technologies Pte. Ltd.", "Northwind Mailworks B.V.", "PixelPath Labs, Inc."]
    for name in ("northwind-mail", "pixelpath-analytics", "glowup-loyalty"):
        assert json.loads((out / f"{name}.json").read_text())["not_considered"] == [], "the samples' settings apply"


def test_the_worked_example_of_the_docs_is_its_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/configuration.md: its riskengine.toml, and what config and assess print with it, line for line (the
    example's folder is /tmp/acme; here it is a temporary one)."""
    import re

    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    toml = re.search(r"```toml\n(.*?)```", doc, re.DOTALL)
    session = re.search(r"```sh\n\$ cd /tmp/acme/vendors/2026-q4\n(.*?)```", doc, re.DOTALL)
    assert toml is not None and session is not None
    (tmp_path / "riskengine.toml").write_text(toml.group(1), encoding="utf-8")
    shutil.copy(SAMPLES / "inventory.yaml", tmp_path / "inventory.yaml")
    shutil.copy(SAMPLES / "org-profile.yaml", tmp_path / "org-profile.yaml")
    work = tmp_path / "vendors" / "2026-q4"
    work.mkdir(parents=True)
    shutil.copy(NORTHWIND, work / "northwind-mail.xlsx")
    monkeypatch.chdir(work)
    shown = session.group(1).replace("/tmp/acme", str(tmp_path))
    for command, expected in re.findall(r"^\$ riskengine (.*?)\n(.*?)(?=^\$ |\Z)", shown, re.DOTALL | re.MULTILINE):
        result = _run(*command.split())
        assert result.exit_code == 0, result.output
        assert _words(result.output) == _words(expected), command  # the columns' width follows the path's


def _words(text: str) -> list[str]:
    """The lines, spaces folded, and assessment ids as ``RA-<date>-<id>``: an id hashes the policy's files too, so it
    changes with any wording, and the example shows where it is printed, not which it is."""
    import re

    return [re.sub(r"RA-\d{8}-[0-9A-F]{10}", "RA-<date>-<id>", " ".join(line.split())) for line in text.splitlines()]
