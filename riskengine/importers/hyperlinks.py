"""The hyperlinks of a worksheet, read from the workbook's XML: openpyxl's read-only mode does not load them.

Vendors type a label ("Privacy Policy", "here") and link it to the address a reader needs, so the cell's text
alone loses the answer. A sheet lists its links in ``<hyperlinks><hyperlink ref="C12" r:id="rId3"/>`` and the
targets in ``xl/worksheets/_rels/sheetN.xml.rels``; the sheet's part comes from ``xl/workbook.xml`` and its
relationships. We read those few parts ourselves, only for the sheets a reader reads, after the hostile-file
guard (``riskengine.questionnaire.workbook``) has checked the archive and refused any DOCTYPE or ENTITY
declaration. Only web (``http``, ``https``) and mail (``mailto``) targets are kept: a link to a place in the
workbook, a file on the vendor's disk or a script is nothing a reader may follow.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml.ElementTree import fromstring
from openpyxl.utils.cell import range_boundaries

from riskengine.errors import UnreadableFileError

MAX_LINKS = 10_000
"""Hyperlinks kept per sheet; a questionnaire has a few dozen at most."""
MAX_PART_BYTES = 2_000_000
"""The most a workbook or relationships part read whole may hold (a sheet's part is streamed instead)."""
MAX_TARGET_CHARS = 2_048
"""A longer target is no address a person typed; it is dropped."""
MAX_RANGE_CELLS = 1_000
"""A link over a larger range (``A1:XFD1048576``) is kept for its first cell, the one that shows a merged
range's text."""
SCHEMES = ("http", "https", "mailto")

_WORKBOOK = "xl/workbook.xml"


def sheet_links(path: Path, title: str) -> dict[tuple[int, int], str]:
    """The web and mail links of the sheet ``title``: (row, column) -> target. A cell linked twice keeps its
    last link, as Excel and openpyxl do. Raises ``UnreadableFileError`` for parts beyond the limits."""
    source = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, title, source)
            if part is None:
                return {}
            targets = _targets(archive, part, source)
            return _links(archive, part, targets, source)
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError, SAXException) as exc:  # ParseError is a SyntaxError
        raise UnreadableFileError(source, f"the hyperlinks of sheet {title!r} cannot be read ({exc})") from exc


def _sheet_part(archive: zipfile.ZipFile, title: str, source: str) -> str | None:
    """The archive path of the sheet ``title``: ``workbook.xml`` names its relationship, whose target it is."""
    sheet_ids = {_attribute(element, "name"): _attribute(element, "id")
                 for element in _elements(_read(archive, _WORKBOOK, source), "sheet")}
    rel_id = sheet_ids.get(title)
    if not rel_id:
        return None
    rels = _relationships(archive, "xl/_rels/workbook.xml.rels", source)
    target = rels.get(rel_id)
    return _resolve("xl", target) if target else None


def _targets(archive: zipfile.ZipFile, part: str, source: str) -> dict[str, str]:
    """The sheet's relationship id -> target, for its hyperlink relationships that point to the web or mail."""
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels_path not in archive.namelist():
        return {}
    return {rel_id: target for rel_id, target in _relationships(archive, rels_path, source, hyperlinks=True).items()
            if web_target(target)}


def _links(archive: zipfile.ZipFile, part: str, targets: dict[str, str],
           source: str) -> dict[tuple[int, int], str]:
    if not targets:
        return {}  # every web or mail link has its target among the relationships: no need to read the cells
    from defusedxml.sax import parse  # here: its reader imports urllib.request, http and ssl, which few sheets need

    collector = _HyperlinkCollector(targets, source)
    with archive.open(part) as stream:
        # SAX, streamed: a sheet's part runs to megabytes of cells before its hyperlinks, and no tree is built.
        parse(stream, collector)
    return collector.links


class _HyperlinkCollector(ContentHandler):
    """Collects ``<hyperlink>`` elements; names are compared without their namespace prefix (``x:``, ``r:``)."""

    def __init__(self, targets: dict[str, str], source: str) -> None:
        super().__init__()
        self.targets, self.source = targets, source
        self.links: dict[tuple[int, int], str] = {}

    def startElement(self, name: str, attrs: Any) -> None:  # the SAX interface's name
        if _local(name) != "hyperlink":
            return
        attributes = {_local(key): str(value) for key, value in attrs.items()}
        target = self.targets.get(attributes.get("id", "")) or web_target(attributes.get("location", ""))
        if not target:
            return
        for cell in _cells(attributes.get("ref", "")):
            self.links[cell] = target
        if len(self.links) > MAX_LINKS:
            raise UnreadableFileError(self.source, f"a sheet holds more than {MAX_LINKS:,} hyperlinks; "
                                                   "questionnaires hold far fewer")


def web_target(target: str) -> str:
    """``target`` when it is a web or mail address a person could follow, else ''."""
    target = target.strip()
    if not target or len(target) > MAX_TARGET_CHARS:
        return ""
    try:
        parts = urlsplit(target)
    except ValueError:
        return ""
    if parts.scheme.lower() not in SCHEMES:
        return ""
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return ""
    return target


def _cells(ref: str) -> Iterator[tuple[int, int]]:
    """The (row, column) cells of ``C12`` or ``C12:E12``; a huge range gives its first cell only."""
    try:
        first_column, first_row, last_column, last_row = range_boundaries(ref.split()[0] if ref.strip() else "")
    except (ValueError, TypeError, IndexError):
        return
    if None in (first_column, first_row, last_column, last_row):
        return
    assert first_column is not None and first_row is not None and last_column is not None and last_row is not None
    if (last_row - first_row + 1) * (last_column - first_column + 1) > MAX_RANGE_CELLS:
        yield first_row, first_column
        return
    for row in range(first_row, last_row + 1):
        for column in range(first_column, last_column + 1):
            yield row, column


def _relationships(archive: zipfile.ZipFile, rels_path: str, source: str, *,
                   hyperlinks: bool = False) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in _elements(_read(archive, rels_path, source), "Relationship"):
        if hyperlinks and not _attribute(element, "Type").endswith("/hyperlink"):
            continue
        rel_id, target = _attribute(element, "Id"), _attribute(element, "Target")
        if rel_id and target:
            found[rel_id] = target
    return found


def _read(archive: zipfile.ZipFile, name: str, source: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise UnreadableFileError(source, f"part {name} is {info.file_size:,} bytes; the limit for it is "
                                          f"{MAX_PART_BYTES:,}")
    return archive.read(info)


def _elements(data: bytes, local: str) -> Iterator[object]:
    for element in fromstring(data).iter():
        if _local(element.tag) == local:
            yield element


def _attribute(element: object, local: str) -> str:
    """An attribute by its local name, whatever its namespace prefix (``r:id``, or strict OOXML's)."""
    for key, value in getattr(element, "attrib", {}).items():
        if key == local or key.endswith("}" + local):
            return str(value)
    return ""


def _local(name: object) -> str:
    """``hyperlink`` of ``{namespace}hyperlink`` (ElementTree) or ``x:hyperlink`` (SAX without namespaces)."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1] if isinstance(name, str) else ""


def _resolve(folder: str, target: str) -> str:
    """A relationship's target as an archive path: absolute (``/xl/worksheets/sheet1.xml``) or relative."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))
