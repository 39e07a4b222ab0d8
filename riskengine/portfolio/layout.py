"""What the portfolio page and the comparison share: landscape A4 pages with a running header and "Page N of
M", the report's fonts, colours and text styles, and text made safe for Paragraph markup.

The look follows the report (``riskengine/report/kit.py``): the same embedded fonts (with fallbacks for every
script, ``riskengine/report/fonts.py``), the theme
of ``templates/report.yaml``, the same byte-identical output. Imported only when a PDF is rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from riskengine import __version__
from riskengine.policy import Policy
from riskengine.portfolio.rows import VendorRow
from riskengine.portfolio.wording import PortfolioWording, luminance
from riskengine.report.fonts import FONT, FONT_BOLD, paragraph_markup, register_fonts, string_width
from riskengine.report.kit import themed_table_style, timestamp
from riskengine.report.text import Text
from riskengine.report.wording import Theme
from riskengine.score.profile import Decision, Tier
from riskengine.tco.assumptions import Assumptions
from riskengine.tco.headline import horizon_text

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
NAME_LIMIT = 120
"""Characters of a name or product shown in a table or heading; the JSON and the workbook keep them whole."""
TEXT_LIMIT = 600
ELLIPSIS = "…"
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# --- text --------------------------------------------------------------------------------------------------


def clean(text: str, limit: int = TEXT_LIMIT) -> str:
    """Text safe to measure and draw: no control characters or lone surrogates, one line, at most ``limit``."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = re.sub(r"[\r\n\t]+", " ", text)
    text = _CONTROL_CHARACTERS.sub("", text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + ELLIPSIS
    return text


def markup(text: str, limit: int = TEXT_LIMIT) -> str:
    """Paragraph markup that shows ``text`` literally: ``<b>`` in a vendor's name stays ``<b>``."""
    return paragraph_markup(clean(text, limit))


def fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so that it is at most ``width`` points wide."""
    text = clean(text, NAME_LIMIT)
    if string_width(text, font, size) <= width:
        return text
    while text and string_width(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def score(value: float) -> str:
    return f"{value:.1f}"


def iso(day: dt.date | None, blank: str) -> str:
    return day.isoformat() if day is not None else blank


def horizon(row: VendorRow, assumptions: Assumptions) -> str:
    """``3 years``: the horizon of the row's TCO, in the TCO's own words ("" when not priced)."""
    if row.horizon_years is None:
        return ""
    return horizon_text(assumptions.wording, row.horizon_years)


def utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC) if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


# --- fonts, colours, styles --------------------------------------------------------------------------------


def hex_colour(value: str) -> colors.Color:
    return colors.HexColor(value)


def ink_on(fill: str) -> colors.Color:
    """Dark text on a light fill, white on a dark one."""
    return colors.white if luminance(fill) < 140 else colors.HexColor("#1A1A1A")


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    muted: ParagraphStyle
    small: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h2: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_small: ParagraphStyle
    cell_label: ParagraphStyle
    cell_head: ParagraphStyle
    cell_head_number: ParagraphStyle
    cell_number: ParagraphStyle
    badge: ParagraphStyle
    bullet: ParagraphStyle
    recommendation: ParagraphStyle


_STYLES: dict[str, Styles] = {}


def styles(theme: Theme) -> Styles:
    """The portfolio's text styles for ``theme``, made once per theme: the same style objects in every
    document, so the paragraphs' layout memo (``report.text``) recognises a text it has laid out before."""
    key = theme.model_dump_json()
    if key not in _STYLES:
        _STYLES[key] = _styles(theme)
    return _STYLES[key]


def _styles(theme: Theme) -> Styles:
    text, muted, primary = hex_colour(theme.text), hex_colour(theme.muted), hex_colour(theme.primary)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12.5, textColor=text, spaceAfter=4,
                          splitLongWords=1)
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10.2, spaceAfter=0)
    return Styles(
        body=body,
        muted=ParagraphStyle("muted", parent=body, fontSize=8, leading=10.5, textColor=muted),
        small=ParagraphStyle("small", parent=body, fontSize=7, leading=9, textColor=muted),
        title=ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=20, leading=24, textColor=primary,
                             spaceAfter=2),
        subtitle=ParagraphStyle("subtitle", parent=body, fontSize=10.5, leading=14, textColor=muted, spaceAfter=8),
        h2=ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=14, textColor=primary,
                          spaceBefore=8, spaceAfter=4, keepWithNext=1),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=FONT_BOLD),
        cell_small=ParagraphStyle("cell_small", parent=cell, fontSize=7, leading=9, textColor=muted),
        cell_label=ParagraphStyle("cell_label", parent=cell, fontName=FONT_BOLD, textColor=muted),
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=FONT_BOLD,
                                 textColor=hex_colour(theme.header_text)),
        cell_head_number=ParagraphStyle("cell_head_number", parent=cell, fontName=FONT_BOLD, alignment=TA_RIGHT,
                                        textColor=hex_colour(theme.header_text)),
        cell_number=ParagraphStyle("cell_number", parent=cell, alignment=TA_RIGHT, splitLongWords=0),
        badge=ParagraphStyle("badge", parent=cell, fontName=FONT_BOLD, fontSize=7.5, leading=9,
                             alignment=TA_CENTER),
        bullet=ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=2, spaceAfter=2),
        recommendation=ParagraphStyle("recommendation", parent=body, fontName=FONT_BOLD, fontSize=13, leading=17,
                                      textColor=primary, spaceAfter=4),
    )


# --- the page ----------------------------------------------------------------------------------------------


class Page:
    """What every page of a portfolio document shares: the policy's wording and theme, styles and its running
    header."""

    def __init__(self, heading: str, as_of: dt.datetime, policy: Policy) -> None:
        self.wording: PortfolioWording = policy.portfolio
        self.theme: Theme = policy.wording.theme
        self.assumptions: Assumptions = policy.assumptions
        self.styles = styles(self.theme)
        self.heading = heading
        self.as_of = utc(as_of)

    def cell(self, text: str, style: ParagraphStyle | None = None, limit: int = TEXT_LIMIT) -> Paragraph:
        return Text(markup(text, limit), style or self.styles.cell)

    def paragraph(self, text: str, style: ParagraphStyle | None = None, limit: int = TEXT_LIMIT) -> Paragraph:
        return Text(markup(text, limit), style or self.styles.body)

    def tier_badge(self, tier: Tier) -> Paragraph:
        """The tier's word in its badge colours (the cell's background is ``tier_fill``)."""
        swatch = self.wording.theme.tiers[tier]
        return Text(f'<font color="{swatch.text}">{markup(self.wording.tiers[tier])}</font>', self.styles.badge)

    def tier_fill(self, tier: Tier) -> colors.Color:
        return hex_colour(self.wording.theme.tiers[tier].fill)

    def decision_badge(self, decision: Decision) -> Paragraph:
        """The decision's word in the report's decision colours (the cell's background is ``decision_fill``)."""
        text = self.theme.decisions[decision].text
        return Text(f'<font color="{text}">{markup(self.wording.decisions[decision])}</font>', self.styles.badge)

    def decision_fill(self, decision: Decision) -> colors.Color:
        return hex_colour(self.theme.decisions[decision].fill)

    def table(self, header: Sequence[str | Flowable], rows: Sequence[Sequence[Flowable | str]],
              widths: Sequence[float], extra: Sequence[tuple[Any, ...]] = ()) -> Table:
        """A themed table whose header row repeats on every page it spans."""
        data = [[self.cell(title, self.styles.cell_head) if isinstance(title, str) else title for title in header],
                *[list(row) for row in rows]]
        table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
        table.setStyle(themed_table_style(hex_colour(self.theme.header_fill),
                                          [colors.white, hex_colour(self.theme.stripe)],
                                          hex_colour(self.theme.rule), valign="MIDDLE", extra=extra))
        return table

    def decorate(self, canvas: Any, document: _Document) -> None:
        """Running header (document and date) and footer (engine, page N of M) on every page."""
        theme, wording = self.theme, self.wording
        canvas.saveState()
        top = PAGE_HEIGHT - 12 * mm
        date = wording.date(self.as_of.date())
        canvas.setFont(FONT, 8)
        canvas.setFillColor(hex_colour(theme.muted))
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, top, date)
        canvas.setFont(FONT_BOLD, 8)
        canvas.setFillColor(hex_colour(theme.primary))
        room = CONTENT_WIDTH - pdfmetrics.stringWidth(date, FONT, 8) - 12
        canvas.drawString(MARGIN_X, top, fit(self.heading, FONT_BOLD, 8, room))
        canvas.setStrokeColor(hex_colour(theme.rule))
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, top - 3 * mm, PAGE_WIDTH - MARGIN_X, top - 3 * mm)
        bottom = 11 * mm
        canvas.line(MARGIN_X, bottom + 4 * mm, PAGE_WIDTH - MARGIN_X, bottom + 4 * mm)
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(hex_colour(theme.muted))
        footer = wording.page.footer.format(engine=__version__, document=self.heading)
        canvas.drawString(MARGIN_X, bottom, fit(footer, FONT, 7.5, CONTENT_WIDTH * 0.7))
        total = document.total_pages if document.total_pages is not None else document.page
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, bottom,
                               wording.page.number.format(page=document.page, total=total))
        canvas.restoreState()


class _Document(BaseDocTemplate):  # type: ignore[misc]
    """Landscape A4 pages with the running header and footer; dated by the portfolio's clock."""

    def __init__(self, buffer: io.BytesIO, *, page: Page, total_pages: int | None, **metadata: Any) -> None:
        super().__init__(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                         topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, invariant=1, **metadata)
        self.portfolio_page = page
        self.total_pages = total_pages
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="content",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=page.decorate)])

    def beforeDocument(self) -> None:
        # As in the report: reportlab's invariant mode would date the file 2000-01-01 or SOURCE_DATE_EPOCH;
        # the portfolio's clock dates it instead, so the bytes depend on the assessments alone.
        stamp = timestamp(self.portfolio_page.as_of)
        pdf_document = self.canv._doc
        pdf_document._timeStamp = stamp
        pdf_document.signature = hashlib.md5(b"a riskengine portfolio document", usedforsecurity=False)
        pdf_document.signature.update(ascii(stamp.t).encode())


def render(page: Page, story: Callable[[], list[Flowable]], *, title: str, subject: str,
           keywords: Sequence[str]) -> bytes:
    """The PDF of ``story`` (a fresh list of flowables on each call), built twice: the first pass counts the
    pages, so the second can print "Page N of M"."""
    register_fonts()
    total: int | None = None
    data = b""
    for _ in range(2):
        buffer = io.BytesIO()
        document = _Document(buffer, page=page, total_pages=total, title=clean(title, NAME_LIMIT),
                             author="riskengine", subject=clean(subject, NAME_LIMIT),
                             keywords=[clean(word, NAME_LIMIT) for word in keywords if word],
                             creator=f"riskengine {__version__}")
        document.build(story())
        total, data = document.page, buffer.getvalue()
    return data


TABLE_TIGHT = TableStyle([
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
])
"""For a table that only places flowables side by side."""
