"""verify: is this file a report the register knows, unchanged? One changed byte says no (exit 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, run_cli
from tests.register.conftest import cli


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    folder = tmp_path_factory.mktemp("verify")
    db = folder / "register.db"
    result = run_cli("assess", str(SAMPLES / "pixelpath-analytics.xlsx"), "--offline", "-o", str(folder / "r.pdf"),
                     "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db, folder / "r.pdf", json.loads((folder / "r.json").read_text())["assessment_id"]


def test_an_unchanged_report_and_result_are_verified(assessed: tuple[Path, Path, str]) -> None:
    db, report, assessment_id = assessed
    for path, kind in ((report, "PDF"), (report.with_suffix(".json"), "JSON")):
        result = cli(db, "verify", str(path))
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[0] == f"{path}: verified: the {kind} of {assessment_id}, unchanged"
        assert "vendor     PixelPath Labs, Inc. (pixelpath.example)" in result.stdout
        assert "status     not signed" in result.stdout


@pytest.mark.parametrize("where", [0.1, 0.5, 0.999])
def test_one_changed_byte_is_detected(assessed: tuple[Path, Path, str], tmp_path: Path, where: float) -> None:
    db, report, _ = assessed
    data = bytearray(report.read_bytes())
    data[int(len(data) * where)] ^= 0x20
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    result = cli(db, "verify", str(changed))
    assert result.returncode == 4
    assert f"{changed}: NOT VERIFIED: no report with sha256" in result.stderr
    assert result.stdout == ""


def test_a_changed_report_that_still_names_its_assessment_is_called_changed(assessed: tuple[Path, Path, str],
                                                                             tmp_path: Path) -> None:
    db, report, assessment_id = assessed
    changed = tmp_path / "appended.pdf"
    changed.write_bytes(report.read_bytes() + b"\n% signed by nobody\n")
    result = cli(db, "verify", str(changed))
    assert result.returncode == 4
    assert f"it names {assessment_id}, whose recorded reports differ from this file: it was changed" in result.stderr


def test_a_file_the_register_never_saw_is_not_verified(assessed: tuple[Path, Path, str], tmp_path: Path) -> None:
    db, _, _ = assessed
    stranger = tmp_path / "stranger.pdf"
    stranger.write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = cli(db, "verify", str(stranger))
    assert result.returncode == 4
    assert "it names" not in result.stderr
    missing = cli(db, "verify", str(tmp_path / "missing.pdf"))
    assert missing.returncode == 2
