"""Several processes recording into one new database at once: every row kept, nobody told it is locked, one chain.

On SQLite the writers queue on ``BEGIN IMMEDIATE``; on PostgreSQL on the advisory lock each write transaction takes
first. Without it two writers would read the same chain head and both append record N + 1: the chain would fork
(or one writer fail on the chain's primary key)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from riskengine.register.store import Register
from tests.conftest import ROOT
from tests.databases import Raw

WRITERS = 4
ROWS_PER_WRITER = 40
WARM = """
import sys
if "://" in sys.argv[1]:  # what the first connection to a URL imports, imported before the race starts
    import psycopg, sqlalchemy.dialects.postgresql.psycopg
"""

WRITER = """
import datetime as dt, sys, time
from pathlib import Path
from riskengine.register.store import Register
from tests.register.conftest import entry, pdf_output

db, writer, rows, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
while not go.exists():
    time.sleep(0.005)
now = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)
with Register(db) as register:  # opening migrates the new file: all writers race to do it
    for number in range(rows):
        assessment_id = f"RA-20261124-{writer:04d}{number:06d}"
        created = now + dt.timedelta(minutes=number)
        register.record_entries([(entry(assessment_id, vendor=f"Vendor {number % 7}",
                                        domain=f"vendor{number % 7}.example", created=created),
                                  [pdf_output(assessment_id)])], now=created)
print("recorded", rows)
"""

EVIDENCE_WRITER = """
import datetime as dt, sys, time
from pathlib import Path
from riskengine.enrich.evidence import make_evidence
from riskengine.enrich.store import EvidenceStore

db, rows, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
while not go.exists():
    time.sleep(0.005)
now = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)
with EvidenceStore(db) as store:
    for number in range(rows):
        item = make_evidence(kind="web", check="web.hsts", status="pass", reason="test", value=True,
                             query=f"https://v{number}.example/", fetched_at=now, tool="test", raw=str(number))
        store.record_run(f"RA-EVIDENCE-{number:06d}", f"v{number}.example", now, [item])
print("recorded", rows)
"""

READER = """
import datetime as dt, sys, time
from pathlib import Path
from riskengine.register.store import Register

db, go = sys.argv[1], Path(sys.argv[2])
while not go.exists():
    time.sleep(0.005)
reads, slowest = 0, 0.0
deadline = time.monotonic() + 3
while time.monotonic() < deadline:
    try:
        register = Register(db)
    except Exception:
        time.sleep(0.01)
        continue
    with register:
        started = time.perf_counter()
        register.history("vendor3.example")
        register.due(dt.date(2030, 1, 1))
        slowest = max(slowest, time.perf_counter() - started)
    reads += 1
print("reads", reads, "slowest", slowest)
"""


def _start(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WARM + code, *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_concurrent_writers_lose_no_row_and_are_never_locked_out(db: Path | str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    processes = [_start(WRITER, str(db), str(writer), str(ROWS_PER_WRITER), str(go)) for writer in range(WRITERS)]
    processes.append(_start(EVIDENCE_WRITER, str(db), str(ROWS_PER_WRITER), str(go)))
    reader = _start(READER, str(db), str(go))
    time.sleep(1.0)  # every child imported and waiting
    go.touch()
    outputs = []
    for process in [*processes, reader]:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        assert "locked" not in stderr
        outputs.append(stdout.split())
    assert all(output[:2] == ["recorded", str(ROWS_PER_WRITER)] for output in outputs[:-1])
    _, reads, _, slowest = outputs[-1]
    assert int(reads) > 10, "the reader was kept waiting by the writers"
    assert float(slowest) < 1.0, f"a read waited {slowest} s for the writers (WAL lets readers through)"

    with Raw(db) as raw:
        assert raw.value("SELECT COUNT(*) FROM assessments") == WRITERS * ROWS_PER_WRITER
        assert raw.value("SELECT COUNT(*) FROM results") == WRITERS * ROWS_PER_WRITER
        assert raw.value("SELECT COUNT(*) FROM outputs") == WRITERS * ROWS_PER_WRITER
        assert raw.value("SELECT COUNT(*) FROM evidence_runs") == ROWS_PER_WRITER
        assert raw.value("SELECT SUM(assessments) FROM vendors") == WRITERS * ROWS_PER_WRITER
        assert raw.value("SELECT COUNT(*) FROM schema_migrations") == 2
        seqs = [seq for (seq,) in raw.execute("SELECT seq FROM chain ORDER BY seq")]
        writers = raw.execute("SELECT DISTINCT substr(record_key, 13, 4) FROM chain WHERE record_table = 'assessments'")
    assert seqs == list(range(1, 3 * WRITERS * ROWS_PER_WRITER + 1)), "one chain: no record twice, none missing"
    assert len(writers) == WRITERS
    with Register(db) as register:
        report = register.check_chain()
    assert report.intact, report.problem
    assert report.records == 3 * WRITERS * ROWS_PER_WRITER, "every writer's rows chained, one chain across writers"
