"""Foreign questionnaires through the real command line: validate, assess with the vendor named, import; a
workbook riskengine does not know is refused in a few lines; openpyxl's warnings never reach the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from riskengine.cli.options import FORMATS
from riskengine.importers import FORMATS as IMPORTER_FORMATS
from riskengine.questionnaire.bank import load_bank
from tests.conftest import SAMPLES, FillFactory, run_cli
from tests.importers.builders import CORPUS, hecvat3_workbook, sig_workbook, with_extension

CAIQ = CORPUS / "questionnaires" / "instructure-caiq-v4.0.3.xlsx"
HECVAT4 = CORPUS / "questionnaires" / "educause-hecvat-v4.1.4-blank.xlsx"
corpus = pytest.mark.skipif(not CAIQ.is_file(), reason=f"the shared corpus is not at {CORPUS}")
OPENPYXL_NOISE = ("UserWarning", "openpyxl", "extension is not supported", "warn(msg)")


def test_the_cli_offers_every_format_the_importers_read() -> None:
    assert tuple(FORMATS) == tuple(IMPORTER_FORMATS)


@corpus
def test_validate_says_how_much_of_ours_a_caiq_covers() -> None:
    result = run_cli("validate", str(CAIQ))
    assert result.returncode == 0, result.stderr
    assert "caiq 4.0.3 through caiq-v4@" in result.stdout
    total = len(load_bank().questions())
    assert f"20 of our {total} questions answered (12 %), {total - 20} not covered" in result.stdout


@corpus
def test_assess_a_caiq_with_the_vendor_named_on_the_command_line(tmp_path: Path) -> None:
    result = run_cli("assess", str(CAIQ), "--inventory", str(SAMPLES / "inventory.yaml"), "--offline",
                     "--vendor-name", "Instructure, Inc.", "--vendor-product", "Canvas LMS",
                     "--vendor-domain", "instructure.com", "-o", str(tmp_path / "caiq.pdf"),
                     env={"RISKENGINE_DB": str(tmp_path / "register.db")})
    assert result.returncode == 5, result.stderr  # written, but the decision waits for answers CAIQ lacks
    assert result.stdout.startswith("Instructure, Inc.: more information needed")
    assert "missing PRV-01: not covered by the vendor's questionnaire; needed by KO-NO-DPA, PRV-DPA" in result.stderr
    saved = json.loads((tmp_path / "caiq.json").read_text())
    assert saved["vendor"]["domain"] == "instructure.com"
    assert saved["coverage"]["format"] == "caiq" and saved["coverage"]["answers_mapped"] == 20
    # name, product and domain came from the command line
    assert len(saved["not_covered"]) == len(load_bank().questions()) - 20 - 3
    assert (tmp_path / "caiq.pdf").read_bytes().startswith(b"%PDF")


def test_forcing_the_wrong_format_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), "--format", "caiq",
                     "-o", str(tmp_path / "wrong.pdf"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.strip()
    assert not (tmp_path / "wrong.pdf").exists()


@corpus
def test_import_writes_our_questionnaire_prefilled(tmp_path: Path) -> None:
    out = tmp_path / "instructure.xlsx"
    result = run_cli("import", str(CAIQ), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert f"answers mapped   20 of {len(load_bank().questions())}" in result.stdout
    validated = run_cli("validate", str(out))
    assert validated.returncode == 2  # the vendor still has to answer the questions CAIQ does not cover
    assert "required answer is missing" in validated.stderr


def test_a_k12cvat_is_refused_in_a_few_lines_that_say_how_to_read_it(tmp_path: Path) -> None:
    documentation = [("DOCU-01", "Yes", ""), ("DOCU-02", "No", ""), ("DOCU-03", "Yes", "")]
    path = hecvat3_workbook(tmp_path / "k12.xlsx", {"Documentation": documentation}, sheet_title="Vendor Response",
                            title_text="K12CVAT - Vendor Response", version="Version 1.0")
    result = run_cli("validate", str(path))
    assert result.returncode == 2 and not result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"{path}: 3 errors"
    assert 2 <= len(lines) - 1 <= 5, result.stderr
    assert lines[1].startswith(f"  error   {path}: looks like a CoSN K-12CVAT")
    assert f"riskengine import {path} --mapping MAPPING.yaml -o OUT.xlsx" in lines[2]
    assert "docs/importers.md#one-off-workbooks-the-generic-importer-mapped" in lines[3]
    assert "Traceback" not in result.stderr and "not found" not in result.stderr


def test_import_refuses_a_sig_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    result = run_cli("import", str(sig_workbook(tmp_path / "sig.xlsx")), "-o", str(out))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) <= 6
    assert "looks like a Shared Assessments SIG Lite" in result.stderr
    assert not out.exists()


@pytest.mark.skipif(not HECVAT4.is_file(), reason=f"the shared corpus is not at {CORPUS}")
@pytest.mark.parametrize("command", ["validate", "import"])
def test_no_openpyxl_warning_reaches_the_terminal_for_the_real_hecvat4(tmp_path: Path, command: str) -> None:
    """The blank HECVAT 4.1.4 has data validation, conditional formatting and unknown extensions on every tab."""
    args = ["-o", str(tmp_path / "out.xlsx")] if command == "import" else []
    result = run_cli(command, str(HECVAT4), *args)
    assert result.returncode == 0, result.stderr
    assert not any(noise in result.stderr.replace(str(tmp_path), "") for noise in OPENPYXL_NOISE), result.stderr


def test_no_openpyxl_warning_reaches_the_terminal_for_our_template(tmp_path: Path, filled: FillFactory) -> None:
    path = with_extension(filled("extended.xlsx"), part="xl/worksheets/sheet3.xml")
    result = run_cli("validate", str(path))
    assert result.returncode == 0, result.stderr
    assert "optional answer left blank" in result.stderr, "the reader's own warnings still show"
    assert not any(noise in result.stderr.replace(str(tmp_path), "") for noise in OPENPYXL_NOISE), result.stderr
