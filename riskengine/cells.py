"""Text written into a workbook cell stays text: never a formula, never an error value.

openpyxl stores any string that starts with ``=`` as a formula (a vendor's answer ``=HYPERLINK("http://x","y")``
would become a live link in our workbook) and ``#N/A`` as an error value. ``put_text`` assigns the text and then
sets the cell's type back to string, so the stored value is exactly the text and our reader reads it back
unchanged. Text a spreadsheet program would start a formula with when a person edits the cell (``=``, ``+``,
``-``, ``@`` ...) also gets Excel's ``quotePrefix`` style, which keeps it text there without changing the value.

Every workbook riskengine writes goes through here: the questionnaire (``questionnaire/template.py``, and
``importers/prefill.py`` through it) and the portfolio summary (``portfolio/summary.py``, which in addition
prefixes such text with an apostrophe, because its sheet travels on as CSV).
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
"""First characters that make a spreadsheet read a cell as a formula: the OWASP list (= + - @ tab CR), line
feed, and the full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20) an input method turns into the ASCII ones."""
LEADING_BLANKS = " \u00a0\u3000"
"""Spaces some spreadsheet programs skip before looking for a formula trigger."""
ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters XML 1.0 cannot hold (openpyxl refuses them): dropped from text before it is written."""
CELL_LIMIT = 32_767
"""Characters Excel keeps in one cell."""


def needs_guard(text: str) -> bool:
    """Whether ``text`` would start a formula: its first character, or its first after leading spaces."""
    return bool(text) and (text[0] in FORMULA_TRIGGERS or text.lstrip(LEADING_BLANKS)[:1] in FORMULA_TRIGGERS)


def storable_text(text: str) -> str:
    """``text`` as a cell can hold it: without the control characters XML cannot carry, cut at Excel's limit.
    Anything else, line ends included, is kept as it is."""
    return ILLEGAL_CHARACTERS.sub("", text)[:CELL_LIMIT]


def put_text(cell: Any, text: str) -> None:
    """Write ``text`` into an openpyxl ``cell`` as a string (see the module's note); ``quotePrefix`` when a
    spreadsheet program would otherwise read it as a formula."""
    value = storable_text(text)
    cell.value = value
    cell.data_type = "s"
    if needs_guard(value):
        cell.quotePrefix = True


def put_value(cell: Any, value: Any) -> None:
    """Write a cell's value: text through ``put_text``; numbers, dates, booleans and ``None`` as they are."""
    if isinstance(value, str):
        put_text(cell, value)
    else:
        cell.value = value
