"""Render an Assessment as a PDF: cover, summary, scores, findings, conditions, dependencies, total cost of
ownership, evidence, sign-off, glossary, appendix.

Every piece of text that comes from the assessment passes through ``_markup`` (control characters dropped,
capped, escaped) before it reaches a Paragraph, and every table has fixed column widths with Paragraph
cells, so markup in an answer shows literally and long words are split instead of breaking the layout.

The document is laid out once: a canvas holds the pages back and writes "Page N of M" when it knows M. The
paragraphs' parse and line breaking are remembered across reports (``report.text``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, partial
from typing import Any, get_args

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from riskengine.assessment import AnsweredQuestion, Assessment
from riskengine.enrich.evidence import Evidence, Kind, Status
from riskengine.enrich.gather import EvidenceSet
from riskengine.facts import FactValue, Provenance
from riskengine.inventory.analysis import Connection, DataPath, Dependent, GraphFindings, IntegrationEffort
from riskengine.inventory.graph import VENDOR
from riskengine.questionnaire.submission import own_answered, own_summary
from riskengine.report.charts import (
    ChartTheme,
    cost_axis,
    cost_parts_chart,
    cumulative_cost_chart,
    effectiveness_chart,
    loss_exceedance_chart,
    money,
    number,
    sensitivity_chart,
)
from riskengine.report.diagram.drawing import DiagramTheme, neighbourhood_diagram
from riskengine.report.fonts import (
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    draw_string,
    paragraph_markup,
    register_fonts,
    string_width,
)
from riskengine.report.scorecard import joint_scorecard, load_scorecard
from riskengine.report.text import Text
from riskengine.report.wording import (
    DecisionTheme,
    ReportWording,
    SectionId,
    SignoffRole,
    glossary_key,
    load_glossary,
    load_wording,
)
from riskengine.score.profile import Severity
from riskengine.score.result import (
    Borderline,
    CategoryScore,
    Condition,
    ConditionGroup,
    Finding,
    KnockoutHit,
    MissingAnswer,
    WhatIf,
)
from riskengine.tco.result import AssumptionUsed, OptionResult, TcoResult

ANSWER_LIMIT = 1500
"""Characters of one answer shown in the PDF; the JSON result keeps the whole text."""
COMMENT_LIMIT = 600
QUESTION_LIMIT = 600
IN_ROW_SPLIT_MIN = 60
NAME_LIMIT = 200
COST_PARTS: dict[str, tuple[str, ...]] = {
    "vendor": ("licences", "support", "training"),
    "setup": ("implementation", "integration", "governance"),
    "running": ("connectors", "internal"),
    "exit": ("exit",),
    "losses": ("expected_loss",),
}
"""The marketer's parts of an expected total, each a sum of cost lines: together every line, once."""
TORNADO_ROWS = 6
"""Inputs listed in the sensitivity table: those that move the decision most (all are in the JSON)."""
OWN_IDS_LIMIT = 6000
"""The ids a vendor answers No in one category, with the answers: 261 CAIQ ids at ~20 characters each."""
ELLIPSIS = "…"
BLAST_RADIUS_ROWS = 25
"""Rows of the blast-radius table; the rest are counted ("… and 12 more") and stay in the JSON result."""
VALUE_LIMIT = 160
"""Characters of an observed evidence value shown in the PDF; the JSON result and the store keep it whole."""
REASON_LIMIT = 400
WHAT_IF_ACTIONS = 12
"""Fixes listed per what-if; the rest are counted ("… and 39 more (see the JSON)")."""
SUMMARY_ROWS = 12
"""Rows of the summary's recommendations table (approval without conditions); the rest are counted."""
SUMMARY_CONDITION_ROWS = 5
"""Rows of the summary's before-go-live conditions, most severe first, so the summary stays one page; the
Conditions section lists them all."""
SUMMARY_MISSING_ROWS = 6
"""Missing answers listed in the summary (a vendor's own questionnaire can leave fifteen open); the rest are
counted, and the Conditions section lists them all."""
BEFORE_GO_LIVE = "before-go-live"
LONG_TABLE_START = 45 * mm
"""Room a long table needs on a page to start there: heading, a sentence and a few rows."""
YEARS_PER_TABLE = 5
"""Year columns in one table of yearly costs; a longer horizon continues in further tables of even size."""
CHARGEBACK_LINE = "internal"
"""The cost line of internal admin and upkeep hours: marked in the yearly tables."""

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

_SEVERITY_ORDER: tuple[Severity, ...] = ("critical", "high", "medium", "low")
_SIGNOFF_ROLES: tuple[SignoffRole, ...] = get_args(SignoffRole)
SIGNOFF_ROW = 9 * mm
"""Height of a sign-off line to write on by hand; the signature line is taller."""
SIGNATURE_ROW = 16 * mm
_KIND_ORDER: tuple[Kind, ...] = get_args(Kind)
_STATUS_ORDER: tuple[Status, ...] = get_args(Status)
CONTRADICTION_PREFIX = "CON-"
"""Rule ids of the findings where outside evidence contradicts an answer (they cite a cell and an evidence id)."""
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def render_pdf(assessment: Assessment, *, audience: str = "full") -> bytes:
    """The report of ``assessment`` for ``audience`` (full, it, marketing, compliance) as PDF bytes.

    The same assessment always gives the same bytes: the PDF's dates come from ``assessment.created``.
    Raises ``ValueError`` for an unknown audience.
    """
    wording = load_wording()
    spec = wording.audience(audience)
    register_fonts()
    buffer = io.BytesIO()
    report = _Report(assessment, wording, spec.label)
    vendor = assessment.vendor
    document = _Document(
        buffer,
        report=report,
        title=_clean(f"{wording.title}: {vendor.legal_name} {vendor.product}".strip(), NAME_LIMIT),
        author="riskengine",
        subject=_clean(f"{spec.label}, {assessment.assessment_id}", NAME_LIMIT),
        keywords=[_clean(word, NAME_LIMIT) for word in (
            assessment.assessment_id, vendor.legal_name, vendor.domain, assessment.risk.decision,
            assessment.risk.tier) if word],
        creator=f"riskengine {assessment.versions.engine}",
    )
    document.build(report.story(spec.sections), canvasmaker=partial(_DeferredCanvas, number_page=report.number_page))
    return buffer.getvalue()


class _DeferredCanvas(Canvas):  # type: ignore[misc]
    """Holds every page back until the document ends, so each footer can say "Page n of N" in one pass.

    (reportlab's own recipe for page totals; building the document twice to count pages cost as much again.)
    """

    def __init__(self, *args: Any, number_page: Callable[[Any, int, int], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._number_page = number_page
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for page, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._number_page(self, page, total)
            super().showPage()
        super().save()


# --- text ------------------------------------------------------------------------------------------------


def _clean(text: str, limit: int = ANSWER_LIMIT) -> str:
    """Text safe to measure and draw: no control characters or lone surrogates, at most ``limit`` chars."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _CONTROL_CHARACTERS.sub("", text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + ELLIPSIS
    return text


def _markup(text: str, limit: int = ANSWER_LIMIT) -> str:
    """Paragraph markup that shows ``text`` literally: ``<b>`` stays ``<b>``, newlines become breaks.

    Characters the report's font lacks are set in a fallback font; right-to-left text is reordered.
    """
    return paragraph_markup(_clean(text, limit))


def _percent(share: float, decimals: int = 2) -> str:
    """``8`` for 0.08, ``7.5`` for 0.075: a share as a percentage, trailing zeros dropped."""
    text = f"{share * 100:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _score(value: float) -> str:
    return f"{value:.1f}"


def _word(words: Mapping[Any, str], key: str) -> str:
    """The wording's label for ``key`` (an owner, a due point, an effort, a tier), else ``key`` itself."""
    return words.get(key, key)


def _sentence(text: str) -> str:
    """``text`` as a sentence of its own: first letter capitalised, one full stop (empty stays empty)."""
    text = text.strip().rstrip(".").strip()
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def _capitalised(text: str) -> str:
    """``left blank`` -> ``Left blank``: the first letter up, the rest as written."""
    return f"{text[:1].upper()}{text[1:]}"


def _without_knockouts(groups: Sequence[ConditionGroup]) -> tuple[ConditionGroup, ...]:
    """The groups without the knockouts' remediations (listed on their own for a rejection), empty groups
    dropped: a knockout and the gap behind it are one condition, shown once."""
    kept = (group.model_copy(update={"conditions": tuple(c for c in group.conditions if not c.knockout)})
            for group in groups)
    return tuple(group for group in kept if group.conditions)


def _points(value: float) -> str:
    """Control weights earned or possible: ``10.7``, ``31`` (one decimal at most)."""
    return f"{value:.1f}".removesuffix(".0")


def _hours(low: float, likely: float, high: float) -> str:
    """``12 / 24.5 / 1,080``: one decimal at most, thousands separated."""
    return " / ".join(f"{value:,.1f}".removesuffix(".0") for value in (low, likely, high))


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so that it is at most ``width`` points wide."""
    text = _clean(text, NAME_LIMIT).replace("\n", " ")
    if string_width(text, font, size) <= width:
        return text
    while text and string_width(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _utc_minute(moment: dt.datetime) -> str:
    """``2026-11-24 09:00Z``: the moment in UTC to the minute (a naive time is taken as UTC)."""
    moment = moment.astimezone(dt.UTC) if moment.tzinfo is not None else moment
    return f"{moment:%Y-%m-%d %H:%M}Z"


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


def themed_table_style(header_fill: colors.Color, stripes: Sequence[colors.Color], rule: colors.Color, *,
                       valign: str = "TOP", extra: Sequence[tuple[Any, ...]] = ()) -> TableStyle:
    """The look of a data table in the report and the portfolio pages: a filled header row, striped rows, a
    hairline under each row and even padding."""
    return TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), header_fill),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), list(stripes)),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, rule),
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        *extra,
    ])


# --- styles ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Palette:
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


def _palette(wording: ReportWording) -> _Palette:
    theme = wording.theme
    hexes = {name: colors.HexColor(getattr(theme, name)) for name in (
        "primary", "accent", "text", "muted", "rule", "header_fill", "header_text", "stripe", "label_fill",
        "chart_bar", "chart_grid")}
    severities = {severity: colors.HexColor(value) for severity, value in theme.severities.items()}
    return _Palette(**hexes, severities=severities)


@dataclass(frozen=True)
class _Styles:
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


def _styles(palette: _Palette) -> _Styles:
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12.5, textColor=palette.text,
                          spaceAfter=4, splitLongWords=1)
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10.2, spaceAfter=0)
    return _Styles(
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


_LOOKS: dict[str, tuple[_Palette, _Styles]] = {}


def _look(wording: ReportWording) -> tuple[_Palette, _Styles]:
    """The palette and styles of ``wording``'s theme, made once per theme: the same style objects in every
    report, so the paragraphs' layout memo (``report.text``) recognises a text from an earlier report."""
    key = wording.theme.model_dump_json()
    if key not in _LOOKS:
        palette = _palette(wording)
        _LOOKS[key] = (palette, _styles(palette))
    return _LOOKS[key]


@cache
def _sized(style: ParagraphStyle, size: float) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}_{size}", parent=style, fontSize=size, leading=size * 1.3)


# --- flowables -------------------------------------------------------------------------------------------


class _Heading(Text):
    """A heading that becomes a PDF bookmark when it is laid out (see ``_Document.afterFlowable``)."""

    outline_key = ""
    outline_title = ""
    outline_level = 0


class _Badge(Flowable):  # type: ignore[misc]
    """The decision in a coloured box; label text and border style differ too, so greyscale still reads."""

    def __init__(self, label: str, detail: str, theme: DecisionTheme, width: float) -> None:
        super().__init__()
        self.label = label
        self.detail = detail
        self.theme = theme
        self.width = width
        self.height = 66.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        stroke = colors.HexColor(self.theme.stroke)
        canvas.saveState()
        canvas.setFillColor(colors.HexColor(self.theme.fill))
        canvas.setStrokeColor(stroke)
        if self.theme.border == "double":
            canvas.setLineWidth(1.2)
            canvas.roundRect(0, 0, self.width, self.height, 5, stroke=1, fill=1)
            canvas.roundRect(3.5, 3.5, self.width - 7, self.height - 7, 3, stroke=1, fill=0)
        elif self.theme.border in ("dashed", "dotted"):
            canvas.setLineWidth(2)
            if self.theme.border == "dashed":
                canvas.setDash(6, 3)
            else:
                canvas.setLineCap(1)
                canvas.setDash(0.1, 4)
            canvas.roundRect(1, 1, self.width - 2, self.height - 2, 5, stroke=1, fill=1)
        else:
            canvas.setLineWidth(2)
            canvas.roundRect(1, 1, self.width - 2, self.height - 2, 5, stroke=1, fill=1)
        canvas.setFillColor(colors.HexColor(self.theme.text))
        size = 15.0
        while size > 8 and pdfmetrics.stringWidth(self.label, FONT_BOLD, size) > self.width - 20:
            size -= 0.5
        canvas.setFont(FONT_BOLD, size)
        canvas.drawCentredString(self.width / 2, self.height * 0.52, self.label)
        canvas.setFont(FONT, 9)
        detail = _fit(self.detail, FONT, 9, self.width - 20)
        canvas.drawCentredString(self.width / 2, self.height * 0.24, detail)
        canvas.restoreState()


class _StatusTag(Flowable):  # type: ignore[misc]
    """An evidence status as a small pill: word, fill and border style all differ, so greyscale still reads."""

    def __init__(self, label: str, theme: DecisionTheme) -> None:
        super().__init__()
        self.label = label
        self.theme = theme
        self.width = 0.0
        self.height = 11.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(colors.HexColor(self.theme.fill))
        canvas.setStrokeColor(colors.HexColor(self.theme.stroke))
        canvas.setLineWidth(0.8)
        if self.theme.border == "dashed":
            canvas.setDash(2, 1.5)
        elif self.theme.border == "dotted":
            canvas.setLineCap(1)
            canvas.setDash(0.1, 1.8)
        canvas.roundRect(0.5, 0.5, self.width - 1, self.height - 1, 3, stroke=1, fill=1)
        if self.theme.border == "double":
            canvas.roundRect(2, 2, self.width - 4, self.height - 4, 2, stroke=1, fill=0)
        canvas.setFillColor(colors.HexColor(self.theme.text))
        size = 6.5
        while size > 4.5 and pdfmetrics.stringWidth(self.label, FONT_BOLD, size) > self.width - 4:
            size -= 0.5
        canvas.setFont(FONT_BOLD, size)
        canvas.drawCentredString(self.width / 2, (self.height - size * 0.7) / 2, _fit(self.label, FONT_BOLD, size,
                                                                                      self.width - 4))
        canvas.restoreState()


class _TickBoxes(Flowable):  # type: ignore[misc]
    """Empty boxes to tick by hand, each followed by its label, in one row."""

    BOX = 3.4 * mm
    GAP = 8 * mm

    def __init__(self, labels: Sequence[str], colour: colors.Color, size: float = 8.5) -> None:
        super().__init__()
        self.labels = [_clean(label, NAME_LIMIT).replace("\n", " ") for label in labels]
        self.colour = colour
        self.size = size
        self.width = 0.0
        self.height = self.BOX

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.8)
        canvas.setFont(FONT, self.size)
        room = (self.width - self.GAP * (len(self.labels) - 1)) / max(len(self.labels), 1) - self.BOX - 2 * mm
        x = 0.0
        for label in self.labels:
            canvas.rect(x, 0, self.BOX, self.BOX, stroke=1, fill=0)
            text = _fit(label, FONT, self.size, room)
            canvas.drawString(x + self.BOX + 2 * mm, (self.BOX - self.size * 0.7) / 2, text)
            x += self.BOX + 2 * mm + pdfmetrics.stringWidth(text, FONT, self.size) + self.GAP
        canvas.restoreState()


class _Document(BaseDocTemplate):  # type: ignore[misc]
    """A4 pages: a cover without running header, then body pages with header, footer and page numbers."""

    def __init__(self, buffer: io.BytesIO, *, report: _Report, **metadata: Any) -> None:
        super().__init__(buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                         bottomMargin=MARGIN_BOTTOM, invariant=1, **metadata)
        self.report = report
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="content",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate(id="cover", frames=[frame], onPage=report.decorate_cover),
            PageTemplate(id="body", frames=[frame], onPage=report.decorate_body),
        ])

    def beforeDocument(self) -> None:
        # reportlab's invariant mode takes its clock from SOURCE_DATE_EPOCH or a fixed 2000-01-01; the
        # report's dates and file id come from the assessment instead, so the bytes depend on it alone.
        stamp = timestamp(self.report.assessment.created)
        pdf_document = self.canv._doc
        pdf_document._timeStamp = stamp
        pdf_document.signature = hashlib.md5(b"a reportlab document", usedforsecurity=False)
        pdf_document.signature.update(ascii(stamp.t).encode())
        self.canv.showOutline()

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading) and flowable.outline_key:
            self.canv.bookmarkPage(flowable.outline_key)
            self.canv.addOutlineEntry(flowable.outline_title, flowable.outline_key,
                                      level=flowable.outline_level, closed=False)


# --- the report ------------------------------------------------------------------------------------------


class _Report:
    """The story (list of flowables) of one assessment, section by section, and the page decoration."""

    def __init__(self, assessment: Assessment, wording: ReportWording, audience_label: str) -> None:
        self.assessment = assessment
        self.wording = wording
        self.audience_label = audience_label
        self.palette, self.styles = _look(wording)
        self._keys = 0
        self._sections: tuple[SectionId, ...] = ()

    def story(self, sections: Sequence[SectionId]) -> list[Flowable]:
        builders: dict[SectionId, Callable[[], list[Flowable]]] = {
            "cover": self._cover, "summary": self._summary, "scores": self._scores,
            "findings": self._findings, "conditions": self._conditions,
            "dependencies": self._dependencies, "tco": self._tco, "cost": self._cost, "evidence": self._evidence,
            "scorecard": self._scorecard, "glossary": self._glossary, "signoff": self._signoff,
            "appendix": self._appendix,
        }
        self._sections = tuple(sections)
        story: list[Flowable] = []
        for index, section in enumerate(sections):
            if index == 1:
                story.append(NextPageTemplate("body"))
            if index:
                story.append(PageBreak())
            story += builders[section]()
        return story

    # --- page decoration ---

    def decorate_cover(self, canvas: Any, document: _Document) -> None:
        canvas.saveState()
        canvas.setFillColor(self.palette.primary)
        canvas.rect(0, PAGE_HEIGHT - 12 * mm, PAGE_WIDTH, 12 * mm, stroke=0, fill=1)
        canvas.setFillColor(self.palette.header_text)
        canvas.setFont(FONT_BOLD, 9)
        canvas.drawString(MARGIN_X, PAGE_HEIGHT - 7.5 * mm, "riskengine")
        canvas.setFont(FONT, 9)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - 7.5 * mm,
                               _fit(self.audience_label, FONT, 9, CONTENT_WIDTH / 2))
        canvas.restoreState()
        self._footer(canvas, document)

    @cached_property
    def _running_head(self) -> tuple[str, str]:
        """The assessment id and the vendor, each cut to its room: the same on every page, measured once."""
        identifier = self.assessment.assessment_id
        id_width = pdfmetrics.stringWidth(_clean(identifier, NAME_LIMIT), FONT, 8)
        vendor = self.assessment.vendor
        name = " · ".join(part for part in (vendor.legal_name, vendor.product) if part)
        room = CONTENT_WIDTH - min(id_width, CONTENT_WIDTH / 2) - 12
        return _fit(identifier, FONT, 8, CONTENT_WIDTH / 2), _fit(name, FONT_BOLD, 8, room)

    @cached_property
    def _footer_text(self) -> str:
        footer = self.wording.page.footer.format(engine=self.assessment.versions.engine,
                                                 audience=self.audience_label)
        return _fit(footer, FONT, 7.5, CONTENT_WIDTH * 0.7)

    def decorate_body(self, canvas: Any, document: _Document) -> None:
        canvas.saveState()
        top = PAGE_HEIGHT - 12 * mm
        identifier, name = self._running_head
        canvas.setFont(FONT, 8)
        canvas.setFillColor(self.palette.muted)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, top, identifier)
        canvas.setFillColor(self.palette.primary)
        draw_string(canvas, MARGIN_X, top, name, FONT_BOLD, 8)
        canvas.setStrokeColor(self.palette.rule)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, top - 3 * mm, PAGE_WIDTH - MARGIN_X, top - 3 * mm)
        canvas.restoreState()
        self._footer(canvas, document)

    def _footer(self, canvas: Any, document: _Document) -> None:
        """The rule and the engine line; the page number is drawn once the total is known (``number_page``)."""
        canvas.saveState()
        bottom = 11 * mm
        canvas.setStrokeColor(self.palette.rule)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, bottom + 4 * mm, PAGE_WIDTH - MARGIN_X, bottom + 4 * mm)
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(self.palette.muted)
        canvas.drawString(MARGIN_X, bottom, self._footer_text)
        canvas.restoreState()

    def number_page(self, canvas: Any, page: int, total: int) -> None:
        """"Page 3 of 41" at the footer's right."""
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(self.palette.muted)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, 11 * mm, self.wording.page.number.format(page=page, total=total))
        canvas.restoreState()

    # --- building blocks ---

    def _heading(self, text: str, style: ParagraphStyle, level: int | None = None) -> Paragraph:
        heading = _Heading(_markup(text, NAME_LIMIT), style)
        if level is not None:
            self._keys += 1
            heading.outline_key = f"section-{self._keys}"
            heading.outline_title = _clean(text, NAME_LIMIT).replace("\n", " ")
            heading.outline_level = level
        return heading

    def _section(self, section: SectionId) -> Paragraph:
        return self._heading(self.wording.sections[section], self.styles.h1, level=0)

    def _long_table_heading(self, text: str, level: int | None = None,
                            style: ParagraphStyle | None = None) -> list[Flowable]:
        """A heading for a table that may run over pages: it starts on this page when a few rows fit.

        keepWithNext would keep the heading with the whole table and move both to the next page, leaving
        most of this one blank.
        """
        return [CondPageBreak(LONG_TABLE_START), self._heading(text, style or self.styles.h2_long_table, level)]

    def _paragraph(self, text: str, style: ParagraphStyle | None = None,
                   limit: int = ANSWER_LIMIT) -> Paragraph:
        return Text(_markup(text, limit), style or self.styles.body)

    def _cell(self, text: str, style: ParagraphStyle | None = None, limit: int = ANSWER_LIMIT) -> Paragraph:
        return Text(_markup(text, limit), style or self.styles.cell)

    def _table(self, header: Sequence[str | Flowable], rows: Sequence[Sequence[Flowable]], widths: Sequence[float],
               *, split_in_row: bool = False, light: bool = False) -> Table:
        """A themed table whose header row repeats on every page it spans.

        ``split_in_row`` lets a tall row (a long answer) continue on the next page instead of leaving the
        rest of this one blank. ``light`` gives a tinted header and no stripes, for what is advisable only.
        """
        head_style = self.styles.cell_head_light if light else self.styles.cell_head
        data = [[self._cell(title, head_style) if isinstance(title, str) else title for title in header],
                *[list(row) for row in rows]]
        # Tried first, in-row splitting needs at least IN_ROW_SPLIT_MIN points on this page; short rows
        # still move whole (reportlab falls back to splitting between rows).
        table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT",
                      splitByRow=0 if split_in_row else 1, splitInRow=IN_ROW_SPLIT_MIN if split_in_row else 0)
        palette = self.palette
        table.setStyle(themed_table_style(palette.label_fill if light else palette.header_fill,
                                          [colors.white] if light else [colors.white, palette.stripe], palette.rule))
        return table

    def _key_values(self, rows: Sequence[tuple[str, Flowable]], label_width: float,
                    width: float = CONTENT_WIDTH, valign: str = "TOP") -> Table:
        """Label / value pairs, labels in a tinted column."""
        data = [[self._cell(label, self.styles.cell_label), value] for label, value in rows]
        table = Table(data, colWidths=[label_width, width - label_width], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (0, -1), self.palette.label_fill),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, self.palette.rule),
            ("VALIGN", (0, 0), (-1, -1), valign),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        return table

    @property
    def _muted_hex(self) -> str:
        """The muted theme colour for inline ``<font color>`` (validated as #RRGGBB, so safe in markup)."""
        return self.wording.theme.muted

    def _tag(self, severity: Severity) -> Paragraph:
        return self._cell(self.wording.severities[severity].upper(), self.styles.tag)

    def _severity_cell(self, severity: Severity, *, light: bool) -> Paragraph:
        """A filled tag (the cell's background is set by ``_severity_fills``), or coloured words when light."""
        label = _markup(self.wording.severities[severity].upper())
        if light:
            return Text(f"<font color=\"{self.wording.theme.severities[severity]}\">{label}</font>",
                             self.styles.tag)
        return Text(label, self.styles.tag)

    def _severity_fills(self, severities: Sequence[Severity], *, light: bool, column: int = 0,
                        first_row: int = 1) -> list[tuple[Any, ...]]:
        """Table commands that fill the severity tags' cells (none when light) and centre them."""
        commands: list[tuple[Any, ...]] = [("VALIGN", (column, first_row), (column, -1), "MIDDLE")]
        if not light:
            commands += [("BACKGROUND", (column, row), (column, row), self.palette.severities[severity])
                         for row, severity in enumerate(severities, start=first_row)]
        return commands

    def _rule_ids(self, rule_ids: Sequence[str]) -> str:
        """Rule ids in small muted type, to follow a text in the same Paragraph."""
        return (f"<font size=\"6.5\" color=\"{self._muted_hex}\">{_markup(', '.join(rule_ids), NAME_LIMIT)}"
                "</font>")

    def _action_cell(self, condition: Condition) -> Paragraph:
        markup = _markup(condition.action)
        if condition.rule_ids:
            markup += f"<br/>{self._rule_ids(condition.rule_ids)}"
        return Text(markup, self.styles.cell)

    def _provenance(self, provenance: Sequence[Provenance]) -> str:
        return "; ".join(str(item) for item in provenance) or self.wording.none

    def _answer(self, value: FactValue) -> str:
        if value is None or value == "" or value == ():
            return self.wording.blank
        if isinstance(value, bool):
            return self.wording.answer_yes if value else self.wording.answer_no
        if isinstance(value, tuple):
            return ", ".join(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    def _sorted_findings(self) -> list[Finding]:
        rank = {severity: index for index, severity in enumerate(_SEVERITY_ORDER)}
        return sorted(self.assessment.findings,
                      key=lambda finding: (rank[finding.severity], -finding.points_lost, finding.rule_id))

    # --- 1. cover ---

    def _cover(self) -> list[Flowable]:
        assessment, wording, styles = self.assessment, self.wording, self.styles
        risk, vendor, cover = assessment.risk, assessment.vendor, wording.cover
        title = self._heading(wording.title, styles.cover_title, level=0)
        title.outline_title = wording.sections["cover"]
        subtitle = " · ".join(part for part in (vendor.product, vendor.domain) if part)
        story: list[Flowable] = [
            Spacer(1, 10 * mm),
            title,
            self._paragraph(vendor.legal_name or wording.blank, styles.cover_vendor, NAME_LIMIT),
            self._paragraph(subtitle or wording.blank, styles.cover_sub, NAME_LIMIT),
            self._key_values([
                (cover.assessment_id, self._cell(assessment.assessment_id, limit=NAME_LIMIT)),
                (cover.date, self._cell(wording.date(assessment.created))),
                (cover.requested_by, self._cell(assessment.requested_by or wording.blank, limit=NAME_LIMIT)),
                (cover.report, self._cell(self.audience_label)),
                *self._cover_coverage(),
            ], label_width=42 * mm),
            Spacer(1, 8 * mm),
        ]
        tier = wording.tiers[risk.tier]
        detail = cover.badge_tier_pending if risk.decision == "more_information_needed" else cover.badge_tier
        badge = _Badge(wording.decisions[risk.decision].badge, detail.format(tier=tier),
                       wording.theme.decisions[risk.decision], width=80 * mm)
        scores_width = CONTENT_WIDTH - 80 * mm - 6 * mm
        scores = self._key_values([
            (cover.tier, self._cell(tier, styles.cell_large_bold)),
            (cover.residual, self._cell(cover.out_of_100.format(score=_score(risk.residual)),
                                        styles.cell_large_bold)),
            (cover.inherent, self._cell(cover.out_of_100.format(score=_score(risk.inherent)),
                                        styles.cell_large)),
            (cover.effectiveness, self._cell(cover.out_of_100.format(
                score=_score(risk.control_effectiveness)), styles.cell_large)),
        ], label_width=40 * mm, width=scores_width, valign="MIDDLE")
        side_by_side = Table([[badge, scores]], colWidths=[80 * mm + 6 * mm, scores_width], hAlign="LEFT")
        side_by_side.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        story += [side_by_side, Spacer(1, 6 * mm)]
        story.append(self._heading(cover.inputs, styles.h2))
        rows = [[
            self._cell(wording.roles[item.role]),
            self._cell(item.name, limit=NAME_LIMIT),
            Text(f"{_markup(item.sha256[:16], 16)}<br/><font size=\"5.5\" color=\"{self._muted_hex}\">"
                      f"{_markup(item.sha256, 128)}</font>", styles.cell),
        ] for item in assessment.inputs]
        story.append(self._table([cover.role, cover.file, cover.sha256], rows,
                                 [34 * mm, CONTENT_WIDTH - 34 * mm - 84 * mm, 84 * mm]))
        story.append(self._heading(cover.versions, styles.h2))
        versions = assessment.versions
        grid = Table([
            [self._cell(cover.engine, styles.cell_label), self._cell(versions.engine, limit=NAME_LIMIT),
             self._cell(cover.bank, styles.cell_label), self._cell(versions.bank, limit=NAME_LIMIT)],
            [self._cell(cover.profile, styles.cell_label), self._cell(versions.profile, limit=NAME_LIMIT),
             self._cell(cover.schema_, styles.cell_label), self._cell(versions.schema_version)],
        ], colWidths=[30 * mm, CONTENT_WIDTH / 2 - 30 * mm] * 2, hAlign="LEFT")
        grid.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (0, -1), self.palette.label_fill),
            ("BACKGROUND", (2, 0), (2, -1), self.palette.label_fill),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, self.palette.rule),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        story.append(grid)
        return story

    # --- 2. summary ---

    def _summary(self) -> list[Flowable]:
        """One page: the decision and why, what blocks it (the knockouts of a rejection, the answers a decision
        waits for) or the conditions before go-live, the top findings, the cost, and when to look again."""
        assessment, wording, styles = self.assessment, self.wording, self.styles
        risk, summary = assessment.risk, wording.summary
        decision = wording.decisions[risk.decision]
        story: list[Flowable] = [
            self._section("summary"),
            self._heading(summary.decision, styles.h2),
            Text(f"<b>{_markup(decision.badge)}</b>. {_markup(decision.verdict)}", styles.body),
            self._heading(summary.why, styles.h2),
        ]
        if risk.knockouts:
            story.append(self._paragraph(summary.knockouts.format(count=len(risk.knockouts))))
        story.append(self._paragraph(self._score_sentence()))
        if risk.borderline is not None:
            story.append(self._paragraph(self._borderline_sentence(risk.borderline)))
        if assessment.coverage is not None:
            story.append(self._paragraph(wording.coverage.summary.format(**self._coverage_figures())))
        counts = [(severity, sum(1 for f in assessment.findings if f.severity == severity))
                  for severity in _SEVERITY_ORDER]
        if assessment.findings:
            text = ", ".join(f"{wording.severities[severity]} {count}" for severity, count in counts if count)
            story.append(self._paragraph(summary.findings_count.format(counts=text)))
        else:
            story.append(self._paragraph(summary.no_findings))
        if risk.decision == "reject":
            story += self._to_be_reconsidered()
        elif risk.decision == "more_information_needed":
            story += self._before_a_decision()
        story += self._top_findings()
        if risk.decision in ("approve", "approve_with_conditions"):
            story.append(self._heading(summary.before_go_live, styles.h2))
            story += self._before_go_live()
        story.append(self._heading(summary.cost_title, styles.h2))
        story += self._summary_cost()
        story.append(self._heading(summary.reassess_title, styles.h2))
        story.append(self._paragraph(self._reassess_sentence()))
        return story

    def _score_sentence(self) -> str:
        """The residual with one decimal (the figure the tier was decided on) and the tier, and what set it."""
        risk, summary, tiers = self.assessment.risk, self.wording.summary, self.wording.tiers
        residual, tier = _score(risk.residual), tiers[risk.tier]
        if risk.decision == "more_information_needed":
            return summary.score_pending.format(residual=residual, tier=tier)
        if risk.knockouts and risk.tier != risk.score_tier:
            return summary.score_knockout.format(residual=residual, tier=tier, score_tier=tiers[risk.score_tier])
        if risk.knockouts:
            return summary.score_knockout_same.format(residual=residual, tier=tier)
        if risk.tier != risk.score_tier:
            return summary.score_floor.format(residual=residual, tier=tier, score_tier=tiers[risk.score_tier])
        return summary.score.format(residual=residual, tier=tier)

    def _borderline_sentence(self, border: Borderline) -> str:
        """How close the residual is to a tier threshold, and what the tier across it would decide."""
        risk, wording = self.assessment.risk, self.wording
        summary, tiers = wording.summary, wording.tiers
        template = (summary.borderline_below if border.distance < 0 else summary.borderline_at
                    if border.distance == 0 else summary.borderline_above)
        other = tiers[border.other_tier]
        first = template.format(residual=_score(risk.residual), distance=_score(abs(border.distance)),
                                threshold=_points(border.threshold), tier=tiers[risk.tier], other_tier=other)
        then = summary.borderline_same if border.other_decision == risk.decision else summary.borderline_differs
        return f"{first} {then.format(other_tier=other, decision=wording.decisions[border.other_decision].name)}"

    def _reassess_sentence(self) -> str:
        risk, wording, summary = self.assessment.risk, self.wording, self.wording.summary
        tier = wording.tiers[risk.tier]
        if risk.decision == "more_information_needed":
            return summary.reassess_pending
        if risk.reassess_by:
            return summary.reassess_by.format(date=wording.date(dt.date.fromisoformat(risk.reassess_by)),
                                              months=risk.reassess_months, tier=tier)
        return summary.reassess.format(months=risk.reassess_months, tier=tier)

    def _top_findings(self) -> list[Flowable]:
        """The three most severe findings in plain words; for a rejection, those besides the gaps behind the
        knockouts (the knockouts are listed already)."""
        risk, summary = self.assessment.risk, self.wording.summary
        findings = self._sorted_findings()
        title = summary.top_findings
        if risk.decision == "reject" and risk.knockouts:
            findings = [finding for finding in findings if not finding.knockout]
            title = summary.other_top_findings
        top = findings[:3]
        if not top:
            return []
        rows = [[self._tag(finding.severity),
                 Text(f"<b>{_markup(finding.title, NAME_LIMIT)}</b><br/>{_markup(finding.plain)}", self.styles.cell)]
                for finding in top]
        table = Table(rows, colWidths=[22 * mm, CONTENT_WIDTH - 22 * mm], hAlign="LEFT")
        table.setStyle(TableStyle([
            *[("BACKGROUND", (0, index), (0, index), self.palette.severities[finding.severity])
              for index, finding in enumerate(top)],
            ("VALIGN", (0, 0), (0, -1), "MIDDLE"),
            ("VALIGN", (1, 0), (1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 3, colors.white),
            ("LINEBELOW", (1, 0), (1, -1), 0.25, self.palette.rule),
            ("LEFTPADDING", (1, 0), (1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]))
        return [self._heading(title, self.styles.h2), table]

    def _to_be_reconsidered(self) -> list[Flowable]:
        """A rejection: each knockout with what must change (never "before go-live": there is none), then how many
        further conditions would apply if the vendor were reconsidered."""
        risk, wording, summary, styles = self.assessment.risk, self.wording, self.wording.summary, self.styles
        story: list[Flowable] = [self._heading(summary.reconsider_title, styles.h2)]
        if risk.knockouts:
            story.append(self._paragraph(summary.reconsider_intro))
            rows = [[self._knockout_cell(knockout, sources=False), self._cell(knockout.remediation.action),
                     self._cell(_word(wording.owners, knockout.remediation.owner), limit=NAME_LIMIT)]
                    for knockout in risk.knockouts]
            table = self._table([summary.knockout, summary.what_must_change, wording.conditions.owner], rows,
                                [64 * mm, CONTENT_WIDTH - 64 * mm - 24 * mm, 24 * mm])
            table.setStyle(TableStyle([("LINEBEFORE", (0, 1), (0, -1), 3, self.palette.severities["critical"])]))
            story.append(table)
        else:
            story.append(self._paragraph(summary.reconsider_score.format(tier=wording.tiers[risk.tier])))
        others = sum(len(group.conditions) for group in _without_knockouts(risk.conditions))
        story.append(Spacer(1, 2 * mm))
        story.append(self._paragraph(summary.reconsider_also.format(count=others) if others
                                     else summary.reconsider_also_none))
        return story

    def _before_a_decision(self) -> list[Flowable]:
        """More information needed: the first answers the decision waits for (the rest counted), then how many
        conditions the answers given already make."""
        risk, summary, styles = self.assessment.risk, self.wording.summary, self.styles
        story: list[Flowable] = [self._heading(summary.missing_title, styles.h2),
                                 self._paragraph(summary.missing_intro)]
        # without a Conditions section in this audience's report, the summary is the only place to list them
        shown = risk.missing[:SUMMARY_MISSING_ROWS] if "conditions" in self._sections else risk.missing
        if shown:
            rows: list[list[Flowable]] = [[self._question_cell(item), self._place_cell(item),
                                           Text(f"{_markup(_capitalised(item.why), NAME_LIMIT)}<br/>"
                                                f"{self._rule_ids(item.rule_ids)}", styles.cell)]
                                          for item in shown]
            hidden = len(risk.missing) - len(shown)
            if hidden > 0:
                rows.append([self._cell(summary.missing_more.format(count=hidden), styles.muted),
                             Spacer(0, 0), Spacer(0, 0)])
            table = self._table([summary.question, summary.place, summary.why_missing], rows,
                                [CONTENT_WIDTH - 44 * mm - 46 * mm, 44 * mm, 46 * mm])
            if hidden > 0:
                table.setStyle(TableStyle([("SPAN", (0, -1), (-1, -1))]))
            story.append(table)
        conditions = sum(len(group.conditions) for group in risk.conditions)
        story.append(Spacer(1, 2 * mm))
        story.append(self._paragraph(summary.missing_conditions.format(count=conditions) if conditions
                                     else summary.missing_conditions_none))
        return story

    def _question_cell(self, item: MissingAnswer) -> Paragraph:
        """The question's id in bold, then its text."""
        identifier = _markup(item.question_id or item.fact, NAME_LIMIT)
        return Text(f"<b>{identifier}</b> {_markup(item.label, QUESTION_LIMIT)}", self.styles.cell)

    def _place_cell(self, item: MissingAnswer) -> Paragraph:
        """Where the answer belongs, or that the vendor's questionnaire has no place for it."""
        if item.place:
            return self._cell(item.place, self.styles.cell_small, limit=NAME_LIMIT)
        return Text(f"<i>{_markup(self.wording.conditions.not_in_questionnaire)}</i>", self.styles.cell_small)

    def _knockout_cell(self, knockout: KnockoutHit, *, sources: bool) -> Paragraph:
        """The knockout's reason in bold, its rule id and the control gap behind it, and (``sources``) the cells
        and records it rests on."""
        rule_ids = [knockout.rule_id, *([knockout.control] if knockout.control else [])]
        markup = f"<b>{_markup(knockout.reason)}</b><br/>{self._rule_ids(rule_ids)}"
        if sources and knockout.provenance:
            line = self.wording.conditions.sources.format(sources=self._provenance(knockout.provenance))
            markup += f"<br/><font size=\"6.5\" color=\"{self._muted_hex}\">{_markup(line)}</font>"
        return Text(markup, self.styles.cell)

    def _before_go_live(self) -> list[Flowable]:
        """An approval: the conditions due before go-live, most severe first; when the tool is approved without
        conditions, says so and lists the recommendations. (A rejection and a decision waiting for answers have
        no go-live: see ``_to_be_reconsidered`` and ``_before_a_decision``.)"""
        risk, summary = self.assessment.risk, self.wording.summary
        story: list[Flowable] = []
        if not risk.conditions and risk.decision == "approve":
            recommendations = [condition for group in risk.recommendations for condition in group.conditions]
            if not recommendations:
                return [self._paragraph(summary.no_conditions_or_recommendations)]
            story.append(self._paragraph(summary.no_conditions))
            story.append(self._summary_table(recommendations, light=True))
            return story
        before = sorted((condition for group in risk.conditions if group.due == BEFORE_GO_LIVE
                         for condition in group.conditions), key=lambda condition: _SEVERITY_ORDER.index(
                             condition.severity))
        later = sum(len(group.conditions) for group in risk.conditions if group.due != BEFORE_GO_LIVE)
        if before:
            story.append(self._paragraph(summary.before_go_live_intro))
            story.append(self._summary_table(before, light=False))
        else:
            story.append(self._paragraph(summary.nothing_before_go_live))
        if later:
            story.append(Spacer(1, 2 * mm))
            story.append(self._paragraph(summary.conditions_later.format(count=later)))
        return story

    def _summary_cost(self) -> list[Flowable]:
        """Both options' expected cost (the headline), the recommendation in bold, and that a rejection stands."""
        tco, summary = self.assessment.tco, self.wording.summary
        if tco is None:
            return [self._paragraph(summary.cost_none)]
        headline = tco.headline
        totals = {option.id: self._money(option.expected_total) for option in headline.options}
        sentence = summary.cost.format(horizon=self._horizon(tco), good_enough=totals.get("good_enough", ""),
                                       built_to_last=totals.get("built_to_last", ""))
        story: list[Flowable] = [Text(f"{_markup(sentence)} <b>{_markup(headline.recommendation)}</b>",
                                      self.styles.body)]
        if headline.decision_stands:
            story.append(self._paragraph(headline.decision_note, self.styles.muted))
        return story

    def _summary_table(self, conditions: Sequence[Condition], *, light: bool) -> Table:
        """Severity, action with its rules, owner; recommendations (light) add their due point. The table stops
        at ``SUMMARY_ROWS`` recommendations or ``SUMMARY_CONDITION_ROWS`` conditions and counts the rest."""
        wording, text, styles = self.wording, self.wording.conditions, self.styles
        shown = conditions[:SUMMARY_ROWS if light else SUMMARY_CONDITION_ROWS]
        rows: list[list[Flowable]] = []
        for condition in shown:
            row = [self._severity_cell(condition.severity, light=light), self._action_cell(condition),
                   self._cell(_word(wording.owners, condition.owner), limit=NAME_LIMIT)]
            if light:
                row.append(self._cell(_word(wording.dues, condition.due), limit=NAME_LIMIT))
            rows.append(row)
        header = [text.severity, text.action, text.owner]
        widths = [19 * mm, CONTENT_WIDTH - 19 * mm - 24 * mm, 24 * mm]
        if light:
            header.append(text.due)
            widths = [19 * mm, CONTENT_WIDTH - 19 * mm - 24 * mm - 26 * mm, 24 * mm, 26 * mm]
        hidden = len(conditions) - len(shown)
        if hidden > 0:
            rows.append([self._cell(text.more_rows.format(count=hidden), styles.muted),
                         *[Spacer(0, 0)] * (len(header) - 1)])
        table = self._table(header, rows, widths, light=light)
        table.setStyle(TableStyle(self._severity_fills([condition.severity for condition in shown], light=light)))
        if hidden > 0:
            table.setStyle(TableStyle([("SPAN", (0, -1), (-1, -1))]))
        return table

    # --- 3. scores ---

    def _scores(self) -> list[Flowable]:
        assessment, wording, styles = self.assessment, self.wording, self.styles
        risk, scores = assessment.risk, wording.scores
        story: list[Flowable] = [self._section("scores"), self._paragraph(scores.intro)]
        charted = [category for category in risk.categories if category.effectiveness is not None]
        skipped = [category for category in risk.categories if category.effectiveness is None]
        story.append(self._chart(charted) if charted else self._paragraph(scores.no_chart))
        if skipped:
            names = ", ".join(category.title for category in skipped)
            story.append(self._paragraph(scores.not_applicable_list.format(categories=names), styles.muted))
        story.append(Spacer(1, 3 * mm))
        rows = [[
            self._cell(category.title, limit=NAME_LIMIT),
            self._cell(f"{category.weight:g}"),
            self._cell(scores.not_applicable if category.effectiveness is None
                       else _score(category.effectiveness)),
            self._cell(scores.no_points if category.effectiveness is None else scores.earned_possible_value.format(
                earned=_points(category.earned), possible=_points(category.possible))),
            self._cell(f"{category.controls_met} / {category.controls_applied}"),
        ] for category in risk.categories]
        header = [scores.category, scores.weight, scores.effectiveness, scores.earned_possible, scores.controls]
        story.append(self._table(header, rows, [CONTENT_WIDTH - 120 * mm, 18 * mm, 30 * mm, 36 * mm, 36 * mm]))
        story += self._own_answers()
        story.append(Spacer(1, 2 * mm))
        story.append(self._paragraph(scores.overall.format(
            effectiveness=_score(risk.control_effectiveness), inherent=_score(risk.inherent),
            residual=_score(risk.residual))))
        story.append(self._heading(scores.inherent_title, styles.h2))
        if risk.inherent_factors:
            story.append(self._paragraph(scores.inherent_intro.format(inherent=_score(risk.inherent))))
            rows = [[self._cell(factor.reason), self._cell(f"{factor.points:g}"),
                     self._cell(self._provenance(factor.provenance), styles.cell_small)]
                    for factor in risk.inherent_factors]
            story.append(self._table([scores.factor, scores.points, scores.provenance], rows,
                                     [CONTENT_WIDTH - 20 * mm - 70 * mm, 20 * mm, 70 * mm]))
        else:
            story.append(self._paragraph(scores.no_factors))
        return story

    def _own_answers(self) -> list[Flowable]:
        """The vendor's own answers by our category, beside our controls: counts, the share scored and every id
        not in place (the same figures the OWN- rules score: ``own_summary``)."""
        coverage, text, styles = self.assessment.coverage, self.wording.coverage, self.styles
        if coverage is None or not coverage.own_answers:
            return []
        titles = {category.id: category.title for category in self.assessment.risk.categories}
        label = self._coverage_figures()["format"]
        answered, total = own_answered(coverage)
        columns = text.own_columns
        rows = []
        order = list(titles)
        for summary in sorted(own_summary(coverage), key=lambda item: (
                order.index(item.category) if item.category in order else len(order), item.category)):
            counts = summary.counts
            short = "; ".join(f"{answer.their_id}: {answer.answer or text.own_blank}"
                              for answer in summary.short)
            rows.append([
                self._cell(titles.get(summary.category, summary.category), limit=NAME_LIMIT),
                self._cell(str(counts["met"])), self._cell(str(counts["gap"])), self._cell(str(counts["partial"])),
                self._cell(str(counts["not_applicable"])),
                self._cell(str(counts["unanswered"] + counts["unclear"])),
                self._cell(self.wording.scores.not_applicable if summary.share is None
                           else f"{_percent(summary.share, 1)} %"),
                self._cell(short or (text.own_none if summary.share is not None else text.own_all_na),
                           styles.cell_small, limit=OWN_IDS_LIMIT)])
        header = [columns[key] for key in ("category", "met", "gap", "partial", "not_applicable", "open", "share",
                                           "not_in_place")]
        narrow = 15 * mm
        return [self._heading(text.own_title, styles.h2),
                self._paragraph(text.own_intro.format(format=label, answered=answered, scored=total,
                                                      percent=f"{100 * answered / max(total, 1):.0f}")),
                self._table(header, rows, [34 * mm, *[narrow] * 5, 18 * mm,
                                           CONTENT_WIDTH - 34 * mm - 5 * narrow - 18 * mm], split_in_row=True)]

    def _chart(self, categories: Sequence[CategoryScore]) -> Drawing:
        """Horizontal bars of effectiveness per category, first category on top, on a 0-100 axis."""
        theme = ChartTheme.from_theme(self.wording.theme, font=FONT, font_bold=FONT_BOLD)
        drawing = effectiveness_chart([(category.title, category.effectiveness or 0.0) for category in categories],
                                      CONTENT_WIDTH, theme, self.palette.chart_bar)
        drawing.hAlign = "LEFT"
        return drawing

    # --- 4. findings ---

    def _findings(self) -> list[Flowable]:
        assessment, wording, styles = self.assessment, self.wording, self.styles
        story: list[Flowable] = [self._section("findings")]
        if not assessment.findings:
            story.append(self._paragraph(wording.findings.none))
            return story
        story.append(self._paragraph(wording.findings.intro))
        titles = {category.id: category.title for category in assessment.risk.categories}
        order = [category.id for category in assessment.risk.categories]
        order += sorted({finding.category for finding in assessment.findings} - set(order))
        findings = self._sorted_findings()
        for category_id in order:
            in_category = [finding for finding in findings if finding.category == category_id]
            if not in_category:
                continue
            heading = self._heading(titles.get(category_id, category_id), styles.h2, level=1)
            for index, finding in enumerate(in_category):
                # keepWithNext does not reach into a KeepTogether, so the heading joins the first finding.
                block = [heading] if index == 0 else []
                story.append(KeepTogether([*block, self._finding(finding), Spacer(1, 4 * mm)]))
        return story + self._findings_coverage()

    # --- a questionnaire in the vendor's own format ---

    def _coverage_figures(self) -> dict[str, str]:
        """The placeholders of the coverage sentences: format, mapping, answered, total, percent, open."""
        coverage, text = self.assessment.coverage, self.wording.coverage
        assert coverage is not None
        name = f"{text.formats.get(coverage.format, coverage.format)} {coverage.format_version}".strip()
        return {"format": name, "mapping": coverage.mapping, "answered": str(coverage.answers_mapped),
                "total": str(coverage.questions_total), "percent": f"{coverage.percent:.0f}",
                "open": str(len(coverage.not_covered))}

    def _cover_coverage(self) -> list[tuple[str, Flowable]]:
        if self.assessment.coverage is None:
            return []
        text = self.wording.coverage
        return [(text.cover_label, self._cell(text.cover.format(**self._coverage_figures())))]

    def _findings_coverage(self) -> list[Flowable]:
        """What the vendor's own questionnaire leaves open, and the warnings it raises itself."""
        coverage, text, styles = self.assessment.coverage, self.wording.coverage, self.styles
        if coverage is None:
            return []
        story: list[Flowable] = [self._heading(text.findings_title, styles.h2, level=1),
                                 self._paragraph(text.findings.format(**self._coverage_figures()))]
        if coverage.flags:
            rows = [[self._cell(flag.their_id, styles.cell_small, limit=NAME_LIMIT),
                     self._cell(flag.severity, limit=NAME_LIMIT), self._cell(flag.text),
                     self._cell(flag.place, styles.cell_small, limit=NAME_LIMIT)] for flag in coverage.flags]
            story += [self._heading(text.flags_title, styles.h3), self._paragraph(text.flags_intro),
                      self._table([text.their_id, text.severity, text.warning, text.place], rows,
                                  [30 * mm, 20 * mm, CONTENT_WIDTH - 100 * mm, 50 * mm])]
        return story

    def _appendix_coverage(self) -> list[Flowable]:
        """Our questions left open, the answers that could not be read, and the vendor's own descriptions."""
        assessment, text, styles = self.assessment, self.wording.coverage, self.styles
        coverage = assessment.coverage
        if coverage is None:
            return []
        story: list[Flowable] = []
        if assessment.not_covered:
            rows = [[self._cell(item.question_id, styles.cell_small, limit=NAME_LIMIT),
                     self._cell(item.question, limit=QUESTION_LIMIT),
                     self._cell(item.section, styles.cell_small, limit=NAME_LIMIT)] for item in assessment.not_covered]
            story += [*self._long_table_heading(text.not_covered_title, level=1),
                      self._paragraph(text.not_covered_intro),
                      self._table([self.wording.appendix.question_id, self.wording.appendix.question,
                                   text.section], rows,
                                  [18 * mm, CONTENT_WIDTH - 18 * mm - 44 * mm, 44 * mm])]
        if coverage.unparsed:
            rows = [[self._cell(item.their_id, styles.cell_small, limit=NAME_LIMIT), self._cell(item.text),
                     self._cell(item.reason), self._cell(item.place, styles.cell_small, limit=NAME_LIMIT)]
                    for item in coverage.unparsed]
            story += [*self._long_table_heading(text.unparsed_title, level=1), self._paragraph(text.unparsed_intro),
                      self._table([text.their_id, text.text, text.reason, text.place], rows,
                                  [24 * mm, CONTENT_WIDTH - 24 * mm - 50 * mm - 36 * mm, 50 * mm, 36 * mm],
                                  split_in_row=True)]
        if coverage.vendor_evidence:
            rows = [[self._cell(item.question_id, styles.cell_small, limit=NAME_LIMIT),
                     self._cell(item.their_id, styles.cell_small, limit=NAME_LIMIT),
                     self._cell(item.text, limit=COMMENT_LIMIT),
                     self._cell(item.place, styles.cell_small, limit=NAME_LIMIT)]
                    for item in coverage.vendor_evidence]
            story += [*self._long_table_heading(text.evidence_title, level=1), self._paragraph(text.evidence_intro),
                      self._table([text.ours, text.their_id, text.text, text.place], rows,
                                  [18 * mm, 24 * mm, CONTENT_WIDTH - 18 * mm - 24 * mm - 36 * mm, 36 * mm],
                                  split_in_row=True)]
        return story

    def _finding_title(self, finding: Finding) -> Paragraph:
        return Text(f"<b>{_markup(finding.title, NAME_LIMIT)}</b>  <font size=\"7\" "
                         f"color=\"{self._muted_hex}\">{_markup(finding.rule_id, NAME_LIMIT)}</font>",
                         self.styles.cell)

    def _finding_card(self, finding: Finding, rows: list[list[Flowable]]) -> Table:
        """A finding as a card: its severity tag and title on top, one labelled row per detail."""
        table = Table(rows, colWidths=[30 * mm, CONTENT_WIDTH - 30 * mm], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (0, 0), self.palette.severities[finding.severity]),
            ("BACKGROUND", (1, 0), (1, 0), self.palette.label_fill),
            ("BOX", (0, 0), (-1, -1), 0.5, self.palette.rule),
            ("LINEBELOW", (0, 1), (-1, -2), 0.25, self.palette.rule),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("VALIGN", (0, 0), (0, 0), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        return table

    def _finding(self, finding: Finding) -> Table:
        """A finding's card. A gap behind a knockout shows the knockout's remediation (one condition, not two);
        a requirement shows that it costs no points, and no vendor's answer when it reads none."""
        text, styles = self.wording.findings, self.styles
        knockout = self._knockout_hit(finding.knockout)
        remediation = knockout.remediation if knockout is not None else finding.remediation
        line = text.remediation_line.format(action=remediation.action,
                                            owner=_word(self.wording.owners, remediation.owner),
                                            due=_word(self.wording.dues, remediation.due))
        requirement = finding.kind == "requirement"
        points = text.requirement_points if requirement else text.points.format(points=f"{finding.points_lost:.1f}")
        rows: list[list[Flowable]] = [
            [self._tag(finding.severity), self._finding_title(finding)],
            [self._cell(text.what_it_means, styles.cell_label), self._cell(finding.plain)],
            [self._cell(text.for_it, styles.cell_label), self._cell(finding.technical)],
            [self._cell(text.remediation, styles.cell_label), self._remediation_cell(finding, line)],
        ]
        if not (requirement and finding.answer is None):
            rows.append([self._cell(text.vendor_answer, styles.cell_label),
                         self._cell(self._finding_answer(finding))])
        rows += [
            [self._cell(text.points_lost, styles.cell_label), self._cell(points)],
            [self._cell(text.provenance, styles.cell_label),
             self._cell(self._provenance(finding.provenance), styles.cell_small)],
        ]
        return self._finding_card(finding, rows)

    def _knockout_hit(self, rule_id: str) -> KnockoutHit | None:
        return next((hit for hit in self.assessment.risk.knockouts if rule_id and hit.rule_id == rule_id), None)

    def _finding_answer(self, finding: Finding) -> str:
        """The vendor's answer, or that the vendor's own questionnaire does not cover the question."""
        coverage = self.assessment.coverage
        if finding.answer is None and coverage is not None:
            open_ids = {f"answer.{question_id}" for question_id in coverage.not_covered}
            if any(source.ref in open_ids for source in finding.provenance):
                return self.wording.coverage.not_covered_answer
        return self._answer(finding.answer)

    def _remediation_cell(self, finding: Finding, line: str) -> Paragraph:
        """The remediation, marked as the cause of a knockout, a condition of approval or a recommendation (when
        the result says), and who can fix it."""
        risk, text = self.assessment.risk, self.wording.findings

        def rules(groups: Sequence[ConditionGroup]) -> set[str]:
            return {rule for group in groups for condition in group.conditions for rule in condition.rule_ids}

        if finding.knockout:
            kind = text.causes_knockout.format(knockout=finding.knockout)
        elif finding.rule_id in rules(risk.conditions):
            kind = text.is_condition
        elif finding.rule_id in rules(risk.recommendations):
            kind = text.is_recommendation
        else:
            kind = ""
        marks = "; ".join(part for part in (_sentence(kind).rstrip("."), text.fixers[finding.fixable_by]) if part)
        markup = _markup(line)
        markup += f"<br/><font size=\"7\" color=\"{self._muted_hex}\"><i>{_markup(marks)}</i></font>"
        return Text(markup, self.styles.cell)

    # --- 5. conditions ---

    def _conditions(self) -> list[Flowable]:
        """What the decision depends on: for a rejection the knockouts (what must change to be reconsidered) and
        the conditions that would also apply; for more information needed the missing answers first; then the
        recommendations, and what would change the decision."""
        risk, text, styles = self.assessment.risk, self.wording.conditions, self.styles
        story: list[Flowable] = [self._section("conditions")]
        groups = risk.conditions
        if risk.decision == "reject":
            story += self._knockouts()
            title, intro, none = text.conditions_title_reconsidered, text.intro_reconsidered, text.none_reconsidered
            groups = _without_knockouts(groups)
        elif risk.decision == "more_information_needed":
            story += self._missing_answers()
            title, intro, none = text.conditions_title_pending, text.intro_pending, text.none_pending
        else:
            title, intro = text.conditions_title, text.intro
            none = text.none_approved if risk.decision == "approve" else text.none
        story += self._long_table_heading(title, level=1)
        if groups:
            story.append(self._paragraph(intro))
            story += self._condition_groups(groups, light=False)
        else:
            story.append(self._paragraph(none))
        story += self._long_table_heading(text.recommendations_title, level=1)
        if risk.recommendations:
            story.append(self._paragraph(text.recommendations_intro))
            story += self._condition_groups(risk.recommendations, light=True)
        else:
            story.append(self._paragraph(text.no_recommendations))
        story.append(self._heading(text.what_if_title, styles.h2, level=1))
        if risk.what_if:
            story.append(self._paragraph(text.what_if_intro))
            story += [self._what_if(scenario) for scenario in risk.what_if]
        elif risk.decision == "more_information_needed":
            story.append(self._paragraph(text.what_if_pending))
        else:
            best = risk.decision == "approve" and risk.tier == "low"
            story.append(self._paragraph(text.what_if_best if best else text.what_if_none))
        return story

    def _knockouts(self) -> list[Flowable]:
        """A rejection: each knockout with the gap behind it, its sources and what must change; or, rejected by
        the score alone, that the residual must leave its tier."""
        wording, text, risk = self.wording, self.wording.conditions, self.assessment.risk
        story: list[Flowable] = self._long_table_heading(text.knockouts_title, level=1)
        if not risk.knockouts:
            story.append(self._paragraph(text.reconsider_score.format(tier=wording.tiers[risk.tier])))
            return story
        story.append(self._paragraph(text.knockouts_intro))
        rows = [[
            self._knockout_cell(knockout, sources=True),
            self._cell(knockout.remediation.action),
            self._cell(_word(wording.owners, knockout.remediation.owner)),
            self._cell(_word(wording.dues, knockout.remediation.due)),
        ] for knockout in risk.knockouts]
        table = self._table([text.knockout, text.remediation, text.owner, text.due], rows,
                            [62 * mm, CONTENT_WIDTH - 62 * mm - 22 * mm - 26 * mm, 22 * mm, 26 * mm])
        table.setStyle(TableStyle([("LINEBEFORE", (0, 1), (0, -1), 3, self.palette.severities["critical"])]))
        story.append(table)
        return story

    def _missing_answers(self) -> list[Flowable]:
        """More information needed: every answer the decision waits for, where it belongs, why it does not
        count, and which rules read it."""
        text, styles = self.wording.conditions, self.styles
        story: list[Flowable] = [*self._long_table_heading(text.missing_title, level=1),
                                 self._paragraph(text.missing_intro)]
        rows = [[
            self._cell(item.question_id or item.fact, styles.cell_bold, limit=NAME_LIMIT),
            self._cell(item.label, limit=QUESTION_LIMIT),
            self._place_cell(item),
            self._cell(_capitalised(item.why), styles.cell_small, limit=NAME_LIMIT),
            Text("<br/>".join(self._rule_ids([rule]) for rule in item.rule_ids), styles.cell),
        ] for item in self.assessment.risk.missing]
        if rows:
            story.append(self._table([text.question_id, text.question, text.place, text.why, text.needed_by], rows,
                                     [18 * mm, CONTENT_WIDTH - 18 * mm - 30 * mm - 26 * mm - 40 * mm, 30 * mm,
                                      26 * mm, 40 * mm]))
        return story

    def _condition_groups(self, groups: Sequence[ConditionGroup], *, light: bool) -> list[Flowable]:
        """One small table per owner and due point, in the engine's order; a group that runs over a page
        repeats its heading row there."""
        story: list[Flowable] = []
        for group in groups:
            story.append(self._condition_group(group, light=light))
            story.append(Spacer(1, 2.5 * mm))
        return story

    def _condition_group(self, group: ConditionGroup, *, light: bool) -> Table:
        wording, text, styles = self.wording, self.wording.conditions, self.styles
        head_style = styles.cell_head_light if light else styles.cell_head
        label = text.group.format(owner=_word(wording.owners, group.owner),
                                  due=_word(wording.dues, group.due))
        header: list[str | Flowable] = [self._cell(label, head_style, limit=NAME_LIMIT), text.severity, text.effort]
        rows = [[
            self._action_cell(condition),
            self._severity_cell(condition.severity, light=light),
            self._cell(_word(wording.efforts, condition.effort),
                       styles.cell_small, limit=NAME_LIMIT),
        ] for condition in group.conditions]
        table = self._table(header, rows, [CONTENT_WIDTH - 19 * mm - 17 * mm, 19 * mm, 17 * mm], light=light)
        table.setStyle(TableStyle([
            *self._severity_fills([condition.severity for condition in group.conditions], light=light, column=1),
            ("VALIGN", (2, 1), (2, -1), "MIDDLE"),
        ]))
        return table

    def _what_if(self, scenario: WhatIf) -> Flowable:
        """One scenario: its route, the goal in a sentence, the numbered fixes with their rules (ours marked),
        and where they lead; out of reach, what blocks it."""
        wording, text, styles = self.wording, self.wording.conditions, self.styles
        goal = self._goal(scenario.target)
        count = len(scenario.actions)
        outcome = {"residual": _score(scenario.residual), "tier": _word(wording.tiers, scenario.tier),
                   "decision": _word(text.outcomes, scenario.decision)}
        parts: list[Flowable] = [self._cell(text.routes[scenario.route].upper(), styles.cell_label)]
        if not scenario.reachable:
            parts.append(Text(f"<b>{_markup(text.unreachable.format(goal=goal))}</b>", styles.body))
            blocked = self._blocked(scenario)
            if blocked:
                parts += [self._paragraph(line) for line in blocked]
            else:
                parts.append(self._paragraph(_sentence(scenario.note) or text.unreachable_note))
            if count:
                parts.append(self._paragraph(text.unreachable_outcome.format(count=count, **outcome),
                                             styles.muted))
        else:
            sentence = (text.fix_these.format(goal=goal, count=count) if count > 1
                        else text.fix_this_one.format(goal=goal) if count == 1
                        else text.nothing_to_fix.format(goal=goal))
            parts.append(Text(f"<b>{_markup(sentence)}</b>", styles.body))
            for number, action in enumerate(scenario.actions[:WHAT_IF_ACTIONS], start=1):
                rule = scenario.rule_ids[number - 1] if number <= len(scenario.rule_ids) else ""
                markup = _markup(action) + (f" {self._rule_ids([rule])}" if rule else "")
                if rule and rule in scenario.our_side:
                    markup += f" <b>{_markup(text.our_side)}</b>"
                parts.append(Text(markup, styles.numbered, bulletText=f"{number}."))
            hidden = count - WHAT_IF_ACTIONS
            if hidden > 0:
                parts.append(self._paragraph(text.more_actions.format(count=hidden), styles.numbered_more))
            parts.append(Spacer(1, 1.5 * mm))
            parts.append(self._paragraph(text.outcome.format(**outcome)))
        block = Table([[parts]], colWidths=[CONTENT_WIDTH], hAlign="LEFT")
        block.setStyle(TableStyle([
            ("LINEBEFORE", (0, 0), (0, 0), 2.5, self.palette.accent),
            ("BACKGROUND", (0, 0), (-1, -1), self.palette.stripe),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]))
        return KeepTogether([block, Spacer(1, 3 * mm)])

    def _blocked(self, scenario: WhatIf) -> list[str]:
        """One sentence per rule that keeps the goal out of this route's reach: its title and who alone can
        change it. Empty when a rule is not among the findings (the engine's note says it then)."""
        text = self.wording.conditions
        findings = {finding.rule_id: finding for finding in self.assessment.findings}
        causes = {finding.knockout: finding for finding in self.assessment.findings if finding.knockout}
        lines: list[str] = []
        for rule in scenario.blocked_by:
            finding = findings.get(rule) or causes.get(rule)
            if finding is None:
                return []
            lines.append(text.blocked_by.format(rule=rule, title=finding.title,
                                                who=text.blocked_who[finding.fixable_by]))
        return lines

    def _goal(self, target: str) -> str:
        """``tier:medium`` -> "To move down to the Medium tier"; the decisions have their own sentences."""
        text = self.wording.conditions
        kind, _, value = target.partition(":")
        if kind == "tier":
            return text.goal_tier.format(tier=_word(self.wording.tiers, value))
        if value == "approve_with_conditions":
            return text.goal_approve_with_conditions
        if value == "approve":
            return text.goal_approve
        return target

    # --- 6. dependencies ---

    def _dependencies(self) -> list[Flowable]:
        story: list[Flowable] = [self._section("dependencies")]
        graph = self.assessment.graph
        if graph is None:
            story.append(self._paragraph(self.wording.dependencies.no_inventory))
            return story
        return story + self._graph(graph)

    def _graph(self, graph: GraphFindings) -> list[Flowable]:
        """For the IT architect: the picture, the measures, the data paths, the blast radius, the effort."""
        text, styles = self.wording.dependencies, self.styles
        names = self._system_names(graph)
        story: list[Flowable] = [KeepTogether([
            self._heading(text.diagram_title, styles.h2),
            self._paragraph(text.diagram_intro, styles.muted),
            self._diagram(graph, names[VENDOR]),
        ])]
        story += [self._heading(text.overview, styles.h2), self._graph_overview(graph, names)]
        story += self._data_paths(text.data_in_title, text.data_in_none, graph.data_in, names)
        story += self._data_paths(text.data_through_title, text.data_through_none, graph.data_through, names)
        story += self._blast_radius(graph.dependents, names)
        story += self._effort(graph, names)
        story += self._long_table_heading(text.connections)
        if not graph.connections:
            story.append(self._paragraph(text.no_connections))
        else:
            story.append(self._table(
                [text.system, text.direction, text.data_classes, text.method, text.frequency,
                 text.criticality, text.place],
                [self._connection(connection, names) for connection in graph.connections],
                [32 * mm, 23 * mm, 27 * mm, 16 * mm, 21 * mm, 20 * mm, CONTENT_WIDTH - 139 * mm]))
        if graph.provenance:
            story.append(Spacer(1, 2 * mm))
            story.append(self._paragraph(self._provenance(graph.provenance), styles.muted))
        return story

    def _tool_label(self) -> str:
        """The tool as paths and the diagram name it: the product without its plan, else the vendor."""
        vendor = self.assessment.vendor
        product = re.split(r",\s|\s\(|\s\+\s", vendor.product.strip(), maxsplit=1)[0].strip()
        return _clean(product or vendor.legal_name.strip() or self.wording.dependencies.the_tool, NAME_LIMIT)

    def _system_names(self, graph: GraphFindings) -> dict[str, str]:
        """System id to name: the analysis's names, else the dependents' and connections' own; the tool under
        ``VENDOR``. An id with no name anywhere shows as itself."""
        names = {dependent.system_id: dependent.name for dependent in graph.dependents if dependent.name}
        names.update({connection.system_id: connection.system_name for connection in graph.connections
                      if connection.system_name})
        names.update({system_id: name for system_id, name in graph.names.items() if name})
        names[VENDOR] = self._tool_label()
        return names

    def _diagram(self, graph: GraphFindings, tool: str) -> Drawing:
        theme = DiagramTheme.from_theme(self.wording.theme, font=FONT, font_bold=FONT_BOLD, font_italic=FONT_ITALIC)
        drawing = neighbourhood_diagram(graph, tool, CONTENT_WIDTH, theme, self.wording.dependencies.diagram)
        drawing.hAlign = "LEFT"
        return drawing

    def _graph_overview(self, graph: GraphFindings, names: dict[str, str]) -> Table:
        wording, text = self.wording, self.wording.dependencies

        def listed(ids: Sequence[str]) -> str:
            return ", ".join(names.get(system_id, system_id) for system_id in ids) or wording.none

        def lines(*texts: str) -> str:
            return "<br/>".join(_markup(line) for line in texts)

        if graph.dependents:
            blast = lines(
                text.blast_radius_value.format(count=len(graph.dependents), score=f"{graph.blast_score:g}"),
                text.critical_dependents.format(systems=listed(graph.critical_dependents)),
                text.customer_facing_dependents.format(systems=listed(graph.customer_facing_dependents)))
        else:
            blast = lines(text.blast_radius_none)
        structure = [text.cut_vertex_yes if graph.cut_vertex else text.cut_vertex_no]
        if graph.separated_groups:
            groups = " | ".join(listed(group) for group in graph.separated_groups)
            structure.append(text.separated_groups.format(groups=groups))
        links = ", ".join(text.department_link.format(first=first, second=second)
                          for first, second in graph.new_department_links)
        structure.append(text.new_department_links.format(links=links) if links else text.no_new_department_links)
        centrality = graph.centrality
        percentile = math.floor(centrality.degree_percentile)  # "more than 84%" must hold for 84.6
        measures = [text.degree_one.format(percentile=percentile) if centrality.degree == 1
                    else text.degree.format(degree=centrality.degree, percentile=percentile)]
        if centrality.betweenness_rank is not None:
            measures.append(text.betweenness.format(
                rank=centrality.betweenness_rank, systems=graph.systems_in_inventory + 1,
                score=f"{centrality.betweenness:g}" if centrality.betweenness is not None else wording.blank))
        method = (f"<br/><font size=\"7\" color=\"{self._muted_hex}\">"
                  f"{_markup(text.centrality_method.format(method=centrality.method))}</font>")
        inventory = " · ".join(part for part in (graph.inventory, graph.organisation) if part)
        return self._key_values([
            (text.inventory, self._cell(inventory or wording.blank, limit=NAME_LIMIT)),
            (text.systems_in_inventory, self._cell(text.systems_in_inventory_value.format(
                systems=graph.systems_in_inventory, integrations=graph.integrations_in_inventory))),
            (text.capability, self._cell(graph.capability or wording.blank, limit=NAME_LIMIT)),
            (text.connections_count, self._cell(str(len(graph.connections)))),
            (text.blast_radius, Text(blast, self.styles.cell)),
            (text.structural_risk, Text(lines(*structure), self.styles.cell)),
            (text.centrality, Text(lines(*measures) + method, self.styles.cell)),
            (text.duplicates, self._cell(", ".join(graph.duplicates) or wording.none)),
            (text.shadow_it, self._cell(", ".join(graph.shadow_it) or wording.none)),
        ], label_width=48 * mm)

    def _path(self, path: Sequence[str], names: dict[str, str]) -> str:
        return " → ".join(names.get(system_id, system_id) for system_id in path)

    def _data_paths(self, title: str, empty: str, paths: Sequence[DataPath],
                    names: dict[str, str]) -> list[Flowable]:
        """One row per path, grouped by data class (the class is named on the first row of its group)."""
        text, styles = self.wording.dependencies, self.styles
        story = self._long_table_heading(title)
        if not paths:
            story.append(self._paragraph(empty))
            return story
        ordered = sorted(paths, key=lambda path: (path.data_class, len(path.path), path.path))
        rows = [[self._cell(path.data_class if index == 0 or ordered[index - 1].data_class != path.data_class
                            else "", styles.cell_label, limit=NAME_LIMIT),
                 self._cell(self._path(path.path, names))]
                for index, path in enumerate(ordered)]
        story.append(self._table([text.data_class, text.path], rows, [30 * mm, CONTENT_WIDTH - 30 * mm]))
        return story

    def _criticality(self, criticality: str) -> Paragraph:
        """Critical in bold and the critical colour, high in the high colour: the eye finds them first."""
        markup = _markup(criticality, NAME_LIMIT)
        severities = self.wording.theme.severities
        colour = severities["critical"] if criticality == "critical" else severities["high"] \
            if criticality == "high" else None
        if colour:
            markup = f"<font color=\"{colour}\">{markup}</font>"
            if criticality == "critical":
                markup = f"<b>{markup}</b>"
        return Text(markup, self.styles.cell)

    def _blast_radius(self, dependents: Sequence[Dependent], names: dict[str, str]) -> list[Flowable]:
        wording, text, styles = self.wording, self.wording.dependencies, self.styles
        story = self._long_table_heading(text.blast_title)
        if not dependents:
            story.append(self._paragraph(text.blast_radius_none))
            return story
        story.append(self._paragraph(text.blast_intro))
        rows: list[list[Flowable]] = [[
            self._cell(names.get(dependent.system_id) or dependent.name or dependent.system_id, limit=NAME_LIMIT),
            self._criticality(dependent.criticality),
            self._cell(wording.answer_yes if dependent.customer_facing else wording.answer_no),
            self._cell(str(dependent.depth)),
            self._cell(self._path(dependent.path, names), styles.cell_small),
        ] for dependent in dependents[:BLAST_RADIUS_ROWS]]
        hidden = len(dependents) - BLAST_RADIUS_ROWS
        if hidden > 0:
            rows.append([self._cell(text.more_rows.format(count=hidden), styles.muted), *[Spacer(0, 0)] * 4])
        table = self._table([text.system, text.criticality, text.customer_facing, text.distance, text.path], rows,
                            [37 * mm, 19 * mm, 30 * mm, 17 * mm, CONTENT_WIDTH - 103 * mm])
        if hidden > 0:
            table.setStyle(TableStyle([("SPAN", (0, -1), (-1, -1))]))
        story.append(table)
        return story

    def _effort(self, graph: GraphFindings, names: dict[str, str]) -> list[Flowable]:
        wording, text, styles = self.wording, self.wording.dependencies, self.styles
        story = self._long_table_heading(text.effort_title)
        if not graph.effort:
            story.append(self._paragraph(text.effort_none))
            return story
        story.append(self._paragraph(text.effort_intro))
        small = styles.cell_small

        def row(effort: IntegrationEffort) -> list[Flowable]:
            return [
                self._cell(names.get(effort.system_id, effort.system_id), limit=NAME_LIMIT),
                self._cell(effort.method, small, limit=NAME_LIMIT),
                self._cell(wording.directions[effort.direction], small),
                self._cell(", ".join(effort.data_classes) or wording.none, small),
                self._cell(_hours(effort.hours.low, effort.hours.likely, effort.hours.high)),
                self._cell(effort.basis, small),
            ]

        total = graph.effort_total
        rows = [row(effort) for effort in graph.effort]
        rows.append([self._cell(text.total, styles.cell_label), *[Spacer(0, 0)] * 3,
                     Text(f"<b>{_markup(_hours(total.low, total.likely, total.high))}</b>", styles.cell),
                     Spacer(0, 0)])
        table = self._table([text.system, text.method, text.direction, text.data_classes, text.hours, text.basis],
                            rows, [30 * mm, 18 * mm, 21 * mm, 22 * mm, 34 * mm, CONTENT_WIDTH - 125 * mm])
        table.setStyle(TableStyle([
            ("SPAN", (0, -1), (3, -1)),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, self.palette.primary),
            ("BACKGROUND", (0, -1), (-1, -1), self.palette.label_fill),
        ]))
        story.append(table)
        return story

    def _connection(self, connection: Connection, names: dict[str, str]) -> list[Flowable]:
        small = self.styles.cell_small
        return [
            self._cell(names.get(connection.system_id) or connection.system_name or connection.system_id,
                       limit=NAME_LIMIT),
            self._cell(self.wording.directions[connection.direction], small),
            self._cell(", ".join(connection.data_classes) or self.wording.none, small),
            self._cell(connection.method, small, limit=NAME_LIMIT),
            self._cell(connection.frequency, small, limit=NAME_LIMIT),
            self._cell(connection.criticality, small, limit=NAME_LIMIT),
            self._cell(connection.place, small, limit=NAME_LIMIT),
        ]

    # --- 7. total cost of ownership ---

    def _money(self, value: float) -> str:
        """``EUR 437,851``: in the TCO result's currency."""
        tco = self.assessment.tco
        return f"{tco.currency} {money(value)}" if tco is not None else money(value)

    def _horizon(self, tco: TcoResult) -> str:
        text = self.wording.tco
        return text.horizon_one if tco.horizon_years == 1 else text.horizon.format(years=tco.horizon_years)

    def _amount_header(self, label: str, tco: TcoResult) -> Paragraph:
        return self._cell(self.wording.tco.amount_header.format(label=label, currency=tco.currency),
                          self.styles.cell_head_number)

    def _amount(self, value: float, *, bold: bool = False, zero: str | None = None,
                size: float | None = None) -> Paragraph:
        """A right-aligned amount (``zero`` in place of a rounded 0), optionally in a smaller ``size``."""
        text = zero if zero is not None and round(value) == 0 else money(value)
        style = self.styles.cell_number_bold if bold else self.styles.cell_number
        return self._cell(text, style if size is None else _sized(style, size))

    def _tco(self) -> list[Flowable]:
        """Good enough against built to last: the recommendation first, then the chart, the present values, the
        yearly lines with the chargeback, what the result is most sensitive to and every assumption."""
        text, styles = self.wording.tco, self.styles
        story: list[Flowable] = [self._section("tco")]
        tco = self.assessment.tco
        if tco is None:
            story.append(self._paragraph(text.none))
            return story
        story.append(self._recommendation_box(tco))
        story.append(self._paragraph(text.intro.format(
            horizon=self._horizon(tco), currency=tco.currency, trials=f"{tco.trials:,}",
            rate=_percent(tco.discount_rate)), styles.muted))
        story.append(self._key_values(
            [(option.title, self._cell(option.summary, styles.cell_small)) for option in tco.options],
            label_width=30 * mm))
        story += self._tco_chart(tco)
        story += self._npv(tco)
        story += self._yearly_costs(tco)
        story += self._chargeback(tco)
        story += self._losses(tco)
        story += self._sensitivity(tco)
        story += self._tco_assumptions(tco)
        return story

    # --- 7b. cost, for marketing ---

    def _cost(self) -> list[Flowable]:
        """One page for the marketer: three numbers, one chart whose parts add up to each total, the
        recommendation in one sentence and how sure it is, with currency and years on every figure."""
        text, styles = self.wording.cost, self.styles
        story: list[Flowable] = [self._section("cost")]
        tco = self.assessment.tco
        if tco is None:
            return [*story, self._paragraph(self.wording.tco.none)]
        headline = tco.headline
        wanted = "good_enough" if headline.choice == "good_enough" else "built_to_last"
        chosen = next(option for option in headline.options if option.id == wanted)
        other = next(option for option in headline.options if option.id != wanted)
        horizon = self._horizon(tco)
        story.append(self._paragraph(text.intro, styles.body))
        story.append(self._key_values([
            (text.year_one.format(option=chosen.title), Text(f"<b>{self._money(chosen.expected_year_one)}</b>",
                                                             styles.cell)),
            (text.total.format(option=chosen.title, horizon=horizon),
             Text(f"<b>{self._money(chosen.expected_total)}</b>", styles.cell)),
            (text.total.format(option=other.title, horizon=horizon), self._cell(self._money(other.expected_total))),
        ], label_width=80 * mm))
        story.append(Spacer(1, 3 * mm))
        bars = [(option.title, [sum(line.npv for line in option.lines if line.id in lines)
                                for lines in COST_PARTS.values()]) for option in tco.options]
        theme = ChartTheme.from_theme(self.wording.theme, font=FONT, font_bold=FONT_BOLD)
        drawing = cost_parts_chart(bars, [text.parts[part] for part in COST_PARTS], CONTENT_WIDTH, theme,
                                   tco.currency)
        drawing.hAlign = "LEFT"
        story += [drawing, Spacer(1, 3 * mm),
                  self._paragraph(headline.recommendation, styles.recommendation)]
        chance = headline.probability_built_to_last_cheaper.value
        story.append(self._paragraph(
            text.how_sure_close.format(horizon=horizon) if headline.too_close_to_call else text.how_sure.format(
                option=chosen.title, count=round(100 * (chance if wanted == "built_to_last" else 1 - chance)),
                horizon=horizon), styles.body))
        if headline.decision_stands:
            story.append(self._paragraph(headline.decision_note, styles.body))
        return story

    def _recommendation_box(self, tco: TcoResult) -> Flowable:
        """The headline's recommendation in a shaded box, the year-1 sentence, how settled the figures are, and
        what a rejection or the vendor's plan rules out."""
        text, styles = self.wording.tco, self.styles
        headline, precision = tco.headline, tco.precision
        parts: list[Flowable] = [
            self._cell(text.recommendation_title.upper(), styles.cell_label),
            Spacer(1, 1.5 * mm),
            self._paragraph(headline.recommendation, styles.recommendation),
            self._paragraph(tco.recommendation, styles.body),
            self._paragraph(text.precision.format(
                trials=f"{precision.trials:,}", currency=tco.currency,
                difference_error=f"{precision.difference_error:,.0f}",
                probability_error=f"{precision.probability_error * 100:.1f}"), styles.muted),
        ]
        if headline.decision_stands:
            parts.append(self._paragraph(headline.decision_note, styles.body))
        if tco.not_available:
            parts.append(self._paragraph(text.not_available.format(items="; ".join(
                f"{item.title} ({item.reason})" for item in tco.not_available)), styles.muted))
        box = Table([[parts]], colWidths=[CONTENT_WIDTH], hAlign="LEFT")
        box.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), self.palette.label_fill),
            ("LINEBEFORE", (0, 0), (0, 0), 3.5, self.palette.primary),
            ("LEFTPADDING", (0, 0), (-1, -1), 11),
            ("RIGHTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (-1, -1), 7),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]))
        return KeepTogether([box, Spacer(1, 3 * mm)])

    def _tco_chart(self, tco: TcoResult) -> list[Flowable]:
        text, styles = self.wording.tco, self.styles
        theme = ChartTheme.from_theme(self.wording.theme, font=FONT, font_bold=FONT_BOLD)
        drawing = cumulative_cost_chart(tco, CONTENT_WIDTH, theme, text.chart)
        drawing.hAlign = "LEFT"
        parts: list[Flowable] = [self._heading(text.chart_title, styles.h2, level=1),
                                 self._paragraph(text.chart_intro, styles.muted), Spacer(1, 1 * mm), drawing]
        for off in cost_axis(tco).off_scale:
            parts.append(self._paragraph(text.off_scale.format(option=off.title, value=self._money(off.value),
                                                               year=off.year), styles.muted))
        return [KeepTogether(parts)]

    def _npv(self, tco: TcoResult) -> list[Flowable]:
        """Each option's expected total (the headline), its typical total and range, their difference, then the
        headline's key figures, each once."""
        text, styles, headline = self.wording.tco, self.styles, tco.headline
        header: list[str | Flowable] = [text.option, *[self._amount_header(label, tco) for label in (
            text.mean, text.p50, text.p10, text.p90)]]
        expected = {option.id: option for option in headline.options}
        rows: list[list[Flowable]] = [[
            self._cell(option.title, limit=NAME_LIMIT),
            *[self._amount(value, bold=index == 0) for index, value in enumerate(
                (expected[option.id].expected_total, option.npv.p50, option.npv.p10, option.npv.p90))],
        ] for option in tco.options]
        difference = tco.difference_npv
        rows.append([self._cell(text.difference, styles.cell_label),
                     *[self._amount(value, bold=index == 0) for index, value in enumerate(
                         (headline.mean_difference.value, difference.p50, difference.p10, difference.p90))]])
        table = self._table(header, rows, [58 * mm, *[(CONTENT_WIDTH - 58 * mm) / 4] * 4])
        table.setStyle(TableStyle([
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, self.palette.primary),
            ("BACKGROUND", (0, -1), (-1, -1), self.palette.label_fill),
        ]))
        horizon = self._horizon(tco)
        breakeven = (text.breakeven_close if headline.too_close_to_call
                     else text.breakeven_value.format(year=headline.breakeven_year)
                     if headline.breakeven_year is not None else text.breakeven_none.format(horizon=horizon))
        premium = (text.premium_more if headline.year_one_premium >= 0 else text.premium_less).format(
            percent=_percent(abs(headline.year_one_premium), decimals=0))
        losses = {option.id: self._money(option.expected_annual_loss) for option in headline.options}
        chance = headline.probability_built_to_last_cheaper
        probability = text.probability_value.format(
            percent=_percent(chance.value, decimals=0), error=_percent(1.96 * chance.standard_error, decimals=1),
            horizon=horizon)
        low, high = headline.difference_interval
        figures = self._key_values([
            (text.difference_interval, self._cell(text.difference_interval_value.format(
                low=self._money(low), high=self._money(high)))),
            (text.probability, Text(f"<b>{_markup(probability)}</b>", styles.cell)),
            (text.breakeven, Text(f"<b>{_markup(_sentence(breakeven))}</b>", styles.cell)),
            (text.year_one_premium, self._cell(premium)),
            (text.expected_loss, self._cell(text.expected_loss_value.format(
                good_enough=losses.get("good_enough", ""), built_to_last=losses.get("built_to_last", "")))),
            *[(text.mean_median.format(option=option.title), self._cell(option.mean_median_note))
              for option in headline.options],
        ], label_width=58 * mm)
        return [KeepTogether([self._heading(text.npv_title, styles.h2, level=1),
                              self._paragraph(text.npv_intro, styles.muted), table]), Spacer(1, 2.5 * mm),
                KeepTogether(figures)]

    def _yearly_costs(self, tco: TcoResult) -> list[Flowable]:
        """The TEI-style line per option: each cost line by year at likely values, with totals; the chargeback
        line of internal hours in bold, and how it is priced."""
        text, styles = self.wording.tco, self.styles
        story: list[Flowable] = [*self._long_table_heading(text.lines_title, level=1),
                                 self._paragraph(text.lines_intro, styles.muted)]
        years = list(range(1, tco.horizon_years + 1))
        size = math.ceil(len(years) / math.ceil(len(years) / YEARS_PER_TABLE))
        chunks = [years[start:start + size] for start in range(0, len(years), size)]
        blocks: list[list[Flowable]] = []
        for option in tco.options:
            for index, chunk in enumerate(chunks):
                table = self._yearly_table(tco, option, chunk, columns=size + 2, last=index == len(chunks) - 1)
                heading = [self._heading(text.lines_option.format(option=option.title), styles.h3)] if index == 0 \
                    else []
                blocks.append([*heading, table, Spacer(1, 2 * mm)])
        # the note sits under the first table that marks the line, never alone at the top of a page
        blocks[len(chunks) - 1].insert(-1, Text(f"<b>*</b> {_markup(text.chargeback_note)}", styles.muted))
        return story + [KeepTogether(block) for block in blocks]

    def _yearly_table(self, tco: TcoResult, option: OptionResult, years: Sequence[int], *, columns: int,
                      last: bool) -> Table:
        """One option's lines for ``years``; the last table of the option adds the total and present value.
        ``columns`` (amount columns) sets the widths, the same in every table of the section: with many
        years the label column narrows and the amounts shrink a little, so seven digits still fit."""
        text, styles = self.wording.tco, self.styles
        compact = columns > 6
        line_width = (64 if columns <= 5 else 56 if columns == 6 else 48) * mm
        width = (CONTENT_WIDTH - line_width) / columns
        size = 7.2 if compact else None
        header: list[str | Flowable] = [
            self._cell(text.amount_header.format(label=text.line, currency=tco.currency), styles.cell_head),
            *[self._cell(text.year.format(year=year), styles.cell_head_number) for year in years]]
        if last:
            header += [self._cell(text.total, styles.cell_head_number),
                       self._cell(text.present_value, styles.cell_head_number)]
        deterministic = option.deterministic
        rows: list[list[Flowable]] = []
        marked: list[int] = []
        for line in deterministic.lines:
            chargeback = line.id == CHARGEBACK_LINE
            label = (Text(f"<b>{_markup(line.title, NAME_LIMIT)} *</b>", styles.cell) if chargeback
                     else self._cell(line.title, limit=NAME_LIMIT))
            row = [label, *[self._amount(line.by_year[year - 1], bold=chargeback, zero=text.zero, size=size)
                            for year in years]]
            if last:
                row += [self._amount(sum(line.by_year), bold=chargeback, zero=text.zero, size=size),
                        self._amount(line.npv, bold=chargeback, zero=text.zero, size=size)]
            if chargeback:
                marked.append(len(rows) + 1)
            rows.append(row)
        total = [self._cell(text.total, styles.cell_label),
                 *[self._amount(deterministic.by_year[year - 1], bold=True, size=size) for year in years]]
        if last:
            total += [self._amount(sum(deterministic.by_year), bold=True, size=size),
                      self._amount(deterministic.npv, bold=True, size=size)]
        rows.append(total)
        table = self._table(header, rows, [line_width, *[width] * (len(header) - 1)])
        if compact:
            table.setStyle(TableStyle([("LEFTPADDING", (1, 0), (-1, -1), 2.5),
                                       ("RIGHTPADDING", (1, 0), (-1, -1), 3)]))
        table.setStyle(TableStyle([
            *[command for row in marked for command in (
                ("BACKGROUND", (0, row), (-1, row), self.palette.label_fill),
                ("LINEBEFORE", (0, row), (0, row), 2.5, self.palette.accent))],
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, self.palette.primary),
            ("BACKGROUND", (0, -1), (-1, -1), self.palette.label_fill),
        ]))
        return table

    def _chargeback(self, tco: TcoResult) -> list[Flowable]:
        """Internal hours per role over the horizon, and what they cost at the role's loaded rate, per option."""
        text, styles = self.wording.tco, self.styles
        roles: dict[str, tuple[float, str]] = {}
        for option in tco.options:
            for item in option.chargeback:
                roles.setdefault(item.role, (item.hourly_rate, item.rate_source))
        if not roles:
            return []
        header: list[str | Flowable] = [
            text.role, self._amount_header(text.rate, tco),
            *[cell for option in tco.options for cell in (
                self._cell(text.option_hours.format(option=option.title), styles.cell_head_number),
                self._amount_header(text.option_cost.format(option=option.title), tco))]]
        rows: list[list[Flowable]] = []
        totals = [0.0] * (2 * len(tco.options))
        for role, (rate, source) in roles.items():
            name = text.roles.get(role, role)
            row: list[Flowable] = [
                Text(f"{_markup(name, NAME_LIMIT)}<br/><font size=\"6.5\" color=\"{self._muted_hex}\">"
                          f"{_markup(source, NAME_LIMIT)}</font>", styles.cell),
                self._amount(rate)]
            for index, option in enumerate(tco.options):
                found = next((entry for entry in option.chargeback if entry.role == role), None)
                hours = sum(found.hours_by_year) if found else 0.0
                cost = sum(found.cost_by_year) if found else 0.0
                totals[2 * index] += hours
                totals[2 * index + 1] += cost
                row += [self._amount(hours), self._amount(cost)]
            rows.append(row)
        rows.append([self._cell(text.total, styles.cell_label), Spacer(0, 0),
                     *[self._amount(value, bold=True) for value in totals]])
        role_width, rate_width = 42 * mm, 22 * mm
        other = (CONTENT_WIDTH - role_width - rate_width) / (2 * len(tco.options))
        table = self._table(header, rows, [role_width, rate_width, *[other] * (2 * len(tco.options))])
        table.setStyle(TableStyle([
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, self.palette.primary),
            ("BACKGROUND", (0, -1), (-1, -1), self.palette.label_fill),
        ]))
        return [KeepTogether([self._heading(text.chargeback_title, styles.h2, level=1),
                              self._paragraph(text.chargeback_intro.format(horizon=self._horizon(tco)),
                                              styles.muted), table])]

    def _losses(self, tco: TcoResult) -> list[Flowable]:
        """Each option's loss scenarios (frequency x magnitude), its tail and the loss exceedance curve against
        the organisation's risk appetite."""
        text, styles = self.wording.tco, self.styles
        rows: list[list[Flowable]] = []
        for option in tco.options:
            for scenario in option.scenarios:
                rows.append([
                    self._cell(f"{option.title}: {scenario.title}", limit=NAME_LIMIT),
                    self._cell(f"{scenario.frequency:.3f}" if scenario.applies else text.not_applicable_scenario,
                               styles.cell_number),
                    self._amount(scenario.magnitude), self._amount(scenario.expected_annual_loss,
                                                                   bold=True)])
        header: list[str | Flowable] = [text.scenario, self._cell(text.frequency, styles.cell_head_number),
                                        self._amount_header(text.magnitude, tco),
                                        self._amount_header(text.annual_loss, tco)]
        table = self._table(header, rows, [CONTENT_WIDTH - 96 * mm, 26 * mm, 35 * mm, 35 * mm])
        tails = []
        for option in tco.options:
            curve = option.loss_exceedance
            if curve is None:
                continue
            appetite = "" if curve.within_appetite is None else " (" + (
                text.within_appetite if curve.within_appetite else text.outside_appetite) + ")"
            tail = text.tail if curve.p95 > 0 else text.tail_rare if curve.p99 > 0 else text.tail_rarer
            tails.append(self._paragraph(tail.format(
                option=option.title, p95=self._money(curve.p95), p99=self._money(curve.p99),
                chance=_percent(curve.chance_of_loss, 0)) + appetite, styles.body))
        theme = ChartTheme.from_theme(self.wording.theme, font=FONT, font_bold=FONT_BOLD)
        drawing = loss_exceedance_chart(tco, CONTENT_WIDTH, theme, text.chart)
        drawing.hAlign = "LEFT"
        return [KeepTogether([self._heading(text.losses_title, styles.h2, level=1),
                              self._paragraph(text.losses_intro.format(horizon=self._horizon(tco)), styles.muted),
                              table, Spacer(1, 2 * mm), *tails]),
                KeepTogether([Spacer(1, 2 * mm), drawing])]

    def _sensitivity(self, tco: TcoResult) -> list[Flowable]:
        """The tornado: the inputs that move the decision most, each pinned at its low then its high quantile
        with every other input random on the same trials; their effect on the probability and on the expected
        difference."""
        text, styles, tornado = self.wording.tco, self.styles, tco.tornado
        heading = self._heading(text.sensitivity_title, styles.h2, level=1)
        if not tco.sensitivity:
            return [heading, self._paragraph(text.sensitivity_none)]
        theme = ChartTheme.from_theme(self.wording.theme, font=FONT, font_bold=FONT_BOLD)
        drawing = sensitivity_chart(tco, CONTENT_WIDTH, theme, text.chart)
        drawing.hAlign = "LEFT"
        rows = [[
            self._cell(row.title, limit=NAME_LIMIT),
            Text(f"{_markup(text.low_to_high.format(low=number(row.low), high=number(row.high)))}"
                 f"<br/><font size=\"6.5\" color=\"{self._muted_hex}\">{_markup(row.unit, NAME_LIMIT)}</font>",
                 styles.cell),
            self._cell(text.probability_low_high.format(low=_percent(row.probability_at_low, 0),
                                                        high=_percent(row.probability_at_high, 0)),
                       styles.cell_number),
            self._amount(row.difference_at_low), self._amount(row.difference_at_high),
        ] for row in tornado.rows[:TORNADO_ROWS]]
        header: list[str | Flowable] = [text.assumption, text.range, self._cell(text.probability_column,
                                                                               styles.cell_head_number),
                                        self._amount_header(text.at_low, tco), self._amount_header(text.at_high, tco)]
        table = self._table(header, rows, [58 * mm, 28 * mm, 26 * mm, *[(CONTENT_WIDTH - 112 * mm) / 2] * 2])
        intro = text.sensitivity_intro.format(trials=f"{tornado.trials:,}",
                                              low=_percent(tornado.low_quantile, 0),
                                              high=_percent(tornado.high_quantile, 0),
                                              probability=_percent(tornado.base_probability, 0))
        return [KeepTogether([heading, self._paragraph(intro, styles.muted), drawing]), Spacer(1, 2 * mm), table]

    def _tco_assumptions(self, tco: TcoResult) -> list[Flowable]:
        """Every number the result rests on, with its source; the table runs over pages with its header."""
        text, styles = self.wording.tco, self.styles
        story: list[Flowable] = [*self._long_table_heading(text.assumptions_title, level=1),
                                 self._paragraph(text.assumptions_intro.format(
                                     count=len(tco.assumptions), trials=f"{tco.trials:,}", seed=tco.seed,
                                     basis=tco.seed_basis, sha=tco.assumptions_sha256), styles.muted)]
        rows = [[
            Text(f"{_markup(item.title, NAME_LIMIT)}<br/><font size=\"6.5\" color=\"{self._muted_hex}\">"
                      f"{_markup(text.assumption_id.format(id=item.id), NAME_LIMIT)}</font>", styles.cell),
            self._cell(self._assumption_value(item), styles.cell_number),
            self._cell(item.unit, styles.cell_small, limit=NAME_LIMIT),
            self._cell(item.source, styles.cell_small),
        ] for item in tco.assumptions]
        story.append(self._table([text.name, self._cell(text.value, styles.cell_head_number), text.unit,
                                  text.source], rows, [58 * mm, 30 * mm, 17 * mm, CONTENT_WIDTH - 105 * mm]))
        if tco.inputs.notes:
            story.append(self._heading(text.notes_title, styles.h3))
            story += [Text(_markup(note), styles.bullet, bulletText="•") for note in tco.inputs.notes]
        return story

    def _assumption_value(self, item: AssumptionUsed) -> str:
        """A single value (a number or an answer), else low / likely / high."""
        if isinstance(item.value, int | float) and not isinstance(item.value, bool):
            return number(item.value)
        if item.value is not None and item.value != "":
            return str(item.value)
        if item.likely is not None:
            likely = item.likely
            return self.wording.tco.range_value.format(
                low=number(item.low if item.low is not None else likely), likely=number(likely),
                high=number(item.high if item.high is not None else likely))
        return self.wording.blank

    # --- 8. external evidence ---

    def _evidence(self) -> list[Flowable]:
        """For compliance and IT: what outside checks observed, when, from which record, and what it contradicts."""
        text, styles = self.wording.evidence, self.styles
        story: list[Flowable] = [self._section("evidence")]
        evidence = self.assessment.evidence
        if evidence is None:
            story.append(self._paragraph(text.none))
            return story
        counts = {status: sum(1 for item in evidence.items if item.status == status) for status in _STATUS_ORDER}
        story.append(self._paragraph(text.intro.format(
            domain=_clean(evidence.domain, NAME_LIMIT), mode=text.modes[evidence.mode], passed=counts["pass"],
            failed=counts["fail"], unknown=counts["unknown"])))
        if counts["unknown"]:
            story.append(self._paragraph(text.unknown_note, styles.muted))
        story.append(Text(f"<font size=\"6.5\">{_markup(text.run_hash.format(hash=evidence.run_hash))}</font>",
                               styles.muted))
        story += self._evidence_tables(evidence)
        story += self._contradictions(known=counts["pass"] + counts["fail"] > 0)
        return story

    def _evidence_tables(self, evidence: EvidenceSet) -> list[Flowable]:
        """One table per kind of check, rows sorted by check name; the header repeats on every page."""
        text = self.wording.evidence
        story: list[Flowable] = []
        for kind in _KIND_ORDER:
            items = sorted((item for item in evidence.items if item.kind == kind), key=lambda item: item.check)
            if not items:
                continue
            story += self._long_table_heading(text.kinds[kind])
            story.append(self._table(
                [text.check, text.status, text.observed, text.reason, text.fetched_record],
                [self._evidence_row(item) for item in items],
                [38 * mm, 18 * mm, 36 * mm, CONTENT_WIDTH - 124 * mm, 32 * mm]))
        return story

    def _evidence_row(self, item: Evidence) -> list[Flowable]:
        text, styles = self.wording.evidence, self.styles
        muted = self._muted_hex
        label = text.checks.get(item.check, item.check)
        check = _markup(label, NAME_LIMIT)
        if label != item.check:
            check += f"<br/><font size=\"6.5\" color=\"{muted}\">{_markup(item.check, NAME_LIMIT)}</font>"
        record = _markup(item.id, NAME_LIMIT)
        if item.raw_sha256:
            record += f"<br/>sha256 {_markup(item.raw_sha256[:12], 12)}"
        return [
            Text(check, styles.cell),
            _StatusTag(text.statuses[item.status], self.wording.theme.statuses[item.status]),
            self._cell(self._observed(item.value), styles.cell_small, limit=VALUE_LIMIT),
            self._cell(item.reason, styles.cell_small, limit=REASON_LIMIT),
            Text(f"{_markup(_utc_minute(item.fetched_at))}<br/><font size=\"6\" color=\"{muted}\">"
                      f"{record}</font>", styles.cell_small),
        ]

    def _observed(self, value: Any) -> str:
        """An observed value in a few words: lists joined, mappings as ``key: value`` pairs, numbers grouped."""
        if value is None or value == "" or value == [] or value == {}:
            return self.wording.evidence.no_value
        if isinstance(value, bool):
            return self.wording.answer_yes if value else self.wording.answer_no
        if isinstance(value, int):
            return f"{value:,}"
        if isinstance(value, float):
            return f"{value:,g}"
        if isinstance(value, list | tuple):
            return ", ".join(self._observed(part) for part in value)
        if isinstance(value, dict):
            return "; ".join(f"{key}: {self._observed(part)}" for key, part in value.items())
        return str(value)

    def _contradictions(self, *, known: bool) -> list[Flowable]:
        text, styles = self.wording.evidence, self.styles
        story: list[Flowable] = [self._heading(text.contradictions_title, styles.h2, level=1)]
        contradictions = [finding for finding in self._sorted_findings()
                          if finding.rule_id.startswith(CONTRADICTION_PREFIX)]
        if not contradictions:
            story.append(self._paragraph(text.no_contradictions if known else text.nothing_checked))
            return story
        story.append(self._paragraph(text.contradictions_intro))
        story += [KeepTogether([self._contradiction(finding), Spacer(1, 3 * mm)]) for finding in contradictions]
        return story

    def _contradiction(self, finding: Finding) -> Table:
        """A finding in brief: what the evidence and the answer disagree on, and both sources."""
        text, styles = self.wording.findings, self.styles
        title = self._finding_title(finding)
        rows: list[list[Flowable]] = [
            [self._tag(finding.severity), title],
            [self._cell(text.what_it_means, styles.cell_label), self._cell(finding.plain)],
            [self._cell(text.for_it, styles.cell_label), self._cell(finding.technical)],
            [self._cell(text.vendor_answer, styles.cell_label), self._cell(self._answer(finding.answer))],
            [self._cell(text.provenance, styles.cell_label),
             self._cell(self._provenance(finding.provenance), styles.cell_small)],
        ]
        return self._finding_card(finding, rows)

    # --- 9. joint scorecard ---

    def _scorecard(self) -> list[Flowable]:
        """What IT and marketing each watch after approval, side by side, with targets from this assessment."""
        spec, styles = load_scorecard(), self.styles
        kpis = joint_scorecard(self.assessment, spec)
        story: list[Flowable] = [self._section("scorecard"), self._paragraph(spec.intro)]
        widths = [28 * mm, 58 * mm, 52 * mm, CONTENT_WIDTH - 138 * mm]
        for side, title in (("it", spec.title_it), ("marketing", spec.title_marketing)):
            rows = [[self._cell(kpi.title, styles.cell_label, limit=NAME_LIMIT), self._cell(kpi.measure),
                     self._cell(kpi.target, styles.cell_bold), self._cell(kpi.basis, styles.cell_small)]
                    for kpi in kpis if kpi.side == side]
            story += [self._heading(title, styles.h2, level=1),
                      self._table([spec.kpi, spec.measure, spec.target, spec.basis], rows, widths)]
        return story

    # --- 11. sign-off ---

    def _signoff(self) -> list[Flowable]:
        """One block per role to fill in by hand: name, decision, date, conditions accepted, signature."""
        assessment, text = self.assessment, self.wording.signoff
        story: list[Flowable] = [self._section("signoff"), self._paragraph(text.intro.format(
            assessment_id=_clean(assessment.assessment_id, NAME_LIMIT),
            date=self.wording.date(assessment.created)), limit=ANSWER_LIMIT + NAME_LIMIT)]
        if assessment.risk.decision == "more_information_needed":
            story.append(self._paragraph(text.pending))
            return story
        for role in _SIGNOFF_ROLES:
            story.append(KeepTogether([Spacer(1, 5 * mm), self._signoff_block(role)]))
        return story

    def _signoff_block(self, role: SignoffRole) -> Table:
        text, styles, palette = self.wording.signoff, self.styles, self.palette
        title = text.block_title.format(role=self.wording.owners[role])
        rows: list[list[Flowable | str]] = [
            [self._cell(title, styles.cell_head), ""],
            [self._cell(text.name, styles.cell_label), ""],
            [self._cell(text.decision, styles.cell_label), _TickBoxes([text.approve, text.reject], palette.text)],
            [self._cell(text.date, styles.cell_label), ""],
            [self._cell(text.conditions, styles.cell_label), _TickBoxes([text.conditions_accepted], palette.text)],
            [self._cell(text.signature, styles.cell_label), ""],
        ]
        heights = [None, *[SIGNOFF_ROW] * 4, SIGNATURE_ROW]
        table = Table(rows, colWidths=[40 * mm, CONTENT_WIDTH - 40 * mm], rowHeights=heights, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("SPAN", (0, 0), (-1, 0)),
            ("BACKGROUND", (0, 0), (-1, 0), palette.header_fill),
            ("BACKGROUND", (0, 1), (0, -1), palette.label_fill),
            ("BOX", (0, 0), (-1, -1), 0.5, palette.rule),
            ("LINEBELOW", (0, 1), (0, -1), 0.25, palette.rule),
            # the lines to write on: darker than the rules, inset from the cell's edges
            ("LINEBELOW", (1, 1), (1, -1), 0.6, palette.muted),
            ("VALIGN", (0, 1), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]))
        return table

    # --- 10. glossary ---

    def _glossary(self) -> list[Flowable]:
        """The acronyms both sides use, from ``templates/glossary.yaml``, sorted by term."""
        text, styles = self.wording.glossary, self.styles
        entries = sorted(load_glossary().terms, key=lambda entry: glossary_key(entry.term))
        rows = [[self._cell(entry.term, styles.cell_label, limit=NAME_LIMIT), self._cell(entry.meaning)]
                for entry in entries]
        return [self._section("glossary"), self._paragraph(text.intro),
                self._table([text.term, text.meaning], rows, [36 * mm, CONTENT_WIDTH - 36 * mm])]

    # --- 12. appendix ---

    def _appendix(self) -> list[Flowable]:
        assessment, text, styles = self.assessment, self.wording.appendix, self.styles
        story: list[Flowable] = [self._section("appendix"), self._heading(text.answers, styles.h2, level=1)]
        if not assessment.answers:
            story.append(self._paragraph(text.no_answers))
        sections: dict[str, list[AnsweredQuestion]] = {}
        for answer in assessment.answers:
            sections.setdefault(answer.section, []).append(answer)
        for section, answers in sections.items():
            if section:
                story += self._long_table_heading(section, style=styles.h3_long_table)
            rows = [[
                self._cell(answer.question_id, styles.cell_small, limit=NAME_LIMIT),
                self._cell(answer.question, limit=QUESTION_LIMIT),
                self._answer_cell(answer),
                self._cell(answer.place, styles.cell_small, limit=NAME_LIMIT),
            ] for answer in answers]
            widths = [18 * mm, 60 * mm, CONTENT_WIDTH - 18 * mm - 60 * mm - 26 * mm, 26 * mm]
            story.append(self._table([text.question_id, text.question, text.answer, text.place], rows, widths,
                                     split_in_row=True))
        story += self._appendix_coverage()
        story.append(self._heading(text.warnings, styles.h2, level=1))
        if assessment.warnings:
            rows = [[self._cell(f"{problem.place} ({problem.question_id})" if problem.question_id
                                else problem.place, styles.cell_small, limit=NAME_LIMIT),
                     self._cell(problem.message)] for problem in assessment.warnings]
            story.append(self._table([text.place, text.warnings], rows, [50 * mm, CONTENT_WIDTH - 50 * mm]))
        else:
            story.append(self._paragraph(text.no_warnings))
        return story

    def _answer_cell(self, answer: AnsweredQuestion) -> Paragraph:
        markup = _markup(answer.answer) if answer.answer else f"<i>{_markup(self.wording.blank)}</i>"
        if answer.comment:
            label = _markup(self.wording.appendix.comment)
            markup += (f"<br/><font color=\"{self._muted_hex}\"><i>{label}</i> "
                       f"{_markup(answer.comment, COMMENT_LIMIT)}</font>")
        return Text(markup, self.styles.cell)
