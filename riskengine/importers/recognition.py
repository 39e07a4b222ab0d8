"""Which questionnaire a workbook is, by its content: ours, CAIQ, HECVAT 3 or 4, or one riskengine does not read.

Sheet titles are not trusted (vendors and Google Sheets rename them: ``Sheet1``, ``HECVAT - Lite``, ``Vendor
Response``); they only decide which sheet is looked at first. A workbook is recognised as:

- **ours** by its hidden ``_riskengine`` sheet, or, when that was lost (a copy, a re-save by another tool), by
  our template's header row (``ID | Question | Guidance | Answer``) or most of its section sheets: our reader
  then says in detail what is wrong with it;
- **CAIQ** by a ``Question ID`` header with v4's ``CSP CAIQ Answer`` column or v3.1's ``Yes`` / ``No`` / ``Not
  Applicable`` columns (``caiq.py``);
- **HECVAT 4** by tabs whose title rows say ``Solution Provider Response``, **HECVAT 3** by ids such as
  ``GNRL-01`` in column A under ``Vendor Answers`` labels (``hecvat.py``).

Anything else is refused with at most four lines: what the workbook looks like (a CoSN K-12CVAT, a Shared
Assessments SIG, a version we do not read, or sheets we do not know), why it is not read, and how to read it
through a mapping of one's own. Never a list of our template's missing sheets.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection
from dataclasses import dataclass

from riskengine.errors import InputError, Problem
from riskengine.importers.caiq import caiq_sheet
from riskengine.importers.hecvat import (
    has_hecvat_ids,
    hecvat3_sheet,
    hecvat3_variant,
    hecvat4_tabs,
    hecvat_version,
    supported_hecvat3,
)
from riskengine.importers.sheets import Book, cell_text, normal
from riskengine.questionnaire.layout import COLUMN_TITLES, META_SHEET

ONE_OFF_DOCS = "docs/importers.md#one-off-workbooks-the-generic-importer-mapped"
"""Where a user learns to write a mapping for a workbook riskengine does not know."""
EXAMPLE_MAPPING = "questionnaires/mappings/example-oneoff.yaml"

K12CVAT = re.compile(r"\bK-?12\s*CVAT\b|\bK-?12 Cybersecurity\b|\bCoSN\b", re.IGNORECASE)
"""CoSN's K-12 Cybersecurity Vendor Assessment Tool names itself so in its title rows; it is built on HECVAT."""
SIG = re.compile(r"\bSIG\s*(Lite|Core|Manager)\b|Standardized Information Gathering|\bShared Assessments\b",
                 re.IGNORECASE)
"""Shared Assessments' SIG. Checked after HECVAT, whose change log thanks a "Shared Assessments Working Group"."""
HECVAT = re.compile(r"\bHECVAT\b|Higher Education Community Vendor Assessment", re.IGNORECASE)
_TITLE_ROWS = 10
"""Rows of each sheet whose text names the questionnaire (its title, version and introduction)."""
_SHOWN_TITLES = 5


@dataclass(frozen=True)
class Refusal:
    """Why a workbook is not read, in the words the user sees."""

    looks_like: str
    why: str
    forced: str = ""
    """A ``--format`` that reads it all the same, when a reader of ours could (an unsupported version)."""

    def problems(self, source: str) -> list[Problem]:
        """At most four lines: what it looks like and why not, how to force it, how to map it, where to learn."""
        quoted = shlex.quote(source)
        lines = [f"looks like {self.looks_like}; {self.why}"]
        if self.forced:
            lines.append(f"to read it as {self.forced} all the same (its ids may mean other things; check every "
                         f"answer): --format {self.forced}")
        lines.append(f"to read it, map its question ids onto ours in a mapping of your own and run: riskengine "
                     f"import {quoted} --mapping MAPPING.yaml -o OUT.xlsx (validate and assess take the same "
                     "--mapping, which means --format mapped)")
        lines.append(f"how to write the mapping: {ONE_OFF_DOCS}; start from {EXAMPLE_MAPPING}")
        return [Problem(place=source, message=line) for line in lines]


def recognise(book: Book, our_sheets: Collection[str] = ()) -> str:
    """The format of an open workbook by its content: ``riskengine``, ``caiq``, ``hecvat3`` or ``hecvat4``.

    ``our_sheets`` are the section sheet titles of our template (from the bank), for a template of ours that
    lost its hidden sheet. Raises ``InputError`` with at most four problems, one a line, for a workbook in none of
    these formats (see the module's docstring).
    """
    found = _recognised(book, our_sheets)
    if isinstance(found, Refusal):
        raise InputError(str(book.path), found.problems(str(book.path)))
    return found


def _recognised(book: Book, our_sheets: Collection[str]) -> str | Refusal:
    if any(normal(title) == normal(META_SHEET) for title in book.titles) or _looks_like_ours(book, our_sheets):
        return "riskengine"
    texts = _title_texts(book)
    if K12CVAT.search(texts) and _has_hecvat_ids(book):
        return Refusal("a CoSN K-12CVAT (K-12 Cybersecurity Vendor Assessment Tool), a HECVAT relative",
                       "its ids look like HECVAT's but its questions are its own, and riskengine ships no mapping "
                       "for them")
    sheet = caiq_sheet(book)
    if sheet is not None:
        if sheet.supported:
            return "caiq"
        return Refusal(f"a CSA CAIQ v{sheet.version}", "riskengine reads CAIQ v3.1 and v4.x, whose question ids "
                                                       "its mappings know", forced="caiq")
    tabs = hecvat4_tabs(book)
    if tabs:
        version = hecvat_version(book.head(tabs[0]))
        if not version or version.split(".")[0] == "4":
            return "hecvat4"
        return Refusal(f"an EDUCAUSE HECVAT {version} in HECVAT 4's layout", "riskengine reads HECVAT 4.x and "
                                                                             "3.00 to 3.10", forced="hecvat4")
    response = hecvat3_sheet(book)
    if response is not None:
        head = book.head(response)
        version = hecvat_version(head)
        if supported_hecvat3(version):
            return "hecvat3"
        variant = hecvat3_variant(response, head)
        return Refusal(f"an EDUCAUSE HECVAT {version} {variant}".rstrip(),
                       "riskengine reads HECVAT 3.00 to 3.10 and 4.x, whose question ids its mappings know",
                       forced="hecvat3")
    return _close_or_unknown(book, texts)


def _close_or_unknown(book: Book, texts: str) -> Refusal:
    """What a workbook no reader of ours takes looks like."""
    sig = SIG.search(texts)
    if sig:
        edition = f"SIG {sig.group(1).title()}" if sig.group(1) else "SIG (Lite/Core)"
        return Refusal(f"a Shared Assessments {edition}", "the SIG is licensed to Shared Assessments members, so "
                                                          "riskengine ships no reader or mapping for it")
    if HECVAT.search(texts):
        return Refusal("a HECVAT", "no sheet holds its answers as HECVAT 3 and 4 do (ids such as GNRL-01 in column "
                                   "A beside 'Vendor Answers' or 'Answer' labels, or 'Solution Provider Response' "
                                   "tabs)")
    shown = ", ".join(repr(title) for title in book.titles[:_SHOWN_TITLES])
    more = f" and {len(book.titles) - _SHOWN_TITLES} more" if len(book.titles) > _SHOWN_TITLES else ""
    return Refusal(f"a workbook with sheets {shown}{more} and no questionnaire riskengine knows",
                   "it is not riskengine's template (no _riskengine sheet, no ID | Question | Guidance | Answer "
                   "header), a CAIQ v3.1/v4 or a HECVAT 3/4")


def _looks_like_ours(book: Book, our_sheets: Collection[str]) -> bool:
    """Our template without its hidden sheet: most of our section sheets, or our header row on a sheet."""
    ours = {normal(title) for title in our_sheets}
    if ours and 2 * len(ours & {normal(title) for title in book.titles}) > len(ours):
        return True
    header = [normal(title) for title in COLUMN_TITLES[:4]]
    for title in book.visible:
        head = book.head(title)
        if any(head.row_texts(row)[:4] == header for row in sorted(head.rows)[:_TITLE_ROWS]):
            return True
    return False


def _has_hecvat_ids(book: Book) -> bool:
    return any(has_hecvat_ids(book.head(title)) for title in book.visible)


def _title_texts(book: Book) -> str:
    """The sheet titles and the first rows of each visible sheet, as one text to search for names."""
    parts = list(book.titles)
    for title in book.visible:
        head = book.head(title)
        parts.extend(cell_text(value) for row in sorted(head.rows)[:_TITLE_ROWS] for value in head.rows[row])
    return "\n".join(part for part in parts if part)
