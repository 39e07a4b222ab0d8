"""What every benchmark shares: cold passes, CPU time beside wall time, an anchor, one table of figures.

- **Cold.** Before every timed pass, every cache of riskengine's loaded modules is emptied: the functools caches
  (``cache_clear()``, which ``functools.cache`` and ``lru_cache`` provide), the module-level ``_CACHE`` dicts
  (the importers' mappings) and the report's layout memos (``report.text.PARSED`` and ``BROKEN``, each with
  ``clear()``). A pass therefore pays what a new process pays, imports apart: nothing it times is
  served from a cache an earlier pass filled. What an object works out for itself (``cached_property``) is
  cold when the benchmark builds the object inside the pass; the enrichment's parser processes are kept
  (``enrichment.py`` says why).
- **CPU beside wall.** In-process work is timed with ``time.process_time``; a child process with the resource
  usage ``os.wait4`` returns for it, which includes the child's own children (a batch's workers).
- **An anchor.** A fixed workload independent of riskengine, of the kind the benchmark does, timed in the same
  passes: this machine is shared, so a slow spell shows as a slow anchor, and the ratio figure / anchor is what
  compares across runs.
- **One table.** ``report`` prints the figures (value, target, wall, CPU, anchor, ratio) and, when the
  environment names a file in ``BENCH_FIGURES``, appends them to it as JSON lines: ``run.py`` prints all of them
  in one table at the end.
"""

from __future__ import annotations

import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

SAMPLE_NAMES = ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")
"""The three sample vendors (``samples/<name>.xlsx``) the per-sample benchmarks run on."""

Result = TypeVar("Result")
FIGURES_FILE = "BENCH_FIGURES"


# --- cold passes -----------------------------------------------------------------------------------------


def _riskengine_modules() -> list[Any]:
    return [module for name, module in list(sys.modules.items())
            if module is not None and (name == "riskengine" or name.startswith("riskengine."))]


def riskengine_caches() -> list[Any]:
    """Every functools cache defined in a loaded riskengine module: module functions and methods of its classes."""
    found: dict[int, Any] = {}
    for module in _riskengine_modules():
        for value in list(vars(module).values()):
            candidates = [value]
            if isinstance(value, type) and value.__module__ == module.__name__:
                candidates += [getattr(item, "__func__", item) for item in vars(value).values()]
            for candidate in candidates:
                if callable(getattr(candidate, "cache_clear", None)) and callable(getattr(candidate, "cache_info",
                                                                                          None)):
                    found[id(candidate)] = candidate
    return list(found.values())


def clear_caches() -> int:
    """Empty every cache of riskengine's loaded modules; the number of caches emptied."""
    caches = riskengine_caches()
    for cached in caches:
        cached.cache_clear()
    tables = [module._CACHE for module in _riskengine_modules() if isinstance(getattr(module, "_CACHE", None), dict)]
    tables += _memos()
    for table in tables:
        table.clear()
    return len(caches) + len(tables)


def _memos() -> list[Any]:
    """The bounded memos (``riskengine.report.text.Memo``) held by loaded riskengine modules."""
    return [value for module in _riskengine_modules() for value in vars(module).values()
            if type(value).__name__ == "Memo" and callable(getattr(value, "clear", None))]


@dataclass(frozen=True)
class Timing:
    """Medians over the passes: wall and CPU seconds of the work, wall seconds of the anchor; ``first`` is the
    wall seconds of the untimed first run (imports and the file cache included)."""

    wall: float
    cpu: float
    anchor: float
    passes: int
    cpu_range: tuple[float, float]
    first: float

    @classmethod
    def once(cls, wall: float, cpu: float, anchor: float) -> Timing:
        """The timing of a single run (nothing untimed before it)."""
        return cls(wall, cpu, anchor, 1, (cpu, cpu), wall)


def measure(work: Callable[[], Result], anchor: Callable[[], object], passes: int) -> tuple[Timing, Result]:
    """Time ``work`` cold in ``passes`` passes, each beside a run of ``anchor``; the timing and the last result.

    One untimed run first loads the modules and fills the operating system's file cache; the caches it filled
    in riskengine are emptied before every timed pass.
    """
    started = time.perf_counter()
    result = work()
    first = time.perf_counter() - started
    walls, cpus, anchors = [], [], []
    for _ in range(passes):
        started = time.perf_counter()
        anchor()
        anchors.append(time.perf_counter() - started)
        clear_caches()
        started, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return Timing(statistics.median(walls), statistics.median(cpus), statistics.median(anchors), passes,
                  (min(cpus), max(cpus)), first), result


def python_anchor() -> None:
    """A fixed pure-Python workload (strings, dicts, sorting), independent of riskengine: ~0.1 s when idle."""
    words = [f"{(index * 7919) % 100_003:06d}-{index}" for index in range(40_000)]
    for _ in range(4):
        table = {word: word.upper().split("-") for word in words}
        sorted(table.items(), key=lambda item: item[1][0])


# --- child processes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildTiming:
    """One child process: its exit code, output, wall seconds and CPU seconds (its own children included)."""

    returncode: int
    stdout: str
    stderr: str
    wall: float
    cpu: float


def run_child(command: Sequence[str], env: Mapping[str, str] | None = None,
              on_start: Callable[[int], object] | None = None) -> ChildTiming:
    """Run ``command`` to its end; its CPU time is the rusage ``os.wait4`` returns for it (and its children).
    ``on_start`` is called with the child's pid as soon as it runs (to watch it while it works)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        if on_start is not None:
            on_start(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildTiming(process.returncode, out.read().decode(errors="replace"),
                           err.read().decode(errors="replace"), wall, usage.ru_utime + usage.ru_stime)


class PeakMemory(threading.Thread):
    """The largest resident set of a process and of every process under it, read from /proc while they run.

    Each process's ``VmHWM`` (its high-water mark, which starts afresh when a program is executed) is read every
    ``every`` seconds and the largest kept. ``ru_maxrss`` of ``os.wait4`` would not do: Linux carries into a new
    program the high-water mark of the process it was forked from, so a child of a large parent reports the
    parent's size. Use as ``run_child``'s ``on_start``, then ``stop()`` after it returns.
    """

    def __init__(self, every: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.every, self.pid, self.peak_kib = every, 0, 0
        self._stopped = threading.Event()

    def __call__(self, pid: int) -> None:
        self.pid = pid
        self.start()

    def run(self) -> None:
        while not self._stopped.wait(self.every):
            for pid in (self.pid, *descendants(self.pid)):
                self.peak_kib = max(self.peak_kib, _status_kib(pid, "VmHWM:") or 0)

    def stop(self) -> int:
        """Stop watching; the peak in KiB."""
        self._stopped.set()
        if self.is_alive():
            self.join()
        return self.peak_kib


def descendants(pid: int) -> list[int]:
    """The processes under ``pid`` (its children, theirs, ...), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(parent, []).append(int(entry.name))
    found, waiting = [], [pid]
    while waiting:
        children = parents.get(waiting.pop(), [])
        found += children
        waiting += children
    return found


def _status_kib(pid: int, field: str) -> int | None:
    """A ``kB`` field of /proc/PID/status, or None once the process is gone."""
    try:
        for text in Path(f"/proc/{pid}/status").read_text().splitlines():
            if text.startswith(field):
                return int(text.split()[1])
    except (OSError, ValueError):
        return None
    return None


def compiled(env: Mapping[str, str], folder: Path) -> dict[str, str]:
    """``env`` for a command timed as an installed package runs: with its modules' bytecode at hand.

    An installed wheel is compiled; a checkout run with ``PYTHONDONTWRITEBYTECODE`` (as this machine's shells are)
    compiles every module of ours from source in every process, a second of a start-up that users never pay. The
    bytecode goes to ``folder`` (``PYTHONPYCACHEPREFIX``), written by the untimed first run, so the source tree is
    left as it is.
    """
    return {**{name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"},
            "PYTHONPYCACHEPREFIX": str(folder)}


STARTUP_ANCHOR = (sys.executable, "-c", "import argparse, decimal, email.parser, json, sqlite3, xml.dom.minidom")
"""A new Python process that imports a fixed set of standard modules: the kind of work a command's start-up is."""


def measure_command(command: Sequence[str], env: Mapping[str, str] | None, runs: int,
                    anchor: Sequence[str] = STARTUP_ANCHOR) -> tuple[Timing, ChildTiming]:
    """Median wall and CPU seconds of ``command`` as a user runs it (a new process each time), each run beside a
    run of ``anchor``; one untimed run first fills the file cache. Exits with the command's error if it fails."""
    first = run_child(command, env)
    if first.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {first.returncode}: {first.stderr.strip()[-400:]}")
    walls, cpus, anchors = [], [], []
    for _ in range(runs):
        anchors.append(run_child(anchor, env).wall)
        done = run_child(command, env)
        walls.append(done.wall)
        cpus.append(done.cpu)
    return Timing(statistics.median(walls), statistics.median(cpus), statistics.median(anchors), runs,
                  (min(cpus), max(cpus)), first.wall), first


# --- figures ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One measured figure beside its target.

    ``value`` is what the target judges (wall seconds, CPU seconds, a rate, MiB); ``wall``, ``cpu`` and
    ``anchor`` are the timing behind it, in seconds, where there is one.
    """

    name: str
    value: float
    unit: str
    target: float
    higher_is_better: bool = False
    wall: float | None = None
    cpu: float | None = None
    anchor: float | None = None

    @property
    def ok(self) -> bool:
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    @property
    def anchor_ratio(self) -> float | None:
        """Wall time over the anchor's: the figure to compare across runs on a noisy machine."""
        return self.wall / self.anchor if self.wall is not None and self.anchor else None

    @classmethod
    def timed(cls, name: str, timing: Timing, target: float, *, on: str = "wall") -> Figure:
        """A time figure judged on its wall (``on="wall"``) or CPU (``on="cpu"``) median."""
        value = timing.cpu if on == "cpu" else timing.wall
        return cls(name, value, "s CPU" if on == "cpu" else "s", target, wall=timing.wall, cpu=timing.cpu,
                   anchor=timing.anchor)


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit in ("MiB", "/s", "x"):
        return f"{value:,.2f}{unit}" if unit != "MiB" else f"{value:,.0f} MiB"
    return f"{value:.3f}{unit}"


def table(figures: Iterable[Figure]) -> str:
    """The figures as one table: value, target, result, wall, CPU, anchor, wall/anchor."""
    rows = [("figure", "value", "target", "result", "wall", "CPU", "anchor", "ratio")]
    for figure in figures:
        sign = ">=" if figure.higher_is_better else "<="
        unit = figure.unit if figure.unit in ("MiB", "/s", "x") else "s"
        value = _number(figure.value, unit) + (" CPU" if figure.unit == "s CPU" else "")
        ratio = figure.anchor_ratio
        rows.append((figure.name, value, f"{sign} {_number(figure.target, unit)}", "ok" if figure.ok else "MISSED",
                     _number(figure.wall, "s"), _number(figure.cpu, "s"), _number(figure.anchor, "s"),
                     "-" if ratio is None else f"{ratio:.2f}"))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = [" ".join(cell.ljust(widths[index]) if index == 0 else cell.rjust(widths[index])
                      for index, cell in enumerate(row)) for row in rows]
    return "\n".join(lines)


def report(figures: Sequence[Figure]) -> int:
    """Print the figures, record them for ``run.py``, and return the exit code: 1 when a target is missed."""
    print(table(figures))
    record = os.environ.get(FIGURES_FILE)
    if record:
        with Path(record).open("a", encoding="utf-8") as handle:
            for figure in figures:
                handle.write(json.dumps(dataclasses.asdict(figure)) + "\n")
    return 0 if all(figure.ok for figure in figures) else 1


def recorded(path: Path) -> list[Figure]:
    """The figures the benchmarks recorded in ``path``."""
    if not path.exists():
        return []
    return [Figure(**json.loads(text)) for text in path.read_text(encoding="utf-8").splitlines() if text.strip()]
