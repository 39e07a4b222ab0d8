"""The command line end to end, in child processes: outputs, exit codes, determinism."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import SAMPLES, FillFactory, run_cli

INVENTORY = str(SAMPLES / "inventory.yaml")
ORG = str(SAMPLES / "org-profile.yaml")
SAMPLE_NAMES = ["northwind-mail", "pixelpath-analytics", "glowup-loyalty"]


def assess(tmp_path: Path, name: str, *extra: str, questionnaire: Path | None = None):  # type: ignore[no-untyped-def]
    source = questionnaire or SAMPLES / f"{name}.xlsx"
    return run_cli("assess", str(source), "--inventory", INVENTORY, "--org", ORG, "--offline",
                   "-o", str(tmp_path / f"{name}.pdf"), "--json", str(tmp_path / f"{name}.json"), *extra)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_validates(name: str) -> None:
    result = run_cli("validate", str(SAMPLES / f"{name}.xlsx"), "--inventory", INVENTORY)
    assert result.returncode == 0, result.stderr
    assert "valid (" in result.stdout


def test_template_writes_the_blank_questionnaire(tmp_path: Path) -> None:
    result = run_cli("template", str(tmp_path / "blank.xlsx"))
    assert result.returncode == 0, result.stderr
    assert "12 sections" in result.stdout or "sections" in result.stdout
    blank = run_cli("validate", str(tmp_path / "blank.xlsx"))
    assert blank.returncode == 2
    assert "Vendor profile!D5 (VEN-01): required answer is missing" in blank.stderr


@pytest.fixture(scope="module")
def sample_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    for name in SAMPLE_NAMES:
        result = assess(out, name)
        assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_assess_writes_pdf_and_json_with_the_agreed_keys(sample_runs: Path, name: str) -> None:
    result = json.loads((sample_runs / f"{name}.json").read_text())
    for key in ("assessment_id", "vendor", "inputs", "versions", "risk", "findings", "tco", "graph", "evidence"):
        assert key in result
    assert result["risk"]["tier"] in ("low", "medium", "high", "critical")
    assert result["risk"]["decision"] in ("approve", "approve_with_conditions", "reject")
    questionnaire = next(i for i in result["inputs"] if i["role"] == "questionnaire")
    assert questionnaire["sha256"] == hashlib.sha256((SAMPLES / f"{name}.xlsx").read_bytes()).hexdigest()
    text = "".join(page.extract_text() for page in PdfReader(sample_runs / f"{name}.pdf").pages)
    assert result["vendor"]["legal_name"] in text
    assert result["assessment_id"] in text


def test_samples_span_the_decisions(sample_runs: Path) -> None:
    decisions = {name: json.loads((sample_runs / f"{name}.json").read_text())["risk"] for name in SAMPLE_NAMES}
    assert decisions["glowup-loyalty"]["decision"] == "reject"
    assert decisions["glowup-loyalty"]["knockouts"]
    assert decisions["northwind-mail"]["residual"] < decisions["pixelpath-analytics"]["residual"] \
        < decisions["glowup-loyalty"]["residual"]


def test_same_inputs_and_clock_give_the_same_bytes(sample_runs: Path, tmp_path: Path) -> None:
    result = assess(tmp_path, "northwind-mail")
    assert result.returncode == 0
    for suffix in (".pdf", ".json"):
        again = (tmp_path / f"northwind-mail{suffix}").read_bytes()
        assert again == (sample_runs / f"northwind-mail{suffix}").read_bytes()


def test_fail_on_gate_exits_3_and_still_writes_the_report(tmp_path: Path) -> None:
    result = assess(tmp_path, "glowup-loyalty", "--fail-on", "high")
    assert result.returncode == 3
    assert "decision gate" in result.stderr
    assert (tmp_path / "glowup-loyalty.pdf").exists()
    passing = assess(tmp_path, "northwind-mail", "--fail-on", "critical")
    assert passing.returncode == 0


def test_unknown_integration_system_is_a_warning_with_candidates_not_a_stop(filled: FillFactory,
                                                                          tmp_path: Path) -> None:
    """A misspelt system is listed for IT with the closest names; the report is written (exit 0), and the row is
    in the JSON's graph.unidentified and warnings, and a condition for IT."""
    from tests.conftest import sample_answers

    tables = sample_answers()["tables"]
    rows = [dict(row) for row in tables["INT-01"]]
    rows[0]["system"] = "Salesforce Sales Clowd"
    path = filled(tables={**tables, "INT-01": rows})
    result = assess(tmp_path, "misspelt", questionnaire=path)
    assert result.returncode == 0, result.stderr
    expected = ("Integrations!B7: integration with an unidentified system: 'Salesforce Sales Clowd' is not in the "
                "inventory; candidates: Salesforce Sales Cloud (spelling 'Salesforce Sales Cloud'); IT to confirm")
    assert f"  warning {expected}" in result.stderr
    written = json.loads((tmp_path / "misspelt.json").read_text())
    assert [row["written"] for row in written["graph"]["unidentified"]] == ["Salesforce Sales Clowd"]
    assert f"{expected}" in [f"{w['place']}: {w['message']}" for w in written["warnings"]]
    finding = next(f for f in written["findings"] if f["rule_id"] == "REQ-IDENTIFIED-SYSTEMS")
    assert finding["remediation"]["owner"] == "it"
    assert written["risk"]["decision"] == "approve_with_conditions"


def test_usage_error_exits_2_without_traceback(tmp_path: Path) -> None:
    result = run_cli("assess", str(tmp_path / "missing.xlsx"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    bad_clock = run_cli("template", str(tmp_path / "t.xlsx"), env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert bad_clock.returncode == 2
    assert "SOURCE_DATE_EPOCH" in bad_clock.stderr


def test_broken_profile_is_exit_2_with_rule_id(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    text = (SAMPLES.parent / "scoring" / "default.yaml").read_text()
    text = text.replace("fact: answer.SEC-01", "fact: answer.SEC-99", 1)
    profile.write_text(text)
    result = assess(tmp_path, "northwind-mail", "--profile", str(profile))
    assert result.returncode == 2
    assert "rule SEC-SSO: unknown fact 'answer.SEC-99'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_output_is_exit_2_with_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    result = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), "-o", str(blocker / "report.pdf"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot write {blocker / 'report.pdf'}")
    assert "Traceback" not in result.stderr


def test_markup_rtl_and_emoji_reach_the_pdf_literally(filled: FillFactory, tmp_path: Path) -> None:
    path = filled(VEN_01='Acme <b>R&D</b> שלום 🚀 </para>')
    result = assess(tmp_path, "markup", questionnaire=path)
    assert result.returncode == 0, result.stderr
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "markup.pdf").pages)
    assert "Acme <b>R&D</b>" in text
    vendor = json.loads((tmp_path / "markup.json").read_text())["vendor"]
    assert vendor["legal_name"] == 'Acme <b>R&D</b> שלום 🚀 </para>'


def test_a_workbook_that_is_no_questionnaire_we_know_says_so_in_a_few_lines(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Budget"  # type: ignore[union-attr]
    workbook.save(tmp_path / "budget.xlsx")
    result = run_cli("validate", str(tmp_path / "budget.xlsx"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert "looks like a workbook with sheets 'Budget' and no questionnaire riskengine knows" in lines[1]
    assert "--mapping MAPPING.yaml" in lines[2] and "docs/importers.md#one-off-workbooks" in lines[3]
    assert len(lines) == 4, "a header and three lines: what it looks like, how to read it, where to learn how"


def test_malformed_inventory_is_exit_2_with_its_line_and_nothing_written(tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text("systems:\n  - {id: crm, name: CRM, criticality: high\n")
    result = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), "--inventory", str(inventory),
                     "-o", str(tmp_path / "r.pdf"))
    assert result.returncode == 2
    assert f"{inventory}:" in result.stderr and "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inventory.yaml"]


@pytest.mark.parametrize("command", ["template", "assess", "tco", "import", "compare", "batch"])
def test_every_writer_offers_force_and_says_what_it_never_replaces(command: str) -> None:
    from click.testing import CliRunner

    from riskengine.cli import main

    result = CliRunner().invoke(main, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "--force" in result.output
    assert "riskengine did not write" in " ".join(result.output.split())


@pytest.mark.parametrize("command", ["validate", "import", "assess"])
def test_a_bad_source_date_epoch_is_refused_by_every_command_before_anything_is_written(
        command: str, tmp_path: Path) -> None:
    """One clock for every command (riskengine.clock): `import` used to ignore a bad value and date its output
    with the wall clock."""
    output = tmp_path / "out.xlsx" if command == "import" else tmp_path / "out.pdf"
    extra = [] if command == "validate" else ["-o", str(output)]
    result = run_cli(command, str(SAMPLES / "northwind-mail.xlsx"), *extra, env={"SOURCE_DATE_EPOCH": "20261124x"})
    assert result.returncode == 2
    assert "SOURCE_DATE_EPOCH: must be a whole number of seconds since 1970-01-01 UTC, got '20261124x'" \
        in result.stderr
    assert not output.exists() and not list(tmp_path.iterdir())
