"""The sparse workbook reading foreign formats need: claimed dimensions tolerated, real content still bounded, and
openpyxl's warnings kept off the terminal."""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

from riskengine.errors import UnreadableFileError
from riskengine.importers import detect_format
from riskengine.importers import sheets as sheets_module
from riskengine.importers.sheets import open_book
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.template import write_template
from tests.conftest import TODAY
from tests.importers.builders import caiq_workbook, with_extension


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


def test_openpyxl_warnings_are_silenced_wherever_a_workbook_is_read(tmp_path: Path, bank: QuestionBank) -> None:
    """An Excel extension (a dropdown's data validation) makes openpyxl warn while it reads the rows, after the
    workbook is open: the foreign readers, our own reader and the inventory reader each keep it quiet."""
    from riskengine.inventory.workbook import read_workbook
    from riskengine.questionnaire.reader import read_submission
    from tests.inventory.test_formats import write_workbook

    caiq = with_extension(caiq_workbook(tmp_path / "caiq.xlsx", [("A&A-01.1", "Yes", "")]),
                          part="xl/worksheets/sheet2.xml")
    ours = tmp_path / "ours.xlsx"
    write_template(bank, ours)
    with_extension(ours, part="xl/worksheets/sheet3.xml")
    inventory = with_extension(write_workbook(tmp_path / "inventory.xlsx"), part="xl/worksheets/sheet2.xml")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import openpyxl as plain

        workbook = plain.load_workbook(caiq, read_only=True)
        list(workbook["CAIQv4.0.3"].iter_rows(values_only=True))
        workbook.close()
        assert [str(warning.message) for warning in caught] == [
            "Data Validation extension is not supported and will be removed"], "the files do make openpyxl warn"
        caught.clear()
        with open_book(caiq) as book:
            book.grid("CAIQv4.0.3")
        read_submission(ours, bank, today=TODAY, require_answers=False)
        read_workbook(inventory)
    assert [str(warning.message) for warning in caught] == []
