"""Importers benchmark: reading the largest workbook of the shared corpus (a vendor-filled HECVAT 3 Full, 1.2 MB,
with hidden sheets) through detection, the hostile-file guard, the reader and the mapping. Target: under 3 s.

In-process, median of 5 runs after one warm-up (which also loads the question bank and the mappings once, as a
long-running process would). Exit 1 when the target is missed, or when the corpus is not there to measure.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "questionnaires"
RUNS = 5
TARGET = 3.0


def main() -> int:
    from riskengine.importers import read_questionnaire
    from riskengine.questionnaire.bank import load_bank

    workbooks = sorted(CORPUS.glob("*.xlsx"), key=lambda path: path.stat().st_size) if CORPUS.is_dir() else []
    if not workbooks:
        print(f"importers: no corpus at {CORPUS}; nothing measured", file=sys.stderr)
        return 1
    largest = workbooks[-1]
    bank, today = load_bank(), dt.date(2026, 11, 24)
    submission = read_questionnaire(largest, bank, today=today)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        read_questionnaire(largest, bank, today=today)
        timings.append(time.perf_counter() - started)
    seconds = statistics.median(timings)
    ok = seconds < TARGET
    coverage = submission.coverage
    detail = f"{coverage.format} {coverage.format_version}, {coverage.answers_mapped} mapped" if coverage else "ours"
    name = f"import {largest.name} ({largest.stat().st_size / 1e6:.1f} MB; {detail})"
    print(f"{name:<100} {seconds:>7.3f}s target {TARGET:.1f}s  {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
