"""The paragraphs of the report (and of the portfolio pages), a memo of their layout shared by every document a
process renders, and their plain lines drawn without reportlab's paragraph machinery.

A report holds about 2,600 paragraphs, and most of them (question texts, wording, rule titles, glossary
entries) recur from one vendor's report to the next. Parsing a paragraph's markup and breaking it into
lines at a width are pure: the same markup, style and width always give the same fragments and lines. So
both are remembered across reports, in bounded least-recently-used tables; in a batch worker this saves
about a quarter of a report's rendering and changes no byte of any PDF.

What is remembered is shared between paragraphs, so it must never be changed in place. reportlab changes
a paragraph's lines in one place only, when it splits a paragraph across pages (it appends a space to the
last word of each line); ``Text.split`` therefore splits a private copy.

Most paragraphs are plain: each line is runs of text set one after the other, no indent, bullet, link, underline,
background or justified spacing. reportlab draws every paragraph through a general machine (a text object that
tracks underlines, links, rises and backgrounds, line by line); ``plain_lines`` gives the lines a plain paragraph
draws, and ``draw_lines`` draws them, the same glyphs at the same places: a Text does so itself, and a table draws
the lines of all its plain cells at once (``tables.ReportTable``).
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from functools import cache
from typing import Any, Generic, NamedTuple, TypeVar

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaParser
from reportlab.rl_config import paraFontSizeHeightOffset

Key = TypeVar("Key")
Value = TypeVar("Value")

PARSED_ENTRIES = 8_000
"""Parsed paragraphs remembered per process: the text every report shares, and the last few reports' own."""
BROKEN_ENTRIES = 8_000
"""Line breakings remembered per process (one per paragraph and width)."""


class Memo(Generic[Key, Value]):
    """A bounded table that forgets the least recently used entry first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Key, Value] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Key) -> Value | None:
        value = self._entries.get(key)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._entries.move_to_end(key)
        return value

    def put(self, key: Key, value: Value) -> None:
        self._entries[key] = value
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self.hits = self.misses = 0


_Parsed = tuple[str, ParagraphStyle, list[Any], Any]
"""The cleaned markup, the style (a ``<para>`` tag can change it), the fragments, the bullet's fragments."""
_Broken = tuple[Any, list[float], dict[str, Any]]
"""The lines (reportlab's ``blPara``), the widths after breaking (a bullet widens the first), the counters
``breakLines`` leaves on the paragraph."""

PARSED: Memo[tuple[str, ParagraphStyle], _Parsed] = Memo(PARSED_ENTRIES)
BROKEN: Memo[tuple[str, ParagraphStyle, str | None, tuple[float, ...]], _Broken] = Memo(BROKEN_ENTRIES)
_COUNTERS = ("_width_max", "_splitLongWordCount", "_hyphenations")


def _parse(markup: str, style: ParagraphStyle) -> _Parsed:
    """What ``Paragraph`` would parse from ``markup`` in ``style``, remembered."""
    key = (markup, style)
    parsed = PARSED.get(key)
    if parsed is None:
        cleaned = cleanBlockQuotedText(markup)
        if cleaned and "<" not in cleaned and "&" not in cleaned:
            used_style, fragments, bullet = style, [_plain_fragment(style).clone(text=cleaned)], None
        else:
            used_style, fragments, bullet = _parsed_by_reportlab(cleaned, style)
        textTransformFrags(fragments, used_style)
        parsed = (cleaned, used_style, fragments, bullet)
        PARSED.put(key, parsed)
    return parsed


def _parsed_by_reportlab(cleaned: str, style: ParagraphStyle) -> tuple[ParagraphStyle, list[Any], Any]:
    parser = ParaParser()
    parser.caseSensitive = 1
    used_style, fragments, bullet = parser.parse(cleaned, style)
    if fragments is None:
        raise ValueError(f"paragraph markup error ({parser.errors[0]}) in {cleaned[:30]!r}")
    return used_style, fragments, bullet


@cache
def _plain_fragment(style: ParagraphStyle) -> Any:
    """The fragment reportlab's parser makes of text without tags or entities in ``style``, whatever the text.

    Most of a report is such text (every text from the assessment is escaped, and only ``&``, ``<`` and ``>``
    become entities), and the parser (an HTMLParser) costs more than the rest of a paragraph's layout. Its
    fragment for a one-letter text, given the text, is the fragment it would make; its lists (links, underlines)
    are empty and never filled in place.
    """
    fragments = _parsed_by_reportlab("x", style)[1]
    assert len(fragments) == 1 and not fragments[0].link and not fragments[0].us_lines
    return fragments[0]


class Text(Paragraph):  # type: ignore[misc]
    """A paragraph whose parse and line breaking are remembered: within a report (tables wrap every cell
    again and again at the same width) and across the reports of a process.

    The parts reportlab makes when it splits a paragraph are built from fragments, not markup: they are
    laid out as any paragraph is, without the memo.
    """

    blPara: Any  # reportlab's: the lines of the last wrap
    _wrapped: tuple[float, tuple[float, float]] | None = None
    _key: tuple[str, ParagraphStyle] | None = None

    def __init__(self, text: str | None, style: ParagraphStyle, bulletText: Any = None,
                 frags: list[Any] | None = None, **options: Any) -> None:
        if frags is not None or text is None or options:
            super().__init__(text, style, bulletText=bulletText, frags=frags, **options)
            return
        cleaned, used_style, fragments, bullet = _parse(text, style)
        super().__init__(cleaned, used_style, bulletText=bullet or bulletText, frags=fragments)
        self._key = (text, style)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._wrapped is not None and self._wrapped[0] == available_width:
            return self._wrapped[1]
        size: tuple[float, float] = super().wrap(available_width, available_height)
        self._wrapped = (available_width, size)
        return size

    def breakLines(self, width: list[float]) -> Any:
        if self._key is None or not (self.bulletText is None or isinstance(self.bulletText, str)):
            return super().breakLines(width)
        key = (*self._key, self.bulletText, tuple(width))
        broken = BROKEN.get(key)
        if broken is None:
            lines = super().breakLines(width)
            broken = (lines, list(width), {name: getattr(self, name, 0) for name in _COUNTERS})
            BROKEN.put(key, broken)
        lines, widths, counters = broken
        width[:] = widths
        self.__dict__.update(counters)
        return lines

    def draw(self) -> None:
        lines = plain_lines(self) if self.canv.bottomup else None
        if lines is None:
            super().draw()
        else:
            draw_lines(self.canv, lines)

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if self._key is not None:
            self.wrap(available_width, available_height)
            self.blPara = _own_lines(self.blPara)
        parts: list[Flowable] = super().split(available_width, available_height)
        self._wrapped = None  # splitting may drop the lines; the next wrap must break them again
        return parts


def _own_lines(broken: Any) -> Any:
    """``broken`` (reportlab's ``blPara``) with lines of its own to split: reportlab appends a space to the text of
    the last fragment of each line of several fragments it splits (``_split_blParaHard``), and leaves the lines of
    one fragment (tuples of strings) as they are. A copy of each fragment, not of what it refers to (its style,
    font and colour), is enough: the fragment's text is replaced, never changed in place."""
    own = copy.copy(broken)
    if broken.kind == 1:
        own.lines = [line.clone(words=[copy.copy(word) for word in line.words]) for line in broken.lines]
    return own


# --- plain lines ---

class Run(NamedTuple):
    """Text set in one font, size and colour."""

    text: str
    font: str
    size: float
    colour: Any


class Line(NamedTuple):
    """Runs set one after the other from where the line's baseline starts."""

    x: float
    y: float
    runs: tuple[Run, ...]


_SHARE = {TA_LEFT: 0.0, TA_RIGHT: 1.0, TA_CENTER: 0.5}
"""The share of a line's spare room left of it, by the paragraph's alignment."""
_SQUEEZED = -1e-8
"""A line with less room than this is set with narrowed spaces (reportlab's threshold)."""


def plain_lines(paragraph: Paragraph, x: float = 0.0, y: float = 0.0) -> list[Line] | None:
    """The lines a wrapped ``paragraph`` drawn from (``x``, ``y``) (its bottom left corner) draws, where
    reportlab's ``drawPara`` places them; None for a paragraph that is not plain (an indent, bullet, background,
    border, automatic leading, right-to-left or justified text, a line with narrowed spaces; a run that rises, links,
    is underlined or struck, has a background, or is an image).

    The first baseline is one font size (of the first line, or its ascent) below the paragraph's top, each line one
    leading lower, shifted right by all (right aligned) or half (centred) of the room the line leaves.
    """
    style, broken = paragraph.style, getattr(paragraph, "blPara", None)
    if (broken is None or style.alignment not in _SHARE or style.leftIndent or style.rightIndent
            or style.firstLineIndent or style.backColor or style.borderWidth or style.wordWrap or style.endDots
            or paragraph.bulletText or getattr(paragraph, "autoLeading", None) or getattr(style, "autoLeading", None)
            or hasattr(paragraph, "_offsets")):
        return None
    if not broken.lines:
        return []
    share, leading = _SHARE[style.alignment], style.leading
    first = broken if broken.kind == 0 else broken.lines[0]
    y += paragraph.height - (first.fontSize if paraFontSizeHeightOffset else getattr(first, "ascent", first.fontSize))
    lines = []
    if broken.kind == 0:
        if getattr(broken, "us_lines", None) or getattr(broken, "link", None):
            return None
        for extra_space, words in broken.lines:
            if extra_space < _SQUEEZED:
                return None
            lines.append(Line(x + share * extra_space, y, (Run(" ".join(words), broken.fontName, broken.fontSize,
                                                               broken.textColor),)))
            y -= leading
        return lines
    for line in broken.lines:
        if line.extraSpace < _SQUEEZED:
            return None
        runs = []
        for fragment in line.words:
            if (hasattr(fragment, "cbDefn") or fragment.rise or fragment.us_lines or fragment.link
                    or getattr(fragment, "backColor", None)):
                return None
            runs.append(Run(fragment.text, fragment.fontName, fragment.fontSize, fragment.textColor))
        lines.append(Line(x + share * line.extraSpace, y, tuple(runs)))
        y -= leading
    return lines


def draw_lines(canvas: Any, lines: list[Line]) -> None:
    """``lines`` in one text object, the font and colour set only where they change.

    A TrueType font's text is set as its documentation says (``ttfonts``: each chunk of ``splitString`` in its
    subset's font); any other font and colour through the text object's own methods. The operators that switch
    to a font's subset, or to an RGB colour, are written once a call: a table switches between a few of them,
    often.
    """
    text = canvas.beginText()
    code, document = text._code, canvas._doc  # the text object's operators: ours go between its own
    face: tuple[str, float] | None = None
    colour: Any = None
    font: Any = None
    subset = -1
    switches: dict[tuple[str, float, int], str] = {}
    colours: dict[int, str] = {}
    if not canvas.bottomup:  # the lines are placed from the bottom of the page up, as platypus draws
        raise ValueError("plain lines are drawn on a canvas whose origin is at the bottom of the page")
    for line in lines:
        code.append(f"1 0 0 1 {fp_str(line.x, line.y)} Tm")  # what the text object's setTextOrigin writes
        for run in line.runs:
            if (run.font, run.size) != face:
                face = (run.font, run.size)
                text.setFont(run.font, run.size)
                font, subset = getFont(run.font), -1
            if run.colour is not colour:
                colour = run.colour
                if type(colour) is Color:
                    operator = colours.get(id(colour))
                    if operator is None:
                        operator = colours[id(colour)] = f"{fp_str(colour.red, colour.green, colour.blue)} rg"
                    code.append(operator)
                else:
                    text.setFillColor(colour)
            if not font._dynamicFont:
                text.textOut(run.text)
                continue
            for part, chunk in font.splitString(run.text, document):
                if part != subset:
                    subset = part
                    switch = switches.get((run.font, run.size, part))
                    if switch is None:
                        switch = switches[run.font, run.size, part] = (
                            f"{font.getSubsetInternalName(part, document)} {fp_str(run.size)} Tf")
                    code.append(switch)
                code.append(f"({escapePDF(chunk)}) Tj")
    canvas.drawText(text)
