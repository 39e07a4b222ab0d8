"""What grows, and how, beyond the inventory (``inventory_scale.py``): the curves of docs/scale.md against the
number of vendors in a batch and against the size of the questionnaire.

1. **Vendors in a batch**: ``riskengine batch`` as a user runs it (a new process, 2 workers, offline, PDF and JSON
   each and the portfolio files) on 25, 50, 100 and 200 of the varied vendors of ``batch.py``. Wall and CPU seconds
   (``os.wait4``: the batch's and its workers'), the rate, CPU a vendor, and the peak resident memory of the
   largest process (``measure.PeakMemory``). Targets: a vendor costs no more CPU in a batch of 200 than in one of
   25 (the start-up and the portfolio are shared by more vendors; nothing grows with the register), and the
   largest process's memory in a batch of 200 is at most 1.3 times that of a batch of 25.
2. **The questionnaire's size**: ``riskengine assess`` (new process, offline, PDF and JSON, the sample inventory)
   of each input from the smallest to the largest: the three samples (ours), and the real workbooks of the shared
   corpus (a CAIQ of 124 KB to a HECVAT Full of 1.4 MB, a blank HECVAT 4 among them), median of RUNS runs each,
   each beside the start-up anchor of ``measure.py``. Targets: each under 6 s of CPU and 500 MiB.

Exit 1 when a target is missed or a command fails; the corpus part is left out, saying so, when the corpus is not
there.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from batch import EPOCH, questionnaires
from measure import STARTUP_ANCHOR, ChildTiming, Figure, PeakMemory, compiled, report, run_child

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus" / "questionnaires"
COUNTS = (25, 50, 100, 200)
WORKERS = 2
RUNS = int(os.environ.get("BENCH_GROWTH_RUNS", "3"))
CPU_PER_VENDOR_GROWTH = 1.0
"""A vendor's CPU in the largest batch over the smallest's: at most this."""
MEMORY_GROWTH = 1.3
ASSESS_CPU, ASSESS_MEMORY_MIB = 6.0, 500
DONE = {0, 3, 5}
"""``assess`` exit codes of a run that finished: approved, a policy gate, more information needed (a blank)."""


def _anchor(env: dict[str, str]) -> float:
    return run_child(STARTUP_ANCHOR, env).wall


def vendors(scratch: Path, env: dict[str, str]) -> list[Figure]:
    """Batches of 25 to 200 vendors: one row each, then the two growth figures."""
    inbox = questionnaires(max(COUNTS))
    paths = sorted(inbox.glob("*.xlsx"))
    print(f"batches of the first N of {len(paths)} varied vendors, {WORKERS} workers, offline (load "
          f"{os.getloadavg()[0]:.1f}):")
    print(f"  {'vendors':>8}{'wall s':>9}{'CPU s':>9}{'vendors/s':>11}{'CPU s/vendor':>14}{'peak MiB':>10}"
          f"{'anchor s':>10}")
    rows: dict[int, tuple[ChildTiming, float, int]] = {}
    for count in COUNTS:
        folder = scratch / f"inbox-{count}"
        folder.mkdir()
        for path in paths[:count]:
            os.link(path, folder / path.name)
        anchor, peak = _anchor(env), PeakMemory()
        done = run_child([sys.executable, "-m", "riskengine", "batch", str(folder), "--inventory",
                          str(SAMPLES / "inventory.yaml"), "--org", str(SAMPLES / "org-profile.yaml"), "--offline",
                          "--workers", str(WORKERS), "-o", str(scratch / f"out-{count}")],
                         {**env, "RISKENGINE_DB": str(scratch / f"register-{count}.db")}, on_start=peak)
        peak_kib = peak.stop()
        if done.returncode != 0:
            print(f"  the batch of {count} exited {done.returncode}: {done.stderr.strip()[-400:]}")
            return [Figure(f"batch of {count} vendors", float(done.returncode), "x", 0.0)]
        rows[count] = done, anchor, peak_kib
        print(f"  {count:>8}{done.wall:>9.1f}{done.cpu:>9.1f}{count / done.wall:>11.2f}{done.cpu / count:>14.3f}"
              f"{peak_kib / 1024:>10.0f}{anchor:>10.3f}")
    (small, _, small_peak), (large, large_anchor, large_peak) = rows[COUNTS[0]], rows[COUNTS[-1]]
    return [
        Figure(f"batch: CPU a vendor, {COUNTS[-1]} vendors / {COUNTS[0]} vendors",
               (large.cpu / COUNTS[-1]) / (small.cpu / COUNTS[0]), "x", CPU_PER_VENDOR_GROWTH, wall=large.wall,
               cpu=large.cpu, anchor=large_anchor),
        Figure(f"batch: peak memory of the largest process, {COUNTS[-1]} vendors / {COUNTS[0]} vendors",
               large_peak / max(small_peak, 1), "x", MEMORY_GROWTH),
    ]


def inputs() -> list[Path]:
    """The samples, then the corpus's workbooks, smallest first."""
    found = sorted(SAMPLES.glob("*.xlsx"))
    if CORPUS.is_dir():
        found += sorted(CORPUS.glob("*.xlsx"))
    else:
        print(f"(no corpus at {CORPUS}: the samples only)")
    return sorted(found, key=lambda path: path.stat().st_size)


def questionnaire_size(scratch: Path, env: dict[str, str]) -> list[Figure]:
    """``assess`` of each input, median of RUNS runs: one row each, and a CPU and a memory figure each."""
    print(f"\nassess of each input as a user runs it (offline, PDF and JSON, the sample inventory), median of {RUNS} "
          f"(load {os.getloadavg()[0]:.1f}):")
    print(f"  {'input':<52}{'KB':>7}{'wall s':>9}{'CPU s':>8}{'peak MiB':>10}{'anchor s':>10}  decision")
    figures: list[Figure] = []
    for path in inputs():
        command = [sys.executable, "-m", "riskengine", "assess", str(path), "--inventory",
                   str(SAMPLES / "inventory.yaml"), "--org", str(SAMPLES / "org-profile.yaml"), "--offline",
                   "--db", str(scratch / "assess.db"), "-o", str(scratch / "assess.pdf"),
                   "--json", str(scratch / "assess.json")]
        first = run_child(command, env)  # untimed: fills the file cache and the bytecode folder
        if first.returncode not in DONE:
            print(f"  {path.name}: exited {first.returncode}: {first.stderr.strip()[-400:]}")
            figures.append(Figure(f"assess {path.name}", float(first.returncode), "x", 0.0))
            continue
        runs, anchors, peaks = [], [], []
        for _ in range(RUNS):
            anchors.append(_anchor(env))
            watcher = PeakMemory()
            runs.append(run_child(command, env, on_start=watcher))
            peaks.append(watcher.stop())
        wall = statistics.median(run.wall for run in runs)
        cpu = statistics.median(run.cpu for run in runs)
        peak = max(peaks) / 1024
        anchor = statistics.median(anchors)
        decision = first.stdout.strip().splitlines()[0][:40] if first.stdout.strip() else ""
        print(f"  {path.name[:51]:<52}{path.stat().st_size / 1000:>7.0f}{wall:>9.2f}{cpu:>8.2f}{peak:>10.0f}"
              f"{anchor:>10.3f}  {decision}")
        figures.append(Figure(f"assess {path.name} ({path.stat().st_size / 1e6:.2f} MB), CPU", cpu, "s CPU",
                              ASSESS_CPU, wall=wall, cpu=cpu, anchor=anchor))
        figures.append(Figure(f"assess {path.name}, peak memory", peak, "MiB", ASSESS_MEMORY_MIB))
    return figures


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="riskengine-bench-growth-") as folder:
        scratch = Path(folder)
        env = compiled({**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, scratch / "bytecode")
        figures = vendors(scratch, env)
        figures += questionnaire_size(scratch, env)
        print()
        return report(figures)


if __name__ == "__main__":
    sys.exit(main())
