"""One vendor in a warm batch worker: CPU seconds per sample, and where they go.

A batch worker pays its imports, the policy, the fonts and the first vendor once; what it pays for every further
vendor decides a batch's rate. This times that: for each of the three samples, a worker that has already assessed
other vendors assesses the sample (read, score, price, render PDF + JSON, write), as ``riskengine batch`` does it
(``batch.worker.assess_one``), and records it as the batch's one writer does (``outputs.record_written``).

- **Warm, never cached.** The worker is started (``batch.worker.start``) and assesses WARM_UP vendors of the batch
  benchmark's portfolio (``vendors.py``: other names, answers and text than the samples'), so its imports, policy,
  fonts and the layout memo of the text every report shares are in place. Each timed pass then runs in a copy of
  that worker made with ``fork``: every pass is the first time the worker sees the sample, builds a new Assessment
  and renders it; nothing one pass computes is seen by the next. The copy opens its own register before the clock
  starts (an SQLite connection must not cross a fork).
- **CPU beside wall.** The copy's own user + system time (``getrusage``) around the vendor, copy-on-write page
  faults included; the anchor is the fixed pure-Python workload of ``measure.py``, timed before each pass.
- The figure is the median over the three samples of each sample's median CPU over PASSES passes; target 0.25 s.
  A cProfile of one pass per sample, summed by stage, follows (printed; no target).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import json
import os
import pstats
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from batch import EPOCH, STAGES, questionnaires
from measure import SAMPLE_NAMES, Figure, python_anchor, report

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PASSES = int(os.environ.get("BENCH_RUNS", "7"))
WARM_UP = 6
TARGET = 0.25
NOW = dt.datetime.fromtimestamp(int(EPOCH), tz=dt.UTC)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _in_copy(settings: Any, job: Any, profile: bool) -> dict[str, Any]:
    """Assess ``job`` in a forked copy of this warm worker; its wall and CPU seconds (and stages when profiled)."""
    from riskengine.batch import worker
    from riskengine.enrich.store import EvidenceStore
    from riskengine.outputs import record_written
    from riskengine.register.store import Register

    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: its own register, then the vendor
        os.close(reading)
        register, evidence = Register(settings.store_path), EvidenceStore(settings.store_path)
        worker.start(settings, own_process=True)
        profiler = cProfile.Profile() if profile else None
        started, cpu = time.perf_counter(), _cpu()
        if profiler:
            profiler.enable()
        outcome = worker.assess_one(job)
        if outcome.written is not None:  # what the batch's one writer then does with it
            record_written(outcome.written, register=register, evidence_store=evidence, now=NOW)
        if profiler:
            profiler.disable()
        result: dict[str, Any] = {"wall": time.perf_counter() - started, "cpu": _cpu() - cpu,
                                  "status": outcome.status, "problems": list(outcome.problems)}
        if profiler:
            result["stages"] = _stages(profiler)
        with os.fdopen(writing, "w") as pipe:
            pipe.write(json.dumps(result))
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    result = json.loads(text)
    if result["status"] != "assessed":
        raise SystemExit(f"{job.questionnaire.name}: {result['status']}: {result['problems']}")
    return result


def _stages(profiler: cProfile.Profile) -> dict[str, float]:
    entries = pstats.Stats(profiler, stream=io.StringIO()).stats  # type: ignore[attr-defined]
    total = sum(value[2] for value in entries.values())
    stages = {name: sum(value[3] for (path, _, func), value in entries.items()
                        if path.endswith(file_name) and func == function) for name, file_name, function in STAGES}
    return {"total": total, **stages}


def main() -> int:
    from riskengine.batch import worker
    from riskengine.batch.worker import BatchSettings, Job
    from riskengine.enrich.settings import NetworkSettings
    from riskengine.pipeline import load_policy
    from riskengine.register.store import Register

    portfolio = questionnaires(WARM_UP)
    with tempfile.TemporaryDirectory(prefix="riskengine-bench-vendor-") as scratch:
        work = Path(scratch)
        settings = BatchSettings(outdir=work, store_path=work / "warm-up.db", now=NOW,
                                 network=NetworkSettings(offline=True), inventory=SAMPLES / "inventory.yaml",
                                 org_profile=SAMPLES / "org-profile.yaml", policy=load_policy())
        Register(settings.store_path).close()  # the database the worker reads evidence from
        worker.start(settings, own_process=True)
        for path in sorted(portfolio.glob("*.xlsx")):
            outcome = worker.assess_one(Job(path, work / f"{path.stem}.pdf", work / f"{path.stem}.json"))
            if outcome.status != "assessed":
                raise SystemExit(f"warm-up {path.name}: {outcome.problems}")
        worker.stop()  # the copies open their own connections
        load = os.getloadavg()[0]
        per_sample: dict[str, tuple[float, float, float]] = {}
        profiles: dict[str, dict[str, float]] = {}
        for name in SAMPLE_NAMES:
            job = Job(SAMPLES / f"{name}.xlsx", work / f"{name}.pdf", work / f"{name}.json")
            walls, cpus, anchors = [], [], []
            for number in range(PASSES):
                started = time.perf_counter()
                python_anchor()
                anchors.append(time.perf_counter() - started)
                copy = replace(settings, store_path=work / f"{name}-{number}.db")
                result = _in_copy(copy, job, profile=False)
                walls.append(result["wall"])
                cpus.append(result["cpu"])
            per_sample[name] = (statistics.median(walls), statistics.median(cpus), statistics.median(anchors))
            profiles[name] = _in_copy(replace(settings, store_path=work / f"{name}-profiled.db"), job,
                                      profile=True)["stages"]
    print(f"one vendor in a warm worker (after {WARM_UP} other vendors), offline, PDF + JSON, "
          f"median of {PASSES} passes each, load {load:.1f} on {os.cpu_count()} CPUs:")
    for name, (wall, cpu, anchor) in per_sample.items():
        print(f"  {name:<22} {cpu:.3f} s CPU  {wall:.3f} s wall  (anchor {anchor:.3f} s)")
    print("where it goes (cProfile, one pass per sample; seconds under the profiler):")
    print("  " + " " * 40 + "".join(f"{name[:14]:>16}" for name in SAMPLE_NAMES))
    for stage in ["total", *(name for name, _, _ in STAGES)]:
        print(f"  {stage:<40}" + "".join(f"{profiles[name][stage]:>16.3f}" for name in SAMPLE_NAMES))
    middle = sorted(per_sample.values(), key=lambda timing: timing[1])[1]
    return report([Figure("warm worker: CPU per vendor (median of the 3 samples)", middle[1], "s CPU", TARGET,
                          wall=middle[0], cpu=middle[1], anchor=middle[2])])


if __name__ == "__main__":
    sys.exit(main())
