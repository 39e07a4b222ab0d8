"""Register benchmark: a register of 100,000 assessments answers ``history VENDOR`` and ``due`` in under 0.2 s.

Each figure times the command as a user runs it (``python -m riskengine ...``, a new process each time,
start-up included, so nothing of riskengine's is cached between runs), median of RUNS runs after one run that
fills the operating system's file cache; CPU time is the child's own (``os.wait4``), and each run is timed
beside the start-up anchor of ``measure.py`` (a new Python that imports a fixed set of standard modules).

The register is filled through its own bulk path (``Register.record_entries``, one transaction per 5,000
entries), with the same schema and indexes as assessments recorded by ``assess``: 5,000 vendors assessed 20
times each over ten years, tiers and reassessment dates as the default profile sets them, a PDF and a JSON
output per assessment. The stored JSON result of each synthetic assessment is a 4 KB stand-in (a real one is
~30 KB compressed): the listing commands never read results, which live in their own table.
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

from measure import Figure, measure_command, report

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "9"))
ASSESSMENTS = 100_000
VENDORS = 5_000
CHUNK = 5_000
TARGET = 0.2
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


def entries() -> Iterator[tuple[object, Sequence[object]]]:
    from riskengine.register.store import Entry, Output

    generator = random.Random(2026)
    padding = generator.randbytes(2048).hex()
    per_vendor = ASSESSMENTS // VENDORS
    for vendor in range(VENDORS):
        domain = f"vendor-{vendor:05d}.example"
        # A vendor's assessments follow its reassessment dates; the last one lies within its tier's interval
        # and a month more before today, so a few vendors are overdue, some due soon, most not yet.
        tiers = generator.choices(list(TIERS), weights=(4, 5, 3, 1), k=per_vendor)
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
        for item in entries():
            batch.append(item)
            if len(batch) == CHUNK:
                register.record_entries(batch, now=NOW)  # type: ignore[arg-type]
                batch.clear()
        if batch:
            register.record_entries(batch, now=NOW)  # type: ignore[arg-type]
    return time.perf_counter() - started


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="riskengine-bench-register-") as scratch:
        db = Path(scratch) / "register.db"
        seconds = fill(db)
        size = db.stat().st_size
        print(f"register of {ASSESSMENTS:,} assessments of {VENDORS:,} vendors filled in {seconds:.1f} s "
              f"({size / 2**20:.0f} MiB); each command median of {RUNS} runs, start-up included")
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "RISKENGINE_DB": str(db)}
        cli = [sys.executable, "-m", "riskengine"]
        figures = []
        for name, command in (
            ("riskengine history vendor-02500.example", [*cli, "history", "vendor-02500.example"]),
            ("riskengine history 'Vendor 02500 B.V.' (by name)", [*cli, "history", "Vendor 02500 B.V."]),
            ("riskengine due (within 30 days)", [*cli, "due"]),
            ("riskengine due --within 90", [*cli, "due", "--within", "90"]),
        ):
            timing, first = measure_command(command, env, RUNS)
            print(f"register: {name}: {first.stdout.splitlines()[0][:60] if first.stdout else ''}")
            figures.append(Figure.timed(name, timing, TARGET))
    return report(figures)


if __name__ == "__main__":
    sys.exit(main())
