"""Batch benchmark: 200 questionnaires, offline, 2 workers, PDF + JSON each and the portfolio files.

1. Throughput of ``riskengine batch`` as a user runs it (a new process, spawn-started workers, the portfolio
   workbook and page at the end): at least 6 vendors a second on an idle machine, 4 under load (a 1-minute load
   average of IDLE_LOAD or more before the run, as during a parallel test run). CPU time is the batch's and
   its workers' (``os.wait4``), printed per vendor beside the rate: the rate alone depends on the moment. The
   anchor, a fixed pure-Python workload, is timed just before and just after the batch.
2. Memory of the workers stays flat: the resident set of each worker (read from /proc) early in the batch
   against the end; the end may not exceed the start by more than 20 %.
3. Where a vendor's time goes inside a worker: cProfile over 12 vendors, after the per-process warm-up,
   summed by stage (printed; no target).
4. The same batch on a Dask LocalCluster of 2 worker processes (``--scheduler local:2``, cluster start-up
   included) beside the local pool's run of 1.: at least 80 % of the pool's rate (what the engine costs: a task
   per vendor through the scheduler, the settings sent once, the one writer). Wall and CPU of each side by side;
   CPU is the command's and all its children's (the nannies and workers of the cluster). Needs the dask extra.
   4. and 5. run between the batch of 1. and the same batch run again, and are compared with the mean of the two:
   this shared machine's speed drifts by as much as twice within minutes (measured: the anchor at 0.17 s before
   1. and 0.38 s before 5. in one run), which a comparison with 1. alone took for a difference of the engine.
5. The batch against a generated inventory of 2,000 systems and 10,000 integrations (``inventory_scale.generate``)
   on 2 workers: within 20 % of the rate against the sample inventory. BENCH_BATCH_BIG_VENDORS sets how many of
   the vendors it takes (default: all of them); 0 skips it. The batch's process computes the inventory's graph
   index once before the workers start (it is in the time), and each worker reads it (#24).

The vendors differ as a real portfolio's do (``vendors.py``): names, domains, costs, integrations, data classes,
regions, sub-processors and free text, as well as their Yes/No answers, so what a worker keeps between vendors
(the policy data, fonts, the diagram's ellipses) is reused only where real vendors would let it be; until #19
the 500 differed only in Yes/No answers, and the caches hit far more than on a real portfolio. The workbooks
are kept in the temporary folder between runs (keyed by the samples, the bank and the generator's code).
Set BENCH_BATCH_VENDORS for a smaller run while working on it (the targets are for 200).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import hashlib
import io
import os
import pstats
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

from inventory_scale import generate as generate_inventory
from measure import ChildTiming, Figure, python_anchor, report, run_child
from vendors import write_vendor

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
VENDORS = int(os.environ.get("BENCH_BATCH_VENDORS", "200"))
WORKERS = 2
RATE_TARGET_IDLE = 6.0
RATE_TARGET_LOADED = 4.0
IDLE_LOAD = 1.0
"""A 1-minute load average below this before the run (one of the two CPUs busy at most) is an idle machine."""
MEMORY_GROWTH_LIMIT = 1.20
EPOCH = "1795510800"  # 2026-11-24T09:00Z: the samples' answers are valid on that day
NOW = dt.datetime.fromtimestamp(int(EPOCH), tz=dt.UTC)
PROFILED = 6
DASK_SHARE_TARGET = 0.80
"""The Dask LocalCluster's rate over the local pool's, on the same vendors and workers."""
BIG_SYSTEMS, BIG_INTEGRATIONS = 2_000, 10_000
BIG_SHARE_TARGET = 0.80
"""The rate against the 2,000-system inventory over the rate against the sample inventory."""
BIG_VENDORS = int(os.environ.get("BENCH_BATCH_BIG_VENDORS", str(VENDORS)))


def questionnaires(count: int) -> Path:
    """A folder of ``count`` varied questionnaires, made once and kept in the temporary folder."""
    material = hashlib.sha256()
    for path in [*sorted((SAMPLES / "answers").glob("*.yaml")), *sorted((ROOT / "questionnaires").glob("*.yaml")),
                 ROOT / "benchmarks" / "vendors.py"]:
        material.update(path.read_bytes())
    folder = Path(tempfile.gettempdir()) / f"riskengine-bench-batch-{material.hexdigest()[:12]}-{count}"
    if len(list(folder.glob("*.xlsx"))) == count:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(WORKERS) as pool:
        list(pool.map(write_vendor, range(count), [folder] * count, chunksize=10))
    print(f"(made {count} questionnaires in {time.perf_counter() - started:.0f} s: {folder})")
    return folder


# --- memory of the workers -------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _resident_kib(pid: int) -> int | None:
    try:
        for text in Path(f"/proc/{pid}/status").read_text().splitlines():
            if text.startswith("VmRSS:"):
                return int(text.split()[1])
    except OSError:
        return None
    return None


class WorkerMemory(threading.Thread):
    """Samples the resident set of the batch's worker processes, with how far the batch had come."""

    def __init__(self, batch_pid: int, outdir: Path) -> None:
        super().__init__(daemon=True)
        self.batch_pid, self.outdir = batch_pid, outdir
        self.samples: list[tuple[int, int, int]] = []
        """(vendors done, worker pid, resident KiB)"""
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            done = sum(1 for _ in self.outdir.glob("vendor-*.json"))
            for pid in _children(self.batch_pid):
                if Path(f"/proc/{pid}/cmdline").read_bytes().find(b"multiprocessing") >= 0:
                    resident = _resident_kib(pid)
                    if resident is not None:
                        self.samples.append((done, pid, resident))

    def early_and_late(self, count: int) -> tuple[int, int]:
        """Largest worker resident set around 10 % of the batch, and in its last 10 % (KiB)."""
        early = [kib for done, _, kib in self.samples if count * 0.05 <= done <= count * 0.15]
        late = [kib for done, _, kib in self.samples if done >= count * 0.9]
        return max(early or [0]), max(late or [0])


# --- where the time goes ---------------------------------------------------------------------------------


STAGES = (
    ("read the questionnaire (openpyxl)", "reader.py", "read_submission"),
    ("inventory and graph analysis", "analysis.py", "analyse"),
    ("scoring", "engine.py", "score"),
    ("TCO Monte Carlo (20,000 trials)", "pipeline.py", "_price"),
    ("render the PDF (reportlab)", "document.py", "render_pdf"),
    ("JSON result", "pipeline.py", "assessment_json"),
    ("write files (atomic)", "atomic.py", "write_bytes_atomically"),
    ("record evidence and register row (the one writer)", "outputs.py", "record_written"),
)


def profile(folder: Path, workdir: Path) -> None:
    from riskengine.batch.worker import BatchSettings, Job, assess_one, start, stop
    from riskengine.enrich.settings import NetworkSettings
    from riskengine.enrich.store import EvidenceStore
    from riskengine.outputs import record_written
    from riskengine.pipeline import load_policy
    from riskengine.register.store import Register

    settings = BatchSettings(outdir=workdir, store_path=workdir / "profile.db", now=NOW,
                             network=NetworkSettings(offline=True), inventory=SAMPLES / "inventory.yaml",
                             org_profile=SAMPLES / "org-profile.yaml", policy=load_policy())
    jobs = [Job(path, workdir / f"{path.stem}.pdf", workdir / f"{path.stem}.json")
            for path in sorted(folder.glob("*.xlsx"))[:PROFILED * 2 + 1]]
    # What a worker does, then what the one writer does with it (in the batch, in another process).
    register, evidence = Register(settings.store_path), EvidenceStore(settings.store_path)

    def one(job: Job) -> None:
        written = assess_one(job).written
        if written is not None:
            record_written(written, register=register, evidence_store=evidence, now=NOW)

    start(settings)
    one(jobs[0])  # the first vendor of a process also pays for lazy imports
    started = time.perf_counter()
    for job in jobs[1:PROFILED + 1]:
        one(job)
    wall = (time.perf_counter() - started) / PROFILED
    profiler = cProfile.Profile()
    profiler.enable()
    for job in jobs[PROFILED + 1:]:
        one(job)
    profiler.disable()
    stop()
    register.close()
    evidence.close()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(value[2] for value in entries.values())
    print(f"\none vendor in one worker: {wall:.3f} s wall (mean of {PROFILED}, no profiler); "
          f"where it goes (cProfile over {PROFILED} more, {total / PROFILED:.3f} s each under the profiler):")
    for name, file_name, function in STAGES:
        cumulative = sum(value[3] for (path, _, func), value in entries.items()
                         if path.endswith(file_name) and func == function)
        print(f"  {name:<40} {cumulative / PROFILED:>7.3f} s  {cumulative / total:>5.0%}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(8)
    print("  heaviest functions by own time:")
    for text in out.getvalue().splitlines():
        if text.strip() and text.strip()[0].isdigit() and "/" in text:
            parts = text.split(None, 5)
            print(f"    {parts[1]:>7} s  {parts[5][-90:]}")


def _anchor_seconds() -> float:
    started = time.perf_counter()
    python_anchor()
    return time.perf_counter() - started


def main() -> int:
    folder = questionnaires(VENDORS)
    with tempfile.TemporaryDirectory(prefix="riskengine-bench-batch-") as scratch:
        work = Path(scratch)
        outdir = work / "out"
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "RISKENGINE_DB": str(work / "register.db")}
        command = [sys.executable, "-m", "riskengine", "batch", str(folder), "--inventory",
                   str(SAMPLES / "inventory.yaml"), "--org", str(SAMPLES / "org-profile.yaml"), "--offline",
                   "--workers", str(WORKERS), "-o", str(outdir)]
        load_before = os.getloadavg()[0]
        anchor_before = _anchor_seconds()
        watchers: list[WorkerMemory] = []

        def watch(pid: int) -> None:
            watchers.append(WorkerMemory(pid, outdir))
            watchers[0].start()

        done = run_child(command, env, on_start=watch)
        anchor = (anchor_before + _anchor_seconds()) / 2
        memory = watchers[0]
        memory.stopped.set()
        memory.join()
        pdfs = sum(1 for _ in outdir.glob("vendor-*.pdf"))
        if done.returncode != 0:
            print(f"the batch exited {done.returncode}; its last problems:")
            print("\n".join(done.stderr.strip().splitlines()[-5:]))
        print(f"batch of {VENDORS} questionnaires, offline, {WORKERS} workers, on {os.cpu_count()} CPUs "
              f"(load before: {load_before:.1f}): {pdfs} PDF + JSON in {done.wall:.1f} s wall, {done.cpu:.1f} s CPU")
        early, late = memory.early_and_late(VENDORS)
        print(f"worker resident memory: {early // 1024} MiB around 10 % of the batch, {late // 1024} MiB in its "
              "last 10 %")
        print(done.stdout.strip())
        idle = load_before < IDLE_LOAD
        print(f"CPU per vendor: {done.cpu / max(pdfs, 1):.3f} s (the batch's and its workers', portfolio included); "
              f"target {RATE_TARGET_IDLE if idle else RATE_TARGET_LOADED:.0f}/s "
              f"({'idle' if idle else 'under load'}: load {load_before:.1f} before the run)")
        code = report([
            Figure(f"batch: vendors per second ({VENDORS} varied vendors, portfolio files included, "
                   f"{'idle' if idle else 'under load'})",
                   pdfs / done.wall, "/s", RATE_TARGET_IDLE if idle else RATE_TARGET_LOADED, higher_is_better=True,
                   wall=done.wall, cpu=done.cpu, anchor=anchor),
            Figure("batch: CPU seconds per vendor (batch and workers)", done.cpu / max(pdfs, 1), "s CPU",
                   WORKERS / RATE_TARGET_IDLE, wall=done.wall / max(pdfs, 1), cpu=done.cpu / max(pdfs, 1)),
            Figure("batch: worker resident memory, last 10 % / around 10 %", late / early if early else float("inf"),
                   "x", MEMORY_GROWTH_LIMIT),
        ])
        # 4. and 5. run between this batch and the same batch again: this shared machine's speed drifts by as
        # much as twice within minutes, so each is compared with the mean of the two runs around it
        dask_run = run_dask(folder, work, env)
        big_run = run_big(folder, work, env)
        again, again_anchor, again_load = _timed(_batch_command(folder, work / "out-again", "--workers", str(WORKERS)),
                                                 {**env, "RISKENGINE_DB": str(work / "register-again.db")})
        again_pdfs = sum(1 for _ in (work / "out-again").glob("vendor-*.pdf"))
        reference = (pdfs / done.wall + again_pdfs / again.wall) / 2
        print(f"\nthe same batch again after 4. and 5. (load before: {again_load:.1f}, anchor {again_anchor:.3f} s): "
              f"{again_pdfs / again.wall:.2f} vendors/s, {again.cpu / max(again_pdfs, 1):.3f} s CPU a vendor; the "
              f"mean of both runs, {reference:.2f}/s, is what 4. and 5. are compared with")
        compared = compare_dask(dask_run, work, (done, pdfs), (again, again_pdfs), reference)
        against = big_inventory(big_run, reference)
        code = code or compared or against or int(again.returncode != 0)
        profile(folder, work)
    return 1 if code or done.returncode != 0 else 0


def _batch_command(folder: Path, outdir: Path, *extra: str, inventory: Path = SAMPLES / "inventory.yaml") -> list[str]:
    return [sys.executable, "-m", "riskengine", "batch", str(folder), "--inventory", str(inventory), "--org",
            str(SAMPLES / "org-profile.yaml"), "--offline", "-o", str(outdir), *extra]


def _timed(command: list[str], env: dict[str, str]) -> tuple[ChildTiming, float, float]:
    """The command run to its end, the anchor's mean around it, and the load average before it."""
    load = os.getloadavg()[0]
    before = _anchor_seconds()
    done = run_child(command, env)
    return done, (before + _anchor_seconds()) / 2, load


class Run(NamedTuple):
    """A batch command run to its end: its timing, the anchor's mean around it, the load before it, its PDFs."""

    done: ChildTiming
    anchor: float
    load: float
    pdfs: int


def run_dask(folder: Path, work: Path, env: dict[str, str]) -> Run | None:
    """The vendors on a Dask LocalCluster of 2 workers (None without Dask)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return None
    outdir = work / "out-dask"
    done, anchor, load = _timed(_batch_command(folder, outdir, "--scheduler", f"local:{WORKERS}"),
                                {**env, "RISKENGINE_DB": str(work / "register-dask.db")})
    return Run(done, anchor, load, sum(1 for _ in outdir.glob("vendor-*.pdf")))


def compare_dask(run: Run | None, work: Path, pool: tuple[ChildTiming, int], again: tuple[ChildTiming, int],
                 reference: float) -> int:
    """The Dask run beside the local pool's two runs around it, its rate over their mean; the exit code."""
    if run is None:
        print("\nDask vs the local pool: skipped, Dask is not installed (pip install 'riskengine[dask]')")
        return 1
    done, outdir = run.done, work / "out-dask"
    if done.returncode != 0:
        print(f"the Dask batch exited {done.returncode}; its last problems:")
        print("\n".join(done.stderr.strip().splitlines()[-5:]))
    dask_rate = run.pdfs / done.wall
    same = all((outdir / path.name).read_bytes() == path.read_bytes()
               for path in sorted((work / "out").glob("vendor-*"))[:20])
    print(f"\n{VENDORS} vendors, {WORKERS} workers (load before the Dask run: {run.load:.1f}):")
    print(f"  {'':<30}{'vendors/s':>10}{'wall s':>9}{'CPU s':>9}{'CPU s/vendor':>14}")
    for name, (timing, count) in (("local pool (--workers 2)", pool), ("Dask LocalCluster (local:2)", (done, run.pdfs)),
                                  ("local pool, again", again)):
        print(f"  {name:<30}{count / timing.wall:>10.2f}{timing.wall:>9.1f}{timing.cpu:>9.1f}"
              f"{timing.cpu / max(count, 1):>14.3f}")
    pool_cpu = (pool[0].cpu / max(pool[1], 1) + again[0].cpu / max(again[1], 1)) / 2
    print(f"  Dask / pool (mean of both runs): {dask_rate / reference:.0%} of the rate, "
          f"{done.cpu / max(run.pdfs, 1) / pool_cpu:.2f}x the CPU a vendor; "
          f"first 20 vendors' files {'byte-identical' if same else 'DIFFERENT'} to the pool's")
    code = report([
        Figure(f"batch: Dask LocalCluster rate / local pool rate ({VENDORS} vendors, {WORKERS} workers)",
               dask_rate / reference, "x", DASK_SHARE_TARGET, higher_is_better=True, wall=done.wall, cpu=done.cpu,
               anchor=run.anchor),
    ])
    return 1 if code or done.returncode != 0 or not same else 0


def run_big(folder: Path, work: Path, env: dict[str, str]) -> Run | None:
    """The first BENCH_BATCH_BIG_VENDORS vendors against a 2,000-system inventory on the local pool (None when
    BENCH_BATCH_BIG_VENDORS is 0)."""
    if BIG_VENDORS <= 0:
        return None
    inventory = Path(tempfile.gettempdir()) / f"riskengine-bench-inventory-{BIG_SYSTEMS}.yaml"
    if not inventory.exists():
        generate_inventory(inventory, BIG_SYSTEMS, BIG_INTEGRATIONS)
    subset = work / "big-inbox"
    subset.mkdir()
    for path in sorted(folder.glob("*.xlsx"))[:BIG_VENDORS]:
        os.link(path, subset / path.name)
    outdir = work / "out-big"
    done, anchor, load = _timed(_batch_command(subset, outdir, "--workers", str(WORKERS), inventory=inventory),
                                {**env, "RISKENGINE_DB": str(work / "register-big.db")})
    return Run(done, anchor, load, sum(1 for _ in outdir.glob("vendor-*.pdf")))


def big_inventory(run: Run | None, sample_rate: float) -> int:
    """The run against 2,000 systems over the rate against the sample inventory; the exit code."""
    if run is None:
        return 0
    done, pdfs = run.done, run.pdfs
    if done.returncode != 0:
        print(f"the batch against {BIG_SYSTEMS:,} systems exited {done.returncode}; its last problems:")
        print("\n".join(done.stderr.strip().splitlines()[-5:]))
    rate = pdfs / done.wall
    print(f"\n{pdfs} vendors against {BIG_SYSTEMS:,} systems / {BIG_INTEGRATIONS:,} integrations, {WORKERS} "
          f"workers (load before: {run.load:.1f}): {rate:.2f} vendors/s, {done.wall:.1f} s wall, {done.cpu:.1f} s CPU "
          f"({done.cpu / max(pdfs, 1):.2f} s CPU per vendor); against the sample inventory {sample_rate:.2f}/s "
          "(the mean of the two runs around it)")
    code = report([
        Figure(f"batch: rate against {BIG_SYSTEMS:,} systems / against the sample inventory ({pdfs} vendors)",
               rate / sample_rate, "x", BIG_SHARE_TARGET, higher_is_better=True, wall=done.wall, cpu=done.cpu,
               anchor=run.anchor),
    ])
    return 1 if code or done.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
