"""Register benchmark, on SQLite and on PostgreSQL: a register of 100,000 assessments answers ``history VENDOR``
and ``due`` (a new process each, start-up included), and records one more assessment.

Each command figure times the command as a user runs it (``python -m riskengine ...``, a new process each time,
start-up included, so nothing of riskengine's is cached between runs), median of RUNS runs after one run that
fills the operating system's file cache; CPU time is the child's own (``os.wait4``), and each run is timed
beside the start-up anchor of ``measure.py`` (a new Python that imports a fixed set of standard modules).

The SQLite register is filled through its own bulk path (``Register.record_entries``, one transaction per 5,000
entries), with the same schema and indexes as assessments recorded by ``assess``: 5,000 vendors assessed 20
times each over ten years, tiers and reassessment dates as the default profile sets them, a PDF and a JSON
output per assessment. The stored JSON result of each synthetic assessment is a 4 KB stand-in (a real one is
~30 KB compressed): the listing commands never read results, which live in their own table.

The PostgreSQL register holds the very same rows: a server started as the tests start theirs
(``tests/databases.py``: 127.0.0.1, a free port, run as ``nobody`` when this is root) but durable (fsync and
synchronous commits on, as on a team's server), or the empty database ``BENCH_POSTGRESQL`` names; its register
is created by riskengine, then every table of the SQLite one is copied into it in its order (the chain's records
hash the same values on both backends, so they hold there too: one assessment's records are checked).

Recording is timed in this process: one assessment with its PDF and JSON outputs, in a transaction of its own as
``assess`` records it, into the 100,000-assessment register, median of RUNS passes each beside the Python anchor;
the CPU is this process's (PostgreSQL's own work is in the wall time). Last, what a ``postgresql://`` URL adds to
a command's start-up: importing SQLAlchemy and its psycopg dialect, which a SQLite path never does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from measure import STARTUP_ANCHOR, Figure, compiled, measure, measure_command, python_anchor, report

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "9"))
ASSESSMENTS = int(os.environ.get("BENCH_ASSESSMENTS", "100000"))
PER_VENDOR = 20
VENDORS = ASSESSMENTS // PER_VENDOR
CHUNK = 5_000
VENDOR = f"vendor-{VENDORS // 2:05d}"
"""The vendor whose history is listed: one in the middle of the register."""
TARGET = 0.2
SERVER_TARGET = 0.5
"""``history`` and ``due`` on a server, start-up included: SQLAlchemy's import alone is ~0.2 s of CPU, and a new
connection to PostgreSQL a process of its own on the server."""
RECORD_TARGET = {"sqlite": 0.02, "postgresql": 0.05}
"""Seconds to record one assessment: far below the second or more ``assess`` takes to render it."""
IMPORT_TARGET = 0.35
"""What importing SQLAlchemy and psycopg adds to the start-up of a command given a URL: the larger part of the
0.5 s a command on a server may take."""
EPOCH = "1795510800"  # 2026-11-24T09:00Z
NOW = dt.datetime.fromtimestamp(int(EPOCH), tz=dt.UTC)
TIERS = {"low": 24, "medium": 12, "high": 6, "critical": 3}
"""Reassessment months per tier, as scoring/default.yaml sets them."""
DECISIONS = {"low": "approve", "medium": "approve_with_conditions", "high": "approve_with_conditions",
             "critical": "reject"}


def _months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def entries(vendors: range) -> Iterator[tuple[object, Sequence[object]]]:
    from riskengine.register.store import Entry, Output

    generator = random.Random(2026 + vendors.start)
    padding = generator.randbytes(2048).hex()
    for vendor in vendors:
        domain = f"vendor-{vendor:05d}.example"
        # A vendor's assessments follow its reassessment dates; the last one lies within its tier's interval
        # and a month more before today, so a few vendors are overdue, some due soon, most not yet.
        tiers = generator.choices(list(TIERS), weights=(4, 5, 3, 1), k=PER_VENDOR)
        gaps = [dt.timedelta(days=TIERS[tier] * 30 + generator.randrange(-20, 40)) for tier in tiers[:-1]]
        last = dt.timedelta(days=generator.randrange(0, TIERS[tiers[-1]] * 30 + 30))
        day = (NOW - last - sum(gaps, dt.timedelta())).date()
        for number, tier in enumerate(tiers):
            digest = hashlib.sha256(f"{vendor}/{number}".encode()).hexdigest()
            assessment_id = f"RA-{day:%Y%m%d}-{digest[:10].upper()}"
            created = dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC)
            result = json.dumps({"assessment_id": assessment_id, "vendor": domain, "padding": padding}).encode()
            entry = Entry(
                assessment_id=assessment_id, vendor_key=domain, vendor_name=f"Vendor {vendor:05d} B.V.",
                product="Marketing Cloud", domain=domain, created=created.isoformat(), tier=tier,
                decision=DECISIONS[tier], inherent=generator.uniform(20, 90),
                control_effectiveness=generator.uniform(20, 95), residual=generator.uniform(5, 90),
                reassess_by=_months_later(day, TIERS[tier]).isoformat(), findings=generator.randrange(60),
                knockouts=int(tier == "critical"), questionnaire_sha256=digest,
                inputs=json.dumps([["questionnaire", f"{domain}.xlsx", digest]]),
                run_key=hashlib.sha256(b"run" + digest.encode()).hexdigest(), evidence_ids="[]", engine="bench",
                result=result)
            outputs = [Output(kind=kind, sha256=hashlib.sha256(f"{kind}{assessment_id}".encode()).hexdigest(),
                              path=f"/reports/{domain}/{assessment_id}.{kind}", size=200_000)
                       for kind in ("pdf", "json")]
            yield entry, outputs
            if number < len(gaps):
                day += gaps[number]


def fill(path: Path) -> float:
    from riskengine.register.store import Register

    started = time.perf_counter()
    batch: list[tuple[object, Sequence[object]]] = []
    with Register(path) as register:
        for item in entries(range(VENDORS)):
            batch.append(item)
            if len(batch) == CHUNK:
                register.record_entries(batch, now=NOW)  # type: ignore[arg-type]
                batch.clear()
        if batch:
            register.record_entries(batch, now=NOW)  # type: ignore[arg-type]
    return time.perf_counter() - started


COPIED = {"assessments": "rowid", "results": "rowid", "outputs": "rowid", "vendors": "vendor_key", "signoffs": "id",
          "chain": "seq", "evidence": "id", "evidence_runs": "assessment_id"}
"""Every table of the register and the evidence store, in the order it is copied, and the order of its rows."""


def copy_register(source: Path, target: str) -> float:
    """Copy every row of the SQLite register at ``source`` into the new PostgreSQL one at ``target``, in order."""
    from riskengine.database import connect
    from riskengine.enrich.store import EvidenceStore
    from riskengine.register.store import Register

    started = time.perf_counter()
    Register(target).close()
    EvidenceStore(target).close()
    with connect(source) as reading, connect(target) as writing, writing.transaction():
        for table, order in COPIED.items():
            columns = [row[1] for row in reading.execute(f"PRAGMA table_info({table})")]
            if not columns:  # a component the SQLite register never opened
                continue
            rows = reading.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
            keep_ids = " OVERRIDING SYSTEM VALUE" if table == "signoffs" else ""  # the chain names sign-offs by id
            insert = (f"INSERT INTO {table} ({', '.join(columns)}){keep_ids} "
                      f"VALUES ({', '.join(':' + name for name in columns)})")
            while batch := rows.fetchmany(CHUNK):
                writing.executemany(insert, [dict(zip(columns, row, strict=True)) for row in batch])
    return time.perf_counter() - started


def command_figures(backend: str, location: str, env: dict[str, str], target: float) -> list[Figure]:
    env = {**env, "RISKENGINE_DB": location}
    cli = [sys.executable, "-m", "riskengine"]
    figures = []
    for name, command in (
        (f"history {VENDOR}.example", [*cli, "history", f"{VENDOR}.example"]),
        (f"history '{VENDOR.title().replace('-', ' ')} B.V.' (by name)",
         [*cli, "history", f"{VENDOR.title().replace('-', ' ')} B.V."]),
        ("due (within 30 days)", [*cli, "due"]),
        ("due --within 90", [*cli, "due", "--within", "90"]),
    ):
        timing, first = measure_command(command, env, RUNS)
        print(f"register on {backend}: riskengine {name}: {first.stdout.splitlines()[0][:60] if first.stdout else ''}")
        figures.append(Figure.timed(f"{backend}: riskengine {name}", timing, target))
    return figures


def record_figure(backend: str, location: Path | str) -> Figure:
    """One assessment recorded, with its two outputs, in a transaction of its own, into the full register."""
    from riskengine.register.store import Register

    more = entries(range(VENDORS, VENDORS + RUNS + 1))
    with Register(location) as register:
        timing, _ = measure(lambda: register.record_entries([next(more)], now=NOW),  # type: ignore[list-item]
                            python_anchor, RUNS)
        checked = register.check_records([register.history(f"{VENDOR}.example")[-1].assessment_id])
    if not checked.intact:
        raise SystemExit(f"the register on {backend} does not hold: {checked.problem}")
    return Figure.timed(f"{backend}: record one assessment (PDF + JSON outputs, chained)", timing,
                        RECORD_TARGET[backend])


def postgresql_server() -> tuple[str, object | None]:
    """The URL of an empty database to fill, and the server started for it (None: ``BENCH_POSTGRESQL``'s)."""
    named = os.environ.get("BENCH_POSTGRESQL")
    if named:
        return named, None
    sys.path.insert(0, str(ROOT))
    from tests.databases import PostgresServer

    server = PostgresServer(durable=True)
    return server.take(), server


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="riskengine-bench-register-") as scratch:
        db = Path(scratch) / "register.db"
        seconds = fill(db)
        size = db.stat().st_size
        print(f"register of {ASSESSMENTS:,} assessments of {VENDORS:,} vendors filled in {seconds:.1f} s "
              f"({size / 2**20:.0f} MiB); each command median of {RUNS} runs, start-up included")
        env = compiled({**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, Path(scratch) / "bytecode")
        url, server = postgresql_server()
        try:
            print(f"the same rows copied into PostgreSQL in {copy_register(db, url):.1f} s")
            figures = [*command_figures("sqlite", str(db), env, TARGET),
                       *command_figures("postgresql", url, env, SERVER_TARGET),
                       record_figure("sqlite", db), record_figure("postgresql", url)]
        finally:
            if server is not None:
                server.stop()  # type: ignore[attr-defined]
        imports = [sys.executable, "-c", "import sqlalchemy.dialects.postgresql.psycopg, psycopg"]
        timing, _ = measure_command(imports, env, RUNS, anchor=STARTUP_ANCHOR)
        figures.append(Figure.timed("import SQLAlchemy + psycopg (what a URL adds to start-up)", timing,
                                    IMPORT_TARGET))
    return report(figures)


if __name__ == "__main__":
    sys.exit(main())
