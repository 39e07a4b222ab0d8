"""The files of a run: what it reads and what it writes, checked once before anything is read or written.

A command lists its inputs and outputs in a ``RunFiles`` and calls ``check_run_files``; ``template``, ``validate``,
``assess``, ``tco``, ``compare``, ``import``, ``batch``, ``explain``, ``verify`` and ``approve`` all do, so the rules
live here only:

- **An input is a regular file** (or a folder, where a folder is one: a Backstage catalog, a batch's inbox). A named
  pipe nobody writes to, ``/dev/zero`` or another device would make the read block or never end; it is refused
  with what it is.
- **No output lands on an input**, by the same path, through a symbolic link (``Path.resolve``) or as a hard link
  (the same device and inode): ``assess q.xlsx -o q.xlsx`` would replace the vendor's questionnaire with a PDF.
- **No output lands on the register database** (the ``--db`` file, ``RISKENGINE_DB`` or the default, with its
  ``-wal``, ``-shm`` and ``-journal`` companions): it holds every assessment and sign-off. A database on a server
  (``postgresql://...``) has no file here to protect.
- **No two outputs of one run share a path**: only the last would be left.
- **An existing file is replaced only when riskengine wrote it**, recognised by its content
  (``written_by_riskengine``), or when the run is forced (``--force``); an empty file holds nothing to lose. A
  device, pipe or folder in an output's place is never replaced, forced or not.

Every conflict is collected and raised together as one ``PathConflictError`` naming the output's role and what it
would replace; an input that is not a regular file is an ``UnreadableFileError`` (``InputError`` for several).
Nothing here imports pydantic until there is an error to raise: the quick commands call it too.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import zipfile

OutputKind = Literal["pdf", "json", "workbook", "folder", "patch"]
"""What an output is: a PDF (report, portfolio page, comparison, offers), a JSON result (assessment, comparison,
offers), an Excel workbook (questionnaire, portfolio summary), or a folder of outputs (a batch's)."""

DATABASE_COMPANIONS = ("", "-wal", "-shm", "-journal")
"""SQLite keeps a database in its file and, while in use, in these files beside it: overwriting any loses data."""
MAX_PDF_SCAN_BYTES = 512 * 1024 * 1024
"""A PDF larger than this is not recognised as ours without reading it all (reports are a few MB)."""
MAX_JSON_BYTES = 64 * 1024 * 1024
"""A JSON file larger than this is not parsed to be recognised (results are well under 10 MB)."""
MAX_WORKBOOK_PART_BYTES = 1024 * 1024
"""The document-property parts of a workbook are a few hundred bytes; a larger one is not ours."""
CREATOR = "riskengine"
"""What riskengine writes as a document's creator: ``/Creator (riskengine 0.1.0)`` in a PDF's information
dictionary (``report/document.py``, ``portfolio/layout.py``), ``<dc:creator>riskengine</dc:creator>`` in a workbook's
core properties (``questionnaire/template.py``, ``portfolio/summary.py``)."""

PATCH_HEADER = b"# Inventory patch written by riskengine discover"
"""How an inventory patch (``riskengine.discover.patch``) begins."""
_PDF_CREATOR = re.compile(rb"/Creator\s*\(" + CREATOR.encode() + rb"[ )]")
_SCAN_BLOCK = 1 << 20
_OVERLAP = 64
_KIND_NAMES = {"pdf": "PDF", "json": "JSON result", "workbook": "workbook", "folder": "folder",
               "patch": "inventory patch"}
_JSON_KEYS = (frozenset({"assessment_id", "versions", "risk"}), frozenset({"candidates", "recommendation", "rule"}),
              frozenset({"offers", "ranking", "cheapest", "precision"}),
              frozenset({"headline", "precision", "tornado", "assumptions_sha256"}))
"""The keys that make a JSON object ours: an assessment's result, a comparison's, or what ``tco`` writes (an
offers' comparison, a TCO result)."""


@dataclass(frozen=True)
class RunInput:
    """A file the run reads, and what it is to the user (``questionnaire``, ``inventory``, ``scoring profile``)."""

    role: str
    path: Path
    folder: bool = False
    """Whether a folder is accepted here (a Backstage catalog, a batch's folder of questionnaires)."""


@dataclass(frozen=True)
class RunOutput:
    """A file (or a folder of files) the run writes, and what it is (``PDF report``, ``JSON result``)."""

    role: str
    path: Path
    kind: OutputKind


@dataclass(frozen=True)
class RunFiles:
    """Everything one run reads and writes, and whether it may replace existing files riskengine did not write."""

    inputs: tuple[RunInput, ...] = ()
    outputs: tuple[RunOutput, ...] = ()
    database: Path | None = None
    """The register and evidence store's SQLite file; it need not exist yet (None: a server's database)."""
    force: bool = False
    """Replace an existing file at an output path even when riskengine did not write it (``--force``). Never an
    input, the database, another output, a device, a pipe or a folder."""

    @classmethod
    def of(cls, *, inputs: Iterable[tuple[str, Path | None]] = (), folders: Iterable[tuple[str, Path | None]] = (),
           outputs: Iterable[tuple[str, Path | None, OutputKind]] = (), database: Path | str | None = None,
           force: bool = False) -> RunFiles:
        """The plan of a run from (role, path) pairs, leaving out the options not given (``None``); ``folders``
        are inputs that may be folders; ``database`` where the database is (a path or a URL)."""
        from riskengine.database import database_file

        return cls(
            inputs=(*(RunInput(role, Path(path)) for role, path in inputs if path is not None),
                    *(RunInput(role, Path(path), folder=True) for role, path in folders if path is not None)),
            outputs=tuple(RunOutput(role, Path(path), kind) for role, path, kind in outputs if path is not None),
            database=database_file(database) if database is not None else None, force=force)


def check_run_files(files: RunFiles) -> None:
    """Check a run's files before anything is read or written (see the module's rules).

    Raises ``UnreadableFileError`` for an input that is missing, a pipe, a device or (where none is accepted) a
    folder (the database too, when it exists: SQLite would wait on a pipe), ``InputError`` when several are, and
    ``PathConflictError`` with every output that cannot be written where it is asked for. Only existing outputs
    are read, and only as much as it takes to recognise them.
    """
    database = () if files.database is None or not os.path.exists(files.database) else (
        RunInput("register database", files.database),)
    _check_inputs((*files.inputs, *database))
    protected: list[tuple[_Place, str]] = [(_place(item.path), f"the {item.role} {item.path}, which this run reads")
                                           for item in files.inputs]
    if files.database is not None:
        for suffix in DATABASE_COMPANIONS:
            companion = Path(f"{files.database}{suffix}")
            what = (f"the register database {companion} (every assessment and sign-off)" if not suffix
                    else f"a working file of the register database, {companion}")
            protected.append((_place(companion), what))
    index = _Index(protected)
    conflicts: list[str] = []
    for output in files.outputs:
        place = _place(output.path)
        clash = index.find(place)
        if clash is not None:
            how, what = clash
            conflicts.append(f"{_cannot(output)}: {_HOW[how]} {what}")
        else:
            problem = _existing_problem(output, place, files.force)
            if problem is not None:
                conflicts.append(problem)
        index.add(place, f"where the {output.role} goes")
    if conflicts:
        from riskengine.errors import PathConflictError

        raise PathConflictError(conflicts)


def require_regular_file(path: Path, *, folder: bool = False) -> None:
    """Raise ``UnreadableFileError`` unless ``path`` is a regular file (or, with ``folder``, a folder).

    Cheap (one ``stat``, which never blocks), so a reader can call it before it opens a file a user named.
    """
    problem = _input_problem(RunInput("file", Path(path), folder=folder))
    if problem is not None:
        from riskengine.errors import UnreadableFileError

        raise UnreadableFileError(str(path), f"the file {problem}")


def not_regular_reason(mode: int) -> str:
    """Why a file of this ``st_mode`` is not read: ``is a named pipe (FIFO), not a regular file ...``."""
    return (f"is {_file_type(mode)}, not a regular file; riskengine reads only regular files (a pipe or a device "
            "could keep it waiting forever)")


def written_by_riskengine(path: Path, kind: OutputKind) -> bool:
    """Whether the regular file at ``path`` is a ``kind`` riskengine wrote, judged by its content.

    - ``pdf``: starts with ``%PDF-`` and its information dictionary says ``/Creator (riskengine ...)``;
    - ``json``: an object with the keys of an assessment's result (``assessment_id``, ``versions``, ``risk``)
      or of a comparison (``candidates``, ``recommendation``, ``rule``);
    - ``patch``: an inventory patch ``riskengine discover`` wrote (its first line says so);
    - ``workbook``: an .xlsx whose core properties name ``riskengine`` as creator and which no one has saved since:
      no other last modifier, and (where the part exists) the application recorded is openpyxl, as riskengine
      writes it. A questionnaire a vendor filled in and saved in Excel or LibreOffice names the vendor's program,
      so it is not ours to replace.
    """
    try:
        if kind == "pdf":
            return _our_pdf(path)
        if kind == "json":
            return _our_json(path)
        if kind == "workbook":
            return _our_workbook(path)
        if kind == "patch":
            with path.open("rb") as handle:
                return handle.read(len(PATCH_HEADER)) == PATCH_HEADER
    except (OSError, ValueError, RecursionError):
        return False
    return False


# --- inputs ---------------------------------------------------------------------------------------------------


def _check_inputs(inputs: Iterable[RunInput]) -> None:
    problems = [(item, problem) for item in inputs if (problem := _input_problem(item)) is not None]
    if not problems:
        return
    from riskengine.errors import InputError, Problem, UnreadableFileError

    if len(problems) == 1:
        item, problem = problems[0]
        raise UnreadableFileError(str(item.path), f"the {item.role} {problem}")
    raise InputError("the inputs", [Problem(place=str(item.path), message=f"the {item.role} {problem}")
                                    for item, problem in problems])


def _input_problem(item: RunInput) -> str | None:
    try:
        mode = os.stat(item.path).st_mode
    except FileNotFoundError:
        return "does not exist"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISREG(mode) or (item.folder and stat.S_ISDIR(mode)):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    return not_regular_reason(mode)


def _file_type(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


# --- outputs --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    """Where a path leads: as given (absolute, normalised), with every symbolic link followed, and the file's
    identity (device, inode) and mode when it exists."""

    path: Path
    absolute: str
    resolved: str
    inode: tuple[int, int] | None
    mode: int | None
    size: int


def _place(path: Path) -> _Place:
    try:
        status = os.stat(path)
        inode: tuple[int, int] | None = (status.st_dev, status.st_ino)
        mode: int | None = status.st_mode
        size = status.st_size
    except (OSError, ValueError):
        inode, mode, size = None, None, 0
    try:
        resolved = str(path.resolve())
    except (OSError, RuntimeError, ValueError):  # a loop of symbolic links
        resolved = os.path.abspath(path)
    return _Place(path=path, absolute=os.path.abspath(path), resolved=resolved, inode=inode, mode=mode, size=size)


_HOW = {
    "path": "that is",
    "symlink": "through a symbolic link, that is",
    "hardlink": "that is the same file (a hard link) as",
}


class _Index:
    """Places already taken, found by absolute path, resolved path or inode in constant time (a batch has
    thousands)."""

    def __init__(self, places: Iterable[tuple[_Place, str]]) -> None:
        self._absolute: dict[str, str] = {}
        self._resolved: dict[str, str] = {}
        self._inode: dict[tuple[int, int], str] = {}
        for place, what in places:
            self.add(place, what)

    def add(self, place: _Place, what: str) -> None:
        self._absolute.setdefault(place.absolute, what)
        self._resolved.setdefault(place.resolved, what)
        if place.inode is not None:
            self._inode.setdefault(place.inode, what)

    def find(self, place: _Place) -> tuple[str, str] | None:
        """(how, what) when ``place`` is taken: ``path`` (the same path), ``symlink`` or ``hardlink``."""
        if place.absolute in self._absolute:
            return "path", self._absolute[place.absolute]
        if place.resolved in self._resolved:
            return "symlink", self._resolved[place.resolved]
        if place.inode is not None and place.inode in self._inode:
            return "hardlink", self._inode[place.inode]
        return None


def _existing_problem(output: RunOutput, place: _Place, force: bool) -> str | None:
    """Why the existing file at an output's path may not be replaced; None when there is none or it may."""
    if place.mode is None:
        return None
    if output.kind == "folder":
        if stat.S_ISDIR(place.mode):
            return None
        kind = "a file" if stat.S_ISREG(place.mode) else _file_type(place.mode)
        return f"{_cannot(output)}: it is {kind}, not a folder"
    if not stat.S_ISREG(place.mode):
        return f"{_cannot(output)}: it is {_file_type(place.mode)}, not a regular file"
    if force or place.size == 0 or written_by_riskengine(output.path, output.kind):
        return None
    return (f"refusing to replace {output.path} with the {output.role}: the file exists and is not a "
            f"{_KIND_NAMES[output.kind]} riskengine wrote; choose another path, or give --force to replace it")


def _cannot(output: RunOutput) -> str:
    if output.kind == "folder":
        return f"cannot use {output.path} as the {output.role}"
    return f"cannot write the {output.role} to {output.path}"


def _our_pdf(path: Path) -> bool:
    with path.open("rb") as handle:
        if handle.read(5) != b"%PDF-":
            return False
        tail = b""
        scanned = 0
        while scanned < MAX_PDF_SCAN_BYTES and (block := handle.read(_SCAN_BLOCK)):
            window = tail + block
            if _PDF_CREATOR.search(window):
                return True
            tail = window[-_OVERLAP:]
            scanned += len(block)
    return False


def _our_json(path: Path) -> bool:
    import json

    if path.stat().st_size > MAX_JSON_BYTES:
        return False
    data = json.loads(path.read_bytes())
    return isinstance(data, dict) and any(keys <= data.keys() for keys in _JSON_KEYS)


def _our_workbook(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            core = _part(archive, "docProps/core.xml")
            app = _part(archive, "docProps/app.xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError):
        return False
    if core is None:
        return False
    application = _element_text(app, "Application") if app is not None else None
    return (_element_text(core, "creator") == CREATOR
            and _element_text(core, "lastModifiedBy") in (None, "", CREATOR)
            and (application is None or "openpyxl" in application.lower()))


def _part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_WORKBOOK_PART_BYTES:
        raise ValueError(f"{name} is too large to be ours")
    return archive.read(info)


def _element_text(xml: bytes, name: str) -> str | None:
    """The text of the first ``<name>`` or ``<prefix:name>`` element (a plain search: no XML parser is needed, or
    wanted, for a file that is only being recognised)."""
    match = re.search(rb"<(?:[\w.-]+:)?" + name.encode() + rb"(?:\s[^>]*)?>([^<]*)</", xml)
    return match.group(1).decode("utf-8", errors="replace").strip() if match else None
