"""verify: is this file a report the register knows, unchanged? One changed byte says no (exit 4)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from riskengine.digest import file_sha256
from riskengine.register.store import Register
from riskengine.register.verification import verify_report
from tests.conftest import SAMPLES, run_cli
from tests.databases import Databases, tamper
from tests.register.conftest import cli


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> tuple[Path | str, Path, str]:
    folder = tmp_path_factory.mktemp("verify")
    db = databases.new()
    result = run_cli("assess", str(SAMPLES / "pixelpath-analytics.xlsx"), "--offline", "-o", str(folder / "r.pdf"),
                     "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db, folder / "r.pdf", json.loads((folder / "r.json").read_text())["assessment_id"]


def test_an_unchanged_report_and_result_are_verified(assessed: tuple[Path | str, Path, str]) -> None:
    db, report, assessment_id = assessed
    for path, kind in ((report, "PDF (audience full)"), (report.with_suffix(".json"), "JSON")):
        result = cli(db, "verify", str(path))
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[0] == f"{path}: verified: the {kind} of {assessment_id}, unchanged"
        assert "vendor     PixelPath Labs, Inc. (pixelpath.example)" in result.stdout
        assert "status     not signed" in result.stdout


@pytest.mark.parametrize("where", [0.1, 0.5, 0.999])
def test_one_changed_byte_is_detected(assessed: tuple[Path | str, Path, str], tmp_path: Path, where: float) -> None:
    db, report, _ = assessed
    data = bytearray(report.read_bytes())
    data[int(len(data) * where)] ^= 0x20
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    result = cli(db, "verify", str(changed))
    assert result.returncode == 4
    assert f"{changed}: NOT VERIFIED: no report with sha256" in result.stderr
    assert result.stdout == ""


def test_a_changed_report_that_still_names_its_assessment_is_called_changed(assessed: tuple[Path | str, Path, str],
                                                                             tmp_path: Path) -> None:
    db, report, assessment_id = assessed
    changed = tmp_path / "appended.pdf"
    changed.write_bytes(report.read_bytes() + b"\n% signed by nobody\n")
    result = cli(db, "verify", str(changed))
    assert result.returncode == 4
    assert f"it names {assessment_id}, whose recorded reports differ from this file: it was changed" in result.stderr


def test_a_file_the_register_never_saw_is_not_verified(assessed: tuple[Path | str, Path, str], tmp_path: Path) -> None:
    db, _, _ = assessed
    stranger = tmp_path / "stranger.pdf"
    stranger.write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = cli(db, "verify", str(stranger))
    assert result.returncode == 4
    assert "it names" not in result.stderr
    missing = cli(db, "verify", str(tmp_path / "missing.pdf"))
    assert missing.returncode == 2


def test_verify_says_the_register_is_intact(assessed: tuple[Path | str, Path, str]) -> None:
    db, report, assessment_id = assessed
    result = cli(db, "verify", str(report))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"  register   intact (4 records of {assessment_id} chained)"


def test_a_genuine_report_in_an_altered_register_is_not_verified(assessed: tuple[Path | str, Path, str],
                                                                 tmp_path: Path,
        copy_database: Callable[[Path | str], Path | str]) -> None:
    """The file matches its record, but a sign-off was slipped in after the final one: the register cannot vouch."""
    db, report, assessment_id = assessed
    copy = copy_database(db)
    approved = cli(copy, "approve", assessment_id, "--role", "compliance", "--by", "Dana Ruiz", "--decision", "approve")
    assert approved.returncode == 0, approved.stderr
    tamper(copy, "INSERT INTO signoffs (assessment_id, report_sha256, role, signed_by, decision, note, signed_at) "
                 "SELECT assessment_id, report_sha256, 'marketing', 'Mallory', 'reject', '', signed_at FROM signoffs",)

    result = cli(copy, "verify", str(report))
    assert result.returncode == 4
    problem = (f"signoffs #2 of {assessment_id}: not in the chain (marketing reject by Mallory): inserted without "
               "riskengine")
    assert result.stderr == f"{report}: NOT VERIFIED: register altered: {problem}\n"
    assert result.stdout.splitlines()[0] == (f"{report}: the register records it as the PDF (audience full) of "
                                             f"{assessment_id}, "
                                             "but cannot be trusted")
    assert "  sign-off   marketing  reject  Mallory" in result.stdout
    assert result.stdout.splitlines()[-1] == f"  register   altered: {problem}"


def test_a_report_whose_record_was_deleted_is_shown_as_deleted(assessed: tuple[Path | str, Path, str],
                                                               tmp_path: Path,
        copy_database: Callable[[Path | str], Path | str]) -> None:
    db, report, assessment_id = assessed
    copy = copy_database(db)
    sha256 = file_sha256(report)
    tamper(copy, "DELETE FROM outputs WHERE sha256 = :sha256", parameters={"sha256": sha256})

    result = cli(copy, "verify", str(report))
    assert result.returncode == 4
    assert f"{report}: NOT VERIFIED: no report with sha256 {sha256} is in the register" in result.stderr
    assert (f"  register altered: outputs {sha256} of {assessment_id}, chain record 3: deleted: the chain holds "
            "it, the table no longer does") in result.stderr


def test_verify_report_is_the_library_call_behind_the_command(assessed: tuple[Path | str, Path, str]) -> None:
    db, report, assessment_id = assessed
    with Register(db) as register:
        verification = verify_report(register, report)
    assert verification.verified
    assert verification.chain_status == "intact"
    assert verification.output is not None and verification.output.kind == "pdf"
    assert verification.assessment is not None and verification.assessment.assessment_id == assessment_id
    assert (verification.status, verification.status_text, verification.signoffs) == ("pending", "not signed", ())


def test_the_outcome_names_each_way_a_file_can_fail(assessed: tuple[Path | str, Path, str], tmp_path: Path,
        copy_database: Callable[[Path | str], Path | str]) -> None:
    """What the command branches on: verified, changed (names a known assessment), unknown, untrusted."""
    db, report, assessment_id = assessed
    changed, stranger = tmp_path / "changed.pdf", tmp_path / "stranger.pdf"
    changed.write_bytes(report.read_bytes() + b"\n% edited\n")
    stranger.write_bytes(b"%PDF-1.4\n%%EOF\n")
    copy = copy_database(db)
    tamper(copy, "UPDATE assessments SET tier = 'low'")
    with Register(db) as register:
        outcomes = {name: verify_report(register, path) for name, path in
                    (("report", report), ("changed", changed), ("stranger", stranger))}
    with Register(copy) as register:
        outcomes["altered"] = verify_report(register, report)
    assert {name: item.outcome for name, item in outcomes.items()} == {
        "report": "verified", "changed": "changed", "stranger": "unknown", "altered": "untrusted"}
    assert outcomes["changed"].named == (assessment_id,)
    assert not outcomes["altered"].verified and "assessments" in outcomes["altered"].chain_status


def test_a_signoff_is_bound_to_this_file_or_to_another_report(assessed: tuple[Path | str, Path, str],
                                                              tmp_path: Path,
        copy_database: Callable[[Path | str], Path | str]) -> None:
    db, report, assessment_id = assessed
    copy = copy_database(db)
    signed = cli(copy, "approve", assessment_id, "--role", "it", "--by", "Sam Lee", "--decision", "approve",
                 "--report", str(report))
    assert signed.returncode == 0, signed.stderr
    with Register(copy) as register:
        on_pdf = verify_report(register, report)
        on_json = verify_report(register, report.with_suffix(".json"))
    (signoff,) = on_pdf.signoffs
    assert on_pdf.signed_this_file(signoff)
    assert on_json.signoffs == (signoff,) and not on_json.signed_this_file(signoff)
    shown = cli(copy, "verify", str(report.with_suffix(".json")))
    assert f"(the PDF for full, sha256 {file_sha256(report)[:16]}…)" in shown.stdout
