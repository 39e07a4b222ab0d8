"""External evidence, for compliance and IT: what outside checks observed, when, from which record, and which
answers it contradicts."""

from __future__ import annotations

from typing import Any, get_args

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from riskengine.enrich.evidence import Evidence, Kind, Status
from riskengine.enrich.gather import EvidenceSet
from riskengine.report.cards import finding_card, finding_title
from riskengine.report.context import ReportContext
from riskengine.report.fonts import FONT_BOLD
from riskengine.report.kit import CONTENT_WIDTH, NAME_LIMIT, clean, fit, markup, utc_minute
from riskengine.report.text import Text
from riskengine.report.wording import DecisionTheme
from riskengine.score.result import Finding

VALUE_LIMIT = 160
"""Characters of an observed evidence value shown in the PDF; the JSON result and the store keep it whole."""
REASON_LIMIT = 400
CONTRADICTION_PREFIX = "CON-"
"""Rule ids of the findings where outside evidence contradicts an answer (they cite a cell and an evidence id)."""
_KIND_ORDER: tuple[Kind, ...] = get_args(Kind)
_STATUS_ORDER: tuple[Status, ...] = get_args(Status)


def build(ctx: ReportContext) -> list[Flowable]:
    """For compliance and IT: what outside checks observed, when, from which record, and what it contradicts."""
    text, styles = ctx.wording.evidence, ctx.styles
    story: list[Flowable] = [ctx.section("evidence")]
    evidence = ctx.assessment.evidence
    if evidence is None:
        story.append(ctx.paragraph(text.none))
        return story
    counts = {status: sum(1 for item in evidence.items if item.status == status) for status in _STATUS_ORDER}
    story.append(ctx.paragraph(text.intro.format(
        domain=clean(evidence.domain, NAME_LIMIT), mode=text.modes[evidence.mode], passed=counts["pass"],
        failed=counts["fail"], unknown=counts["unknown"])))
    if counts["unknown"]:
        story.append(ctx.paragraph(text.unknown_note, styles.muted))
    story.append(Text(f"<font size=\"6.5\">{markup(text.run_hash.format(hash=evidence.run_hash))}</font>",
                      styles.muted))
    if evidence.network is not None:
        story.append(ctx.paragraph(text.network.format(reason=evidence.network.reason), styles.muted,
                                   limit=REASON_LIMIT))
    story += _evidence_tables(ctx, evidence)
    story += _contradictions(ctx, known=counts["pass"] + counts["fail"] > 0)
    return story


def _evidence_tables(ctx: ReportContext, evidence: EvidenceSet) -> list[Flowable]:
    """One table per kind of check, rows sorted by check name; the header repeats on every page. Offline, or when
    the network did not answer, the checks not made take one line per kind instead of a row each."""
    text = ctx.wording.evidence
    story: list[Flowable] = []
    collapse = evidence.mode == "offline" or (evidence.network is not None and evidence.network.status != "pass")
    if collapse:
        story += _not_made(ctx, evidence)
    for kind in _KIND_ORDER:
        items = sorted((item for item in evidence.items if item.kind == kind
                        and not (collapse and item.status == "unknown")), key=lambda item: item.check)
        if not items:
            continue
        story += ctx.long_table_heading(text.kinds[kind])
        story.append(ctx.table(
            [text.check, text.status, text.observed, text.reason, text.fetched_record],
            [_evidence_row(ctx, item) for item in items],
            [38 * mm, 18 * mm, 36 * mm, CONTENT_WIDTH - 124 * mm, 32 * mm]))
    return story


def _not_made(ctx: ReportContext, evidence: EvidenceSet) -> list[Flowable]:
    """One line per kind of the checks an offline run (or one without network) could not make: how many, and why
    (their reason when they share one, else the run's mode)."""
    text = ctx.wording.evidence
    lines: list[Flowable] = []
    for kind in _KIND_ORDER:
        unknown = [item for item in evidence.items if item.kind == kind and item.status == "unknown"]
        if not unknown:
            continue
        reasons = {item.reason for item in unknown}
        reason = reasons.pop() if len(reasons) == 1 else text.modes[evidence.mode]
        template = text.collapsed_one if len(unknown) == 1 else text.collapsed
        lines.append(ctx.paragraph(template.format(kind=text.kinds[kind], count=len(unknown), reason=reason),
                                   ctx.styles.bullet, limit=REASON_LIMIT))
    return [ctx.heading(text.collapsed_title, ctx.styles.h2), *lines] if lines else []


def _evidence_row(ctx: ReportContext, item: Evidence) -> list[Flowable]:
    text, styles = ctx.wording.evidence, ctx.styles
    muted = ctx.muted_hex
    label = text.checks.get(item.check, item.check)
    check = markup(label, NAME_LIMIT)
    if label != item.check:
        check += f"<br/><font size=\"6.5\" color=\"{muted}\">{markup(item.check, NAME_LIMIT)}</font>"
    record = markup(item.id, NAME_LIMIT)
    if item.raw_sha256:
        record += f"<br/>sha256 {markup(item.raw_sha256[:12], 12)}"
    return [
        Text(check, styles.cell),
        _StatusTag(text.statuses[item.status], ctx.wording.theme.statuses[item.status]),
        ctx.cell(_observed(ctx, item.value), styles.cell_small, limit=VALUE_LIMIT),
        ctx.cell(item.reason, styles.cell_small, limit=REASON_LIMIT),
        Text(f"{markup(utc_minute(item.fetched_at))}<br/><font size=\"6\" color=\"{muted}\">"
             f"{record}</font>", styles.cell_small),
    ]


def _observed(ctx: ReportContext, value: Any) -> str:
    """An observed value in a few words: lists joined, mappings as ``key: value`` pairs, numbers grouped."""
    if value is None or value == "" or value == [] or value == {}:
        return ctx.wording.evidence.no_value
    if isinstance(value, bool):
        return ctx.wording.answer_yes if value else ctx.wording.answer_no
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,g}"
    if isinstance(value, list | tuple):
        return ", ".join(_observed(ctx, part) for part in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_observed(ctx, part)}" for key, part in value.items())
    return str(value)


def _contradictions(ctx: ReportContext, *, known: bool) -> list[Flowable]:
    text, styles = ctx.wording.evidence, ctx.styles
    story: list[Flowable] = [ctx.heading(text.contradictions_title, styles.h2, level=1)]
    contradictions = [finding for finding in ctx.sorted_findings()
                      if finding.rule_id.startswith(CONTRADICTION_PREFIX)]
    if not contradictions:
        story.append(ctx.paragraph(text.no_contradictions if known else text.nothing_checked))
        return story
    story.append(ctx.paragraph(text.contradictions_intro))
    story += [KeepTogether([_contradiction(ctx, finding), Spacer(1, 3 * mm)]) for finding in contradictions]
    return story


def _contradiction(ctx: ReportContext, finding: Finding) -> Table:
    """A finding in brief: what the evidence and the answer disagree on, and both sources."""
    text, styles = ctx.wording.findings, ctx.styles
    title = finding_title(ctx, finding)
    rows: list[list[Flowable]] = [
        [ctx.tag(finding.severity), title],
        [ctx.cell(text.what_it_means, styles.cell_label), ctx.cell(finding.plain)],
        [ctx.cell(text.for_it, styles.cell_label), ctx.cell(finding.technical)],
        [ctx.cell(text.vendor_answer, styles.cell_label), ctx.cell(ctx.answer(finding.answer))],
        [ctx.cell(text.provenance, styles.cell_label),
         ctx.cell(ctx.provenance(finding.provenance), styles.cell_small)],
    ]
    return finding_card(ctx, finding, rows)



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
        canvas.drawCentredString(self.width / 2, (self.height - size * 0.7) / 2, fit(self.label, FONT_BOLD, size,
                                                                                     self.width - 4))
        canvas.restoreState()
