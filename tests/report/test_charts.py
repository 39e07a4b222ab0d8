"""The charts: the TCO's deterministic, both options told apart without colour, the breakeven and off-scale tails
marked; the control effectiveness bars to scale."""

from __future__ import annotations

import pytest
import reportlab.rl_config
from reportlab.graphics.shapes import Drawing, Group, Polygon, PolyLine, Rect, Shape, String
from reportlab.lib import colors

from riskengine.report.charts import (
    EFFECTIVENESS_LABELS,
    ChartTheme,
    clip_below,
    cost_axis,
    cumulative_cost_chart,
    effectiveness_chart,
    likely_difference,
    money,
    nice_ticks,
    number,
    sensitivity_chart,
    thousands,
    wrap,
)
from riskengine.report.wording import load_wording
from riskengine.tco.assumptions import load_assumptions
from riskengine.tco.result import TcoResult, YearBand
from riskengine.tco.simulation import total_cost_of_ownership
from tests.tco.factory import make_inputs

WIDTH = 493.0


@pytest.fixture(scope="module")
def tco() -> TcoResult:
    return total_cost_of_ownership(make_inputs(horizon_years=5), load_assumptions(), trials=2_000, seed=11)


def _theme() -> ChartTheme:
    return ChartTheme.from_theme(load_wording().theme)


def _chart(tco: TcoResult) -> Drawing:
    return cumulative_cost_chart(tco, WIDTH, _theme(), load_wording().tco.chart)


def _shapes(node: Shape) -> list[tuple[object, ...]]:
    """Every shape with every property, groups flattened with their transforms: what the PDF will draw."""
    if isinstance(node, Group):
        return [("Group", tuple(node.transform)), *(shape for child in node.contents for shape in _shapes(child))]
    return [(type(node).__name__, tuple(sorted((key, repr(value)) for key, value in node.getProperties().items())))]


def _flat(node: Shape) -> list[Shape]:
    if isinstance(node, Group):
        return [shape for child in node.contents for shape in _flat(child)]
    return [node]


def _strings(drawing: Drawing) -> list[str]:
    return [shape.text for shape in _flat(drawing) if isinstance(shape, String)]


def _with_bands(tco: TcoResult, option: int, bands: list[tuple[float, float, float]]) -> TcoResult:
    """``tco`` with option ``option``'s cumulative bands replaced by (p10, p50, p90) per year."""
    cumulative = tuple(YearBand(year=year, p10=p10, p50=p50, p90=p90, mean=p50)
                       for year, (p10, p50, p90) in enumerate(bands, start=1))
    options = list(tco.options)
    options[option] = options[option].model_copy(update={"cumulative": cumulative})
    return tco.model_copy(update={"options": tuple(options), "horizon_years": len(bands)})


def test_the_same_result_gives_the_same_drawing_twice(tco: TcoResult, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = _chart(tco), _chart(tco)
    assert _shapes(first) == _shapes(second)
    theme, wording = _theme(), load_wording().tco.chart
    bars = [sensitivity_chart(tco, WIDTH, theme, wording) for _ in range(2)]
    assert _shapes(bars[0]) == _shapes(bars[1])
    # and the same PDF, once reportlab's own clock is out of the way
    monkeypatch.setattr(reportlab.rl_config, "invariant", 1)
    assert first.asString("pdf") == second.asString("pdf")
    assert bars[0].asString("pdf") == bars[1].asString("pdf")


def test_options_differ_in_line_style_marker_and_band_tint(tco: TcoResult) -> None:
    """Greyscale print: one solid and one dashed median line, different band tints, a legend entry each."""
    drawing = _chart(tco)
    lines = [shape for shape in _flat(drawing) if isinstance(shape, PolyLine)]
    assert len(lines) == 2
    assert sorted(bool(line.strokeDashArray) for line in lines) == [False, True]
    bands = [shape for shape in _flat(drawing) if isinstance(shape, Polygon) and shape.fillOpacity]
    assert len(bands) == 2
    assert bands[0].fillColor != bands[1].fillColor
    grey = [0.299 * band.fillColor.red + 0.587 * band.fillColor.green + 0.114 * band.fillColor.blue
            for band in bands]
    assert abs(grey[0] - grey[1]) > 0.1  # the tints differ in lightness, not only in hue
    strings = _strings(drawing)
    for option in tco.options:
        assert option.title in strings
    wording = load_wording().tco.chart
    assert wording.x_axis in strings
    assert wording.y_axis.format(currency=tco.currency) in strings


def test_lines_start_at_zero_and_span_every_year(tco: TcoResult) -> None:
    drawing = _chart(tco)
    lines = [shape for shape in _flat(drawing) if isinstance(shape, PolyLine)]
    for line in lines:
        points = list(zip(line.points[::2], line.points[1::2], strict=True))
        assert len(points) == tco.horizon_years + 1
        assert points == sorted(points)  # left to right, cumulative costs only rise
    bottom = min(shape.y for shape in _flat(drawing) if isinstance(shape, String) and shape.text.isdigit())
    years = [shape.text for shape in _flat(drawing) if isinstance(shape, String) and shape.y == bottom]
    assert years == [str(year) for year in range(tco.horizon_years + 1)]


def test_breakeven_is_marked_only_when_there_is_one(tco: TcoResult) -> None:
    label = load_wording().tco.chart.breakeven
    marked = _chart(tco.model_copy(update={"breakeven_year": 3}))
    assert label.format(year=3) in _strings(marked)
    unmarked = _chart(tco.model_copy(update={"breakeven_year": None}))
    assert not any(text.startswith(label.split("{")[0]) for text in _strings(unmarked))


def test_a_heavy_tail_is_cut_at_the_axis_and_reported(tco: TcoResult) -> None:
    """One P90 at 20 x the medians would flatten the lines: the axis stops short and says what it cut."""
    tailed = _with_bands(tco, 0, [(90_000.0, 100_000.0, 110_000.0), (180_000.0, 200_000.0, 4_000_000.0),
                                  (270_000.0, 300_000.0, 6_000_000.0)])
    tailed = _with_bands(tailed, 1, [(100_000.0, 110_000.0, 120_000.0), (190_000.0, 205_000.0, 230_000.0),
                                     (280_000.0, 295_000.0, 320_000.0)])
    axis = cost_axis(tailed)
    assert 300_000 <= axis.top < 600_000
    assert [(off.option, off.year, off.value) for off in axis.off_scale] == [("good_enough", 3, 6_000_000.0)]
    assert 1 < axis.off_scale[0].leaves < 2
    drawing = _chart(tailed)
    top = max(y for shape in _flat(drawing) if isinstance(shape, Polygon) and shape.fillOpacity
              for y in shape.points[1::2])
    labels = [shape for shape in _flat(drawing) if isinstance(shape, String) and shape.text.endswith("k")]
    assert all(label.y < top for label in labels)  # nothing drawn above the axis but the off-scale mark
    calm = _with_bands(tailed, 0, [(90_000.0, 100_000.0, 130_000.0), (180_000.0, 200_000.0, 260_000.0),
                                   (270_000.0, 300_000.0, 390_000.0)])
    plain = cost_axis(calm)
    assert plain.off_scale == ()
    assert plain.top >= 390_000


def test_sensitivity_bars_show_each_assumption_low_and_high(tco: TcoResult) -> None:
    theme, wording = _theme(), load_wording().tco.chart
    drawing = sensitivity_chart(tco, WIDTH, theme, wording)
    bars = [shape for shape in _flat(drawing) if isinstance(shape, Rect)
            and shape.fillColor in (theme.tornado_low, theme.tornado_high) and shape.height == 14]
    assert len(bars) == 2 * len(tco.sensitivity)
    strings = " ".join(_strings(drawing))
    for row in tco.sensitivity:
        assert wording.tornado_low.format(value=number(row.low)) in strings
        assert wording.tornado_high.format(value=number(row.high)) in strings
    assert wording.built_to_last_cheaper in strings and wording.good_enough_cheaper in strings
    assert likely_difference(tco) == tco.tornado.base_difference, "the centre is the tornado's unpinned run"


def test_numbers_are_grouped_and_rounded() -> None:
    wording = load_wording().tco.chart
    assert money(437_851.37) == "437,851"
    assert money(-20_250.97) == "-20,251"
    assert money(-0.4) == "0"
    assert number(76_000.0) == "76,000"
    assert number(71.72) == "71.72"
    assert number(0.003) == "0.003"
    assert number(36.0) == "36"
    assert thousands(1_250_000.0, 250_000.0, wording) == "1,250k"
    assert thousands(0.0, 100_000.0, wording) == "0"
    assert thousands(2_500.0, 500.0, wording) == "2.5k"


def test_ticks_are_round_and_cover_the_range() -> None:
    assert nice_ticks(0, 463_536) == [0, 100_000, 200_000, 300_000, 400_000, 500_000]
    ticks = nice_ticks(-310_000, 20_000, count=6)
    assert ticks[0] <= -310_000 and ticks[-1] >= 20_000 and 0 in ticks
    assert nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_clipping_cuts_a_band_at_the_ceiling() -> None:
    band = [(0.0, 0.0), (1.0, 10.0), (2.0, 30.0), (2.0, 5.0), (1.0, 4.0)]
    clipped = clip_below(band, 20.0)
    assert max(y for _, y in clipped) == 20.0
    assert (1.5, 20.0) in clipped and (2.0, 20.0) in clipped
    assert clip_below(band, 100.0) == band


def test_long_labels_wrap_to_two_lines_and_are_cut() -> None:
    lines = wrap("Share of a full breach's cost that one loss event causes " * 3, "Helvetica", 7.5, 150)
    assert len(lines) == 2
    assert lines[1].endswith("…")


# --- control effectiveness per category ------------------------------------------------------------------


def test_effectiveness_bars_are_to_scale_first_category_on_top_each_labelled() -> None:
    bar = colors.HexColor("#2e6da4")
    rows = [("Security", 61.9), ("Privacy", 100.0), ("Nothing met", 0.0), ("Resilience", 25.0)]
    drawing = effectiveness_chart(rows, WIDTH, _theme(), bar)
    bars = [shape for shape in _flat(drawing) if isinstance(shape, Rect) and shape.fillColor == bar]
    full = WIDTH - EFFECTIVENESS_LABELS - 30
    assert [round(shape.width / full * 100, 1) for shape in bars] == [61.9, 100.0, 25.0]  # no bar for 0
    assert [shape.y for shape in bars] == sorted((shape.y for shape in bars), reverse=True)  # listed order, top down
    texts = _strings(drawing)
    for title, value in rows:
        assert title in texts and f"{value:.1f}" in texts
    assert [text for text in texts if text.isdigit()] == ["0", "20", "40", "60", "80", "100"]
    assert all(shape.x >= 0 and shape.x <= WIDTH for shape in _flat(drawing) if isinstance(shape, String))
    assert _shapes(drawing) == _shapes(effectiveness_chart(rows, WIDTH, _theme(), bar))
