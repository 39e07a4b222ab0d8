"""Benchmarks: each figure printed beside its target, with CPU beside wall time and its anchor. Run with
``make bench``.

The start-up figures here time the whole command as a user runs it (a new process each time, so nothing of
riskengine's is cached between runs, its bytecode compiled as an installed package's is: ``measure.compiled``),
median of RUNS runs, each beside the start-up anchor of ``measure.py``.
Then every other benchmark runs as its own script; each prints its own figures, and at the end this prints all
of them in one table: value, target, result, wall, CPU and anchor seconds, and the ratio wall / anchor (what
compares across runs on a shared machine). Exit 1 when a target is missed or a benchmark fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import FIGURES_FILE, Figure, compiled, measure_command, recorded, report, table

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
SCRIPTS = ("inventory_scale.py", "enrichment.py", "scoring.py", "tco.py", "importers.py", "register.py",
           "warm_vendor.py", "assess_floor.py", "batch.py", "growth.py", "web.py", "discover.py")


def startup_figures(scratch: Path) -> list[Figure]:
    env = compiled({**os.environ, "SOURCE_DATE_EPOCH": "1795510800"}, scratch / "bytecode")
    cli = [sys.executable, "-m", "riskengine"]
    commands = [
        ("riskengine --help", [*cli, "--help"], 0.3, RUNS),
        ("riskengine validate samples/northwind-mail.xlsx",
         [*cli, "validate", str(SAMPLES / "northwind-mail.xlsx")], 0.8, RUNS),
        ("riskengine validate (with --inventory)",
         [*cli, "validate", str(SAMPLES / "northwind-mail.xlsx"), "--inventory", str(SAMPLES / "inventory.yaml")],
         0.8, RUNS),
        ("riskengine assess (offline, adaptive TCO trials, PDF + JSON)",
         [*cli, "assess", str(SAMPLES / "glowup-loyalty.xlsx"), "--inventory", str(SAMPLES / "inventory.yaml"),
          "--org", str(SAMPLES / "org-profile.yaml"), "--offline", "--db", str(scratch / "riskengine-bench.db"),
          "-o", str(scratch / "riskengine-bench.pdf")], 2.0, max(3, RUNS // 3)),
    ]
    return [Figure.timed(name, measure_command(command, env, runs)[0], target)
            for name, command, target, runs in commands]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="riskengine-bench-") as scratch:
        figures_file = Path(scratch) / "figures.jsonl"
        os.environ[FIGURES_FILE] = str(figures_file)
        print(f"start-up, median of {RUNS} runs each (assess: {max(3, RUNS // 3)})")
        failed = report(startup_figures(Path(scratch))) != 0
        for script in SCRIPTS:
            print(f"\n== {script}", flush=True)
            code = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script)], check=False).returncode
            if code != 0:
                print(f"{script} exited {code}")
                failed = True
        figures = recorded(figures_file)
    print(f"\n== all figures ({sum(figure.ok for figure in figures)} of {len(figures)} on target)")
    print(table(figures))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
