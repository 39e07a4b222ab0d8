"""Run Python in a child process, under an optional memory cap, and read the child's own peak memory.

The peak is measured in the child and sent back to the parent on a pipe of its own (stdout and stderr stay the
command's). Two figures that look right are not:

- ``resource.getrusage(RUSAGE_CHILDREN)`` in the parent is the largest peak of every child the parent has
  waited for so far: an earlier, larger child hides a breach by a later one, or fails a test that did nothing
  wrong.
- ``ru_maxrss`` of ``RUSAGE_SELF`` in the child is not its own on Linux either: the kernel carries the
  high-water mark of the address space an ``exec`` replaces into the new program's, so a child of a 300 MB
  pytest reports at least 300 MB.

The child's own peak is ``VmHWM`` in ``/proc/self/status``: the high-water mark of the resident set of the
address space it runs in. Where there is no ``/proc`` the child reports ``ru_maxrss``, an upper bound.

Used by the hostile-file tests and by ``benchmarks/inventory_scale.py``; run as a script, this file is the
wrapper in the child: ``python childrun.py FD CAP -m module args...`` or ``python childrun.py FD CAP script
args...``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

WRAPPER = Path(__file__).resolve()


@dataclass(frozen=True)
class ChildRun:
    """What a child did: exit code, output, wall seconds, and the peak resident memory it measured itself."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_bytes: int


def run_python(args: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float,
               memory_cap: int | None = None) -> ChildRun:
    """Run ``python ARGS`` (``["-m", "riskengine", ...]`` or ``[script, ...]``) in ``cwd`` with exactly ``env``.

    ``memory_cap`` limits the child's address space (``RLIMIT_AS``, set by the child before it runs anything
    of the command). Raises ``subprocess.TimeoutExpired`` after ``timeout`` seconds (the child is killed), and
    ``RuntimeError`` when the child ended without reporting its peak (killed by a signal, for example).
    """
    read_end, write_end = os.pipe()
    started = time.perf_counter()
    try:
        process = subprocess.Popen([sys.executable, str(WRAPPER), str(write_end), str(memory_cap or 0), *args],
                                   cwd=cwd, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, pass_fds=(write_end,))
    finally:
        os.close(write_end)
    with os.fdopen(read_end, "rb") as reports:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
        seconds = time.perf_counter() - started
        payload = reports.read()
    if not payload:
        raise RuntimeError(f"python {' '.join(args)} exited {process.returncode} without reporting its peak "
                           f"memory: {stderr.strip()[-400:]}")
    return ChildRun(process.returncode, stdout, stderr, seconds, int(json.loads(payload)["peak_bytes"]))


def own_peak_bytes() -> int:
    """The peak resident set of this process's own address space (see the module's docstring)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB elsewhere


def _child(argv: list[str]) -> None:
    """In the child: cap the address space, run the command as ``python`` would, report the peak on the pipe."""
    descriptor, cap, *command = argv
    if int(cap):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (int(cap), int(cap)))
    import runpy

    try:
        if command[0] == "-m":
            sys.argv = [command[1], *command[2:]]
            sys.path[0] = os.getcwd()  # as ``python -m`` has it, so this file's folder shadows nothing
            runpy.run_module(command[1], run_name="__main__", alter_sys=True)
        else:
            sys.argv = list(command)
            sys.path[0] = str(Path(command[0]).resolve().parent)
            runpy.run_path(command[0], run_name="__main__")
    finally:
        os.write(int(descriptor), json.dumps({"peak_bytes": own_peak_bytes()}).encode())
        os.close(int(descriptor))


if __name__ == "__main__":
    _child(sys.argv[1:])
