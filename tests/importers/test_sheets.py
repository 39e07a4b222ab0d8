"""The sparse workbook reading foreign formats need: claimed dimensions tolerated, real content still bounded."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from riskengine.errors import UnreadableFileError
from riskengine.importers import detect_format
from riskengine.importers import sheets as sheets_module
from riskengine.importers.sheets import open_book
from tests.importers.builders import caiq_workbook


def test_rows_with_values_beyond_the_limit_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = caiq_workbook(tmp_path / "big.xlsx", [(f"A&A-{index:02d}.1", "Yes", "") for index in range(1, 30)])
    monkeypatch.setattr(sheets_module, "MAX_ROWS", 20)
    with open_book(path) as book, pytest.raises(UnreadableFileError, match="holds more than 20 rows with values"):
        book.grid("CAIQv4.0.3")


def test_a_row_numbered_beyond_excels_limit_is_refused(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "hello"  # type: ignore[index]
    buffer = io.BytesIO()
    workbook.save(buffer)
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    forged = sheet.replace(b"</sheetData>", b'<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>x</t></is></c>'
                                            b"</row></sheetData>")
    assert forged != sheet
    path = tmp_path / "forged.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, forged if name == "xl/worksheets/sheet1.xml" else data)
    with open_book(path) as book, pytest.raises(UnreadableFileError, match="beyond Excel's limit"):
        book.grid(book.titles[0])


def test_hostile_files_are_refused_by_detection_with_the_guards_reason(tmp_path: Path) -> None:
    path = tmp_path / "not.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(UnreadableFileError, match="damaged or truncated"):
        detect_format(path)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert detect_format(empty) == "riskengine", "not a zip nor JSON: our own reader explains what is wrong"
