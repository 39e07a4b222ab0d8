"""Foreign questionnaires through the real command line: validate, assess with the vendor named, import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from riskengine.cli import FORMATS
from riskengine.importers import FORMATS as IMPORTER_FORMATS
from riskengine.questionnaire.bank import load_bank
from tests.conftest import SAMPLES, run_cli
from tests.importers.builders import CORPUS

CAIQ = CORPUS / "questionnaires" / "instructure-caiq-v4.0.3.xlsx"
pytestmark = pytest.mark.skipif(not CAIQ.is_file(), reason=f"the shared corpus is not at {CORPUS}")


def test_the_cli_offers_every_format_the_importers_read() -> None:
    assert tuple(FORMATS) == tuple(IMPORTER_FORMATS)


def test_validate_says_how_much_of_ours_a_caiq_covers() -> None:
    result = run_cli("validate", str(CAIQ))
    assert result.returncode == 0, result.stderr
    assert "caiq 4.0.3 through caiq-v4@" in result.stdout
    total = len(load_bank().questions())
    assert f"20 of our {total} questions answered (12 %), {total - 20} not covered" in result.stdout


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


def test_import_writes_our_questionnaire_prefilled(tmp_path: Path) -> None:
    out = tmp_path / "instructure.xlsx"
    result = run_cli("import", str(CAIQ), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert f"answers mapped   20 of {len(load_bank().questions())}" in result.stdout
    validated = run_cli("validate", str(out))
    assert validated.returncode == 2  # the vendor still has to answer the questions CAIQ does not cover
    assert "required answer is missing" in validated.stderr
