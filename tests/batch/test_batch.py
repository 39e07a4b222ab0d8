"""batch: a folder of questionnaires through a process pool, bad files skipped, and a resume after kill -9."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from riskengine.questionnaire.bank import load_bank
from riskengine.questionnaire.template import write_template
from tests.conftest import EPOCH, ROOT, SAMPLES, run_cli, sample_answers

INVENTORY = str(SAMPLES / "inventory.yaml")
ORG = str(SAMPLES / "org-profile.yaml")
SAMPLE_NAMES = ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")
FORMULA_NAME = "+1 Holdings =SUM(A1) Ltd"


def write_questionnaire(path: Path, base: str, **changes: Any) -> Path:
    content = sample_answers(base)
    write_template(load_bank(), path, answers={**content["answers"], **changes}, tables=content.get("tables", {}))
    return path


def batch(inbox: Path, outdir: Path, db: Path, *extra: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return run_cli("batch", str(inbox), "--inventory", INVENTORY, "--org", ORG, "-o", str(outdir), "--db", str(db),
                   "--workers", "2", *extra, timeout=timeout)


def start_batch(inbox: Path, outdir: Path, db: Path, *extra: str, **popen: Any) -> subprocess.Popen[str]:
    """``riskengine batch`` as a user runs it, in a process of its own (offline, the sample inventory), its output
    read as text."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "RISKENGINE_OFFLINE": "1"}
    command = [sys.executable, "-m", "riskengine", "batch", str(inbox), "--inventory", INVENTORY, "--org", ORG,
               "-o", str(outdir), "--db", str(db), *extra]
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **popen)


def wait_for_rows(process: subprocess.Popen[str], db: Path, count: int, timeout: float = 120) -> None:
    """Until the register ``db`` holds ``count`` assessments, the batch ends, or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while len(_rows(db)) < count and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)


def _rows(db: Path) -> list[tuple[str, str, str]]:
    try:
        with sqlite3.connect(db, timeout=30) as connection:
            return connection.execute("SELECT assessment_id, run_key, questionnaire_sha256 FROM assessments").fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A folder of 4 good questionnaires (one with a formula-like vendor name) and 2 bad ones, batched once."""
    folder = tmp_path_factory.mktemp("mixed")
    inbox, outdir, db = folder / "inbox", folder / "out", folder / "register.db"
    inbox.mkdir()
    for name in SAMPLE_NAMES:
        (inbox / f"{name}.xlsx").write_bytes((SAMPLES / f"{name}.xlsx").read_bytes())
    write_questionnaire(inbox / "formula-vendor.xlsx", "northwind-mail",
                        **{"VEN-01": FORMULA_NAME, "VEN-03": "plusone.example"})
    write_questionnaire(inbox / "bad-answer.xlsx", "northwind-mail", **{"SEC-04": "yep"})
    (inbox / "broken.xlsx").write_text("name,answer\nSEC-01,yes\n")
    (inbox / "~$northwind-mail.xlsx").write_bytes(b"Excel lock file")
    result = batch(inbox, outdir, db)
    return {"result": result, "inbox": inbox, "outdir": outdir, "db": db}


def test_bad_files_are_reported_with_their_place_and_skipped(mixed: dict[str, Any]) -> None:
    result = mixed["result"]
    assert result.returncode == 2, result.stderr
    assert result.stdout.splitlines()[0] == f"{mixed['inbox']}: 6 questionnaires: 4 assessed, 0 already done, 2 failed"
    assert "bad-answer.xlsx: 1 error" in result.stderr
    assert "  error   Security!D8 (SEC-04): expected one of" in result.stderr
    assert re.search(r"inbox/broken\.xlsx: this is a text\S* file, not an Excel workbook", result.stderr)
    assert result.stderr.rstrip().endswith("2 questionnaires failed: bad-answer.xlsx, broken.xlsx")
    assert "Traceback" not in result.stderr


def test_every_good_questionnaire_gets_its_pdf_json_and_register_row(mixed: dict[str, Any]) -> None:
    outdir, db = mixed["outdir"], mixed["db"]
    good = sorted([*SAMPLE_NAMES, "formula-vendor"])
    assert sorted(path.name for path in outdir.iterdir()) == sorted(
        [f"{name}{suffix}" for name in good for suffix in (".pdf", ".json")] + ["portfolio.pdf", "portfolio.xlsx"])
    with sqlite3.connect(db) as connection:
        recorded = {sha for (sha,) in connection.execute("SELECT sha256 FROM outputs")}
        assert connection.execute("SELECT COUNT(*) FROM assessments").fetchone()[0] == 4
    for name in good:
        for suffix in (".pdf", ".json"):
            assert hashlib.sha256((outdir / f"{name}{suffix}").read_bytes()).hexdigest() in recorded
    assert (outdir / "northwind-mail.pdf").read_bytes().startswith(b"%PDF")


def test_the_portfolio_summary_files_exist_and_carry_no_formula(mixed: dict[str, Any]) -> None:
    outdir = mixed["outdir"]
    assert (outdir / "portfolio.pdf").read_bytes().startswith(b"%PDF")
    workbook = load_workbook(outdir / "portfolio.xlsx")
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    named = [cell for cell in cells if isinstance(cell.value, str) and FORMULA_NAME in cell.value]
    assert named, "the formula-like vendor name is in the summary"
    assert all(cell.value.startswith("'") or cell.quotePrefix for cell in named)
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    for name in ("Northwind Mailworks B.V.", "PixelPath Labs, Inc.", "GlowUp Technologies Pte. Ltd."):
        assert any(name in text for text in texts), name


def test_the_portfolio_from_the_workers_rows_is_the_portfolio_read_back_from_the_results(
        mixed: dict[str, Any]) -> None:
    """A fresh batch builds the portfolio from the rows its workers send; a rerun, where every vendor is
    already done, reads them back from the JSON results. Both give the same bytes."""
    outdir = mixed["outdir"]
    fresh = {name: (outdir / name).read_bytes() for name in ("portfolio.xlsx", "portfolio.pdf")}
    rerun = batch(mixed["inbox"], outdir, mixed["db"])  # records nothing: no row is added for the other tests
    assert "0 assessed, 4 already done, 2 failed" in rerun.stdout
    assert {name: (outdir / name).read_bytes() for name in fresh} == fresh


def test_a_folder_without_questionnaires_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    result = batch(tmp_path / "inbox", tmp_path / "out", tmp_path / "r.db")
    assert result.returncode == 2
    assert "no questionnaires (*.xlsx)" in result.stderr


def test_a_killed_batch_resumes_without_duplicates_half_files_or_redone_work(tmp_path: Path) -> None:
    inbox, outdir, db = tmp_path / "inbox", tmp_path / "out", tmp_path / "register.db"
    inbox.mkdir()
    count = 8
    for number in range(count):
        base = SAMPLE_NAMES[number % 3]
        write_questionnaire(inbox / f"vendor-{number}.xlsx", base,
                            **{"VEN-01": f"Vendor {number} Ltd", "VEN-03": f"vendor{number}.example"})
    process = start_batch(inbox, outdir, db, "--workers", "2", start_new_session=True)
    try:
        wait_for_rows(process, db, 2)
        # Frozen where it is (the runner and its workers), so it is still mid-way and holds the folder however long
        # the second batch takes on a loaded machine; SIGKILL below ends it stopped.
        os.killpg(process.pid, signal.SIGSTOP)
        second = batch(inbox, outdir, db)  # a second batch into the same folder meanwhile is refused
        assert second.returncode == 2
        assert "another batch is writing to this folder" in second.stderr
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the whole batch: the runner and its workers
        process.communicate()
    assert process.returncode == -signal.SIGKILL

    finished = _rows(db)
    assert 2 <= len(finished) < count, "the batch was killed mid-way"
    for path in outdir.glob("vendor-*.*"):
        data = path.read_bytes()
        assert data.rstrip().endswith(b"%%EOF" if path.suffix == ".pdf" else b"}"), f"{path.name} is half written"
    with sqlite3.connect(db) as connection:
        done = dict(connection.execute("SELECT o.path, a.recorded_at FROM outputs o JOIN assessments a "
                                       "USING (assessment_id) WHERE o.kind = 'pdf'").fetchall())
    mtimes = {path: Path(path).stat().st_mtime_ns for path in done}
    leftover = outdir / ".vendor-7.pdf.k1ll3d00.part"
    leftover.write_bytes(b"%PDF-1.4 half")  # what a kill during a write leaves

    resumed = batch(inbox, outdir, db)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming: {len(finished)} of {count} already done" in resumed.stderr
    assert f"{count - len(finished)} assessed, {len(finished)} already done, 0 failed" in resumed.stdout

    rows = _rows(db)
    assert len(rows) == count
    assert len({run_key for _, run_key, _ in rows}) == count
    assert len({questionnaire for _, _, questionnaire in rows}) == count
    assert {path: Path(path).stat().st_mtime_ns for path in done} == mtimes, "finished vendors were redone"
    assert not list(outdir.glob(".*")), "temporary files left behind"
    assert sorted(path.name for path in outdir.glob("vendor-*.pdf")) == [f"vendor-{n}.pdf" for n in range(count)]
    with sqlite3.connect(db) as connection:
        assert dict(connection.execute("SELECT o.path, a.recorded_at FROM outputs o JOIN assessments a "
                                       "USING (assessment_id) WHERE o.kind = 'pdf' AND o.path IN "
                                       f"({','.join('?' * len(done))})", list(done)).fetchall()) == done
        assert connection.execute("SELECT COUNT(*) FROM outputs").fetchone()[0] == 2 * count

    again = batch(inbox, outdir, db)
    assert again.returncode == 0, again.stderr
    assert f"0 assessed, {count} already done, 0 failed" in again.stdout
    assert len(_rows(db)) == count


def test_a_broken_shared_input_stops_the_batch_before_anything_is_written(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "northwind-mail.xlsx").write_bytes((SAMPLES / "northwind-mail.xlsx").read_bytes())
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text("systems:\n  - name: [unclosed\n")
    result = run_cli("batch", str(inbox), "--inventory", str(inventory), "-o", str(tmp_path / "out"),
                     "--db", str(tmp_path / "r.db"), "--workers", "1")
    assert result.returncode == 2
    assert "inventory.yaml" in result.stderr
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "r.db").exists()


@pytest.mark.parametrize("owns_process", [False, True])
def test_a_batch_in_the_callers_process_leaves_its_garbage_collector_as_it_was(tmp_path: Path,
                                                                               owns_process: bool) -> None:
    """One worker runs in the caller's process: a library caller's collector is never touched; the CLI's process
    (``owns_process``) has it tuned for the run and given back as it was."""
    import datetime as dt
    import gc

    from riskengine.batch.runner import run_batch
    from riskengine.batch.worker import BatchSettings
    from riskengine.enrich.settings import NetworkSettings
    from riskengine.pipeline import load_policy

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "northwind-mail.xlsx").write_bytes((SAMPLES / "northwind-mail.xlsx").read_bytes())
    settings = BatchSettings(outdir=tmp_path / "out", store_path=tmp_path / "register.db",
                             now=dt.datetime.fromtimestamp(int(EPOCH), tz=dt.UTC),
                             network=NetworkSettings(offline=True), org_profile=Path(ORG), policy=load_policy())
    seen: list[bool] = []

    def during(_outcome: object) -> None:
        seen.append(gc.isenabled())

    frozen = gc.get_freeze_count()
    result = run_batch(inbox, settings, workers=1, on_outcome=during, owns_process=owns_process)
    assert result.count("assessed") == 1
    assert seen == [not owns_process]
    assert gc.isenabled() and gc.get_freeze_count() == frozen
