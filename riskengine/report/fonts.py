"""The report's fonts: DejaVu Sans embedded, fallbacks for the scripts it lacks, and right-to-left text.

Vendors type their answers in any script. DejaVu Sans covers Latin, Greek, Cyrillic, Hebrew, Arabic and
many symbols; a character it lacks is set in the first fallback that has it (Symbola for emoji and
symbols, Droid Sans Fallback for Chinese, Japanese and Korean), so nothing a user typed prints as an
empty box. The files live in ``templates/fonts/`` with their licences; reportlab embeds only the glyphs a
report uses, so the PDF stays small.

reportlab reorders right-to-left text only with ``rlbidi``, which is not on PyPI; we reorder with
python-bidi (the Unicode bidirectional algorithm) after joining Arabic letters with arabic-reshaper. A
right-to-left paragraph that wraps over several lines keeps its lines in reading order only line by line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import cache
from typing import Any, Literal

from riskengine.resources import data_path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
_FAMILY = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf", FONT_ITALIC: "DejaVuSans-Oblique.ttf",
           FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf"}
FALLBACKS = {"Symbola": "Symbola.ttf", "DroidSansFallback": "DroidSansFallback.ttf"}
"""Tried in this order for a character the family lacks: symbols and emoji first, then CJK."""

_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
"""Hebrew, Arabic, Syriac, Thaana and their presentation forms."""
_INVISIBLE = frozenset("\u200b\u200c\u200d\u200e\u200f\ufe0e\ufe0f\u2060")
"""Joiners, direction marks and variation selectors: they shape the text around them and draw nothing."""


@cache
def register_fonts() -> None:
    """Register the family (regular, bold, italic, bold italic) once per process; fallbacks load on demand."""
    from reportlab.pdfbase import pdfmetrics, ttfonts

    ttfonts.makeToUnicodeCMap = _to_unicode_cmap

    for name, file_name in _FAMILY.items():
        pdfmetrics.registerFont(_subset_font_class()(name, str(data_path("templates", "fonts", file_name))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                  boldItalic=FONT_BOLD_ITALIC)


@cache
def _subset_font_class() -> type[Any]:
    """reportlab's TrueType font, with ``splitString`` faster: the same codes, the same bytes.

    reportlab encodes each string it draws for the document's font subset one character at a time in Python,
    giving a character it meets for the first time the subset's next code: a report draws about 5,600 strings. A
    character keeps its code for the life of the document, so a string met again has the encoding it had; and
    with reportlab's ``asciiReadable`` (its default) printable ASCII has its own codes from the start, so such a
    string is its own encoding. Anything else is encoded by reportlab, once per document.
    """
    from reportlab.pdfbase.ttfonts import TTFont

    class SubsetFont(TTFont):  # type: ignore[misc]
        def splitString(self, text: str | bytes, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
            if not isinstance(text, str):
                return list(super().splitString(text, doc, encoding))
            state = self._assignState(doc)  # reportlab's: the document's subsets, made on first use
            known: dict[str, list[tuple[int, bytes]]] | None = state.__dict__.get("encodings")
            if known is None:
                known = state.encodings = {}
                state.ascii_own_codes = all(state.assignments.get(code) == code for code in range(32, 127))
            if state.ascii_own_codes and text.isascii() and text.isprintable():
                return [(0, text.encode("ascii"))] if text else []
            parts = known.get(text)
            if parts is None:
                parts = known[text] = super().splitString(text, doc, encoding)
            return parts

    return SubsetFont


def _to_unicode_cmap(font_name: str, subset: list[int]) -> str:
    """The ToUnicode map of a font subset, as reportlab writes it but with UTF-16BE values.

    reportlab writes a character beyond U+FFFF as ``<1F680>``, which no reader decodes, so an emoji is lost
    when text is copied or extracted from the PDF; the PDF specification wants ``<D83DDE80>``.
    """
    entries = [f"<{index:02X}> <{chr(code).encode('utf-16-be').hex().upper()}>" for index, code in enumerate(subset)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({font_name})", f"/Ordering ({font_name})", "/Supplement 0", ">> def",
        f"/CMapName /{font_name} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar", *entries, "endbfchar",
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


@cache
def _characters(name: str) -> frozenset[int] | None:
    """The code points a font has glyphs for (registering a fallback the first time it is asked).

    None for one of the standard PDF fonts (Helvetica ...): they have no character map to ask, and the
    report never sets user text in them.
    """
    from reportlab.pdfbase import pdfmetrics

    if name in FALLBACKS:
        pdfmetrics.registerFont(_subset_font_class()(name, str(data_path("templates", "fonts", FALLBACKS[name]))))
    else:
        register_fonts()
    face = pdfmetrics.getFont(name).face
    return frozenset(face.charToGlyph) if hasattr(face, "charToGlyph") else None


def font_for(character: str, font: str) -> str:
    """``font`` when it has ``character``, else the first fallback that has it, else ``font`` itself."""
    code = ord(character)
    covered = _characters(font)
    if covered is None or character in _INVISIBLE or code < 0x250 or code in covered:
        return font
    for fallback in FALLBACKS:
        if code in (_characters(fallback) or ()):
            return fallback
    return font


def runs(text: str, font: str) -> Iterator[tuple[str, str]]:
    """``text`` cut into (font, piece) runs, each piece set in a font that has all its characters."""
    if text.isascii() or max(text) < "\u0250":  # Latin, the common case: one run, no lookups
        if text:
            yield font, text
        return
    current, start = font, 0
    for index, character in enumerate(text):
        chosen = font_for(character, font)
        if chosen != current:
            if index > start:
                yield current, text[start:index]
            current, start = chosen, index
    if len(text) > start:
        yield current, text[start:]


def visual_order(text: str) -> str:
    """Right-to-left runs of ``text`` joined and reordered for drawing left to right; other text unchanged."""
    if not _RIGHT_TO_LEFT.search(text):
        return text
    import arabic_reshaper  # type: ignore[import-untyped]
    from bidi import get_display  # type: ignore[import-untyped]

    return "\n".join(get_display(arabic_reshaper.reshape(line)) if _RIGHT_TO_LEFT.search(line) else line
                     for line in text.split("\n"))


def string_width(text: str, font: str, size: float) -> float:
    """The width of ``text`` as ``draw_string`` sets it, fallbacks included."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(sum(stringWidth(piece, name, size) for name, piece in runs(text, font)))


Anchor = Literal["start", "middle", "end"]


def placed(x: float, text: str, font: str, size: float, anchor: Anchor = "start") -> list[tuple[float, str, str]]:
    """Where each font run of one line starts: (x, font, piece), the line anchored at ``x``."""
    text = visual_order(text)
    width = string_width(text, font, size)
    start = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    pieces = []
    for name, piece in runs(text, font):
        pieces.append((start, name, piece))
        start += string_width(piece, name, size)
    return pieces


def draw_string(canvas: Any, x: float, y: float, text: str, font: str, size: float, *,
                anchor: Anchor = "start") -> None:
    """Draw one line on a reportlab canvas, each run in a font that has it."""
    for start, name, piece in placed(x, text, font, size, anchor):
        canvas.setFont(name, size)
        canvas.drawString(start, y, piece)


def strings(x: float, y: float, text: str, font: str, size: float, colour: object, *,
            anchor: Anchor = "start") -> list[Any]:
    """One line for a reportlab.graphics drawing: a ``String`` per font run."""
    from reportlab.graphics.shapes import String

    return [String(start, y, piece, fontName=name, fontSize=size, fillColor=colour)
            for start, name, piece in placed(x, text, font, size, anchor)]


def _escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities (xml.sax.saxutils.escape, whose module imports urllib, http and ssl)."""
    return html.escape(text, quote=False)


def paragraph_markup(text: str) -> str:
    """Paragraph markup that shows ``text`` literally, each run in a font that has it, right to left reordered.

    ``<b>`` stays ``<b>`` and newlines become breaks; ``text`` should already be cleaned of control characters.
    """
    if text.isascii() or max(text) < "\u0250":  # Latin, the common case: no fallback font, no reordering
        return _escape(text).replace("\n", "<br/>")
    pieces = [_escape(piece) if name == FONT else f'<font name="{name}">{_escape(piece)}</font>'
              for name, piece in runs(visual_order(text), FONT)]
    return "".join(pieces).replace("\n", "<br/>")
