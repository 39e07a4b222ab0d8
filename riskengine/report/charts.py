"""The TCO charts, drawn with reportlab.graphics: cumulative cost with bands, and the sensitivity bars.

Both are pure functions of the result, the width and the theme: the same input gives the same drawing,
shape for shape, so the PDF stays byte-identical. Colours come from the report theme; the two options also
differ in line style (solid, dashed), marker (square, circle) and band tint, so greyscale print reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from riskengine.report.wording import OptionTheme, TcoChartWording, Theme
from riskengine.tco.assumptions import OptionId
from riskengine.tco.result import OptionResult, Sensitivity, TcoResult

Point = tuple[float, float]
Scale = Callable[[float], float]
ELLIPSIS = "…"
CHART_HEIGHT = 222.0
OFF_SCALE = 2.0
"""When a P90 exceeds this many times the highest median, the axis stops short of it (the band is cut and
marked): one costly-breach tail would otherwise flatten the lines everyone reads."""
HEADROOM = 1.45
"""The axis then runs to this many times the highest median (or the highest P90 below it)."""
BAND_OPACITY = 0.55
_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class ChartTheme:
    """Colours and fonts of the TCO charts; ``from_theme`` derives them from the report's theme."""

    text: colors.Color
    muted: colors.Color
    rule: colors.Color
    grid: colors.Color
    accent: colors.Color
    lines: dict[OptionId, colors.Color]
    bands: dict[OptionId, colors.Color]
    dashed: dict[OptionId, bool]
    tornado_low: colors.Color
    tornado_high: colors.Color
    font: str = "Helvetica"
    font_bold: str = "Helvetica-Bold"

    @classmethod
    def from_theme(cls, theme: Theme, *, font: str = "Helvetica", font_bold: str = "Helvetica-Bold") -> ChartTheme:
        """The charts' colours from the report theme; the fonts must be registered with reportlab."""
        hex_colour = colors.HexColor
        options: dict[OptionId, OptionTheme] = dict(theme.options)
        return cls(text=hex_colour(theme.text), muted=hex_colour(theme.muted), rule=hex_colour(theme.rule),
                   grid=hex_colour(theme.chart_grid), accent=hex_colour(theme.accent),
                   lines={key: hex_colour(option.line) for key, option in options.items()},
                   bands={key: hex_colour(option.band) for key, option in options.items()},
                   dashed={key: option.style == "dashed" for key, option in options.items()},
                   tornado_low=hex_colour(theme.tornado_low), tornado_high=hex_colour(theme.tornado_high),
                   font=font, font_bold=font_bold)


# --- numbers ---------------------------------------------------------------------------------------------


def money(value: float) -> str:
    """``437,851``: whole units with thousands separators (``-20,251`` below zero, never ``-0``)."""
    rounded = round(value)
    return f"{rounded:,}" if rounded else "0"


def number(value: float) -> str:
    """An assumption's value: ``76,000``, ``71.72``, ``0.003``; whole numbers without decimals."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if value == int(value):
        return str(int(value))
    return f"{value:.4g}"


def thousands(value: float, step: float, wording: TcoChartWording) -> str:
    """A tick value in thousands: ``1,250k``; decimals only when the ticks are closer than a thousand."""
    decimals = 0 if step >= 1000 else 1 if step >= 100 else 2
    number = f"{value / 1000:,.{decimals}f}"
    if number.lstrip("-").strip("0.,") == "":
        return "0"
    return wording.thousands.format(value=number)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values (1, 2, 2.5 or 5 times a power of ten) covering ``low`` to ``high``."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(power * factor for factor in _STEPS if power * factor >= raw * 0.999)
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    ticks = []
    index = 0
    while start + index * step <= end + step * 1e-9:
        ticks.append(round(start + index * step, 6))
        index += 1
    return ticks


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def wrap(text: str, font: str, size: float, width: float, max_lines: int = 2) -> list[str]:
    """``text`` broken into at most ``max_lines`` lines of at most ``width`` points (the last one cut)."""
    lines: list[str] = []
    words = text.split()
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        if len(lines) == max_lines - 1:
            current = " ".join(words[index:])
            break
        current = word
    if current:
        lines.append(current)
    return [_fit(line, font, size, width) for line in lines[:max_lines]]


def clip_below(points: Sequence[Point], ceiling: float) -> list[Point]:
    """The closed polygon ``points`` cut at ``y = ceiling`` (Sutherland-Hodgman against one edge)."""
    clipped: list[Point] = []
    count = len(points)
    for index in range(count):
        current, following = points[index], points[(index + 1) % count]
        inside_now, inside_next = current[1] <= ceiling, following[1] <= ceiling
        if inside_now:
            clipped.append(current)
        if inside_now != inside_next:
            (x1, y1), (x2, y2) = current, following
            share = (ceiling - y1) / (y2 - y1)
            clipped.append((x1 + share * (x2 - x1), ceiling))
    return clipped


def _flat(points: Sequence[Point]) -> list[float]:
    return [coordinate for point in points for coordinate in point]


# --- the cumulative cost chart -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OffScale:
    """A P90 the axis stops short of: the option, the year and the amount (for the caption)."""

    option: OptionId
    title: str
    year: int
    value: float
    leaves: float
    """Where the band leaves the chart, in years from go-live (between two yearly points)."""


@dataclass(frozen=True)
class CostAxis:
    """The value axis of the cumulative chart: its ticks (the last one is the top) and what it cuts off."""

    ticks: tuple[float, ...]
    off_scale: tuple[OffScale, ...]

    @property
    def top(self) -> float:
        return self.ticks[-1]


def cost_axis(tco: TcoResult) -> CostAxis:
    """Ticks from 0 to above every median; a P90 more than ``OFF_SCALE`` times the top median is cut off."""
    medians = [band.p50 for option in tco.options for band in option.cumulative]
    highs = [band.p90 for option in tco.options for band in option.cumulative]
    top_median = max([*medians, 1.0])
    limit = max([*highs, top_median])
    if limit > OFF_SCALE * top_median:
        limit = max([top_median * HEADROOM, *[high for high in highs if high <= top_median * HEADROOM]])
    ticks = tuple(nice_ticks(0.0, limit))
    off: list[OffScale] = []
    for option in tco.options:
        over = [band for band in option.cumulative if band.p90 > ticks[-1]]
        if over:
            last = over[-1]
            off.append(OffScale(option=option.id, title=option.title, year=last.year, value=last.p90,
                                leaves=_crossing(option, ticks[-1])))
    return CostAxis(ticks=ticks, off_scale=tuple(off))


def _crossing(option: OptionResult, ceiling: float) -> float:
    """The first time (in years) the P90 line, straight between yearly points from 0 at go-live, reaches
    ``ceiling``."""
    year, value = 0.0, 0.0
    for band in option.cumulative:
        if band.p90 > ceiling:
            return year + (band.year - year) * (ceiling - value) / (band.p90 - value)
        year, value = float(band.year), band.p90
    return year


def cumulative_cost_chart(tco: TcoResult, width: float, theme: ChartTheme, wording: TcoChartWording,
                          height: float = CHART_HEIGHT) -> Drawing:
    """Cumulative discounted cost by year, 0 to the horizon: each option's median as a line over its P10-P90
    band, the breakeven year marked, a legend on top. Bands cut off by the axis end in a small triangle."""
    drawing = Drawing(width, height)
    axis = cost_axis(tco)
    years = tco.horizon_years
    left, right, bottom, top = 62.0, width - 52.0, 36.0, height - 34.0

    def x_of(year: float) -> float:
        return left + (right - left) * year / years

    def y_of(value: float) -> float:
        return bottom + (top - bottom) * value / axis.top

    step = axis.ticks[1] - axis.ticks[0] if len(axis.ticks) > 1 else axis.top
    # grid and value axis
    for tick in axis.ticks:
        y = y_of(tick)
        drawing.add(Line(left, y, right, y, strokeColor=theme.grid if tick else theme.rule, strokeWidth=0.5))
        drawing.add(String(left - 5, y - 2.6, thousands(tick, step, wording), fontName=theme.font, fontSize=7.5,
                           fillColor=theme.muted, textAnchor="end"))
    label_every = max(1, math.ceil(years / 15))
    for year in range(years + 1):
        x = x_of(year)
        drawing.add(Line(x, bottom, x, bottom - 3, strokeColor=theme.rule, strokeWidth=0.5))
        if year % label_every == 0:
            drawing.add(String(x, bottom - 12, str(year), fontName=theme.font, fontSize=7.5, fillColor=theme.muted,
                               textAnchor="middle"))
    drawing.add(String((left + right) / 2, 6, wording.x_axis, fontName=theme.font, fontSize=8,
                       fillColor=theme.text, textAnchor="middle"))
    y_title = Group(String(0, 0, wording.y_axis.format(currency=tco.currency), fontName=theme.font, fontSize=8,
                           fillColor=theme.text, textAnchor="middle"))
    y_title.transform = (0, 1, -1, 0, 12, (bottom + top) / 2)
    drawing.add(y_title)

    # bands first, then the lines over them
    for option in tco.options:
        upper = [(x_of(0), y_of(0.0))] + [(x_of(band.year), y_of(band.p90)) for band in option.cumulative]
        lower = [(x_of(0), y_of(0.0))] + [(x_of(band.year), y_of(band.p10)) for band in option.cumulative]
        polygon = clip_below([*upper, *reversed(lower)], top)
        drawing.add(Polygon(_flat(polygon), fillColor=theme.bands[option.id], fillOpacity=BAND_OPACITY,
                            strokeColor=None, strokeWidth=0))
    for option in tco.options:
        drawing.add(_median_line(option, x_of, y_of, theme))
    for off in axis.off_scale:
        x = x_of(off.leaves)
        drawing.add(Polygon([x - 4, top + 1, x + 4, top + 1, x, top + 7], fillColor=theme.lines[off.option],
                            strokeColor=None, strokeWidth=0))
    drawing.add(Line(left, bottom, left, top, strokeColor=theme.rule, strokeWidth=0.5))

    _end_labels(drawing, tco.options, right, y_of, step, theme, wording)
    if tco.breakeven_year is not None:
        _breakeven(drawing, x_of(tco.breakeven_year), bottom, top, left,
                   wording.breakeven.format(year=tco.breakeven_year), theme)
    _cost_legend(drawing, tco.options, left, right, height - 12, theme, wording)
    return drawing


def _curve(points: list[float], **style: Any) -> Group:
    """A line through ``points`` (flat x, y pairs); nothing for fewer than two points. An option none of whose
    simulated losses is positive has no point on a loss exceedance curve (a vendor that holds no personal data and
    answers nothing that raises a loss scenario): its curve is not drawn, and the text beside the chart says why."""
    return Group(PolyLine(points, **style)) if len(points) >= 4 else Group()


def _median_line(option: OptionResult, x_of: Scale, y_of: Scale, theme: ChartTheme) -> Group:
    points = [(x_of(0), y_of(0.0))] + [(x_of(band.year), y_of(band.p50)) for band in option.cumulative]
    colour = theme.lines[option.id]
    dashed = theme.dashed[option.id]
    group = Group(PolyLine(_flat(points), strokeColor=colour, strokeWidth=1.8,
                           strokeDashArray=[5, 3] if dashed else None, strokeLineJoin=1))
    for x, y in points[1:]:
        group.add(_marker(x, y, colour, dashed))
    return group


def _marker(x: float, y: float, colour: colors.Color, dashed: bool, size: float = 2.6) -> Circle | Rect:
    """A circle on the dashed option's points, a square on the solid one's."""
    if dashed:
        return Circle(x, y, size, fillColor=colors.white, strokeColor=colour, strokeWidth=1.2)
    return Rect(x - size, y - size, 2 * size, 2 * size, fillColor=colour, strokeColor=colour, strokeWidth=0.5)


def _end_labels(drawing: Drawing, options: Sequence[OptionResult], right: float, y_of: Scale, step: float,
                theme: ChartTheme, wording: TcoChartWording) -> None:
    """Each median's value at the horizon, right of the plot, moved apart when they would overlap."""
    labels = [(y_of(option.cumulative[-1].p50), option) for option in options if option.cumulative]
    labels.sort(key=lambda item: item[0])
    placed: list[float] = []
    for y, _ in labels:
        placed.append(max(y, placed[-1] + 10.0) if placed else y)
    if len(placed) == 2 and placed[1] != labels[1][0]:
        middle = (labels[0][0] + labels[1][0]) / 2
        placed = [middle - 5.0, middle + 5.0]
    for (_, option), y in zip(labels, placed, strict=True):
        text = thousands(option.cumulative[-1].p50, min(step, 1000.0), wording)
        drawing.add(String(right + 6, y - 2.8, text, fontName=theme.font_bold, fontSize=7.5,
                           fillColor=theme.lines[option.id]))


def _breakeven(drawing: Drawing, x: float, bottom: float, top: float, left: float, label: str,
               theme: ChartTheme) -> None:
    drawing.add(Line(x, bottom, x, top, strokeColor=theme.text, strokeWidth=0.9, strokeDashArray=[1.5, 2]))
    size = 7.5
    text_width = pdfmetrics.stringWidth(label, theme.font_bold, size)
    start = x - 5 - text_width if x - 5 - text_width > left + 4 else x + 5
    y = top - 11
    drawing.add(Rect(start - 2, y - 3, text_width + 4, size + 4, fillColor=colors.white, fillOpacity=0.85,
                     strokeColor=None, strokeWidth=0))
    drawing.add(String(start, y, label, fontName=theme.font_bold, fontSize=size, fillColor=theme.text))


def _cost_legend(drawing: Drawing, options: Sequence[OptionResult], left: float, right: float, y: float,
                 theme: ChartTheme, wording: TcoChartWording) -> None:
    """One entry per option (a band swatch with the option's line and marker through it, then its name), and
    what lines and bands mean, right-aligned."""
    x = left
    for option in options:
        colour = theme.lines[option.id]
        dashed = theme.dashed[option.id]
        drawing.add(Rect(x, y - 4, 24, 10, fillColor=theme.bands[option.id], fillOpacity=BAND_OPACITY,
                         strokeColor=None, strokeWidth=0))
        drawing.add(Line(x, y + 1, x + 24, y + 1, strokeColor=colour, strokeWidth=1.8,
                         strokeDashArray=[5, 3] if dashed else None))
        drawing.add(_marker(x + 12, y + 1, colour, dashed))
        label = _fit(wording.legend.format(option=option.title), theme.font_bold, 8, (right - left) / 4)
        drawing.add(String(x + 29, y - 1.8, label, fontName=theme.font_bold, fontSize=8, fillColor=theme.text))
        x += 29 + pdfmetrics.stringWidth(label, theme.font_bold, 8) + 16
    note = _fit(wording.legend_note, theme.font, 7.5, max(right + 40 - x, 0))
    drawing.add(String(right + 40, y - 1.8, note, fontName=theme.font, fontSize=7.5, fillColor=theme.muted,
                       textAnchor="end"))


# --- the sensitivity bars ----------------------------------------------------------------------------------


SENSITIVITY_ROW = 34.0


def likely_difference(tco: TcoResult) -> float:
    """The tornado's centre: the expected difference (built to last minus good enough) on the tornado's own
    trials with nothing pinned, the base every pinned run is compared with."""
    return tco.tornado.base_difference


EFFECTIVENESS_ROW = 22.0
EFFECTIVENESS_BAR = 12.0
EFFECTIVENESS_LABELS = 150.0
_TICK = 5.0


def effectiveness_chart(categories: Sequence[tuple[str, float]], width: float, theme: ChartTheme,
                        bar: colors.Color) -> Drawing:
    """Horizontal bars of control effectiveness (0-100) per category, the first category on top, each bar
    labelled with its value; a grid line every 20.

    Drawn from plain shapes: reportlab's bar chart widget drew the same picture at several times the cost.
    """
    rows = len(categories)
    left, bottom = EFFECTIVENESS_LABELS, 18.0
    plot_width, plot_height = width - left - 30, EFFECTIVENESS_ROW * rows
    drawing = Drawing(width, plot_height + 28)

    def x_of(value: float) -> float:
        return left + plot_width * min(max(value, 0.0), 100.0) / 100.0

    for tick in range(0, 101, 20):
        x = x_of(tick)
        if tick:
            drawing.add(Line(x, bottom, x, bottom + plot_height, strokeColor=theme.grid, strokeWidth=0.5))
        drawing.add(Line(x, bottom, x, bottom - _TICK, strokeColor=theme.rule, strokeWidth=1))
        drawing.add(String(x, bottom - _TICK - 7.5, str(tick), fontName=theme.font, fontSize=7.5,
                           fillColor=theme.muted, textAnchor="middle"))
    for index in range(rows + 1):
        y = bottom + EFFECTIVENESS_ROW * index
        drawing.add(Line(left, y, left - _TICK, y, strokeColor=theme.rule, strokeWidth=1))
    drawing.add(Line(left, bottom, left + plot_width, bottom, strokeColor=theme.rule, strokeWidth=1))
    drawing.add(Line(left, bottom, left, bottom + plot_height, strokeColor=theme.rule, strokeWidth=1))
    for index, (title, value) in enumerate(categories):
        centre = bottom + plot_height - EFFECTIVENESS_ROW * (index + 0.5)
        drawing.add(String(left - 6, centre - 2.8, _fit(title, theme.font, 8, left - 12), fontName=theme.font,
                           fontSize=8, fillColor=theme.text, textAnchor="end"))
        end = x_of(value)
        if end > left:
            drawing.add(Rect(left, centre - EFFECTIVENESS_BAR / 2, end - left, EFFECTIVENESS_BAR, fillColor=bar,
                             strokeColor=None, strokeWidth=0))
        drawing.add(String(end + 3, centre - 2.7, f"{value:.1f}", fontName=theme.font_bold, fontSize=7.5,
                           fillColor=theme.text))
    return drawing


def sensitivity_chart(tco: TcoResult, width: float, theme: ChartTheme, wording: TcoChartWording) -> Drawing:
    """Tornado bars: per input (largest effect on the decision on top) the expected difference with it pinned at
    its low and at its high quantile, every other input random on the same trials, drawn from the difference
    with nothing pinned (the dashed line)."""
    rows: Sequence[Sensitivity] = tco.sensitivity
    base = likely_difference(tco)
    label_width = 150.0
    left, right = label_width + 12, width - 10
    bottom = 40.0
    plot_height = SENSITIVITY_ROW * len(rows) + 8
    top = bottom + plot_height
    height = top + 34
    drawing = Drawing(width, height)
    amounts = [base, 0.0, *[row.difference_at_low for row in rows], *[row.difference_at_high for row in rows]]
    low, high = min(amounts), max(amounts)
    pad = (high - low) * 0.16 or 1000.0
    low, high = low - pad, high + pad
    # room either side of zero for the "cheaper" labels
    needed = {side: pdfmetrics.stringWidth(text, theme.font_bold, 7) + 8 for side, text in (
        ("left", wording.built_to_last_cheaper), ("right", wording.good_enough_cheaper))}
    for _ in range(8):
        ticks = nice_ticks(low, high, count=6)
        first, last = ticks[0], ticks[-1]
        scale = (right - left) / (last - first)
        short_left = needed["left"] - (0.0 - first) * scale
        short_right = needed["right"] - (last - 0.0) * scale
        if short_left <= 0 and short_right <= 0:
            break
        low -= max(short_left, 0) / scale * 1.2
        high += max(short_right, 0) / scale * 1.2
    step = ticks[1] - ticks[0] if len(ticks) > 1 else last - first

    def x_of(value: float) -> float:
        return left + (right - left) * (value - first) / (last - first)

    for tick in ticks:
        x = x_of(tick)
        drawing.add(Line(x, bottom, x, top, strokeColor=theme.grid, strokeWidth=0.5))
        drawing.add(String(x, bottom - 11, thousands(tick, step, wording), fontName=theme.font, fontSize=7,
                           fillColor=theme.muted, textAnchor="middle"))
    drawing.add(Line(left, bottom, right, bottom, strokeColor=theme.rule, strokeWidth=0.5))
    drawing.add(String((left + right) / 2, bottom - 24, wording.tornado_axis.format(currency=tco.currency),
                       fontName=theme.font, fontSize=8, fillColor=theme.text, textAnchor="middle"))
    zero = x_of(0.0)
    drawing.add(String(zero - 4, top + 4, _fit(wording.built_to_last_cheaper, theme.font_bold, 7, zero - left - 4),
                       fontName=theme.font_bold, fontSize=7, fillColor=theme.muted, textAnchor="end"))
    drawing.add(String(zero + 4, top + 4, _fit(wording.good_enough_cheaper, theme.font_bold, 7, right - zero - 4),
                       fontName=theme.font_bold, fontSize=7, fillColor=theme.muted))
    drawing.add(Line(zero, bottom, zero, top + 12, strokeColor=theme.text, strokeWidth=0.9))
    labels: list[String] = []
    for index, row in enumerate(rows):
        centre = top - 4 - SENSITIVITY_ROW * (index + 0.5)
        lines = wrap(row.title, theme.font, 7.5, label_width)
        for line_index, line in enumerate(lines):
            offset = (len(lines) - 1) * 4.5 - line_index * 9
            drawing.add(String(label_width, centre + offset - 2.6, line, fontName=theme.font, fontSize=7.5,
                               fillColor=theme.text, textAnchor="end"))
        for amount, fill, text in (
                (row.difference_at_low, theme.tornado_low, wording.tornado_low.format(value=number(row.low))),
                (row.difference_at_high, theme.tornado_high, wording.tornado_high.format(value=number(row.high)))):
            start, end = x_of(base), x_of(amount)
            drawing.add(Rect(min(start, end), centre - 7, max(abs(end - start), 0.8), 14, fillColor=fill,
                             strokeColor=theme.tornado_high, strokeWidth=0.6))
            right_side = end >= start
            labels.append(String(end + (3 if right_side else -3), centre - 2.5, text, fontName=theme.font,
                                 fontSize=6.5, fillColor=theme.muted, textAnchor="start" if right_side else "end"))
    drawing.add(Line(x_of(base), bottom, x_of(base), top, strokeColor=theme.text, strokeWidth=0.8,
                     strokeDashArray=[3, 2]))
    for label in labels:
        text_width = pdfmetrics.stringWidth(label.text, label.fontName, label.fontSize)
        start = label.x if label.textAnchor == "start" else label.x - text_width
        drawing.add(Rect(start - 1.5, label.y - 2, text_width + 3, label.fontSize + 2.5, fillColor=colors.white,
                         fillOpacity=0.85, strokeColor=None, strokeWidth=0))
        drawing.add(label)
    _tornado_legend(drawing, left, height - 8, theme, wording)
    return drawing


def _tornado_legend(drawing: Drawing, x: float, y: float, theme: ChartTheme, wording: TcoChartWording) -> None:
    for fill, label in ((theme.tornado_low, wording.tornado_legend_low),
                        (theme.tornado_high, wording.tornado_legend_high)):
        drawing.add(Rect(x, y - 3, 14, 8, fillColor=fill, strokeColor=theme.tornado_high, strokeWidth=0.6))
        drawing.add(String(x + 18, y - 1.5, label, fontName=theme.font, fontSize=7.5, fillColor=theme.text))
        x += 18 + pdfmetrics.stringWidth(label, theme.font, 7.5) + 14
    drawing.add(Line(x, y + 1, x + 14, y + 1, strokeColor=theme.text, strokeWidth=0.8, strokeDashArray=[3, 2]))
    drawing.add(String(x + 18, y - 1.5, wording.tornado_legend_base, fontName=theme.font, fontSize=7.5,
                       fillColor=theme.text))


LEC_HEIGHT = 190.0


def loss_exceedance_chart(tco: TcoResult, width: float, theme: ChartTheme, wording: TcoChartWording,
                          height: float = LEC_HEIGHT) -> Drawing:
    """The loss exceedance curve of each option: the chance of losing more than each amount (logarithmic
    amounts), in a year or over the horizon as the organisation states its risk appetite, whose points are drawn
    as a dashed tolerance curve: an option whose curve rises above it is outside the appetite."""
    appetite = tco.risk_appetite
    annual = appetite is None or appetite.period == "year"
    drawing = Drawing(width, height)
    left, right, bottom, top = 62.0, width - 20.0, 36.0, height - 28.0
    curves = [(option, option.loss_exceedance) for option in tco.options if option.loss_exceedance is not None]
    amounts = [amount for _, curve in curves for amount in curve.amounts if amount > 0]
    amounts += [point.loss for point in appetite.points] if appetite is not None else []
    if not amounts:
        return drawing
    low = 10 ** math.floor(math.log10(min(amounts)))
    high = 10 ** math.ceil(math.log10(max(amounts)))

    def x_of(amount: float) -> float:
        return left + (right - left) * (math.log10(max(amount, low)) - math.log10(low)) / (
            math.log10(high) - math.log10(low))

    # The axis ends just above the highest chance drawn: tail chances of a few percent must be readable.
    chances: list[float] = [chance for _, curve in curves for chance in (curve.annual if annual else curve.horizon)]
    chances += [point.probability for point in appetite.points] if appetite is not None else []
    ticks = nice_ticks(0.0, max(0.01, min(1.0, max(chances, default=0.01) * 1.1)), count=5)
    ceiling = ticks[-1]

    def y_of(probability: float) -> float:
        return bottom + (top - bottom) * min(probability, ceiling) / ceiling

    for tick in ticks:
        y = y_of(tick)
        drawing.add(Line(left, y, right, y, strokeColor=theme.grid if tick else theme.rule, strokeWidth=0.5))
        drawing.add(String(left - 5, y - 2.6, f"{tick * 100:g} %", fontName=theme.font, fontSize=7.5,
                           fillColor=theme.muted, textAnchor="end"))
    decade = low
    while decade <= high:
        x = x_of(decade)
        drawing.add(Line(x, bottom, x, bottom - 3, strokeColor=theme.rule, strokeWidth=0.5))
        drawing.add(String(x, bottom - 12, money(decade), fontName=theme.font, fontSize=7, fillColor=theme.muted,
                           textAnchor="middle"))
        decade *= 10
    drawing.add(String((left + right) / 2, 6, wording.lec_x_axis.format(currency=tco.currency),
                       fontName=theme.font, fontSize=8, fillColor=theme.text, textAnchor="middle"))
    y_title = Group(String(0, 0, wording.lec_y_axis_year if annual else wording.lec_y_axis_horizon,
                           fontName=theme.font, fontSize=8, fillColor=theme.text, textAnchor="middle"))
    y_title.transform = (0, 1, -1, 0, 12, (bottom + top) / 2)
    drawing.add(y_title)
    for option, curve in curves:
        drawn = curve.annual if annual else curve.horizon
        points = [value for amount, chance in zip(curve.amounts, drawn, strict=True) if amount > 0
                  for value in (x_of(amount), y_of(chance))]
        drawing.add(_curve(points, strokeColor=theme.lines[option.id], strokeWidth=1.6,
                           strokeDashArray=None if option.id == "built_to_last" else [4, 2]))
    if appetite is not None:
        points = [value for point in appetite.points for value in (x_of(point.loss), y_of(point.probability))]
        drawing.add(_curve(points, strokeColor=theme.text, strokeWidth=0.9, strokeDashArray=[1.5, 2]))
        for point in appetite.points:
            drawing.add(Circle(x_of(point.loss), y_of(point.probability), 2.2, fillColor=theme.text,
                               strokeColor=None))
    x = left
    for option, _ in curves:
        drawing.add(Line(x, height - 12, x + 16, height - 12, strokeColor=theme.lines[option.id], strokeWidth=1.6,
                         strokeDashArray=None if option.id == "built_to_last" else [4, 2]))
        label = wording.legend.format(option=option.title)
        drawing.add(String(x + 20, height - 14.5, label, fontName=theme.font, fontSize=7.5, fillColor=theme.text))
        x += 28 + pdfmetrics.stringWidth(label, theme.font, 7.5)
    if appetite is not None:
        drawing.add(Line(x, height - 12, x + 16, height - 12, strokeColor=theme.text, strokeWidth=0.9,
                         strokeDashArray=[1.5, 2]))
        drawing.add(String(x + 20, height - 14.5, wording.lec_appetite, fontName=theme.font, fontSize=7.5,
                           fillColor=theme.text))
    return drawing


PART_COLOURS = ("#2E6DA4", "#7FA7CF", "#C9A227", "#8C8C8C", "#B5452F")
"""One colour per part of the cost, in the order of the parts (the last is the expected loss)."""


def cost_parts_chart(bars: Sequence[tuple[str, Sequence[float]]], parts: Sequence[str], width: float,
                     theme: ChartTheme, currency: str) -> Drawing:
    """One horizontal bar per option, split into the parts of its expected total (what is paid to the vendor,
    setting up, running it, leaving, expected losses): the parts add up to the total printed at the bar's end."""
    label_width, row, bar = 96.0, 30.0, 16.0
    left, right, bottom = label_width + 8, width - 70.0, 26.0
    height = bottom + row * len(bars) + 30
    drawing = Drawing(width, height)
    top_value = max((sum(values) for _, values in bars), default=1.0) or 1.0
    ticks = nice_ticks(0.0, top_value, count=4)

    def x_of(value: float) -> float:
        return left + (right - left) * value / ticks[-1]

    for tick in ticks:
        drawing.add(Line(x_of(tick), bottom, x_of(tick), bottom + row * len(bars), strokeColor=theme.grid,
                         strokeWidth=0.5))
        drawing.add(String(x_of(tick), bottom - 10, money(tick), fontName=theme.font, fontSize=7,
                           fillColor=theme.muted, textAnchor="middle"))
    for index, (title, values) in enumerate(bars):
        centre = bottom + row * (len(bars) - index - 0.5)
        drawing.add(String(label_width, centre - 3, _fit(title, theme.font_bold, 8.5, label_width),
                           fontName=theme.font_bold, fontSize=8.5, fillColor=theme.text, textAnchor="end"))
        start = 0.0
        for value, colour in zip(values, PART_COLOURS, strict=False):
            if value > 0:
                drawing.add(Rect(x_of(start), centre - bar / 2, x_of(start + value) - x_of(start), bar,
                                 fillColor=colors.HexColor(colour), strokeColor=colors.white, strokeWidth=0.5))
            start += max(value, 0.0)
        drawing.add(String(x_of(start) + 4, centre - 3, f"{currency} {money(sum(values))}", fontName=theme.font_bold,
                           fontSize=8, fillColor=theme.text))
    x = left
    for part, colour in zip(parts, PART_COLOURS, strict=False):
        drawing.add(Rect(x, height - 14, 8, 8, fillColor=colors.HexColor(colour), strokeColor=None))
        drawing.add(String(x + 11, height - 13, part, fontName=theme.font, fontSize=7, fillColor=theme.text))
        x += 22 + pdfmetrics.stringWidth(part, theme.font, 7)
    return drawing
