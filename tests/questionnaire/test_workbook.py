"""Our read-only workbooks hold what openpyxl's hold, and size each sheet from the head of its XML instead of
parsing the whole sheet for its dimension first (issue #20: a third of reading a questionnaire)."""

from __future__ import annotations

import gc
import io
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from riskengine.questionnaire.workbook import open_workbook
from tests.conftest import SAMPLES

ROWS = 5000
"""Rows of the large sheet: far more than its first 16 KB hold."""


def _workbook(path: Path, rows: int = ROWS) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Answers"
    for row in range(1, rows + 1):
        sheet.append([f"Q-{row}", "Yes", row * 1.5])
    workbook.create_sheet("Notes")["B3"] = "a note"
    workbook.save(path)
    return path


def _rewritten(path: Path, change: Callable[[bytes], bytes]) -> Path:
    """The workbook with its first sheet's XML changed."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    changed = path.with_name(f"changed-{path.name}")
    changed.write_bytes(buffer.getvalue())
    return changed


def _late_dimension(sheet: bytes) -> bytes:
    """The dimension 6 KB into the sheet, after a comment."""
    start = sheet.index(b"<dimension")
    return sheet[:start] + b"<!--" + b" padding" * 800 + b"-->" + sheet[start:]


def _no_dimension(sheet: bytes) -> bytes:
    start = sheet.index(b"<dimension")
    return sheet[:start] + sheet[sheet.index(b"/>", start) + 2:]


def _contents(workbook: openpyxl.Workbook) -> list[tuple[str, int | None, int | None, list[list[object]]]]:
    return [(sheet.title, sheet.max_row, sheet.max_column, [[cell.value for cell in row] for row in sheet.iter_rows()])
            for sheet in workbook.worksheets]


@pytest.mark.parametrize("change", [None, _late_dimension, _no_dimension])
def test_a_workbook_reads_as_openpyxl_reads_it(tmp_path: Path, change: Callable[[bytes], bytes] | None) -> None:
    path = _workbook(tmp_path / "answers.xlsx", rows=300)
    if change is not None:
        path = _rewritten(path, change)
    ours, theirs = open_workbook(path), openpyxl.load_workbook(path, read_only=True)
    try:
        assert ours.sheetnames == theirs.sheetnames == ["Answers", "Notes"]
        assert _contents(ours) == _contents(theirs)
        assert ours.worksheets[0].max_row == (None if change is _no_dimension else 300)
    finally:
        ours.close()
        theirs.close()


def test_the_samples_read_as_openpyxl_reads_them() -> None:
    for path in sorted(SAMPLES.glob("*.xlsx")):
        ours, theirs = open_workbook(path), openpyxl.load_workbook(path, read_only=True)
        try:
            assert _contents(ours) == _contents(theirs), path.name
        finally:
            ours.close()
            theirs.close()


def _elements_left_by(action: Callable[[], object]) -> int:
    """XML elements made by ``action`` and still held (the collector paused: a parser's garbage stays)."""
    gc.collect()
    gc.disable()
    try:
        before = sum(isinstance(item, ElementTree.Element) for item in gc.get_objects())
        result = action()
        after = sum(isinstance(item, ElementTree.Element) for item in gc.get_objects())
    finally:
        gc.enable()
    close = getattr(result, "close", None)
    if close:
        close()
    return after - before


def test_a_sheet_is_sized_without_parsing_its_rows(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "answers.xlsx")
    theirs = _elements_left_by(lambda: openpyxl.load_workbook(path, read_only=True))
    ours = _elements_left_by(lambda: open_workbook(path))
    # openpyxl parses the first 16 KB of every sheet for its dimension: hundreds of rows and their cells
    assert theirs > 900 and ours < theirs / 5
