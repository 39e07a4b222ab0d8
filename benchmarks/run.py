"""Benchmarks: each figure printed beside its target. Run with ``make bench``.

Start-up figures time the whole command as a user runs it (a new process each time), median of N runs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def median_seconds(command: Sequence[str], runs: int = RUNS) -> float:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795510800"}
    subprocess.run(command, env=env, capture_output=True, check=False)  # warm the file cache
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> int:
    cli = [sys.executable, "-m", "riskengine"]
    figures = [
        ("riskengine --help", median_seconds([*cli, "--help"]), 0.3),
        ("riskengine validate samples/northwind-mail.xlsx",
         median_seconds([*cli, "validate", str(SAMPLES / "northwind-mail.xlsx")]), 0.8),
        ("riskengine validate (with --inventory)",
         median_seconds([*cli, "validate", str(SAMPLES / "northwind-mail.xlsx"), "--inventory",
                         str(SAMPLES / "inventory.yaml")]), 0.8),
        ("riskengine assess (offline, 20,000 TCO trials, PDF + JSON)",
         median_seconds([*cli, "assess", str(SAMPLES / "glowup-loyalty.xlsx"), "--inventory",
                         str(SAMPLES / "inventory.yaml"), "--org", str(SAMPLES / "org-profile.yaml"), "--offline",
                         "--db", str(Path(tempfile.gettempdir()) / "riskengine-bench.db"),
                         "-o", str(Path(tempfile.gettempdir()) / "riskengine-bench.pdf")], runs=5), 2.0),
    ]
    failed = False
    print(f"{'benchmark':<52} {'median':>9} {'target':>9}  result   ({RUNS} runs each)")
    for name, seconds, target in figures:
        ok = seconds <= target
        failed |= not ok
        print(f"{name:<52} {seconds:>8.3f}s {target:>8.3f}s  {'ok' if ok else 'MISSED'}")
    print()
    others = [subprocess.run([sys.executable, str(ROOT / "benchmarks" / script)], check=False).returncode
              for script in ("inventory_scale.py", "enrichment.py", "scoring.py", "tco.py", "importers.py",
                             "register.py", "batch.py")]
    return 1 if failed or any(others) else 0


if __name__ == "__main__":
    sys.exit(main())
