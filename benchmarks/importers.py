"""Importers benchmark: importing and assessing the largest workbook of the shared corpus (a vendor-filled HECVAT 3
Full, 1.4 MB, with hidden sheets): detection, the hostile-file guard, the reader, the mapping and the vendor's own
answers by category, then the whole assessment (graph, score with its what-if, 20,000 TCO trials), no PDF.
Target: under 3 s of CPU.

In-process, median of five passes after one warm-up that loads the question bank, the profile and the mappings
once, as a long-running process would; every pass reads the file and scores it again (nothing of the result is
cached). Wall and CPU time are printed beside an anchor, a fixed pure-Python workload timed in the same passes,
so that a slow spell of this shared machine shows as a slow anchor, not as a slow importer. Exit 1 when the
target is missed, or when the corpus is not there to measure.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "questionnaires"
PASSES = 5
TARGET_CPU = 3.0


def _anchor() -> None:
    """A fixed workload of the kind reading does (strings, dicts, small tuples), independent of riskengine."""
    rng = random.Random(5)
    cells = [f"{rng.random():.6f}-{index}" for index in range(40_000)]
    for _ in range(8):
        {cell: cell.upper().split("-") for cell in cells}


def main() -> int:
    from riskengine.pipeline import assess

    workbooks = sorted(CORPUS.glob("*.xlsx"), key=lambda path: path.stat().st_size) if CORPUS.is_dir() else []
    if not workbooks:
        print(f"importers: no corpus at {CORPUS}; nothing measured", file=sys.stderr)
        return 1
    largest = workbooks[-1]
    now = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)
    assessment = assess(largest, now=now)
    walls, cpus, anchors = [], [], []
    for _ in range(PASSES):
        started = time.perf_counter()
        _anchor()
        anchors.append(time.perf_counter() - started)
        started, cpu = time.perf_counter(), time.process_time()
        assess(largest, now=now)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    wall, cpu_time, anchor = statistics.median(walls), statistics.median(cpus), statistics.median(anchors)
    ok = cpu_time < TARGET_CPU
    coverage = assessment.coverage
    detail = (f"{coverage.format} {coverage.format_version}, {coverage.answers_mapped} mapped, "
              f"{len(coverage.own_answers)} own scored") if coverage else "ours"
    name = f"import and assess {largest.name} ({largest.stat().st_size / 1e6:.1f} MB; {detail})"
    print(f"{name:<100} {wall:>7.3f}s wall {cpu_time:.3f}s CPU  target {TARGET_CPU:.1f}s CPU  "
          f"{'ok' if ok else 'MISSED'}  (median of {PASSES} passes, CPU {min(cpus):.3f}-{max(cpus):.3f}s; anchor "
          f"{anchor:.3f}s, assess/anchor {wall / anchor:.1f})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
