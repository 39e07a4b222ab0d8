"""``riskengine compare``, run in this process by riskengine's own command group (which maps errors to exit codes)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from riskengine.cli import main
from riskengine.portfolio import Comparison
from tests.conftest import EPOCH, SAMPLES, STORE, FillFactory

ENV = {"SOURCE_DATE_EPOCH": EPOCH, "RISKENGINE_OFFLINE": "1", "RISKENGINE_DB": str(STORE)}


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, ["compare", *args], env=ENV)


def _sample_args() -> list[str]:
    return ["--inventory", str(SAMPLES / "inventory.yaml"), "--org", str(SAMPLES / "org-profile.yaml")]


def test_compare_writes_the_pdf_and_the_json(tmp_path: Path) -> None:
    pdf, json_path = tmp_path / "out" / "comparison.pdf", tmp_path / "out" / "comparison.json"
    result = _run(str(SAMPLES / "pixelpath-analytics.xlsx"), str(SAMPLES / "northwind-mail.xlsx"),
                  *_sample_args(), "-o", str(pdf), "--json", str(json_path))
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    comparison = Comparison.model_validate_json(json_path.read_bytes())
    recommended = comparison.candidate(comparison.recommended or "")
    assert (recommended.letter, recommended.row.legal_name) == ("B", "Northwind Mailworks B.V.")
    assert json.loads(json_path.read_text())["created"].startswith("2026-11-24T09:00:00")
    assert "Northwind Mailworks B.V. is recommended: tier Low" in result.output
    assert f"wrote {pdf} and {json_path}" in result.output
    assert sorted(path.name for path in pdf.parent.iterdir()) == ["comparison.json", "comparison.pdf"]


def test_same_inputs_give_the_same_files(tmp_path: Path) -> None:
    outputs = []
    for run in ("one", "two"):
        pdf = tmp_path / run / "c.pdf"
        result = _run(str(SAMPLES / "northwind-mail.xlsx"), str(SAMPLES / "glowup-loyalty.xlsx"),
                      *_sample_args(), "-o", str(pdf), "--json", str(pdf.with_suffix(".json")))
        assert result.exit_code == 0, result.output
        outputs.append((pdf.read_bytes(), pdf.with_suffix(".json").read_bytes()))
    assert outputs[0] == outputs[1]


def test_a_bad_questionnaire_stops_everything_with_exit_2(filled: FillFactory,
                                                          tmp_path: Path) -> None:
    bad = filled("bad.xlsx", DAT_01="yep")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook at all")
    pdf = tmp_path / "out" / "comparison.pdf"
    result = _run(str(SAMPLES / "northwind-mail.xlsx"), str(bad), str(broken), *_sample_args(), "-o",
                  str(pdf), "--json", str(tmp_path / "out" / "comparison.json"))
    assert result.exit_code == 2, result.output
    assert not pdf.parent.exists()  # nothing written, not even the folder
    # the problem, placed in its file
    assert f"{bad} Data handled!D5 (DAT-01)" in result.output and '"yep"' in result.output
    assert str(broken) in result.output  # the second bad file is reported in the same run


def test_one_questionnaire_is_a_usage_error(tmp_path: Path) -> None:
    pdf = tmp_path / "comparison.pdf"
    result = _run(str(SAMPLES / "northwind-mail.xlsx"), "-o", str(pdf))
    assert result.exit_code == 2
    assert "at least two questionnaires" in result.output
    assert not pdf.exists()


def test_the_same_questionnaire_twice_is_a_usage_error(tmp_path: Path) -> None:
    pdf = tmp_path / "comparison.pdf"
    result = _run(str(SAMPLES / "northwind-mail.xlsx"), str(SAMPLES / "northwind-mail.xlsx"), "-o", str(pdf))
    assert result.exit_code == 2
    assert "given twice" in result.output
    assert not pdf.exists()


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = _run(str(SAMPLES / "northwind-mail.xlsx"), str(tmp_path / "nope.xlsx"), "-o",
                  str(tmp_path / "c.pdf"))
    assert result.exit_code == 2 and "does not exist" in result.output

