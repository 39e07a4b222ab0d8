"""What the benchmarks rely on: cold passes empty riskengine's caches, figures are judged and recorded as printed,
and the batch's vendors differ as real ones do and are valid questionnaires."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from riskengine.inventory.effort import load_effort_model
from riskengine.questionnaire.bank import load_bank
from riskengine.questionnaire.reader import read_submission

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import measure  # noqa: E402
import vendors  # noqa: E402


def test_clear_caches_makes_the_next_load_a_miss() -> None:
    from riskengine.report.text import PARSED

    load_bank()
    assert load_bank() is load_bank()
    PARSED.put(("<b>remembered</b>", None), ("", None, [], None))  # type: ignore[arg-type]
    assert measure.clear_caches() >= 3
    assert len(PARSED) == 0
    misses = load_bank.cache_info().misses
    load_bank()
    assert load_bank.cache_info().misses == misses + 1
    assert load_effort_model.cache_info().currsize <= 1


def test_measure_times_every_pass_cold() -> None:
    seen: list[int] = []

    def work() -> int:
        seen.append(load_bank.cache_info().currsize)
        load_bank()
        return len(seen)

    timing, result = measure.measure(work, lambda: None, passes=3)
    assert result == 4  # one untimed run, then three passes
    assert seen[1:] == [0, 0, 0]
    assert timing.passes == 3 and timing.wall >= 0 and timing.cpu >= 0 and timing.first >= 0


def test_a_child_is_timed_with_its_own_cpu() -> None:
    done = measure.run_child([sys.executable, "-c", "sum(range(3_000_000)); print('done')"])
    assert (done.returncode, done.stdout) == (0, "done\n")
    assert 0 < done.cpu <= done.wall * 2


def test_figures_are_judged_printed_and_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    record = tmp_path / "figures.jsonl"
    monkeypatch.setenv(measure.FIGURES_FILE, str(record))
    slow = measure.Figure("slow", 2.0, "s", 1.0, wall=2.0, cpu=1.5, anchor=0.5)
    fast = measure.Figure("rate", 5.0, "/s", 4.0, higher_is_better=True)
    assert measure.report([slow, fast]) == 1
    assert measure.report([fast]) == 0
    printed = capsys.readouterr().out
    assert "MISSED" in printed and " 4.00" in printed  # slow's ratio: 2.0 / 0.5
    assert measure.recorded(record) == [slow, fast, fast]


def test_vendors_differ_in_costs_integrations_data_and_text_and_repeat_by_number() -> None:
    base = {"SEC-01": "Yes", "VEN-01": "Sample"}
    made = [vendors.vendor(number, base) for number in range(40)]
    assert vendors.vendor(7, base) == made[7]
    for field in ("VEN-01", "VEN-03", "VEN-04", "CST-03", "CST-04", "CST-06", "DAT-07", "DAT-09", "DAT-16"):
        assert len({str(answers[field]) for answers, _ in made}) > 5, field
    assert {answers["CST-01"] for answers, _ in made} == {"per seat", "per contact", "usage based", "flat fee",
                                                          "tiered"}
    systems = [tuple(row["system"] for row in tables["INT-01"]) for _, tables in made]
    assert len(set(systems)) == len(systems)
    assert len({len(rows) for rows in systems}) > 5
    assert len({len(answers["DAT-16"]) for answers, _ in made}) > 10


def test_vendor_questionnaires_are_valid(tmp_path: Path) -> None:
    bank = load_bank()
    for number in range(3):
        path = vendors.write_vendor(number, tmp_path)
        submission = read_submission(path, bank, today=dt.date(2026, 11, 24))
        answers, _, tables = vendors.vendor_questionnaire(number)
        assert submission.value("VEN-03") == answers["VEN-03"]
        assert submission.value("CST-06") == answers["CST-06"]
        assert len(submission.tables["INT-01"]) == len(tables["INT-01"])


def test_commands_are_timed_with_their_bytecode_compiled(tmp_path: Path) -> None:
    env = measure.compiled({"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/bin"}, tmp_path / "bytecode")
    assert env == {"PATH": "/bin", "PYTHONPYCACHEPREFIX": str(tmp_path / "bytecode")}


def test_the_floor_reads_the_workbook_and_writes_one_page(tmp_path: Path) -> None:
    import floor
    import pypdf

    floor.main(str(vendors.SAMPLES / "northwind-mail.xlsx"), str(tmp_path / "floor.pdf"))
    reader = pypdf.PdfReader(tmp_path / "floor.pdf")
    assert len(reader.pages) == 1
    assert "rows read" in reader.pages[0].extract_text()


def test_a_childs_peak_memory_is_its_own_largest_resident_set() -> None:
    """``measure.PeakMemory`` (the growth curves' memory) reads the child's own high-water mark: not the size of
    the process it was started from, as ``ru_maxrss`` would, and the largest of a process and its children."""
    peaks = []
    for code in ("import time; time.sleep(0.3)",
                 "import time; block = bytearray(80_000_000); block[::4096] = b'x' * 19532; time.sleep(0.3)",
                 "import subprocess, sys; subprocess.run([sys.executable, '-c', "
                 "\"import time; block = bytearray(80_000_000); block[::4096] = b'x' * 19532; time.sleep(0.3)\"])"):
        watcher = measure.PeakMemory()
        done = measure.run_child([sys.executable, "-c", code], on_start=watcher)
        assert done.returncode == 0, done.stderr
        peaks.append(watcher.stop())
    small, large, grandchild = peaks
    assert 0 < small < 40_000, "a bare interpreter, not this test's process"
    assert large >= small + 75_000
    assert grandchild >= small + 75_000, "a process under the child counts"
