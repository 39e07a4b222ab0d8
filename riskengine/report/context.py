"""What every section of the report is built from: the assessment, the policy's wording, glossary and joint
scorecard, the audience, the theme's palette and styles, and the building blocks the sections share.

Every table has fixed column widths with Paragraph cells, so long words are split instead of breaking the
layout; every text from the assessment goes through ``kit.markup``. A table is a ``tables.ReportTable``: a cell
made by ``cell`` whose text is plain lines is drawn as a string, and the plain cells' lines in one text object.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from riskengine.assessment import Assessment
from riskengine.facts import FactValue, Provenance
from riskengine.policy import Policy
from riskengine.register.approvals import Seal, SignOff
from riskengine.report.charts import ChartTheme
from riskengine.report.charts import money as whole_units
from riskengine.report.fonts import FONT, FONT_BOLD, paragraph_markup
from riskengine.report.kit import (
    ANSWER_LIMIT,
    CONTENT_WIDTH,
    IN_ROW_SPLIT_MIN,
    LONG_TABLE_START,
    NAME_LIMIT,
    SEVERITY_ORDER,
    Heading,
    Palette,
    Styles,
    clean,
    look,
    markup,
    themed_table_style,
)
from riskengine.report.scorecard import ScorecardSpec
from riskengine.report.tables import Cell, ReportTable, literal
from riskengine.report.text import Text
from riskengine.report.wording import Form, Glossary, ReportWording, SectionId
from riskengine.score.profile import Severity
from riskengine.score.result import Finding
from riskengine.tco.result import TcoResult

_KEY_VALUE_PADDING = 5


@dataclass(frozen=True)
class ReportContext:
    """One report being built: one assessment for one audience. Sections read it and never change it; only
    the outline's keys advance, one per bookmarked heading, in the order the headings are made."""

    assessment: Assessment
    wording: ReportWording
    glossary: Glossary
    scorecard: ScorecardSpec
    audience_label: str
    sections: tuple[SectionId, ...]
    """The sections of this audience's report, in order (a section may say less when another follows)."""
    palette: Palette
    styles: Styles
    signoffs: tuple[SignOff, ...] = ()
    """The sign-offs the register held of the assessment when the report was rendered, in the order given."""
    seal: Seal | None = None
    """For a report issued digitally signed (``riskengine.signing``): who signs it, said on the sign-off page."""
    forms: Mapping[SectionId, Form] = field(default_factory=dict)
    """The form of each section this audience's report does not show whole (``form``)."""
    _outline_keys: Iterator[int] = field(default_factory=lambda: itertools.count(1), repr=False, compare=False)

    @classmethod
    def create(cls, assessment: Assessment, policy: Policy, audience: str) -> ReportContext:
        """The context of ``audience``'s report, worded by ``policy``; ``UsageError`` for an unknown audience."""
        spec = policy.wording.audience(audience)
        palette, styles = look(policy.wording)
        return cls(assessment=assessment, wording=policy.wording, glossary=policy.glossary,
                   scorecard=policy.scorecard, audience_label=spec.label, sections=spec.sections, palette=palette,
                   styles=styles, forms=spec.forms)

    @property
    def muted_hex(self) -> str:
        """The muted theme colour for inline ``<font color>`` (validated as #RRGGBB, so safe in markup)."""
        return self.wording.theme.muted

    # --- headings and text ---

    def heading(self, text: str, style: ParagraphStyle, level: int | None = None) -> Paragraph:
        """A heading; with a ``level`` it is also a bookmark in the PDF's outline."""
        heading = Heading(markup(text, NAME_LIMIT), style)
        if level is not None:
            heading.outline_key = f"section-{next(self._outline_keys)}"
            heading.outline_title = clean(text, NAME_LIMIT).replace("\n", " ")
            heading.outline_level = level
        return heading

    def section(self, section: SectionId) -> Paragraph:
        """The section's title, at the top of the outline."""
        return self.heading(self.wording.sections[section], self.styles.h1, level=0)

    def long_table_heading(self, text: str, level: int | None = None,
                           style: ParagraphStyle | None = None) -> list[Flowable]:
        """A heading for a table that may run over pages: it starts on this page when a few rows fit.

        keepWithNext would keep the heading with the whole table and move both to the next page, leaving
        most of this one blank.
        """
        return [CondPageBreak(LONG_TABLE_START), self.heading(text, style or self.styles.h2_long_table, level)]

    def paragraph(self, text: str, style: ParagraphStyle | None = None, limit: int = ANSWER_LIMIT) -> Paragraph:
        return Text(markup(text, limit), style or self.styles.body)

    def cell(self, text: str, style: ParagraphStyle | None = None, limit: int = ANSWER_LIMIT) -> Paragraph:
        """``text`` shown literally in a table cell; ``table`` and ``key_values`` draw it as a plain string
        when it is one line at its column's width."""
        cleaned = clean(text, limit)
        cell = Cell(paragraph_markup(cleaned), style or self.styles.cell)
        cell.literal = literal(cleaned)
        return cell

    def rule_ids(self, rule_ids: Sequence[str]) -> str:
        """Rule ids in small muted type, to follow a text in the same Paragraph."""
        return (f"<font size=\"6.5\" color=\"{self.muted_hex}\">{markup(', '.join(rule_ids), NAME_LIMIT)}"
                "</font>")

    def tag(self, severity: Severity) -> Paragraph:
        """The severity in capitals, white: the cell behind it is filled in the severity's colour."""
        return self.cell(self.wording.severities[severity].upper(), self.styles.tag)

    # --- tables ---

    def table(self, header: Sequence[str | Flowable], rows: Sequence[Sequence[Flowable]], widths: Sequence[float],
              *, split_in_row: bool = False, light: bool = False) -> Table:
        """A themed table whose header row repeats on every page it spans.

        ``split_in_row`` lets a tall row (a long answer) continue on the next page instead of leaving the
        rest of this one blank. ``light`` gives a tinted header and no stripes, for what is advisable only.
        """
        head_style = self.styles.cell_head_light if light else self.styles.cell_head
        data = [[self.cell(title, head_style) if isinstance(title, str) else title for title in header],
                *[list(row) for row in rows]]
        # Tried first, in-row splitting needs at least IN_ROW_SPLIT_MIN points on this page; short rows
        # still move whole (reportlab falls back to splitting between rows).
        table = ReportTable(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT",
                            splitByRow=0 if split_in_row else 1, splitInRow=IN_ROW_SPLIT_MIN if split_in_row else 0)
        palette = self.palette
        table.setStyle(themed_table_style(palette.label_fill if light else palette.header_fill,
                                          [colors.white] if light else [colors.white, palette.stripe], palette.rule))
        return table

    def key_values(self, rows: Sequence[tuple[str, Flowable]], label_width: float,
                   width: float = CONTENT_WIDTH, valign: str = "TOP") -> Table:
        """Label / value pairs, labels in a tinted column."""
        data: list[list[Any]] = [[self.cell(label, self.styles.cell_label), value] for label, value in rows]
        table = ReportTable(data, colWidths=[label_width, width - label_width], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (0, -1), self.palette.label_fill),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, self.palette.rule),
            ("VALIGN", (0, 0), (-1, -1), valign),
            ("LEFTPADDING", (0, 0), (-1, -1), _KEY_VALUE_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), _KEY_VALUE_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        return table

    def chart_theme(self) -> ChartTheme:
        """The charts' colours and fonts, from the report's theme."""
        return ChartTheme.from_theme(self.wording.theme, font=FONT, font_bold=FONT_BOLD)

    # --- what the assessment says, in the report's words ---

    def provenance(self, provenance: Sequence[Provenance]) -> str:
        return "; ".join(str(item) for item in provenance) or self.wording.none

    def answer(self, value: FactValue) -> str:
        """A vendor's answer as the report prints it: yes/no in the wording's words, lists joined."""
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

    def sorted_findings(self) -> list[Finding]:
        """The findings, most severe first, then by points lost and rule id."""
        rank = {severity: index for index, severity in enumerate(SEVERITY_ORDER)}
        return sorted(self.assessment.findings,
                      key=lambda finding: (rank[finding.severity], -finding.points_lost, finding.rule_id))

    def coverage_figures(self) -> dict[str, str]:
        """The placeholders of the coverage sentences: format, mapping, answered, total, percent, open."""
        coverage, text = self.assessment.coverage, self.wording.coverage
        assert coverage is not None
        name = f"{text.formats.get(coverage.format, coverage.format)} {coverage.format_version}".strip()
        return {"format": name, "mapping": coverage.mapping, "answered": str(coverage.answers_mapped),
                "total": str(coverage.questions_total), "percent": f"{coverage.percent:.0f}",
                "open": str(len(coverage.not_covered))}

    def money(self, value: float) -> str:
        """``EUR 437,851``: in the TCO result's currency."""
        tco = self.assessment.tco
        return f"{tco.currency} {whole_units(value)}" if tco is not None else whole_units(value)

    def horizon(self, tco: TcoResult) -> str:
        """``5 years``: the TCO's horizon in the wording's words."""
        text = self.wording.tco
        return text.horizon_one if tco.horizon_years == 1 else text.horizon.format(years=tco.horizon_years)

    def form(self, section: SectionId) -> Form:
        """How this report shows ``section``: ``whole``, ``compact`` or ``short`` (templates/report.yaml)."""
        return self.forms.get(section, "whole")
