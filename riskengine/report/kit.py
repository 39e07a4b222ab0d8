"""The toolkit of the report's pages, shared by its sections and by the portfolio pages: the A4 page, the
limits on text from users, text made safe for Paragraph markup, the palette and paragraph styles of a theme,
the table look, headings that become bookmarks, and reportlab's timestamp set to the assessment's clock.

Every piece of text that comes from the assessment passes through ``markup`` (control characters dropped,
capped, escaped) before it reaches a Paragraph, so markup in an answer shows literally.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.platypus import TableStyle

from riskengine.report.fonts import FONT, FONT_BOLD, paragraph_markup, string_width
from riskengine.report.text import Text
from riskengine.report.wording import ReportWording
from riskengine.score.profile import Severity

ANSWER_LIMIT = 1500
"""Characters of one answer shown in the PDF; the JSON result keeps the whole text."""
COMMENT_LIMIT = 600
QUESTION_LIMIT = 600
NAME_LIMIT = 200
IN_ROW_SPLIT_MIN = 60
"""Points of a tall row that must fit on a page for the row to start there and continue on the next."""
ELLIPSIS = "…"
CELL_PADDING = 4
"""Points between a data table's cell text and its sides."""
LONG_TABLE_START = 45 * mm
"""Room a long table needs on a page to start there: heading, a sentence and a few rows."""

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

SEVERITY_ORDER: tuple[Severity, ...] = ("critical", "high", "medium", "low")
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# --- text ------------------------------------------------------------------------------------------------


def clean(text: str, limit: int = ANSWER_LIMIT) -> str:
    """Text safe to measure and draw: no control characters or lone surrogates, at most ``limit`` chars."""
    if not text.isprintable():  # printable text has no control character, tab, line break or lone surrogate
        text = text.encode("utf-8", "replace").decode("utf-8")
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        text = _CONTROL_CHARACTERS.sub("", text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + ELLIPSIS
    return text


def markup(text: str, limit: int = ANSWER_LIMIT) -> str:
    """Paragraph markup that shows ``text`` literally: ``<b>`` stays ``<b>``, newlines become breaks.

    Characters the report's font lacks are set in a fallback font; right-to-left text is reordered.
    """
    return paragraph_markup(clean(text, limit))


def fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` on one line, cut with an ellipsis so that it is at most ``width`` points wide."""
    text = clean(text, NAME_LIMIT).replace("\n", " ")
    if string_width(text, font, size) <= width:
        return text
    while text and string_width(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def percent(share: float, decimals: int = 2) -> str:
    """``8`` for 0.08, ``7.5`` for 0.075: a share as a percentage, trailing zeros dropped."""
    text = f"{share * 100:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def score(value: float) -> str:
    """``31.0``: a score out of 100 with the one decimal the tier was decided on."""
    return f"{value:.1f}"


def points(value: float) -> str:
    """Control weights earned or possible: ``10.7``, ``31`` (one decimal at most)."""
    return f"{value:.1f}".removesuffix(".0")


def hours(low: float, likely: float, high: float) -> str:
    """``12 / 24.5 / 1,080``: one decimal at most, thousands separated."""
    return " / ".join(f"{value:,.1f}".removesuffix(".0") for value in (low, likely, high))


def word(words: Mapping[Any, str], key: str) -> str:
    """The wording's label for ``key`` (an owner, a due point, an effort, a tier), else ``key`` itself."""
    return words.get(key, key)


def sentence(text: str) -> str:
    """``text`` as a sentence of its own: first letter capitalised, one full stop (empty stays empty)."""
    text = text.strip().rstrip(".").strip()
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def capitalised(text: str) -> str:
    """``left blank`` -> ``Left blank``: the first letter up, the rest as written."""
    return f"{text[:1].upper()}{text[1:]}"


def utc_minute(moment: dt.datetime) -> str:
    """``2026-11-24 09:00Z``: the moment in UTC to the minute (a naive time is taken as UTC)."""
    moment = moment.astimezone(dt.UTC) if moment.tzinfo is not None else moment
    return f"{moment:%Y-%m-%d %H:%M}Z"


# --- the document ----------------------------------------------------------------------------------------


def timestamp(created: dt.datetime) -> TimeStamp:
    """reportlab's document timestamp, set to the assessment's clock instead of the machine's."""
    moment = created if created.tzinfo is not None else created.replace(tzinfo=dt.UTC)
    stamp = TimeStamp(invariant=True)
    stamp.t = moment.timestamp()
    stamp.lt = time.gmtime(stamp.t)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = 0
    stamp.dmm = 0
    stamp.tzname = "UTC"
    return stamp


class Heading(Text):
    """A heading that becomes a PDF bookmark when it is laid out (``outline_key`` set: see ``document``)."""

    outline_key = ""
    outline_title = ""
    outline_level = 0


# --- tables ----------------------------------------------------------------------------------------------


def themed_table_style(header_fill: colors.Color, stripes: Sequence[colors.Color], rule: colors.Color, *,
                       valign: str = "TOP", extra: Sequence[tuple[Any, ...]] = ()) -> TableStyle:
    """The look of a data table in the report and the portfolio pages: a filled header row, striped rows, a
    hairline under each row and even padding."""
    return TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), header_fill),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), list(stripes)),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, rule),
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        *extra,
    ])


# --- palette and styles ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Palette:
    """The theme's colours (``templates/report.yaml``) as reportlab colours."""

    primary: colors.Color
    accent: colors.Color
    text: colors.Color
    muted: colors.Color
    rule: colors.Color
    header_fill: colors.Color
    header_text: colors.Color
    stripe: colors.Color
    label_fill: colors.Color
    chart_bar: colors.Color
    chart_grid: colors.Color
    severities: dict[Severity, colors.Color]


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of the report, all in the theme's colours."""

    body: ParagraphStyle
    bullet: ParagraphStyle
    muted: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h2_long_table: ParagraphStyle
    h3: ParagraphStyle
    h3_long_table: ParagraphStyle
    cover_title: ParagraphStyle
    cover_vendor: ParagraphStyle
    cover_sub: ParagraphStyle
    cell: ParagraphStyle
    cell_small: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_label: ParagraphStyle
    cell_head: ParagraphStyle
    cell_head_light: ParagraphStyle
    cell_large: ParagraphStyle
    cell_large_bold: ParagraphStyle
    tag: ParagraphStyle
    numbered: ParagraphStyle
    numbered_more: ParagraphStyle
    cell_number: ParagraphStyle
    cell_number_bold: ParagraphStyle
    cell_head_number: ParagraphStyle
    recommendation: ParagraphStyle


_LOOKS: dict[str, tuple[Palette, Styles]] = {}


def look(wording: ReportWording) -> tuple[Palette, Styles]:
    """The palette and styles of ``wording``'s theme, made once per theme: the same style objects in every
    report, so the paragraphs' layout memo (``report.text``) recognises a text from an earlier report."""
    key = wording.theme.model_dump_json()
    if key not in _LOOKS:
        palette = _palette(wording)
        _LOOKS[key] = (palette, _styles(palette))
    return _LOOKS[key]


@cache
def sized(style: ParagraphStyle, size: float) -> ParagraphStyle:
    """``style`` at another font ``size`` (leading 1.3 times it), made once per style and size."""
    return ParagraphStyle(f"{style.name}_{size}", parent=style, fontSize=size, leading=size * 1.3)


def _palette(wording: ReportWording) -> Palette:
    theme = wording.theme
    hexes = {name: colors.HexColor(getattr(theme, name)) for name in (
        "primary", "accent", "text", "muted", "rule", "header_fill", "header_text", "stripe", "label_fill",
        "chart_bar", "chart_grid")}
    severities = {severity: colors.HexColor(value) for severity, value in theme.severities.items()}
    return Palette(**hexes, severities=severities)


def _styles(palette: Palette) -> Styles:
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12.5, textColor=palette.text,
                          spaceAfter=4, splitLongWords=1)
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10.2, spaceAfter=0)
    return Styles(
        body=body,
        bullet=ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=2, spaceAfter=2),
        muted=ParagraphStyle("muted", parent=body, fontSize=8, leading=10.5, textColor=palette.muted),
        h1=ParagraphStyle("h1", parent=body, fontName=FONT_BOLD, fontSize=17, leading=21,
                          textColor=palette.primary, spaceAfter=8, keepWithNext=1),
        h2=ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=14,
                          textColor=palette.primary, spaceBefore=10, spaceAfter=4, keepWithNext=1),
        h2_long_table=ParagraphStyle("h2_long_table", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=14,
                                     textColor=palette.primary, spaceBefore=10, spaceAfter=4),
        h3=ParagraphStyle("h3", parent=body, fontName=FONT_BOLD, fontSize=9.5, leading=12,
                          textColor=palette.accent, spaceBefore=8, spaceAfter=3, keepWithNext=1),
        h3_long_table=ParagraphStyle("h3_long_table", parent=body, fontName=FONT_BOLD, fontSize=9.5, leading=12,
                                     textColor=palette.accent, spaceBefore=8, spaceAfter=3),
        cover_title=ParagraphStyle("cover_title", parent=body, fontName=FONT_BOLD, fontSize=26, leading=31,
                                   textColor=palette.primary, spaceAfter=14),
        cover_vendor=ParagraphStyle("cover_vendor", parent=body, fontName=FONT_BOLD, fontSize=16,
                                    leading=20, spaceAfter=3),
        cover_sub=ParagraphStyle("cover_sub", parent=body, fontSize=11, leading=14, textColor=palette.muted,
                                 spaceAfter=14),
        cell=cell,
        cell_small=ParagraphStyle("cell_small", parent=cell, fontSize=7.5, leading=9.5),
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=FONT_BOLD),
        cell_label=ParagraphStyle("cell_label", parent=cell, fontName=FONT_BOLD, textColor=palette.muted),
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=FONT_BOLD, textColor=palette.header_text),
        cell_head_light=ParagraphStyle("cell_head_light", parent=cell, fontName=FONT_BOLD,
                                       textColor=palette.primary),
        cell_large=ParagraphStyle("cell_large", parent=cell, fontSize=10, leading=13),
        cell_large_bold=ParagraphStyle("cell_large_bold", parent=cell, fontName=FONT_BOLD, fontSize=10,
                                       leading=13),
        tag=ParagraphStyle("tag", parent=cell, fontName=FONT_BOLD, fontSize=7.5, leading=9,
                           textColor=colors.white, alignment=TA_CENTER),
        numbered=ParagraphStyle("numbered", parent=body, fontSize=8.5, leading=11.5, leftIndent=19,
                                bulletIndent=14, bulletAnchor="end", spaceAfter=1.5),
        numbered_more=ParagraphStyle("numbered_more", parent=body, fontSize=8.5, leading=11.5, leftIndent=19,
                                     textColor=palette.muted, spaceAfter=1.5),
        cell_number=ParagraphStyle("cell_number", parent=cell, alignment=TA_RIGHT, splitLongWords=0),
        cell_number_bold=ParagraphStyle("cell_number_bold", parent=cell, fontName=FONT_BOLD, alignment=TA_RIGHT,
                                        splitLongWords=0),
        cell_head_number=ParagraphStyle("cell_head_number", parent=cell, fontName=FONT_BOLD,
                                        textColor=palette.header_text, alignment=TA_RIGHT),
        recommendation=ParagraphStyle("recommendation", parent=body, fontName=FONT_BOLD, fontSize=11, leading=14.5,
                                      textColor=palette.primary, spaceAfter=3),
    )
