"""``riskengine assess`` against its floor: a new process per run, offline, each sample beside ``floor.py``.

``floor.py`` is the least a program reading a questionnaire and writing a PDF does: import openpyxl and reportlab,
read the workbook, write one page. ``assess`` does what a user runs (read, graph, score, price, render the whole
report, write PDF + JSON, record in a new register), offline. Both run as new processes with their bytecode
compiled (``measure.compiled``), interleaved: floor, assess, floor, assess ... for each sample in turn, so a busy
spell of this shared machine slows both. The figure is, per sample, the median CPU seconds of ``assess`` over the
median of the floor's (CPU: what the programs cost, not what the machine's other work costs them); the wall
ratio is beside it (the table's last column: assess wall / floor wall). Target: at most 3x.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from measure import SAMPLE_NAMES, Figure, compiled, report, run_child

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
TARGET = 3.0
EPOCH = "1795510800"


def main() -> int:
    figures = []
    with tempfile.TemporaryDirectory(prefix="riskengine-bench-floor-") as scratch:
        work = Path(scratch)
        env = compiled({**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, work / "bytecode")
        print(f"assess (offline, PDF + JSON, register) against floor.py, new processes, {RUNS} interleaved runs each, "
              f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs:")
        for name in SAMPLE_NAMES:
            questionnaire = SAMPLES / f"{name}.xlsx"
            floor = [sys.executable, str(ROOT / "benchmarks" / "floor.py"), str(questionnaire), str(work / "floor.pdf")]

            def assess(run: int, questionnaire: Path = questionnaire) -> list[str]:
                return [sys.executable, "-m", "riskengine", "assess", str(questionnaire), "--inventory",
                        str(SAMPLES / "inventory.yaml"), "--org", str(SAMPLES / "org-profile.yaml"), "--offline",
                        "--db", str(work / f"register-{run}.db"), "-o", str(work / f"assess-{run}.pdf")]

            for command in (floor, assess(-1)):  # untimed: bytecode written, files in the cache
                first = run_child(command, env)
                if first.returncode != 0:
                    raise SystemExit(f"{' '.join(command)} exited {first.returncode}: {first.stderr[-400:]}")
            floors, assessments = [], []
            for run in range(RUNS):
                floors.append(run_child(floor, env))
                assessments.append(run_child(assess(run), env))
            floor_cpu = statistics.median(done.cpu for done in floors)
            floor_wall = statistics.median(done.wall for done in floors)
            assess_cpu = statistics.median(done.cpu for done in assessments)
            assess_wall = statistics.median(done.wall for done in assessments)
            print(f"  {name:<22} assess {assess_cpu:.2f} s CPU {assess_wall:.2f} s wall; floor {floor_cpu:.2f} s CPU "
                  f"{floor_wall:.2f} s wall; ratio {assess_cpu / floor_cpu:.2f} CPU, "
                  f"{assess_wall / floor_wall:.2f} wall")
            figures.append(Figure(f"assess {name} / floor.py (CPU, new processes)", assess_cpu / floor_cpu, "x",
                                  TARGET, wall=assess_wall, cpu=assess_cpu, anchor=floor_wall))
    return report(figures)


if __name__ == "__main__":
    sys.exit(main())
