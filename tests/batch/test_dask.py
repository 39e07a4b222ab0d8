"""batch on a real Dask LocalCluster (2 worker processes on 127.0.0.1): a killed client and a killed worker, then
reruns, leave one register row per vendor, no half-written file, and the same bytes as the local pool."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from riskengine.batch.runner import run_batch
from riskengine.batch.worker import BatchSettings, VendorOutcome
from riskengine.enrich.settings import NetworkSettings
from riskengine.errors import ClusterError, UsageError
from riskengine.pipeline import load_policy
from tests.batch.test_batch import INVENTORY, ORG, SAMPLE_NAMES, _rows, start_batch, wait_for_rows, write_questionnaire
from tests.conftest import EPOCH, ROOT, SAMPLES, run_cli
from tests.databases import Databases, PostgresServer, rows

distributed = pytest.importorskip("distributed")  # the dev extra installs it: `make test` always runs these

COUNT = 40
NOW = dt.datetime.fromtimestamp(int(EPOCH), tz=dt.UTC)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A LocalCluster of 2 single-threaded worker processes on 127.0.0.1, as a user's `dask scheduler` and
    `dask worker`s would be, and a client of the test's own to find the workers' processes."""
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=logging.CRITICAL) as local, \
            distributed.Client(local.scheduler_address, set_as_default=False) as client:
        yield local, client


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """40 questionnaires of varied vendors, and their batch on the local pool (the bytes to match)."""
    folder = tmp_path_factory.mktemp("dask")
    inbox = folder / "inbox"
    inbox.mkdir()
    for number in range(COUNT):
        write_questionnaire(inbox / f"vendor-{number:02d}.xlsx", SAMPLE_NAMES[number % 3],
                            **{"VEN-01": f"Vendor {number} Ltd", "VEN-03": f"vendor{number}.example"})
    pool = run_cli("batch", str(inbox), "--inventory", INVENTORY, "--org", ORG, "-o", str(folder / "pool"),
                   "--db", str(folder / "pool.db"), "--workers", "2", timeout=300)
    assert pool.returncode == 0, pool.stderr
    assert f"{COUNT} assessed, 0 already done, 0 failed" in pool.stdout
    return {"folder": folder, "inbox": inbox, "pool": folder / "pool"}


def _settings(outdir: Path, db: Path, **changes: Any) -> BatchSettings:
    return BatchSettings(outdir=outdir, store_path=db, now=NOW, network=NetworkSettings(offline=True),
                         inventory=Path(INVENTORY), org_profile=Path(ORG), policy=load_policy(), **changes)


def _assert_whole(outdir: Path) -> None:
    """Every report in the folder is whole, and no temporary file is left."""
    assert not list(outdir.glob(".*")), f"temporary files left: {sorted(p.name for p in outdir.glob('.*'))}"
    for path in outdir.glob("vendor-*.pdf"):
        assert path.read_bytes().rstrip().endswith(b"%%EOF"), f"{path.name} is half written"
    for path in outdir.glob("vendor-*.json"):
        json.loads(path.read_bytes())


def test_a_killed_client_and_a_killed_worker_resume_to_one_row_per_vendor_and_the_pools_bytes(
        cluster: tuple[Any, Any], portfolio: dict[str, Path]) -> None:
    local, client = cluster
    inbox, outdir, db = portfolio["inbox"], portfolio["folder"] / "dask", portfolio["folder"] / "dask.db"

    # 1. The client, as a user runs it, killed mid-way; the cluster lives on (as a real one on other machines).
    process = start_batch(inbox, outdir, db, "--scheduler", local.scheduler_address)
    try:
        wait_for_rows(process, db, 4)
    finally:
        process.kill()
        _, stderr = process.communicate()
    assert process.returncode == -signal.SIGKILL, stderr
    first = _rows(db)
    assert 4 <= len(first) < COUNT, "the client was killed mid-way"
    assert len({run_key for _, run_key, _ in first}) == len(first)

    # 2. Rerun in this process; one worker process is killed while the batch runs. Dask runs its task again on
    # the other worker (and the nanny starts a new one): nothing fails, nothing is recorded twice.
    before = client.run(os.getpid)
    killed: list[int] = []

    def kill_a_worker(outcome: VendorOutcome) -> None:
        if outcome.status == "assessed" and not killed:
            victim = before[sorted(before)[0]]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    planned: list[tuple[int, int]] = []
    result = run_batch(inbox, _settings(outdir, db), scheduler=local.scheduler_address,
                       on_planned=lambda total, skipped: planned.append((total, skipped)), on_outcome=kill_a_worker)
    assert killed, "a worker was killed mid-batch"
    assert planned == [(COUNT, len(first))], "the vendors the killed client recorded are skipped"
    assert not result.failed, [outcome.problems for outcome in result.failed]
    assert result.count("skipped") == len(first)
    assert result.count("assessed") == COUNT - len(first)
    assert {outcome.worker for outcome in result.outcomes if outcome.status == "assessed"} - {0}
    rows = _rows(db)
    assert len(rows) == COUNT
    assert len({run_key for _, run_key, _ in rows}) == COUNT
    assert len({questionnaire for _, _, questionnaire in rows}) == COUNT
    assert killed[0] not in client.run(os.getpid).values(), "the killed worker is gone (its nanny started another)"

    # 3. Again, as a user would: everything is done, nothing is recorded, no temporary file is left.
    again = run_cli("batch", str(inbox), "--inventory", INVENTORY, "--org", ORG, "-o", str(outdir), "--db", str(db),
                    "--scheduler", local.scheduler_address, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"0 assessed, {COUNT} already done, 0 failed" in again.stdout
    assert "Traceback" not in again.stderr
    assert len(_rows(db)) == COUNT
    _assert_whole(outdir)

    # Each file is the one the register recorded, and byte for byte the local pool's.
    with sqlite3.connect(db) as connection:
        recorded = {sha for (sha,) in connection.execute("SELECT sha256 FROM outputs")}
        evidence_runs = connection.execute("SELECT COUNT(*) FROM evidence_runs").fetchone()[0]
    assert evidence_runs == COUNT, "the one writer recorded the evidence each assessment used"
    pool = portfolio["pool"]
    names = sorted(path.name for path in pool.iterdir())
    assert names == sorted(path.name for path in outdir.iterdir())
    assert len(names) == 2 * COUNT + 2
    for name in names:
        data = (outdir / name).read_bytes()
        assert data == (pool / name).read_bytes(), f"{name} differs from the local pool's"
        if name.startswith("vendor-"):
            assert hashlib.sha256(data).hexdigest() in recorded, name


def _subset(portfolio: dict[str, Path], name: str, count: int) -> Path:
    """A folder of the portfolio's first ``count`` questionnaires (their pool's files are the bytes to match)."""
    inbox = portfolio["folder"] / name
    inbox.mkdir()
    for path in sorted(portfolio["inbox"].iterdir())[:count]:
        (inbox / path.name).write_bytes(path.read_bytes())
    return inbox


def _assert_the_pools_bytes(outdir: Path, pool: Path, count: int) -> None:
    """Each vendor's PDF and JSON in ``outdir`` is byte for byte the local pool's."""
    names = sorted(path.name for path in outdir.glob("vendor-*"))
    assert len(names) == 2 * count
    for name in names:
        assert (outdir / name).read_bytes() == (pool / name).read_bytes(), f"{name} differs from the local pool's"


def test_on_postgresql_a_killed_worker_and_a_rerun_leave_one_row_per_vendor(
        cluster: tuple[Any, Any], portfolio: dict[str, Path], postgresql_server: PostgresServer) -> None:
    """The one writer records to a PostgreSQL register, which the workers read as the evidence store at the same
    URL: a worker SIGKILLed mid-batch, then the command run again, leave one row per vendor."""
    local, client = cluster
    count = 12
    inbox, outdir = _subset(portfolio, "inbox-postgresql", count), portfolio["folder"] / "postgresql"
    databases = Databases("postgresql", portfolio["folder"], postgresql_server)
    url = databases.new()
    try:
        before = client.run(os.getpid)
        killed: list[int] = []

        def kill_a_worker(outcome: VendorOutcome) -> None:
            if outcome.status == "assessed" and not killed:
                victim = before[sorted(before)[-1]]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

        result = run_batch(inbox, _settings(outdir, url), scheduler=local.scheduler_address,
                           on_outcome=kill_a_worker)
        assert killed, "a worker was killed mid-batch"
        assert not result.failed, [outcome.problems for outcome in result.failed]
        assert result.count("assessed") == count
        again = run_cli("batch", str(inbox), "--inventory", INVENTORY, "--org", ORG, "-o", str(outdir), "--db", url,
                        "--scheduler", local.scheduler_address, timeout=120)
        assert again.returncode == 0, again.stderr
        assert f"0 assessed, {count} already done, 0 failed" in again.stdout
        recorded = rows(url, "SELECT run_key, questionnaire_sha256 FROM assessments")
        assert len(recorded) == count
        assert len({run_key for run_key, _ in recorded}) == len({sha for _, sha in recorded}) == count
        assert rows(url, "SELECT COUNT(*) FROM evidence_runs") == [(count,)]
        _assert_whole(outdir)
        _assert_the_pools_bytes(outdir, portfolio["pool"], count)
    finally:
        databases.drop_all()


def test_a_lost_scheduler_is_one_error_line_and_a_rerun_on_another_cluster_finishes_the_batch(
        cluster: tuple[Any, Any], portfolio: dict[str, Path]) -> None:
    """A cluster started as docs/dask.md says (``dask scheduler``, ``dask worker``); its scheduler SIGKILLed while
    the command runs. The command stops within seconds with exit 2 and one line (no traceback from Dask's
    threads), keeps what it recorded, and a run on another cluster assesses only the rest."""
    import socket

    count = 16
    inbox, outdir, db = (_subset(portfolio, "inbox-lost", count), portfolio["folder"] / "lost",
                         portfolio["folder"] / "lost.db")
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": portfolio["folder"]}
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                  "--port", str(port), "--no-dashboard"], **quiet)  # type: ignore[call-overload]
    workers = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "2",
                                "--nthreads", "1", "--no-dashboard"], **quiet)  # type: ignore[call-overload]
    try:
        with distributed.Client(address, timeout=60, set_as_default=False) as watcher:
            watcher.wait_for_workers(2, timeout=60)
        process = start_batch(inbox, outdir, db, "--scheduler", address)
        try:
            wait_for_rows(process, db, 3)
            scheduler.kill()
            lost = time.monotonic()
            _, stderr = process.communicate(timeout=60)
        finally:
            process.kill()
        assert time.monotonic() - lost < 30, "the command noticed the scheduler was gone"
    finally:
        for started in (scheduler, workers):
            started.kill()
            started.wait(timeout=30)
    assert process.returncode == 2, stderr
    [line] = stderr.splitlines()
    assert line.startswith(f"error: lost the Dask scheduler {address} while assessing vendor-"), line
    assert line.endswith("; what was recorded stays: run the batch again to resume"), line
    first = _rows(db)
    assert 3 <= len(first) < count, "what was recorded before the scheduler was lost stays"

    local, _ = cluster
    again = run_cli("batch", str(inbox), "--inventory", INVENTORY, "--org", ORG, "-o", str(outdir), "--db", str(db),
                    "--scheduler", local.scheduler_address, timeout=180)
    assert again.returncode == 0, again.stderr
    assert f"{count - len(first)} assessed, {len(first)} already done, 0 failed" in again.stdout
    assert len({run_key for _, run_key, _ in _rows(db)}) == len(_rows(db)) == count
    _assert_whole(outdir)
    _assert_the_pools_bytes(outdir, portfolio["pool"], count)


def test_a_worker_without_the_evidence_store_fails_each_vendor_saying_where(
        cluster: tuple[Any, Any], tmp_path: Path) -> None:
    local, _ = cluster
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "northwind-mail.xlsx").write_bytes((SAMPLES / "northwind-mail.xlsx").read_bytes())
    missing = tmp_path / "copies" / "evidence.db"
    result = run_batch(inbox, _settings(tmp_path / "out", tmp_path / "register.db", evidence_db=missing),
                       scheduler=local.scheduler_address)
    [outcome] = result.outcomes
    assert outcome.status == "failed"
    assert outcome.problems == (f"northwind-mail.xlsx: the evidence store {missing} is not there on "
                                f"{os.uname().nodename}: every worker reads the batch's database (or a copy, "
                                "--evidence-db) at the same path or URL",)
    assert not missing.exists(), "a worker never makes an empty store in its place"
    assert _rows(tmp_path / "register.db") == []


def test_a_scheduler_that_does_not_answer_is_an_error_within_the_timeout(tmp_path: Path) -> None:
    import socket

    with socket.socket() as placeholder:  # a port nothing listens on
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "northwind-mail.xlsx").write_bytes((SAMPLES / "northwind-mail.xlsx").read_bytes())
    started = time.monotonic()
    with pytest.raises(ClusterError) as caught:
        run_batch(inbox, _settings(tmp_path / "out", tmp_path / "register.db"),
                  scheduler=f"tcp://127.0.0.1:{port}", connect_timeout=1.5)
    assert time.monotonic() - started < 20
    assert str(caught.value).startswith(f"--scheduler tcp://127.0.0.1:{port}: no Dask scheduler answered within "
                                        "1.5 s")
    assert "dask worker tcp://127.0.0.1" in str(caught.value)
    assert not list((tmp_path / "out").glob("*.pdf"))


@pytest.mark.parametrize("address", ["127.0.0.1:8786", "tcp://scheduler", "local:0", "http://host:8786"])
def test_a_malformed_scheduler_address_is_a_usage_error(address: str) -> None:
    from riskengine.batch.cluster import parse_scheduler

    with pytest.raises(UsageError, match="--scheduler"):
        parse_scheduler(address)


def test_the_cli_refuses_a_bad_address_and_workers_beside_a_scheduler_before_reading_anything(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "northwind-mail.xlsx").write_bytes((SAMPLES / "northwind-mail.xlsx").read_bytes())
    bad = run_cli("batch", str(inbox), "-o", str(tmp_path / "out"), "--db", str(tmp_path / "r.db"),
                  "--scheduler", "scheduler.internal:8786")
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: --scheduler 'scheduler.internal:8786': expected tcp://HOST:PORT")
    both = run_cli("batch", str(inbox), "-o", str(tmp_path / "out"), "--db", str(tmp_path / "r.db"),
                   "--scheduler", "local:2", "--workers", "2")
    assert both.returncode == 2
    assert "--workers and --scheduler cannot be used together" in both.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "r.db").exists()


def test_without_the_dask_extra_a_scheduler_is_refused_naming_the_extra(tmp_path: Path) -> None:
    """Dask made unimportable in the command's process, as on an install without the extra."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "northwind-mail.xlsx").write_bytes((SAMPLES / "northwind-mail.xlsx").read_bytes())
    code = ("import sys; sys.modules['distributed'] = None; sys.argv[0] = 'riskengine'; "
            "from riskengine.cli import run; run()")
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "RISKENGINE_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-c", code, "batch", str(inbox), "-o", str(tmp_path / "out"),
                             "--db", str(tmp_path / "r.db"), "--scheduler", "local:2"],
                            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == ("error: --scheduler needs Dask, which is not installed: "
                                     "pip install 'riskengine[dask]'")
    assert not (tmp_path / "out").exists() and not (tmp_path / "r.db").exists()
    plain = subprocess.run([sys.executable, "-c", code, "batch", str(inbox), "-o", str(tmp_path / "out"),
                            "--db", str(tmp_path / "r.db"), "--workers", "1"],
                           cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert plain.returncode == 0, "the local pool needs no Dask: " + plain.stderr


def test_a_signed_assessment_assessed_again_gets_its_signoffs_from_the_one_writer(tmp_path: Path) -> None:
    """Workers cannot read the register: when a vendor assessed again is an assessment already signed (same inputs,
    clock and evidence), the one writer draws its report again with the sign-offs, as ``assess`` does."""
    from pypdf import PdfReader

    from riskengine.register.store import Register

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "northwind-mail.xlsx").write_bytes((SAMPLES / "northwind-mail.xlsx").read_bytes())
    settings = _settings(tmp_path / "out", tmp_path / "register.db")
    first = run_batch(inbox, settings, workers=1)
    [outcome] = first.outcomes
    pdf = tmp_path / "out" / "northwind-mail.pdf"
    unsigned = pdf.read_bytes()
    with Register(settings.store_path) as register:
        register.sign(outcome.assessment_id, role="it", signed_by="Ada Architect", decision="approve", now=NOW,
                      report_sha256=hashlib.sha256(unsigned).hexdigest())
    again = run_batch(inbox, settings, workers=1, redo=True)
    assert [item.status for item in again.outcomes] == ["assessed"]
    assert again.outcomes[0].assessment_id == outcome.assessment_id
    signed = pdf.read_bytes()
    assert signed != unsigned
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Ada Architect" in text
    with Register(settings.store_path) as register:
        assert [row.assessment_id for row in register.by_run_key(register.assessment(outcome.assessment_id).run_key)] \
            == [outcome.assessment_id]
        assert hashlib.sha256(signed).hexdigest() in {output.sha256 for output in
                                                      register.outputs(outcome.assessment_id)}
