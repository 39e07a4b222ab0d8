"""Open a workbook that came from outside the company, refusing anything hostile before openpyxl parses it.

The checks run on the raw bytes and the zip directory, so a refusal costs milliseconds and no memory:
size and type first, then every entry's declared size (Python's zipfile never inflates an entry past
its declared size), then every XML part for DOCTYPE and ENTITY declarations (no external entities or
entity expansion can reach the parser), then each sheet's claimed dimension.

openpyxl's read-only sheet learns its dimension when it is made, with a parser that reads the sheet's XML 16 KB at
a time: a questionnaire's sheets are smaller than that, so every sheet was parsed whole for its dimension and again
for its rows, a third of reading a questionnaire, and its elements left for the garbage collector. Our sheets
(``_reader_class``) feed openpyxl's same parser a few hundred bytes at a time, so it stops at the dimension, which
Excel and openpyxl write near the top.
"""

from __future__ import annotations

import re
import stat
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO, Any

from riskengine.errors import UnreadableFileError
from riskengine.filekind import identify_file

MAX_FILE_BYTES = 25_000_000
MAX_ENTRY_BYTES = 40_000_000
MAX_TOTAL_BYTES = 120_000_000
MAX_ENTRIES = 2_000
MAX_ROWS = 100_000
MAX_COLUMNS = 2_000

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_DECLARATIONS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARATIONS_UTF16 = ("<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"),
                       "<!DOCTYPE".encode("utf-16-be"), "<!ENTITY".encode("utf-16-be"))
_CHUNK = 1 << 20
_SAVE_AS = "open it in Excel and save it as an Excel Workbook (.xlsx)"


def check_workbook_file(path: Path) -> None:
    """Raise ``UnreadableFileError`` with a one-line reason if ``path`` is not a safe .xlsx workbook.

    A named pipe or a device is refused before it is opened: opening a pipe waits for a writer, and a device
    such as ``/dev/zero`` never ends.
    """
    name = str(path)

    def refuse(reason: str) -> UnreadableFileError:
        return UnreadableFileError(name, reason)

    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise refuse("is a folder, not a workbook")
        if not stat.S_ISREG(status.st_mode):
            from riskengine.runfiles import not_regular_reason

            raise refuse(f"the file {not_regular_reason(status.st_mode)}")
        size = status.st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
    except IsADirectoryError as exc:
        raise refuse("is a folder, not a workbook") from exc
    except OSError as exc:
        raise refuse(f"cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        raise refuse("the file is empty (0 bytes); expected an Excel workbook (.xlsx)")
    if size > MAX_FILE_BYTES:
        raise refuse(f"the file is {size:,} bytes; questionnaires are limited to {MAX_FILE_BYTES:,} bytes")
    if head.startswith(_OLE2_MAGIC):
        raise refuse(_ole2_reason(path))
    if not head.startswith(b"PK\x03\x04"):
        raise refuse(_not_a_zip_reason(path, head))
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive, refuse)
    except zipfile.BadZipFile as exc:
        raise refuse(f"the workbook is damaged or truncated ({exc}); ask the sender for the file again") from exc
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as exc:
        raise refuse(f"the workbook cannot be unpacked ({exc})") from exc


def open_workbook(path: Path, *, data_only: bool = False, sparse: bool = False) -> Any:
    """Check ``path`` and open it read-only with openpyxl; formulas are never evaluated.

    With ``data_only=False`` a formula cell reads as its formula text (``=SUM(...)``) so a reader can
    refuse it; with ``data_only=True`` it reads as the value Excel cached when the file was saved.

    A sheet that claims more than ``MAX_ROWS`` rows is refused, unless ``sparse``: real questionnaires
    (HECVAT 4) claim all 1,048,576 rows because a whole column is formatted. A sparse reader must walk
    rows lazily, skip empty ones and bound the rows that hold values itself (``riskengine.importers`` does);
    the archive checks and the column limit still apply. The caller must ``close()`` the workbook.
    """
    check_workbook_file(path)
    try:
        with quiet_openpyxl():
            reader = _reader_class()(path, read_only=True, data_only=data_only, keep_links=False)
            reader.read()
            workbook = reader.wb
    except UnreadableFileError:
        raise
    except Exception as exc:  # openpyxl raises many types (KeyError, TypeError, ...) on malformed parts
        raise UnreadableFileError(str(path), f"not a readable Excel workbook ({type(exc).__name__}: "
                                             f"{str(exc)[:200]})") from exc
    for sheet in workbook.worksheets:
        rows, columns = sheet.max_row or 0, sheet.max_column or 0
        if (rows > MAX_ROWS and not sparse) or columns > MAX_COLUMNS:
            workbook.close()
            raise UnreadableFileError(
                str(path), f"sheet {sheet.title!r} claims {rows:,} rows x {columns:,} columns; the limit is "
                           f"{MAX_ROWS:,} rows x {MAX_COLUMNS:,} columns")
    return workbook


@cache
def _reader_class() -> type[Any]:
    """openpyxl's reader of a workbook (what ``openpyxl.load_workbook`` uses), its read-only sheets sized from the
    head of their XML."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.worksheet._reader import WorkSheetParser

    class Worksheet(ReadOnlyWorksheet):  # type: ignore[misc]
        def _get_size(self) -> None:
            with self._get_source() as source:
                dimensions = WorkSheetParser(_ShortReads(source), []).parse_dimensions()
            if dimensions is not None:
                self._min_column, self._min_row, self._max_column, self._max_row = dimensions

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_worksheets(self) -> None:
            """openpyxl's own, read-only, with ``Worksheet`` for its sheets."""
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    continue
                worksheet = Worksheet(self.wb, sheet.name, rel.target, self.shared_strings)
                worksheet.sheet_state = sheet.state
                self.wb._sheets.append(worksheet)

    return Reader


class _ShortReads:
    """A binary stream that gives at most ``SIZE`` bytes a read, so that a parser asking for more stops early."""

    SIZE = 2048

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(self.SIZE if size < 0 else min(size, self.SIZE))


@contextmanager
def quiet_openpyxl() -> Iterator[None]:
    """Silence openpyxl's warnings while a workbook is loaded or its rows are read.

    openpyxl warns about every Excel extension it drops ("Data Validation extension is not supported and will be
    removed", conditional formatting, unknown extensions), and in read-only mode it meets them while rows are
    iterated, not only on load. We read values only, so nothing we use is lost, and the warnings would reach the
    user's terminal as noise. Only openpyxl's own warnings are silenced, and only inside the block.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
        yield


def _check_archive(archive: zipfile.ZipFile, refuse: Any) -> None:
    entries = archive.infolist()
    names = {entry.filename for entry in entries}
    if len(entries) > MAX_ENTRIES:
        raise refuse(f"the archive holds {len(entries):,} entries; a workbook needs far fewer "
                     f"(limit {MAX_ENTRIES:,})")
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise refuse("this is a Word document, not an Excel workbook")
        if "ppt/presentation.xml" in names:
            raise refuse("this is a PowerPoint presentation, not an Excel workbook")
        if "xl/workbook.bin" in names:
            raise refuse(f"this is a binary workbook (.xlsb); {_SAVE_AS}")
        raise refuse("a zip archive, but not an Excel workbook (no xl/workbook.xml inside)")
    total = 0
    for entry in entries:
        if entry.file_size > MAX_ENTRY_BYTES:
            raise refuse(f"part {entry.filename} would inflate to {entry.file_size:,} bytes; the limit is "
                         f"{MAX_ENTRY_BYTES:,}")
        total += entry.file_size
        if total > MAX_TOTAL_BYTES:
            raise refuse(f"the workbook would inflate to more than {MAX_TOTAL_BYTES:,} bytes")
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels", ".vml")) and _declares_entities(archive, entry):
            raise refuse(f"part {entry.filename} contains a DOCTYPE or ENTITY declaration, which workbooks "
                         "never need; refused to protect against XML entity attacks")


def _declares_entities(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """Whether an XML part declares a DOCTYPE or ENTITY anywhere (scanned in chunks, with overlap)."""
    tail = b""
    with archive.open(entry) as stream:
        first = True
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if _DECLARATIONS.search(window):
                return True
            if first and window[:2] in (b"\xff\xfe", b"\xfe\xff") and any(
                marker in window for marker in _DECLARATIONS_UTF16
            ):
                return True
            first = False
            tail = window[-32:]
    return False


def _ole2_reason(path: Path) -> str:
    with path.open("rb") as handle:
        data = handle.read(min(MAX_FILE_BYTES, 2_000_000))
    if any(marker in data for marker in _ENCRYPTED_MARKERS):
        return ("the workbook is password-protected (encrypted); open it in Excel, remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password, clear it) and save it again")
    return f"this is an old Excel 97-2003 workbook (.xls) or another OLE document; {_SAVE_AS}"


def _not_a_zip_reason(path: Path, head: bytes) -> str:
    kind = identify_file(path)
    if kind is not None:
        return f"this is {kind.what}, not an Excel workbook; {kind.advice(path)}"
    sample = head[:2048]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        stripped = text.lstrip("\ufeff \r\n\t").lower()
        if stripped.startswith(("<html", "<!doctype html")):
            return f"this is a web page (HTML) saved with a workbook's name, not an Excel workbook; {_SAVE_AS}"
        if stripped.startswith("<?xml"):
            return f"this is an XML file (perhaps Excel 2003 XML), not an .xlsx workbook; {_SAVE_AS}"
        first_line = text.splitlines()[0] if text.splitlines() else ""
        if "," in first_line or ";" in first_line or "\t" in first_line:
            return f"this is a text/CSV file, not an Excel workbook; {_SAVE_AS}"
        return f"this is a text file, not an Excel workbook; {_SAVE_AS}"
    return "not an Excel workbook (.xlsx): the file is not a zip archive"
