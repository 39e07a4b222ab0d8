"""Sign-offs: by role, final when all three roles approve or anyone rejects, bound to the sha256 of the report."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from riskengine.register.approvals import SignOff, approval_status, missing_roles, signoff_refusal
from tests.conftest import SAMPLES, run_cli
from tests.register.conftest import cli


def _signoff(role: str, decision: str = "approve") -> SignOff:
    return SignOff(assessment_id="RA-1", report_sha256="0" * 64, role=role, signed_by=f"{role} lead",  # type: ignore[arg-type]
                   decision=decision, note="", signed_at="2026-11-24T09:00:00+00:00")  # type: ignore[arg-type]


@pytest.mark.parametrize(("signed", "status"), [
    ([], "pending"),
    ([("it", "approve")], "pending"),
    ([("it", "approve"), ("marketing", "approve")], "pending"),
    ([("it", "approve"), ("marketing", "approve"), ("compliance", "approve")], "approved"),
    ([("compliance", "approve")], "pending"),
    ([("compliance", "approve"), ("marketing", "approve"), ("it", "approve")], "approved"),
    ([("marketing", "reject")], "rejected"),
    ([("it", "approve"), ("compliance", "reject")], "rejected"),
])
def test_the_status_follows_the_council_rules(signed: list[tuple[str, str]], status: str) -> None:
    assert approval_status([_signoff(role, decision) for role, decision in signed]) == status


def test_nobody_signs_twice_or_after_the_final_word() -> None:
    assert signoff_refusal([_signoff("it")], "marketing") is None
    assert "it has already signed off" in (signoff_refusal([_signoff("it")], "it") or "")
    assert signoff_refusal([_signoff("compliance")], "it") is None
    everyone = [_signoff("compliance"), _signoff("it"), _signoff("marketing")]
    assert "already approved: marketing approved" in (signoff_refusal(everyone, "it") or "")
    assert "already rejected" in (signoff_refusal([_signoff("it", "reject")], "compliance") or "")
    assert missing_roles([_signoff("marketing")]) == ("it", "compliance")


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The Northwind sample assessed once through the CLI: its folder (report.pdf, report.json, register.db)."""
    folder = tmp_path_factory.mktemp("assessed")
    result = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), "--offline", "-o", str(folder / "report.pdf"),
                     "--db", str(folder / "register.db"))
    assert result.returncode == 0, result.stderr
    return folder, json.loads((folder / "report.json").read_text())["assessment_id"]


@pytest.fixture
def case(assessed: tuple[Path, str], tmp_path: Path) -> tuple[Path, Path, str]:
    """A fresh copy of the assessed register (no sign-offs yet): (db, report.pdf, assessment id)."""
    folder, assessment_id = assessed
    for name in ("register.db", "report.pdf", "report.json"):
        shutil.copy(folder / name, tmp_path / name)
    return tmp_path / "register.db", tmp_path / "report.pdf", assessment_id


def _approve(db: Path, assessment_id: str, role: str, decision: str = "approve", *extra: str):  # type: ignore[no-untyped-def]
    return cli(db, "approve", assessment_id, "--role", role, "--by", f"{role.title()} Lead", "--decision", decision,
               *extra)


def test_approval_is_final_only_when_all_three_approve(case: tuple[Path, Path, str]) -> None:
    db, report, assessment_id = case
    sha256 = hashlib.sha256(report.read_bytes()).hexdigest()

    it = _approve(db, assessment_id, "it")
    assert it.returncode == 0, it.stderr
    assert f"it approved by It Lead on 2026-11-24 (the PDF for full, sha256 {sha256})" in it.stdout
    assert "status: pending (signed: it; waiting for marketing, compliance)" in it.stdout
    compliance = _approve(db, assessment_id, "compliance", "approve", "--report", str(report))
    assert compliance.returncode == 0, compliance.stderr
    assert "status: pending (signed: it, compliance; waiting for marketing)" in compliance.stdout

    marketing = _approve(db, assessment_id, "marketing", "approve", "--note", "budget agreed")
    assert "status: approved (final)" in marketing.stdout

    verified = cli(db, "verify", str(report))
    assert verified.returncode == 0, verified.stderr
    assert "sign-off   marketing  approve Marketing Lead, 2026-11-24 (this report): budget agreed" in verified.stdout
    assert "status     approved (final)" in verified.stdout

    late = _approve(db, assessment_id, "it", "reject")
    assert late.returncode == 2
    assert "already approved: marketing approved by Marketing Lead" in late.stderr


@pytest.mark.parametrize("role", ["it", "marketing", "compliance"])
def test_a_reject_by_any_role_is_final(case: tuple[Path, Path, str], role: str) -> None:
    db, _, assessment_id = case
    rejected = _approve(db, assessment_id, role, "reject", "--note", "no DPA")
    assert rejected.returncode == 0, rejected.stderr
    assert f"status: rejected by {role} (final)" in rejected.stdout
    other = "compliance" if role != "compliance" else "it"
    after = _approve(db, assessment_id, other, "approve")
    assert after.returncode == 2
    assert f"already rejected: {role} rejected by" in after.stderr


def test_each_role_signs_once(case: tuple[Path, Path, str]) -> None:
    db, _, assessment_id = case
    assert _approve(db, assessment_id, "marketing").returncode == 0
    again = _approve(db, assessment_id, "marketing", "reject")
    assert again.returncode == 2
    assert "marketing has already signed off (approve by Marketing Lead" in again.stderr


def test_a_signoff_names_the_exact_report_and_refuses_a_changed_one(case: tuple[Path, Path, str]) -> None:
    db, report, assessment_id = case
    changed = report.parent / "changed.pdf"
    data = bytearray(report.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))

    refused = _approve(db, assessment_id, "compliance", "approve", "--report", str(changed))
    assert refused.returncode == 2
    assert f"is not a recorded report of {assessment_id}: it was changed" in refused.stderr
    assert "status" not in refused.stdout

    import sqlite3

    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM signoffs").fetchone()[0] == 0
    assert _approve(db, assessment_id, "compliance", "approve", "--report", str(report)).returncode == 0
    with sqlite3.connect(db) as connection:
        signed = connection.execute("SELECT report_sha256 FROM signoffs").fetchall()
    assert signed == [(hashlib.sha256(report.read_bytes()).hexdigest(),)]


def test_approving_an_unknown_assessment_is_an_input_error(case: tuple[Path, Path, str]) -> None:
    db, _, _ = case
    result = _approve(db, "RA-20261124-FFFFFFFFFF", "it")
    assert result.returncode == 2
    assert "error: no assessment RA-20261124-FFFFFFFFFF in the register" in result.stderr
    assert "Traceback" not in result.stderr
    usage = cli(db, "approve", "RA-20261124-FFFFFFFFFF", "--role", "ceo", "--by", "X", "--decision", "approve")
    assert usage.returncode == 2
    assert "'ceo' is not one of 'it', 'marketing', 'compliance'" in usage.stderr
