"""The report's tables: reportlab's Table, with the text of its plain cells set and drawn the cheap way.

A report draws about 3,400 cells, most of them an id, a word, a number or a line of wording, and reportlab's own
way with them was most of its rendering time: a Paragraph per cell, measured, and drawn in a saved and restored
graphics state with a text object of its own. A ``ReportTable`` does two things, and the page looks the same:

- A cell made by ``ReportContext.cell`` whose text a Paragraph would draw as plain lines (``Cell.literal``) becomes
  those lines as a string, in its paragraph's face (``_as_strings``): reportlab measures a string with one call.
- The lines of the plain cells (strings, and paragraphs whose lines are runs of text: ``text.plain_lines``) are
  drawn together, in one text object for the cells before any other (the content stays in reading order, for
  copying and text extraction), each where reportlab would have drawn it; any other cell is drawn by reportlab, and
  the table's rules after its text, as reportlab orders them.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Table

from riskengine.report.text import Line, Run, Text, draw_lines, plain_lines

_UNBOUNDED = 1e9
"""A height no cell reaches: a cell is measured for its lines, not for a page."""
_SQUEEZED = -1e-8
"""A paragraph's line with less room than this is set with narrowed spaces (reportlab's threshold)."""


class Cell(Text):
    """A cell's paragraph that keeps its text, when that text could be drawn as a plain string: Latin script
    only (the report's font has every character), printable, no line break, single spaces and none at either
    end (what a Paragraph would draw of it is then exactly the text)."""

    literal: str | None = None


def literal(text: str) -> str | None:
    """``text`` when a Paragraph of it draws exactly it (``Cell.literal``), else None."""
    if (text and text.isprintable() and (text.isascii() or max(text) < "\u0250") and "  " not in text
            and text[0] != " " and text[-1] != " "):
        return text
    return None


class _Lines(str):
    """A cell's text as the lines its paragraph breaks into, for reportlab to draw as a string; ``paragraph`` is
    that paragraph, for a row that splits across pages (``ReportTable._splitRows``)."""

    paragraph: Cell


class ReportTable(Table):  # type: ignore[misc]
    """A Table whose plain cells are strings and whose plain lines are drawn in one text object (the parts it
    splits into too); a tall row split across pages keeps its words inside its cells."""

    _strings_made = False
    _text_lines: list[Line] | None = None

    # --- layout ---

    def _calc(self, availWidth: float, availHeight: float) -> None:
        if not self._strings_made:  # the cells' styles are all set when the table is first measured
            self._strings_made = True
            _as_strings(self)
        super()._calc(availWidth, availHeight)

    def _splitCell(self, value: Any, style: Any, oldHeight: float, newHeight: float, width: float) -> Any:
        """reportlab (5.1) decides where a row's cell must split after measuring its paragraphs at the column width
        less the cell's side padding, then asks the paragraph to split at the whole column width. At that wider
        width a paragraph can need a line less and fit whole, so it returns one part instead of two and reportlab
        fails with ``IndexError`` (a paragraph that does split is broken into lines too wide for its cell).
        Handing reportlab the width inside the padding, with a cell style whose side padding is zero, makes the
        measure and the split agree; nothing else in the cell depends on its side padding."""
        inside = style.copy()
        inside.leftPadding = inside.rightPadding = 0
        return super()._splitCell(value, inside, oldHeight, newHeight,
                                  width - style.leftPadding - style.rightPadding)

    def _splitRows(self, availHeight: float, doInRowSplit: int = 0) -> Any:
        """Before a row is split within its cells, its strings become their paragraphs again: reportlab splits a
        string by 1.2 font sizes a line and keeps its last line's height whole, so the row would split elsewhere
        than the paragraphs the strings stand for."""
        if doInRowSplit:
            row = self._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans=1)
            if row < len(self._cellvalues):
                self._cellvalues[row] = [(value.paragraph,) if isinstance(value, _Lines) else value
                                         for value in self._cellvalues[row]]
        return super()._splitRows(availHeight, doInRowSplit)

    # --- drawing ---

    def draw(self) -> None:
        self._text_lines = [] if self.canv.bottomup else None
        try:
            super().draw()
        finally:
            self._text_lines = None

    def _drawCell(self, value: Any, style: Any, position: tuple[float, float], size: tuple[float, float]) -> None:
        lines = self._text_lines
        if lines is not None and not (style.href or style.destination):
            if isinstance(value, str):
                if _string_cell(lines, value, style, position, size):
                    return
            else:
                only = value[0] if isinstance(value, (tuple, list)) and len(value) == 1 else value
                if isinstance(only, Text) and _paragraph_cell(lines, self, only, style, position, size):
                    return
            self._draw_text()  # what is drawn stays in reading order: the lines queued so far come first
        super()._drawCell(value, style, position, size)

    def _drawLines(self) -> None:
        """The cells' text first, then the rules (reportlab draws a table's rules after its cells)."""
        self._draw_text()
        super()._drawLines()

    def _draw_text(self) -> None:
        """The queued lines, in a graphics state of their own: a cell drawn next (a flowable that draws with the
        fill colour it finds) sees the colour reportlab's drawing left."""
        if self._text_lines:
            self.canv.saveState()
            draw_lines(self.canv, self._text_lines)
            self.canv.restoreState()
            self._text_lines.clear()


# --- plain cells as strings ---

class _Face(NamedTuple):
    """What a plain-string cell takes from its paragraph style: its face."""

    font: str
    size: float
    leading: float
    colour: Any
    align: str
    width: Any
    """The width of a text in the face: the font's own ``stringWidth``."""


_ALIGN = {TA_LEFT: "LEFT", TA_CENTER: "CENTER", TA_RIGHT: "RIGHT"}


@cache
def _face(style: ParagraphStyle) -> _Face | None:
    """How a cell in ``style`` is drawn as a string; None for a style a string cannot match (indents, a
    background or border, justified or transformed text)."""
    if (style.alignment not in _ALIGN or style.leftIndent or style.rightIndent or style.firstLineIndent
            or style.backColor or style.borderWidth or style.textTransform):
        return None
    return _Face(style.fontName, style.fontSize, style.leading, style.textColor, _ALIGN[style.alignment],
                 getFont(style.fontName).stringWidth)


def _as_strings(table: ReportTable) -> None:
    """Turn the cells of ``table`` whose text a Paragraph would draw as plain lines into strings, each cell's style
    given its paragraph's font, size, leading, colour and alignment.

    The lines are the paragraph's own (broken at the width inside the cell's padding, as the table will ask),
    kept only when none is squeezed to fit (reportlab then narrows its spaces; a string would not). A Paragraph
    starts its first line one font size below the top of its cell's content and steps down one leading a line,
    as reportlab draws a string of lines: the page looks the same. A cell within a span keeps its paragraph.
    """
    spanned = _spanned(table)
    for row, (values, styles) in enumerate(zip(table._cellvalues, table._cellStyles, strict=True)):
        for column, (value, style) in enumerate(zip(values, styles, strict=True)):
            if not isinstance(value, Cell) or value.literal is None or (row, column) in spanned:
                continue
            face, width = _face(value.style), table._argW[column]
            if face is None or width is None:
                continue
            lines = _plain_lines(value, value.literal, face, width - style.leftPadding - style.rightPadding)
            if lines is not None:
                values[column] = _Lines("\n".join(lines))
                values[column].paragraph = value
                style.fontname, style.fontsize, style.leading, style.color, style.alignment = face[:5]


def _spanned(table: Table) -> set[tuple[int, int]]:
    """The (row, column) of every cell within a SPAN command of ``table``."""
    cells = set()
    for _, (first_column, first_row), (last_column, last_row) in table._spanCmds:
        first_column, last_column, first_row, last_row = table.normCellRange(first_column, last_column, first_row,
                                                                             last_row)
        cells |= {(row, column) for row in range(first_row, last_row + 1)
                  for column in range(first_column, last_column + 1)}
    return cells


def _plain_lines(cell: Cell, text: str, face: _Face, width: float) -> list[str] | None:
    """The lines ``cell`` (of ``text``, in ``face``) breaks into at ``width``, when each is drawn as it is (None
    otherwise). Text that fits is one line, as the paragraph would break it, without asking the paragraph."""
    if face.width(text, face.size) <= width:
        return [text]
    cell.wrap(width, _UNBOUNDED)
    broken = cell.blPara
    if broken.kind != 0 or any(extra_space < _SQUEEZED for extra_space, _ in broken.lines):
        return None
    return [" ".join(words) for _, words in broken.lines]


# --- plain lines drawn together ---

_STRING_ANCHOR = {"LEFT": 0, "RIGHT": 1, "CENTER": 0.5, "CENTRE": 0.5}
"""How much of a string's width lies left of the point reportlab anchors it at, by the cell's alignment."""


def _string_cell(lines: list[Line], value: str, style: Any, position: tuple[float, float],
                 size: tuple[float, float]) -> bool:
    """Queue a string cell's lines where reportlab's ``_drawCell`` draws them, in the cell style's font and colour;
    False for one it must draw itself (decimal alignment, a direction or shaping)."""
    if style.direction or style.shaping or style.alignment not in _STRING_ANCHOR:
        return False
    left, bottom = position
    width, height = size
    anchor = _STRING_ANCHOR[style.alignment]
    if anchor == 0:
        x = left + style.leftPadding
    elif anchor == 1:
        x = left + width - style.rightPadding
    else:
        x = left + (width + style.leftPadding - style.rightPadding) * 0.5
    texts = value.split("\n")
    leading, font, font_size = style.leading, style.fontname, style.fontsize
    if style.valign == "BOTTOM":
        y = bottom + style.bottomPadding + len(texts) * leading - font_size
    elif style.valign == "TOP":
        y = bottom + height - style.topPadding - font_size
    elif style.valign == "MIDDLE":
        y = bottom + (style.bottomPadding + height - style.topPadding + len(texts) * leading) / 2.0 - font_size
    else:
        return False
    for text in texts:
        if text:
            start = x if anchor == 0 else x - stringWidth(text, font, font_size) * anchor
            lines.append(Line(start, y, (Run(text, font, font_size, style.color),)))
        y -= leading
    return True


def _paragraph_cell(lines: list[Line], table: Table, paragraph: Text, style: Any, position: tuple[float, float],
                    size: tuple[float, float]) -> bool:
    """Queue the lines of a cell holding one plain paragraph where reportlab would draw them; False otherwise."""
    left, bottom = position
    width, height = size
    paragraph_width, paragraph_height = table._listCellGeom((paragraph,), width, style, aH=height)
    if style.valign == "TOP":
        top = bottom + height - style.topPadding
    elif style.valign == "BOTTOM":
        top = bottom + style.bottomPadding + paragraph_height
    else:
        top = bottom + (height + style.bottomPadding - style.topPadding + paragraph_height) / 2.0
    if style.alignment == "LEFT":
        x = left + style.leftPadding
    elif style.alignment == "RIGHT":
        x = left + width - style.rightPadding - paragraph_width
    elif style.alignment in ("CENTRE", "CENTER"):
        x = left + (width + style.leftPadding - style.rightPadding - paragraph_width) / 2.0
    else:
        return False
    own = plain_lines(paragraph, x, top - paragraph_height)  # reportlab draws the paragraph from there
    if own is None:
        return False
    lines += own
    return True
