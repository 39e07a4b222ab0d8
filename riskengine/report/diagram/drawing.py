"""The neighbourhood diagram drawn: a laid-out neighbourhood (``layout``) as a reportlab Drawing, with the tags,
arrows, data labels, the list of numbered keys, the note of what is not shown and a legend underneath."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from riskengine.inventory.analysis import GraphFindings
from riskengine.report.diagram.geometry import Box
from riskengine.report.diagram.layout import (
    KEY_HEIGHT,
    LABEL_LEADING,
    LEAST_TEXT_SIZE,
    NAME_SIZE,
    TAG_HEIGHT,
    TAG_TEXT_SIZE,
    TOOL_TEXT_SIZE,
    DataLabel,
    DiagramNode,
    Lettering,
    NeighbourhoodLayout,
    Route,
    Tag,
    name_leading,
    neighbourhood_layout,
)
from riskengine.report.diagram.lines import fit, wrap
from riskengine.report.fonts import string_width, strings
from riskengine.report.wording import DiagramWording, Theme

_LEGEND_SIZE = LEAST_TEXT_SIZE
_LEGEND_ROW = 12.0
_KEY_LEADING = _LEGEND_SIZE + 2.0
_CRITICAL_BORDER = 2.2
_HIGH_BORDER = 1.4
_PLAIN_BORDER = 0.7
_DUPLICATE_DASH = (3.0, 2.0)
_ONE_OFF_DASH = (2.5, 2.0)
_ARROW_LENGTH = 4.6
_ARROW_HALF_WIDTH = 2.4


@dataclass(frozen=True)
class DiagramTheme:
    """Colours and fonts of the diagram; ``from_theme`` derives them from the report's theme."""

    text: colors.Color
    muted: colors.Color
    rule: colors.Color
    edge: colors.Color
    tool_fill: colors.Color
    tool_text: colors.Color
    direct_fill: colors.Color
    second_fill: colors.Color
    critical: colors.Color
    high: colors.Color
    accent: colors.Color
    font: str = "Helvetica"
    font_bold: str = "Helvetica-Bold"
    font_italic: str = "Helvetica-Oblique"

    @classmethod
    def from_theme(cls, theme: Theme, *, font: str = "Helvetica", font_bold: str = "Helvetica-Bold",
                   font_italic: str = "Helvetica-Oblique") -> DiagramTheme:
        """The diagram's colours from the report theme; the fonts must be registered with reportlab."""
        hex_colour = colors.HexColor
        return cls(text=hex_colour(theme.text), muted=hex_colour(theme.muted), rule=hex_colour(theme.rule),
                   edge=hex_colour(theme.muted), tool_fill=hex_colour(theme.primary),
                   tool_text=hex_colour(theme.header_text), direct_fill=hex_colour(theme.label_fill),
                   second_fill=colors.white, critical=hex_colour(theme.severities["critical"]),
                   high=hex_colour(theme.severities["high"]), accent=hex_colour(theme.accent),
                   font=font, font_bold=font_bold, font_italic=font_italic)

    @property
    def lettering(self) -> Lettering:
        """The theme's fonts, measured as ``reportlab`` sets them (fallback fonts included)."""
        return Lettering(font=self.font, font_bold=self.font_bold, measure=string_width)


def neighbourhood_diagram(graph: GraphFindings, vendor_label: str, width: float, theme: DiagramTheme,
                          wording: DiagramWording) -> Drawing:
    """The tool amid the systems it would touch, as a reportlab Drawing at most ``width`` wide.

    Arrows follow the data and carry the data classes; critical and high systems have heavier borders and a
    tag, systems that duplicate the tool's capability a dashed outline, customer-facing ones a tag; a legend
    sits underneath. The same findings always give the same drawing.
    """
    return draw_layout(neighbourhood_layout(graph, vendor_label, width, wording, theme.lettering), width, theme,
                       wording)


def draw_layout(layout: NeighbourhoodLayout, width: float, theme: DiagramTheme, wording: DiagramWording) -> Drawing:
    """``layout`` drawn ``width`` wide: the arrows under the boxes, the labels on the arrows, a legend below."""
    tool = layout.tool
    if not layout.nodes:
        return _lonely_diagram(layout, width, theme, wording)
    boxes = [node.room for node in layout.nodes]
    top = max(tool.top, *(box.top for box in boxes)) + 2
    bottom = min(tool.bottom, *(box.bottom for box in boxes)) - 2
    note = wording.more.format(count=layout.hidden) if layout.hidden else ""
    legend = _legend_items(layout, theme, wording)
    legend_rows = _legend_rows(legend, width, theme)
    legend_height = len(legend_rows) * _LEGEND_ROW + 4
    note_height = _LEGEND_ROW if note else 0.0
    key_rows = _key_rows(layout, width, theme, wording)
    keys_height = sum(max(len(lines) for _, lines, _ in row) * _KEY_LEADING + 4 for row in key_rows) \
        + (2 if key_rows else 0)
    height = top - bottom + keys_height + note_height + legend_height
    drawing = Drawing(width, height)
    shift_x, shift_y = layout.tool_x, keys_height + legend_height + note_height - bottom
    scene = Group(transform=(1, 0, 0, 1, shift_x, shift_y))
    drawing.add(scene)
    for route in layout.routes:  # arrows first, under the boxes; the outer ring's below the inner ring's
        if route.ring == 2:
            _add_route(scene, route, theme.rule, 0.7)
    for route in layout.routes:
        if route.ring == 1:
            _add_route(scene, route, theme.edge, 0.9)
    for label in layout.labels:
        _add_label(scene, label, theme)
    scene.add(_tool_group(tool, layout.tool_lines, theme))
    for node in layout.nodes:
        scene.add(_node_group(node, theme))
    _add_keys(drawing, key_rows, legend_height + note_height + keys_height, theme)
    if note:
        drawing.add(String(0, legend_height + 3, _fit(note, theme.font_italic, _LEGEND_SIZE, width),
                           fontName=theme.font_italic, fontSize=_LEGEND_SIZE, fillColor=theme.muted))
    _add_legend(drawing, legend_rows, legend_height, theme)
    return drawing


def _fit(text: str, font: str, size: float, width: float) -> str:
    return fit(text, font, size, width, string_width)


def _lonely_diagram(layout: NeighbourhoodLayout, width: float, theme: DiagramTheme,
                    wording: DiagramWording) -> Drawing:
    tool = layout.tool
    height = tool.height + 26
    drawing = Drawing(width, height)
    scene = Group(transform=(1, 0, 0, 1, width / 2, 20 + tool.height / 2))
    scene.add(_tool_group(tool, layout.tool_lines, theme))
    drawing.add(scene)
    drawing.add(String(width / 2, 4, _fit(wording.no_connections, theme.font_italic, _LEGEND_SIZE + 0.5, width),
                       fontName=theme.font_italic, fontSize=_LEGEND_SIZE + 0.5, fillColor=theme.muted,
                       textAnchor="middle"))
    return drawing


def _add_route(group: Group, route: Route, colour: colors.Color, width: float) -> None:
    """A straight line between two borders with triangle heads where the data arrives."""
    x0, y0, x1, y1 = route.x0, route.y0, route.x1, route.y1
    start, end = route.head_at_start, route.head_at_end
    length = math.hypot(x1 - x0, y1 - y0)
    if length < 1:
        return
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    line_start = (x0 + ux * _ARROW_LENGTH * 0.8, y0 + uy * _ARROW_LENGTH * 0.8) if start else (x0, y0)
    line_end = (x1 - ux * _ARROW_LENGTH * 0.8, y1 - uy * _ARROW_LENGTH * 0.8) if end else (x1, y1)
    group.add(Line(*line_start, *line_end, strokeColor=colour, strokeWidth=width,
                   strokeDashArray=list(_ONE_OFF_DASH) if route.one_off else None))
    if end:
        group.add(_arrow_head(x1, y1, ux, uy, colour))
    if start:
        group.add(_arrow_head(x0, y0, -ux, -uy, colour))


def _arrow_head(tip_x: float, tip_y: float, ux: float, uy: float, colour: colors.Color) -> Polygon:
    base_x, base_y = tip_x - ux * _ARROW_LENGTH, tip_y - uy * _ARROW_LENGTH
    return Polygon([tip_x, tip_y, base_x - uy * _ARROW_HALF_WIDTH, base_y + ux * _ARROW_HALF_WIDTH,
                    base_x + uy * _ARROW_HALF_WIDTH, base_y - ux * _ARROW_HALF_WIDTH],
                   fillColor=colour, strokeColor=None, strokeWidth=0)


def _add_label(group: Group, label: DataLabel, theme: DiagramTheme) -> None:
    box = label.box
    if label.key:  # a number on the arrow; the data classes are listed under the diagram
        _add_key_marker(group, box, label.key, theme)
        return
    if label.on_edge:  # the label interrupts the arrow
        group.add(Rect(box.left, box.bottom, box.width, box.height, rx=1.5, ry=1.5, fillColor=colors.white,
                       strokeColor=None, strokeWidth=0))
    for number, line in enumerate(label.lines):
        for shape in strings(box.x, box.top - LABEL_LEADING * (number + 1) + 0.3, line, theme.font, label.size,
                             theme.muted, anchor="middle"):
            group.add(shape)


def _add_key_marker(group: Group, box: Box, key: str, theme: DiagramTheme) -> None:
    """A key's number in a white pill outlined like the arrows: on the arrow and again in the list."""
    group.add(Rect(box.left, box.bottom, box.width, box.height, rx=box.height / 2, ry=box.height / 2,
                   fillColor=colors.white, strokeColor=theme.edge, strokeWidth=0.7))
    group.add(String(box.x, box.y - _LEGEND_SIZE * 0.36, key, fontName=theme.font_bold, fontSize=_LEGEND_SIZE,
                     fillColor=theme.text, textAnchor="middle"))


def _tool_group(tool: Box, lines: Sequence[str], theme: DiagramTheme) -> Group:
    group = Group()
    group.add(Rect(tool.left, tool.bottom, tool.width, tool.height, rx=5, ry=5, fillColor=theme.tool_fill,
                   strokeColor=theme.tool_fill, strokeWidth=1))
    leading = 10.0
    first = tool.y + (len(lines) - 1) * leading / 2 - 2.8
    for number, line in enumerate(lines):
        for shape in strings(tool.x, first - number * leading, line, theme.font_bold, TOOL_TEXT_SIZE,
                             theme.tool_text, anchor="middle"):
            group.add(shape)
    return group


def _border(node: DiagramNode, theme: DiagramTheme) -> tuple[colors.Color, float]:
    if node.criticality == "critical":
        return theme.critical, _CRITICAL_BORDER
    if node.criticality == "high":
        return theme.high, _HIGH_BORDER
    return theme.muted if node.ring == 1 else theme.rule, _PLAIN_BORDER


def _tag_colours(tag: Tag, theme: DiagramTheme) -> tuple[colors.Color, colors.Color, colors.Color]:
    """Fill, ink and stroke: criticality filled in its colour, customer-facing outlined in the accent."""
    if tag.kind == "customer_facing":
        return colors.white, theme.accent, theme.accent
    fill = theme.critical if tag.kind == "critical" else theme.high
    return fill, colors.white, fill


def _node_group(node: DiagramNode, theme: DiagramTheme) -> Group:
    group = Group()
    box = node.box
    stroke, stroke_width = _border(node, theme)
    inset = stroke_width / 2  # keep the stroke inside the box, so heavy borders do not grow it
    group.add(Rect(box.left + inset, box.bottom + inset, box.width - 2 * inset, box.height - 2 * inset,
                   rx=3, ry=3, fillColor=theme.direct_fill if node.ring == 1 else theme.second_fill,
                   strokeColor=stroke, strokeWidth=stroke_width,
                   strokeDashArray=list(_DUPLICATE_DASH) if node.duplicate else None))
    size = NAME_SIZE[node.ring - 1]
    leading = name_leading(size)
    first = node.name_band.y + (len(node.lines) - 1) * leading / 2 - size * 0.35
    for number, line in enumerate(node.lines):
        for shape in strings(box.x, first - number * leading, line, theme.font, size, theme.text,
                             anchor="middle"):
            group.add(shape)
    for tag in node.tags:
        fill, ink, stroke = _tag_colours(tag, theme)
        group.add(Rect(tag.box.left, tag.box.bottom, tag.box.width, tag.box.height, rx=TAG_HEIGHT / 2,
                       ry=TAG_HEIGHT / 2, fillColor=fill, strokeColor=stroke, strokeWidth=0.6))
        for shape in strings(tag.box.x, tag.box.y - TAG_TEXT_SIZE * 0.36, tag.text, theme.font, TAG_TEXT_SIZE,
                             ink, anchor="middle"):
            group.add(shape)
    return group


# --- keys and legend ---------------------------------------------------------------------------------------

_KeyEntry = tuple[DataLabel, list[str], float]
"""A key, its entry's lines (wrapped, never cut: the entry is the only place its data classes are written)
and where it starts across the row."""


def _key_rows(layout: NeighbourhoodLayout, width: float, theme: DiagramTheme,
              wording: DiagramWording) -> list[list[_KeyEntry]]:
    """The keys' entries, "system: data classes", flowed left to right into rows no wider than the diagram."""
    names = {node.system_id: node.name for node in layout.nodes}
    rows: list[list[_KeyEntry]] = []
    used = width
    for key in layout.keys:
        text = wording.key_entry.format(system=names[key.system_id], data_classes=", ".join(key.lines))
        lines = wrap(text, theme.font, _LEGEND_SIZE, width - key.width - 4, 1000, string_width)
        entry = key.width + 4 + max(string_width(line, theme.font, _LEGEND_SIZE) for line in lines) + 14
        if used + entry - 14 > width:
            rows.append([])
            used = 0.0
        rows[-1].append((key, lines, used))
        used += entry
    return rows


def _add_keys(drawing: Drawing, rows: Sequence[Sequence[_KeyEntry]], top: float, theme: DiagramTheme) -> None:
    """The keys' entries under the diagram, each after its number drawn as on the arrow."""
    group = Group()
    y = top - 2
    for row in rows:
        for key, lines, x in row:
            _add_key_marker(group, Box(x + key.width / 2, y - KEY_HEIGHT / 2, key.width, KEY_HEIGHT), key.key, theme)
            for number, line in enumerate(lines):  # names come from the inventory: any script, fallback fonts
                for shape in strings(x + key.width + 4, y - KEY_HEIGHT / 2 - _LEGEND_SIZE * 0.36
                                     - number * _KEY_LEADING, line, theme.font, _LEGEND_SIZE, theme.text):
                    group.add(shape)
        y -= max(len(lines) for _, lines, _ in row) * _KEY_LEADING + 4
    drawing.add(group)



_LegendSymbol = Callable[[Group, float, float, DiagramTheme], None]


def _legend_items(layout: NeighbourhoodLayout, theme: DiagramTheme,
                  wording: DiagramWording) -> list[tuple[_LegendSymbol, str]]:
    nodes = layout.nodes

    def box(fill: colors.Color, stroke: colors.Color, stroke_width: float,
            dash: tuple[float, float] | None = None) -> _LegendSymbol:
        def draw(group: Group, x: float, y: float, theme: DiagramTheme) -> None:
            group.add(Rect(x + stroke_width / 2, y - 3.5 + stroke_width / 2, 16 - stroke_width, 8 - stroke_width,
                           rx=1.5, ry=1.5, fillColor=fill, strokeColor=stroke, strokeWidth=stroke_width,
                           strokeDashArray=list(dash) if dash else None))
        return draw

    def flow(group: Group, x: float, y: float, theme: DiagramTheme) -> None:
        group.add(Line(x, y + 0.5, x + 16 - _ARROW_LENGTH * 0.8, y + 0.5, strokeColor=theme.edge, strokeWidth=0.9))
        group.add(_arrow_head(x + 16, y + 0.5, 1.0, 0.0, theme.edge))

    def one_off(group: Group, x: float, y: float, theme: DiagramTheme) -> None:
        group.add(Line(x, y + 0.5, x + 16 - _ARROW_LENGTH * 0.8, y + 0.5, strokeColor=theme.edge, strokeWidth=0.9,
                       strokeDashArray=list(_ONE_OFF_DASH)))
        group.add(_arrow_head(x + 16, y + 0.5, 1.0, 0.0, theme.edge))

    def pill(group: Group, x: float, y: float, theme: DiagramTheme) -> None:
        group.add(Rect(x + 1, y - 2.5, 14, 6, rx=3, ry=3, fillColor=colors.white, strokeColor=theme.accent,
                       strokeWidth=0.6))

    items: list[tuple[_LegendSymbol, str]] = [
        (box(theme.tool_fill, theme.tool_fill, 0.8), wording.legend_tool),
        (box(theme.direct_fill, theme.muted, _PLAIN_BORDER), wording.legend_direct),
    ]
    if any(node.ring == 2 for node in nodes):
        items.append((box(theme.second_fill, theme.rule, _PLAIN_BORDER), wording.legend_second))
    items.append((flow, wording.legend_flow))
    if any(node.one_off for node in nodes):
        items.append((one_off, wording.legend_one_off))
    if any(node.criticality == "critical" for node in nodes):
        items.append((box(colors.white, theme.critical, _CRITICAL_BORDER), wording.legend_critical))
    if any(node.criticality == "high" for node in nodes):
        items.append((box(colors.white, theme.high, _HIGH_BORDER), wording.legend_high))
    if any(node.duplicate for node in nodes):
        items.append((box(colors.white, theme.muted, _PLAIN_BORDER * 1.4, _DUPLICATE_DASH), wording.legend_duplicate))
    if any(node.customer_facing for node in nodes):
        items.append((pill, wording.legend_customer_facing))
    return items


def _legend_rows(items: Sequence[tuple[_LegendSymbol, str]], width: float,
                 theme: DiagramTheme) -> list[list[tuple[_LegendSymbol, str, float]]]:
    """Legend entries flowed left to right into rows no wider than the diagram."""
    rows: list[list[tuple[_LegendSymbol, str, float]]] = [[]]
    used = 0.0
    for symbol, text in items:
        text = _fit(text, theme.font, _LEGEND_SIZE, width - 24)
        entry = 16 + 4 + pdfmetrics.stringWidth(text, theme.font, _LEGEND_SIZE) + 12
        if rows[-1] and used + entry - 12 > width:
            rows.append([])
            used = 0.0
        rows[-1].append((symbol, text, used))
        used += entry
    return rows


def _add_legend(drawing: Drawing, rows: Sequence[Sequence[tuple[_LegendSymbol, str, float]]], height: float,
                theme: DiagramTheme) -> None:
    group = Group()
    group.add(Line(0, height - 1, drawing.width, height - 1, strokeColor=theme.rule, strokeWidth=0.5))
    for number, row in enumerate(rows):
        y = height - 9 - number * _LEGEND_ROW
        for symbol, text, x in row:
            symbol(group, x, y, theme)
            group.add(String(x + 20, y - 2.2, text, fontName=theme.font, fontSize=_LEGEND_SIZE,
                             fillColor=theme.text))
    drawing.add(group)
