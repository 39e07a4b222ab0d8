"""Render an Assessment as a PDF: the audience's sections (``sections``) on A4 pages, a cover without running
head, body pages with the vendor and assessment id on top, a footer and "Page n of N", and an outline of the
sections' headings.

The document is laid out once: a canvas holds the pages back and writes "Page n of N" when it knows N. The
paragraphs' parse and line breaking are remembered across reports (``report.text``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections.abc import Callable, Sequence
from functools import cached_property, partial
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)

from riskengine.assessment import Assessment
from riskengine.pipeline import default_policy
from riskengine.policy import Policy
from riskengine.register.approvals import Seal, SignOff
from riskengine.report.context import ReportContext
from riskengine.report.fonts import FONT, FONT_BOLD, placed, register_fonts
from riskengine.report.kit import (
    CONTENT_WIDTH,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    NAME_LIMIT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Heading,
    clean,
    fit,
    timestamp,
)
from riskengine.report.sections import SECTIONS
from riskengine.report.text import Line, Run, draw_lines

SIGNED_KEYWORD = "riskengine-approval"
"""A keyword of a report rendered to be issued signed: a copy whose signature was cut off still says it had one."""
RUN_ON_ROOM = PAGE_HEIGHT / 3
"""A compact section starts on the page the one before it ends on when this much height is left there."""


def render_pdf(assessment: Assessment, *, audience: str = "full", policy: Policy | None = None,
               signoffs: Sequence[SignOff] = (), seal: Seal | None = None) -> bytes:
    """The report of ``assessment`` for ``audience`` (full, it, marketing, compliance) as PDF bytes.

    ``policy`` words it: its report wording, glossary and joint scorecard (default: the shipped policy).
    ``signoffs``, the register's sign-offs of the assessment, fill the sign-off page: each role that signed is
    shown with what it signed, the others keep a block to fill in by hand. The same assessment with the same
    sign-offs always gives the same bytes: the PDF's dates come from ``assessment.created``.
    ``seal``, for the report ``riskengine.signing`` issues digitally signed, says on the sign-off page who
    signs it, how each sign-off was made, and the inputs' sha256.
    Raises ``UsageError`` for an unknown audience.
    """
    context = dataclasses.replace(ReportContext.create(assessment, policy or default_policy(), audience),
                                  signoffs=tuple(signoffs), seal=seal)
    register_fonts()
    buffer = io.BytesIO()
    pages = _Pages(context)
    vendor = assessment.vendor
    document = _Document(
        buffer,
        pages=pages,
        title=clean(f"{context.wording.title}: {vendor.legal_name} {vendor.product}".strip(), NAME_LIMIT),
        author="riskengine",
        subject=clean(f"{context.audience_label}, {assessment.assessment_id}", NAME_LIMIT),
        keywords=[clean(word, NAME_LIMIT) for word in (
            assessment.assessment_id, vendor.legal_name, vendor.domain, assessment.risk.decision,
            assessment.risk.tier, SIGNED_KEYWORD if seal is not None else "") if word],
        creator=f"riskengine {assessment.versions.engine}",
    )
    document.build(_story(context), canvasmaker=partial(_DeferredCanvas, number_page=pages.number_page))
    return buffer.getvalue()


def _story(context: ReportContext) -> list[Flowable]:
    """The sections in the audience's order, each from a new page, except that a compact section runs on after
    the one before it while a third of the page is left; the cover alone on the cover template."""
    story: list[Flowable] = []
    for index, section in enumerate(context.sections):
        if index == 1:
            story.append(NextPageTemplate("body"))
        if index > 1 and context.form(section) == "compact":
            story += [CondPageBreak(RUN_ON_ROOM), Spacer(1, 6 * mm)]
        elif index:
            story.append(PageBreak())
        story += SECTIONS[section](context)
    return story


class _Pages:
    """What every page carries besides the story: the running head, the footer and the page number."""

    def __init__(self, context: ReportContext) -> None:
        self.context = context
        self.palette = context.palette

    def decorate_cover(self, canvas: Any, document: _Document) -> None:
        canvas.saveState()
        canvas.setFillColor(self.palette.primary)
        canvas.rect(0, PAGE_HEIGHT - 12 * mm, PAGE_WIDTH, 12 * mm, stroke=0, fill=1)
        canvas.setFillColor(self.palette.header_text)
        canvas.setFont(FONT_BOLD, 9)
        canvas.drawString(MARGIN_X, PAGE_HEIGHT - 7.5 * mm, "riskengine")
        canvas.setFont(FONT, 9)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - 7.5 * mm,
                               fit(self.context.audience_label, FONT, 9, CONTENT_WIDTH / 2))
        canvas.restoreState()
        self._footer(canvas)

    def decorate_body(self, canvas: Any, document: _Document) -> None:
        canvas.saveState()
        canvas.setStrokeColor(self.palette.rule)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, _HEAD - 3 * mm, PAGE_WIDTH - MARGIN_X, _HEAD - 3 * mm)
        canvas.line(MARGIN_X, _FOOT + 4 * mm, PAGE_WIDTH - MARGIN_X, _FOOT + 4 * mm)
        draw_lines(canvas, self._body_lines)
        canvas.restoreState()

    def number_page(self, canvas: Any, page: int, total: int) -> None:
        """"Page 3 of 41" at the footer's right."""
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(self.palette.muted)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, _FOOT,
                               self.context.wording.page.number.format(page=page, total=total))
        canvas.restoreState()

    @cached_property
    def _running_head(self) -> tuple[str, str]:
        """The assessment id and the vendor, each cut to its room: the same on every page, measured once."""
        assessment = self.context.assessment
        identifier = assessment.assessment_id
        id_width = pdfmetrics.stringWidth(clean(identifier, NAME_LIMIT), FONT, 8)
        vendor = assessment.vendor
        room = CONTENT_WIDTH - min(id_width, CONTENT_WIDTH / 2) - 12
        return fit(identifier, FONT, 8, CONTENT_WIDTH / 2), _head_name(vendor.legal_name, vendor.product, room)

    @cached_property
    def _body_lines(self) -> list[Line]:
        """A body page's running head (the assessment id at the right, the vendor at the left, each in a font that
        has its characters) and the footer's engine line, placed once for every page."""
        identifier, name = self._running_head
        palette = self.palette
        right = PAGE_WIDTH - MARGIN_X
        return [Line(right - pdfmetrics.stringWidth(identifier, FONT, 8), _HEAD,
                     (Run(identifier, FONT, 8, palette.muted),)),
                Line(MARGIN_X, _HEAD, tuple(Run(piece, font, 8, palette.primary)
                                            for _, font, piece in placed(MARGIN_X, name, FONT_BOLD, 8))),
                self._footer_line]

    @cached_property
    def _footer_line(self) -> Line:
        context = self.context
        footer = context.wording.page.footer.format(engine=context.assessment.versions.engine,
                                                    audience=context.audience_label)
        text = fit(footer, FONT, 7.5, CONTENT_WIDTH * 0.7)
        return Line(MARGIN_X, _FOOT, (Run(text, FONT, 7.5, self.palette.muted),))

    def _footer(self, canvas: Any) -> None:
        """The rule and the engine line; the page number is drawn once the total is known (``number_page``)."""
        canvas.saveState()
        canvas.setStrokeColor(self.palette.rule)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, _FOOT + 4 * mm, PAGE_WIDTH - MARGIN_X, _FOOT + 4 * mm)
        draw_lines(canvas, [self._footer_line])
        canvas.restoreState()


_HEAD = PAGE_HEIGHT - 12 * mm
"""The baseline of a body page's running head."""
_FOOT = 11 * mm
"""The baseline of the footer."""


def _head_name(legal_name: str, product: str, room: float) -> str:
    """The vendor and its product as the running head names them within ``room`` points: whole, else the product
    cut after its last whole word that fits, else the vendor alone; a word is cut only when the vendor's own name
    does not fit ("GlowUp Technologies Pte. Ltd. · GlowUp Rewards…", never "… + GlowU…")."""
    def width(text: str) -> float:
        return float(pdfmetrics.stringWidth(clean(text, NAME_LIMIT), FONT_BOLD, 8))

    parts = [part for part in (legal_name, product) if part]
    name = " · ".join(parts)
    if width(name) <= room or len(parts) < 2:
        return fit(name, FONT_BOLD, 8, room)
    words = product.split()
    for count in range(len(words) - 1, 0, -1):
        shortened = f"{legal_name} · {' '.join(words[:count]).rstrip(',;:-·(')}…"
        if width(shortened) <= room:
            return shortened
    return fit(legal_name, FONT_BOLD, 8, room)


class _Document(BaseDocTemplate):  # type: ignore[misc]
    """A4 pages: a cover without running header, then body pages with header, footer and page numbers; each
    heading with an outline key becomes a bookmark."""

    def __init__(self, buffer: io.BytesIO, *, pages: _Pages, **metadata: Any) -> None:
        super().__init__(buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                         bottomMargin=MARGIN_BOTTOM, invariant=1, **metadata)
        self.created = pages.context.assessment.created
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="content",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate(id="cover", frames=[frame], onPage=pages.decorate_cover),
            PageTemplate(id="body", frames=[frame], onPage=pages.decorate_body),
        ])

    def beforeDocument(self) -> None:
        # reportlab's invariant mode takes its clock from SOURCE_DATE_EPOCH or a fixed 2000-01-01; the
        # report's dates and file id come from the assessment instead, so the bytes depend on it alone.
        stamp = timestamp(self.created)
        pdf_document = self.canv._doc
        pdf_document._timeStamp = stamp
        pdf_document.signature = hashlib.md5(b"a reportlab document", usedforsecurity=False)
        pdf_document.signature.update(ascii(stamp.t).encode())
        self.canv.showOutline()

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading) and flowable.outline_key:
            self.canv.bookmarkPage(flowable.outline_key)
            self.canv.addOutlineEntry(flowable.outline_title, flowable.outline_key,
                                      level=flowable.outline_level, closed=False)


class _DeferredCanvas(Canvas):  # type: ignore[misc]
    """Holds every page back until the document ends, so each footer can say "Page n of N" in one pass.

    (reportlab's own recipe for page totals; building the document twice to count pages cost as much again.)
    """

    def __init__(self, *args: Any, number_page: Callable[[Any, int, int], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._number_page = number_page
        self._held: list[dict[str, Any]] = []
        self._bookmarks: list[str] = []

    def bookmarkPage(self, key: str, **position: Any) -> None:
        """Held with its page: a bookmark names the page the document is on when the page is really written, and
        until ``save`` every held page would be page 1 (every bookmark of the outline pointed there)."""
        if position:
            raise TypeError("a held bookmark marks its whole page; positions are not kept")
        self._bookmarks.append(key)

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()
        self._bookmarks = []

    def save(self) -> None:
        total = len(self._held)
        for page, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            for key in self._bookmarks:
                super().bookmarkPage(key)
            self._number_page(self, page, total)
            super().showPage()
        super().save()
