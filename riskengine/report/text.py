"""The paragraphs of the report (and of the portfolio pages), and a memo of their layout shared by every
document a process renders.

A report holds about 2,600 paragraphs, and most of them (question texts, wording, rule titles, glossary
entries) recur from one vendor's report to the next. Parsing a paragraph's markup and breaking it into
lines at a width are pure: the same markup, style and width always give the same fragments and lines. So
both are remembered across reports, in bounded least-recently-used tables; in a batch worker this saves
about a quarter of a report's rendering and changes no byte of any PDF.

What is remembered is shared between paragraphs, so it must never be changed in place. reportlab changes
a paragraph's lines in one place only, when it splits a paragraph across pages (it appends a space to the
last word of each line); ``Text.split`` therefore splits a private copy.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from functools import cache
from typing import Any, Generic, TypeVar

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaParser

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

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if self._key is not None:
            self.wrap(available_width, available_height)
            self.blPara = copy.deepcopy(self.blPara)  # reportlab edits the lines it splits: not the memo's
        parts: list[Flowable] = super().split(available_width, available_height)
        self._wrapped = None  # splitting may drop the lines; the next wrap must break them again
        return parts
