"""Read a vendor's questionnaire in whatever format it came: ours, CAIQ, HECVAT 3 or 4, VSAQ or a one-off.

The format is recognised by content (header labels, id patterns, title and version text, JSON keys), never by
the file name or the sheet titles (``recognition.py``); ``format`` forces it. Our own template, even damaged,
goes to our own reader, whose messages say what is wrong with it; a workbook in no format riskengine knows is
refused in a few lines that say how to read it through a mapping. The vendor's file is only ever read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from riskengine.errors import InputError, Problem, UnreadableFileError
from riskengine.filekind import identify_file
from riskengine.importers.foreign import ForeignQuestionnaire
from riskengine.importers.mapping import Mapping, default_mapping, fits, load_mapping
from riskengine.importers.recognition import recognise
from riskengine.importers.sheets import Book, open_book
from riskengine.importers.translation import translate
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.layout import META_SHEET
from riskengine.questionnaire.submission import Submission
from riskengine.runfiles import require_regular_file

FORMATS = ("riskengine", "caiq", "hecvat3", "hecvat4", "vsaq", "mapped")
"""Every format ``read_questionnaire`` reads; ``mapped`` is the generic importer driven by a mapping."""

_HEAD_BYTES = 4096


def detect_format(path: Path, bank: QuestionBank | None = None) -> str:
    """The format of ``path`` by its content: ``riskengine``, ``caiq``, ``hecvat3``, ``hecvat4`` or ``vsaq``.

    A file that is neither a workbook nor JSON is ``riskengine``: our own reader explains what is wrong with it.
    ``bank`` lets a template of ours that lost its hidden sheet be recognised by its section sheets too.
    Raises ``InputError`` for a JSON file that is not VSAQ and for a workbook in no format riskengine knows (at
    most four lines: what it looks like, why it is not read, how to map it), ``UnreadableFileError`` for a
    hostile workbook.
    """
    kind = _file_kind(path)
    if kind == "json":
        _vsaq_data(path)
        return "vsaq"
    if kind == "workbook":
        with open_book(path) as book:
            return recognise(book, _our_sheets(bank))
    return "riskengine"


_WORKBOOK_XML_LIMIT = 1 << 20
"""A workbook part listing sheets is a few KB; a larger one goes through the full detection and its guard."""


def read_questionnaire(path: Path, bank: QuestionBank, *, today: dt.date, format: str | None = None,
                       mapping: Path | None = None, require_answers: bool = True) -> Submission:
    """Read ``path`` into a ``Submission`` of ``bank``, whatever its format.

    ``format`` forces one of ``FORMATS``; ``mapping`` replaces the shipped mapping of a foreign format (and is
    required by ``mapped``, whose layout it describes). Our own template gives a submission without
    ``coverage``; a foreign one carries its ``Coverage``. Raises ``InputError`` with every problem and its place,
    or ``UnreadableFileError`` (a subclass) for a file that cannot be opened safely. ``require_answers`` makes a
    blank required answer of our template an error (the intake check); without it the answer stays blank, with
    a warning. Every N/A the bank does not accept is a warning and recorded as refused
    (``riskengine.questionnaire.not_applicable``).
    """
    source = str(path)
    if format is not None and format not in FORMATS:
        raise InputError(source, [Problem(place=source, message=f"unknown format {format!r}; expected one of "
                                                                f"{', '.join(FORMATS)}")])
    chosen = load_mapping(mapping, bank) if mapping is not None else None
    if format is None and chosen is not None:
        format = chosen.format
    return _flag_shortened_domain(_read(path, bank, today, format, chosen, require_answers), bank)


def _read(path: Path, bank: QuestionBank, today: dt.date, format: str | None, chosen: Mapping | None,
          require_answers: bool) -> Submission:
    source = str(path)
    kind = _file_kind(path)
    if format == "riskengine" or (format is None and (kind == "other" or _names_our_sheet(path))):
        return _native(path, bank, today, chosen, require_answers)
    if format == "vsaq" or (format is None and kind == "json"):
        from riskengine.importers.vsaq import read_vsaq

        return _translate(read_vsaq(path, _vsaq_data(path)), chosen, bank, today)
    foreign: ForeignQuestionnaire | None = None
    with open_book(path) as book:
        detected = format or recognise(book, _our_sheets(bank))
        if detected == "mapped":
            if chosen is None or chosen.source is None:
                raise InputError(source, [Problem(place=source, message=(
                    "the generic importer needs a mapping that describes the workbook (--mapping FILE.yaml)"))])
            from riskengine.importers.oneoff import read_mapped

            foreign = read_mapped(book, chosen.source, chosen.label)
        elif detected != "riskengine":
            foreign = _read_book(book, detected)
    if foreign is None:
        return _native(path, bank, today, chosen, require_answers)
    return _translate(foreign, chosen, bank, today)


def _flag_shortened_domain(submission: Submission, bank: QuestionBank) -> Submission:
    """``submission`` with a warning when the vendor's domain it gives is a link shortener's (``inst.bid``,
    ``bit.ly``): the outside evidence would describe the shortener, so the analyst must give the vendor's own
    (``riskengine assess --vendor-domain``). Whatever the format: our template's answer is checked too."""
    from riskengine.importers.domains import shortener_of

    question = bank.by_role("vendor.domain")
    answer = submission.answers.get(question.id) if question is not None else None
    if answer is None or not isinstance(answer.value, str):
        return submission
    shortener = shortener_of(answer.value)
    if shortener is None:
        return submission
    warning = Problem(place=answer.place, question_id=answer.question_id, severity="warning", message=(
        f"the vendor's domain {answer.value!r} is the link shortener {shortener}'s, not the vendor's own: the "
        "outside evidence (registration, DNS, HTTPS) would describe the shortener; give the vendor's domain with "
        "riskengine assess --vendor-domain DOMAIN"))
    return submission.model_copy(update={"warnings": (*submission.warnings, warning)})


def _translate(foreign: ForeignQuestionnaire, chosen: Mapping | None, bank: QuestionBank,
               today: dt.date) -> Submission:
    """Translate through the user's mapping, or the shipped one made for the questionnaire's variant."""
    source = foreign.source
    if chosen is None:
        chosen, exact = default_mapping(foreign.format, bank, foreign.variant)
        if not exact:
            foreign = replace(foreign, problems=(*foreign.problems, Problem(
                place=source, severity="warning",
                message=f"no mapping is made for {foreign.format} {foreign.variant!r}; {chosen.label} is used: check "
                        "its answers")))
    elif chosen.format != foreign.format:
        raise InputError(source, [Problem(place=source, message=f"mapping {chosen.label} is for the {chosen.format} "
                                                                f"format, not {foreign.format}")])
    elif not fits(chosen, foreign.variant):
        variants = ", ".join(chosen.variants)
        raise InputError(source, [Problem(place=source, message=f"mapping {chosen.label} is for {variants}, not "
                                                                f"{foreign.variant}")])
    return translate(foreign, chosen, bank, today=today)


def _native(path: Path, bank: QuestionBank, today: dt.date, chosen: Mapping | None,
            require_answers: bool) -> Submission:
    if chosen is not None:
        raise InputError(str(path), [Problem(place=str(path), message=f"mapping {chosen.label} is for the "
                                                                      f"{chosen.format} format, but this is not a "
                                                                      f"{chosen.format} questionnaire")])
    from riskengine.questionnaire.reader import read_submission

    return read_submission(path, bank, today=today, require_answers=require_answers)


def _read_book(book: Book, format_name: str) -> ForeignQuestionnaire:
    if format_name == "caiq":
        from riskengine.importers.caiq import read_caiq

        return read_caiq(book)
    if format_name == "hecvat3":
        from riskengine.importers.hecvat import read_hecvat3

        return read_hecvat3(book)
    from riskengine.importers.hecvat import read_hecvat4

    return read_hecvat4(book)


def _our_sheets(bank: QuestionBank | None) -> tuple[str, ...]:
    return tuple(section.sheet for section in bank.sections) if bank is not None else ()


def _names_our_sheet(path: Path) -> bool:
    """Whether the workbook lists our template's hidden sheet: a look at ``xl/workbook.xml``, as bytes, so that
    our own questionnaire (the common case, and every vendor in a batch) is opened once, not twice."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > _WORKBOOK_XML_LIMIT:
                return False
            return f'name="{META_SHEET}"'.encode() in archive.read(info)
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError):
        return False  # the full detection (and its guard) says what is wrong


def _file_kind(path: Path) -> str:
    """``workbook`` (a zip), ``json`` (text whose first value is an object, after ``//`` comments) or ``other``."""
    require_regular_file(path)  # before the first open: a pipe would keep it waiting
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return "other"  # our own reader reports why it cannot be read
    if head.startswith(b"PK\x03\x04"):
        return "workbook"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        return "json" if stripped.startswith("{") else "other"
    return "other"


def _vsaq_data(path: Path) -> object:
    from riskengine.importers.vsaq import read_json_file, vsaq_kind

    data = read_json_file(path)
    if vsaq_kind(data) is None:
        kind = identify_file(path)
        if kind is not None:
            raise UnreadableFileError(str(path), f"this is {kind.what}, not a questionnaire; {kind.advice(path)}")
        raise InputError(str(path), [Problem(place=str(path), message=(
            "a JSON file, but not a VSAQ questionnaire: expected a definition {\"questionnaire\": [...]} or answers "
            "{\"questionnaire\": \"definition.json\", \"answers\": {...}}"))])
    return data
