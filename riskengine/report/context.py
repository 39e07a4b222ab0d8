"""What every section of the report is built from: the assessment, the policy's wording, glossary and joint
scorecard, the audience, the theme's palette and styles, and the building blocks the sections share.

Every table has fixed column widths with Paragraph cells, so long words are split instead of breaking the
layout; every text from the assessment goes through ``kit.markup``. A cell whose text is one short line is
drawn as a plain string instead (``_as_strings``): a report has about 2,800 cells, most of them an id, a word
or a number, and reportlab draws a string with one call where a Paragraph costs a text object, a saved and
restored graphics state and its fragments, most of a report's rendering time.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from riskengine.assessment import Assessment
from riskengine.facts import FactValue, Provenance
from riskengine.policy import Policy
from riskengine.register.approvals import SignOff
from riskengine.report.charts import ChartTheme
from riskengine.report.charts import money as whole_units
from riskengine.report.fonts import FONT, FONT_BOLD, paragraph_markup
from riskengine.report.kit import (
    ANSWER_LIMIT,
    CELL_PADDING,
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
from riskengine.report.text import Text
from riskengine.report.wording import Form, Glossary, ReportWording, SectionId
from riskengine.score.profile import Severity
from riskengine.score.result import Finding
from riskengine.tco.result import TcoResult


class _RowSplittingTable(Table):  # type: ignore[misc]
    """A table whose tall rows continue on the next page without failing.

    reportlab (5.1) decides where a row's cell must split after measuring its paragraphs at the column width
    less the cell's side padding, then asks the paragraph to split at the whole column width. At that wider
    width a paragraph can need a line less and fit whole, so it returns one part instead of two and reportlab
    fails with ``IndexError`` (a paragraph that does split is broken into lines too wide for its cell).
    Handing reportlab the width inside the padding, with a cell style whose side padding is zero, makes the
    measure and the split agree; nothing else in the cell depends on its side padding.
    """

    def _splitCell(self, value: Any, style: Any, oldHeight: float, newHeight: float, width: float) -> Any:
        inside = style.copy()
        inside.leftPadding = inside.rightPadding = 0
        return super()._splitCell(value, inside, oldHeight, newHeight,
                                  width - style.leftPadding - style.rightPadding)

    def _splitRows(self, availHeight: float, doInRowSplit: int = 0) -> Any:
        """Before a row is split within its cells, its strings become their paragraphs again: reportlab splits a
        string by 1.2 font sizes a line and keeps its last line's height whole, so the row would split elsewhere
        than the paragraphs the strings stand for (``_as_strings``)."""
        if doInRowSplit:
            row = self._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans=1)
            if row < len(self._cellvalues):
                self._cellvalues[row] = [(value.paragraph,) if isinstance(value, _Lines) else value
                                         for value in self._cellvalues[row]]
        return super()._splitRows(availHeight, doInRowSplit)


_KEY_VALUE_PADDING = 5
_UNBOUNDED = 1e9
"""A height no cell reaches: a cell is measured for its lines, not for a page."""


class _Cell(Text):
    """A cell's paragraph that keeps its text, when that text could be drawn as a plain string: Latin script
    only (the report's font has every character), printable, no line break, single spaces and none at either
    end (what a Paragraph would draw of it is then exactly the text)."""

    literal: str | None = None


class _Lines(str):
    """A cell's text as the lines its paragraph breaks into, for reportlab to draw as a string; ``paragraph`` is
    that paragraph, for a row that splits across pages (``_RowSplittingTable._splitRows``)."""

    paragraph: _Cell


def _literal(text: str) -> str | None:
    if (text and text.isprintable() and max(text) < "\u0250" and "  " not in text and text[0] != " "
            and text[-1] != " "):
        return text
    return None


class _Face(NamedTuple):
    """What a plain-string cell takes from its paragraph style, as TableStyle commands set it: its face."""

    font: str
    size: float
    leading: float
    colour: Any
    align: str


_ALIGN = {TA_LEFT: "LEFT", TA_CENTER: "CENTER", TA_RIGHT: "RIGHT"}


@cache
def _face(style: ParagraphStyle) -> _Face | None:
    """How a cell in ``style`` is drawn as a string; None for a style a string cannot match (indents, a
    background or border, justified or transformed text)."""
    if (style.alignment not in _ALIGN or style.leftIndent or style.rightIndent or style.firstLineIndent
            or style.backColor or style.borderWidth or style.textTransform):
        return None
    return _Face(style.fontName, style.fontSize, style.leading, style.textColor, _ALIGN[style.alignment])


def _as_strings(data: list[list[Any]], widths: Sequence[float], padding: float) -> list[tuple[Any, ...]]:
    """Turn the cells of ``data`` whose text a Paragraph would draw as plain lines into strings, in place; the
    TableStyle commands that give each its paragraph's font, size, leading, colour and alignment.

    The lines are the paragraph's own (broken at the width inside the cell's padding, as the table will ask),
    kept only when none is squeezed to fit (reportlab then narrows its spaces; a string would not). A Paragraph
    starts its first line one font size below the top of its cell's content and steps down one leading a line,
    as reportlab draws a string of lines: the page looks the same. The commands are few: the most common face
    (font, size, leading, colour, alignment) for the whole table, then one rectangle per run of cells in another
    face.
    """
    faces: dict[tuple[int, int], _Face] = {}
    for row, cells in enumerate(data):
        for column, cell in enumerate(cells):
            if not isinstance(cell, _Cell) or cell.literal is None:
                continue
            face = _face(cell.style)
            lines = _plain_lines(cell, cell.literal, face, widths[column] - 2 * padding) if face else None
            if face is not None and lines is not None:
                cells[column] = _Lines("\n".join(lines))
                cells[column].paragraph = cell
                faces[row, column] = face
    if not faces:
        return []
    common = Counter(faces.values()).most_common(1)[0][0]
    commands: list[tuple[Any, ...]] = _face_commands(common, common, (0, 0), (-1, -1), whole=True)
    for start, end, face in _rectangles({place: face for place, face in faces.items() if face != common}):
        commands += _face_commands(face, common, start, end)
    return commands


def _plain_lines(cell: _Cell, text: str, face: _Face, width: float) -> list[str] | None:
    """The lines ``cell`` (of ``text``, in ``face``) breaks into at ``width``, when each is drawn as it is (None
    otherwise). Text that fits is one line, as the paragraph would break it, without asking the paragraph."""
    if stringWidth(text, face.font, face.size) <= width:
        return [text]
    cell.wrap(width, _UNBOUNDED)
    broken = cell.blPara
    if broken.kind != 0 or any(extra_space < -1e-8 for extra_space, _ in broken.lines):
        return None
    return [" ".join(words) for _, words in broken.lines]


def _face_commands(face: _Face, common: _Face, start: tuple[int, int], end: tuple[int, int], *,
                   whole: bool = False) -> list[tuple[Any, ...]]:
    commands: list[tuple[Any, ...]] = []
    if whole or face[:3] != common[:3]:
        commands.append(("FONT", start, end, face.font, face.size, face.leading))
    if whole or face.colour != common.colour:
        commands.append(("TEXTCOLOR", start, end, face.colour))
    if (whole and face.align != "LEFT") or (not whole and face.align != common.align):
        commands.append(("ALIGN", start, end, face.align))
    return commands


def _rectangles(faces: dict[tuple[int, int], _Face]) -> list[tuple[tuple[int, int], tuple[int, int], _Face]]:
    """Cells keyed (row, column) gathered into rectangles of one face: runs along each row, then the same run
    down consecutive rows. Each as TableStyle wants it: (first column, first row), (last column, last row)."""
    runs: list[tuple[int, int, int, _Face]] = []
    for (row, column), face in sorted(faces.items()):
        if runs and runs[-1][0] == row and runs[-1][2] == column - 1 and runs[-1][3] == face:
            runs[-1] = (row, runs[-1][1], column, face)
        else:
            runs.append((row, column, column, face))
    open_spans: dict[tuple[int, int, _Face], list[int]] = {}
    spans: list[tuple[tuple[int, int, _Face], list[int]]] = []
    for row, first, last, face in runs:
        span = open_spans.get((first, last, face))
        if span is not None and span[1] == row - 1:
            span[1] = row
            continue
        if span is not None:
            spans.append(((first, last, face), span))
        open_spans[first, last, face] = [row, row]
    spans += open_spans.items()
    return [((first, top), (last, bottom), face) for (first, last, face), (top, bottom) in spans]


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
        cell = _Cell(paragraph_markup(cleaned), style or self.styles.cell)
        cell.literal = _literal(cleaned)
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
        strings = _as_strings(data, widths, CELL_PADDING)
        # Tried first, in-row splitting needs at least IN_ROW_SPLIT_MIN points on this page; short rows
        # still move whole (reportlab falls back to splitting between rows).
        table = _RowSplittingTable(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT",
                                   splitByRow=0 if split_in_row else 1,
                                   splitInRow=IN_ROW_SPLIT_MIN if split_in_row else 0)
        palette = self.palette
        table.setStyle(themed_table_style(palette.label_fill if light else palette.header_fill,
                                          [colors.white] if light else [colors.white, palette.stripe], palette.rule,
                                          extra=strings))
        return table

    def key_values(self, rows: Sequence[tuple[str, Flowable]], label_width: float,
                   width: float = CONTENT_WIDTH, valign: str = "TOP") -> Table:
        """Label / value pairs, labels in a tinted column."""
        data: list[list[Any]] = [[self.cell(label, self.styles.cell_label), value] for label, value in rows]
        widths = [label_width, width - label_width]
        strings = _as_strings(data, widths, _KEY_VALUE_PADDING)
        table = Table(data, colWidths=widths, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (0, -1), self.palette.label_fill),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, self.palette.rule),
            ("VALIGN", (0, 0), (-1, -1), valign),
            ("LEFTPADDING", (0, 0), (-1, -1), _KEY_VALUE_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), _KEY_VALUE_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            *strings,
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
