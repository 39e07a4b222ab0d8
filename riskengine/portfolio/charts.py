"""The portfolio's charts, drawn with reportlab.graphics: vendors per tier split by decision, the candidates'
control effectiveness per category side by side, and one vendor's offers by expected cost.

Pure functions of their input, the width and the theme, so the PDFs stay byte-identical. Colour is never the
only cue: segments carry their counts, bars their candidate's letter, and the fills differ in lightness.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from riskengine.portfolio.layout import fit, hex_colour, ink_on
from riskengine.portfolio.rows import DECISION_ORDER, OPTION_ORDER, TIER_ORDER
from riskengine.portfolio.wording import PortfolioWording
from riskengine.report.charts import nice_ticks, wrap
from riskengine.report.fonts import FONT, FONT_BOLD
from riskengine.report.wording import Theme
from riskengine.score.profile import Decision, Tier
from riskengine.tco.assumptions import OptionId

SEGMENT_LABEL_MIN = 11.0
"""Height (points) a segment needs for its count to be written inside it."""


def counts_chart(counts: Mapping[Tier, Mapping[Decision, int]], width: float, height: float,
                 wording: PortfolioWording, theme: Theme) -> Drawing:
    """One stacked bar per tier (low to critical): approvals at the bottom, rejections on top, each bar with
    its total and, when it has more than one segment, each segment with its count."""
    drawing = Drawing(width, height)
    text, muted, rule = hex_colour(theme.text), hex_colour(theme.muted), hex_colour(theme.rule)
    left, right, bottom = 34.0, width - 8.0, 22.0
    legend = _legend_lines([(wording.theme.decision_bars[decision], wording.decisions[decision])
                            for decision in DECISION_ORDER], right - left)
    top = height - 30.0 - LEGEND_LINE * (len(legend) - 1)
    totals = {tier: sum(counts[tier].values()) for tier in TIER_ORDER}
    highest = max([*totals.values(), 1])
    ticks = [float(value) for value in range(highest + 1)] if highest <= 6 else nice_ticks(0.0, float(highest), 5)
    ticks = [tick for tick in ticks if tick == int(tick)]
    ceiling = max(ticks[-1], float(highest))

    def y_of(value: float) -> float:
        return bottom + (top - bottom) * value / ceiling

    for tick in ticks:
        drawing.add(Line(left, y_of(tick), right, y_of(tick), strokeColor=hex_colour(theme.chart_grid) if tick
                         else rule, strokeWidth=0.5))
        drawing.add(String(left - 5, y_of(tick) - 2.6, f"{int(tick)}", fontName=FONT, fontSize=7.5,
                           fillColor=muted, textAnchor="end"))
    axis = String(0, 0, wording.portfolio.chart_axis, fontName=FONT, fontSize=7.5, fillColor=text,
                  textAnchor="middle")
    label = Group(axis)
    label.transform = (0, 1, -1, 0, 9, (bottom + top) / 2)
    drawing.add(label)
    slot = (right - left) / len(TIER_ORDER)
    bar = min(54.0, slot * 0.55)
    for index, tier in enumerate(TIER_ORDER):
        centre = left + slot * (index + 0.5)
        base = 0
        for decision in DECISION_ORDER:
            count = counts[tier].get(decision, 0)
            if not count:
                continue
            fill = wording.theme.decision_bars[decision]
            y0, y1 = y_of(base), y_of(base + count)
            drawing.add(Rect(centre - bar / 2, y0, bar, y1 - y0, fillColor=hex_colour(fill),
                             strokeColor=colors.white, strokeWidth=0.8))
            if count < totals[tier] and y1 - y0 >= SEGMENT_LABEL_MIN:
                drawing.add(String(centre, (y0 + y1) / 2 - 3, str(count), fontName=FONT_BOLD, fontSize=8,
                                   fillColor=ink_on(fill), textAnchor="middle"))
            base += count
        drawing.add(String(centre, y_of(totals[tier]) + 3, str(totals[tier]), fontName=FONT_BOLD, fontSize=8,
                           fillColor=text, textAnchor="middle"))
        drawing.add(String(centre, bottom - 12, fit(wording.tiers[tier], FONT, 8, slot - 4), fontName=FONT,
                           fontSize=8, fillColor=text, textAnchor="middle"))
    for index, line in enumerate(legend):
        _legend(drawing, line, left, right, height - 10 - LEGEND_LINE * index, text)
    return drawing


LEGEND_LINE = 11.0
"""Height of a line of the counts chart's legend; the entries take a second line when one is too narrow."""


def _legend_entry_width(title: str) -> float:
    return 28 + float(pdfmetrics.stringWidth(title, FONT, 7.5))


def _legend_lines(entries: Sequence[tuple[str, str]], room: float) -> list[list[tuple[str, str]]]:
    """The legend's entries in lines of whole labels, as many to a line as fit in ``room``."""
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0.0
    for entry in entries:
        width = _legend_entry_width(entry[1])
        if lines[-1] and used + width - 14 > room:
            lines.append([])
            used = 0.0
        lines[-1].append(entry)
        used += width
    return lines


def _legend(drawing: Drawing, entries: Sequence[tuple[str, str]], left: float, right: float, y: float,
            text: colors.Color) -> None:
    x = left
    for fill, title in entries:
        drawing.add(Rect(x, y - 2, 10, 8, fillColor=hex_colour(fill), strokeColor=text, strokeWidth=0.3))
        label = fit(title, FONT, 7.5, right - x - 14)
        drawing.add(String(x + 14, y - 0.5, label, fontName=FONT, fontSize=7.5, fillColor=text))
        x += _legend_entry_width(label)


@dataclass(frozen=True)
class ScoreSeries:
    """One candidate's bars: its letter, name, colour and effectiveness per charted category (None: n/a)."""

    letter: str
    name: str
    colour: str
    values: tuple[float | None, ...]


SCORE_CHART_HEIGHT = 190.0


def scores_chart(categories: Sequence[str], series: Sequence[ScoreSeries], width: float, wording: PortfolioWording,
                 theme: Theme, height: float = SCORE_CHART_HEIGHT) -> Drawing:
    """Grouped bars: per category, one bar per candidate on a 0-100 axis, the candidate's letter on each bar;
    "n/a" where no control of the category applies to that candidate."""
    drawing = Drawing(width, height)
    text, muted = hex_colour(theme.text), hex_colour(theme.muted)
    legend_rows = _legend_rows(series, width - 40)
    left, right, bottom = 40.0, width - 6.0, 34.0
    top = height - 16.0 - 12.0 * len(legend_rows)

    def y_of(value: float) -> float:
        return bottom + (top - bottom) * value / 100.0

    for tick in range(0, 101, 20):
        drawing.add(Line(left, y_of(tick), right, y_of(tick), strokeColor=hex_colour(theme.chart_grid) if tick
                         else hex_colour(theme.rule), strokeWidth=0.5))
        drawing.add(String(left - 5, y_of(tick) - 2.6, str(tick), fontName=FONT, fontSize=7.5, fillColor=muted,
                           textAnchor="end"))
    axis = Group(String(0, 0, wording.comparison.chart_axis, fontName=FONT, fontSize=7.5, fillColor=text,
                        textAnchor="middle"))
    axis.transform = (0, 1, -1, 0, 9, (bottom + top) / 2)
    drawing.add(axis)
    slot = (right - left) / max(len(categories), 1)
    bar = min(20.0, slot * 0.8 / max(len(series), 1))
    for index, title in enumerate(categories):
        centre = left + slot * (index + 0.5)
        start = centre - bar * len(series) / 2
        for number, candidate in enumerate(series):
            x = start + bar * number
            value = candidate.values[index]
            if value is None:
                drawing.add(String(x + bar / 2, bottom + 2, wording.comparison.not_applicable, fontName=FONT,
                                   fontSize=5.5, fillColor=muted, textAnchor="middle"))
                continue
            drawing.add(Rect(x, bottom, bar, max(y_of(value) - bottom, 0.6), fillColor=hex_colour(candidate.colour),
                             strokeColor=text, strokeWidth=0.3))
            drawing.add(String(x + bar / 2, y_of(value) + 2.5, candidate.letter, fontName=FONT_BOLD,
                               fontSize=min(7.0, bar * 0.8), fillColor=text, textAnchor="middle"))
        for line, part in enumerate(wrap(title, FONT, 7.5, slot - 4)):
            drawing.add(String(centre, bottom - 11 - 9 * line, part, fontName=FONT, fontSize=7.5, fillColor=text,
                               textAnchor="middle"))
    y = height - 10
    for row in legend_rows:
        x = left
        for candidate in row:
            drawing.add(Rect(x, y - 2, 10, 8, fillColor=hex_colour(candidate.colour), strokeColor=text,
                             strokeWidth=0.3))
            label = _legend_label(candidate)
            drawing.add(String(x + 14, y - 0.5, label, fontName=FONT_BOLD, fontSize=7.5, fillColor=text))
            x += 14 + pdfmetrics.stringWidth(label, FONT_BOLD, 7.5) + 16
        y -= 12
    return drawing


LEGEND_NAME_WIDTH = 200.0


def _legend_label(candidate: ScoreSeries) -> str:
    return f"{candidate.letter}  " + fit(candidate.name, FONT_BOLD, 7.5, LEGEND_NAME_WIDTH)


def _legend_rows(series: Sequence[ScoreSeries], width: float) -> list[list[ScoreSeries]]:
    """The legend's entries in as few rows as fit ``width``."""
    rows: list[list[ScoreSeries]] = [[]]
    used = 0.0
    for candidate in series:
        needed = 14 + pdfmetrics.stringWidth(_legend_label(candidate), FONT_BOLD, 7.5) + 16
        if rows[-1] and used + needed > width:
            rows.append([])
            used = 0.0
        rows[-1].append(candidate)
        used += needed
    return rows


@dataclass(frozen=True)
class TotalBar:
    """One bar of the offers chart: an offer in one adoption style, its expected and typical totals."""

    label: str
    option: OptionId
    expected: float
    typical: float
    value: str
    """The expected total as written beside the bar (``EUR 582,946``)."""


TOTAL_ROW = 22.0
"""Height of one bar's row (points); the chart grows with the bars."""
TOTAL_LABEL_WIDTH = 210.0
TOTAL_VALUE_WIDTH = 78.0


def totals_chart(bars: Sequence[TotalBar], width: float, axis: str, wording: PortfolioWording,
                 theme: Theme) -> Drawing:
    """Horizontal bars of the expected totals, lowest first, each with a diamond at its typical total; the bars
    are filled in the report's colours of their adoption style, and each carries its figure."""
    legend_height, bottom = 18.0, 30.0
    height = legend_height + bottom + TOTAL_ROW * max(len(bars), 1)
    drawing = Drawing(width, height)
    text, muted = hex_colour(theme.text), hex_colour(theme.muted)
    left, right = TOTAL_LABEL_WIDTH, width - TOTAL_VALUE_WIDTH
    top = height - legend_height
    highest = max([*(bar.expected for bar in bars), *(bar.typical for bar in bars), 1.0])
    ticks = nice_ticks(0.0, highest, 5)
    ceiling = ticks[-1]

    def x_of(value: float) -> float:
        return left + (right - left) * max(value, 0.0) / ceiling

    for tick in ticks:
        drawing.add(Line(x_of(tick), bottom, x_of(tick), top, strokeColor=hex_colour(theme.chart_grid) if tick
                         else hex_colour(theme.rule), strokeWidth=0.5))
        drawing.add(String(x_of(tick), bottom - 10, f"{tick:,.0f}", fontName=FONT, fontSize=7, fillColor=muted,
                           textAnchor="middle"))
    drawing.add(String((left + right) / 2, bottom - 22, fit(axis, FONT, 7.5, right - left), fontName=FONT,
                       fontSize=7.5, fillColor=text, textAnchor="middle"))
    for index, bar in enumerate(bars):
        centre = top - TOTAL_ROW * (index + 0.5)
        style = theme.options[bar.option]
        drawing.add(Rect(left, centre - 6, max(x_of(bar.expected) - left, 0.6), 12,
                         fillColor=hex_colour(style.band), strokeColor=hex_colour(style.line), strokeWidth=0.8))
        drawing.add(String(left - 6, centre - 2.8, fit(bar.label, FONT, 8, left - 10), fontName=FONT, fontSize=8,
                           fillColor=text, textAnchor="end"))
        drawing.add(String(x_of(bar.expected) + 4, centre - 2.8, bar.value, fontName=FONT_BOLD, fontSize=7.5,
                           fillColor=text))
        drawing.add(_diamond(x_of(bar.typical), centre, text))
    _totals_legend(drawing, bars, left, height - 10, wording, theme)
    return drawing


def _diamond(x: float, y: float, colour: colors.Color, size: float = 4.0) -> Polygon:
    return Polygon([x, y - size, x + size, y, x, y + size, x - size, y], fillColor=colors.white, strokeColor=colour,
                   strokeWidth=1.2)


def _totals_legend(drawing: Drawing, bars: Sequence[TotalBar], x: float, y: float, wording: PortfolioWording,
                   theme: Theme) -> None:
    text = hex_colour(theme.text)
    shown = [option for option in OPTION_ORDER if any(bar.option == option for bar in bars)]
    for option in shown:
        style = theme.options[option]
        drawing.add(Rect(x, y - 2, 10, 8, fillColor=hex_colour(style.band), strokeColor=hex_colour(style.line),
                         strokeWidth=0.8))
        label = wording.offers.legend_expected.format(option=wording.options[option])
        drawing.add(String(x + 14, y - 0.5, label, fontName=FONT, fontSize=7.5, fillColor=text))
        x += 28 + pdfmetrics.stringWidth(label, FONT, 7.5)
    drawing.add(_diamond(x + 5, y + 2, text, 3.5))
    drawing.add(String(x + 14, y - 0.5, wording.offers.legend_typical, fontName=FONT, fontSize=7.5, fillColor=text))
