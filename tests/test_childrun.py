"""The child-measured memory of ``tests/childrun.py``: the child's own peak, not its parent's or its siblings'."""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

import pytest

from tests.childrun import run_python

MIB = 1024 * 1024
ALLOCATE = """import sys
size = int(sys.argv[1]) * 1024 * 1024
block = bytearray(size)
block[::4096] = b"x" * len(range(0, size, 4096))  # touch every page, so it is resident
print("allocated", sys.argv[1])
sys.exit(int(sys.argv[2]))
"""


@pytest.fixture
def allocate(tmp_path: Path) -> Path:
    script = tmp_path / "allocate.py"
    script.write_text(ALLOCATE, encoding="utf-8")
    return script


def _env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def test_the_peak_is_the_childs_own_whatever_the_parent_and_earlier_children_hold(allocate: Path,
                                                                                   tmp_path: Path) -> None:
    held = bytearray(300 * MIB)
    held[::4096] = b"x" * len(range(0, len(held), 4096))
    large = run_python([str(allocate), "200", "0"], cwd=tmp_path, env=_env(), timeout=60)
    small = run_python([str(allocate), "8", "0"], cwd=tmp_path, env=_env(), timeout=60)
    assert large.peak_bytes >= 200 * MIB
    assert small.peak_bytes < 100 * MIB, small.peak_bytes / MIB
    # What the parent's view reports instead: at least the largest child, here the one before.
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 >= 200 * MIB
    del held


def test_output_and_exit_code_are_the_commands(allocate: Path, tmp_path: Path) -> None:
    run = run_python([str(allocate), "1", "3"], cwd=tmp_path, env=_env(), timeout=60)
    assert (run.returncode, run.stdout, run.stderr) == (3, "allocated 1\n", "")
    assert run.seconds > 0


def test_a_module_runs_as_python_dash_m_runs_it(tmp_path: Path) -> None:
    (tmp_path / "greeting.py").write_text("import sys\nprint(__name__, sys.argv[1:])\n", encoding="utf-8")
    run = run_python(["-m", "greeting", "a", "b"], cwd=tmp_path, env=_env(), timeout=60)
    assert (run.returncode, run.stdout) == (0, "__main__ ['a', 'b']\n")


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
def test_the_cap_stops_the_child_and_its_peak_is_still_reported(allocate: Path, tmp_path: Path) -> None:
    run = run_python([str(allocate), "600", "0"], cwd=tmp_path, env=_env(), timeout=60, memory_cap=300 * MIB)
    assert run.returncode == 1
    assert "MemoryError" in run.stderr
    assert run.peak_bytes < 300 * MIB


def test_a_child_that_cannot_report_is_an_error(tmp_path: Path) -> None:
    script = tmp_path / "vanish.py"
    script.write_text("import os\nos._exit(7)\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="exited 7 without reporting"):
        run_python([str(script)], cwd=tmp_path, env=_env(), timeout=60)
