"""The neighbourhood diagram: the proposed tool, the systems it would connect to, and those one step beyond.

The layout is computed, never searched at random, so the same findings always give the same drawing: every
list is sorted before it is placed, and positions come from plain geometry plus one deterministic spreading
step (boxes kept in order along an ellipse, as close as possible to where they want to be, with a minimum
gap between neighbours: the pool-adjacent-violators algorithm).

Direct neighbours sit on an inner ellipse round the tool: data coming in on the left, going out on the
right, both ways at the top and bottom. Systems two steps downstream (the start of the blast radius) sit on
an outer arc near the neighbour they hang from; as only systems the tool sends data to have any, the arc
runs round the right, and the tool moves left of the middle to make room for it. A centred layout, and a
taller one, are tried as well, and the one whose labels cover least, then the one showing most, is drawn.
Systems that do not fit are counted in a note: the report's tables list them all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from riskengine.inventory.analysis import Connection, GraphFindings
from riskengine.inventory.model import CRITICALITY_RANK
from riskengine.report.fonts import string_width, strings
from riskengine.report.wording import DiagramWording, Theme, load_wording

SECOND_RING_LIMIT = 12
"""Systems shown on the outer ring at most; the rest are counted in a note (the tables list them all)."""
MAX_HEIGHT = 340.0
"""About 120 mm: the diagram and its legend share a page with the section heading."""

ELLIPSIS = "…"
_DIRECTION_ORDER = {"inbound": 0, "outbound": 1, "bidirectional": 2}

# Sizes in points. Boxes of the outer ring are smaller: they matter less than the direct connections.
_DIRECT_SIZE = (78.0, 30.0)
_SECOND_SIZE = (70.0, 22.0)
_TOOL_WIDTH = 90.0
_GAP = 6.0
"""Least clear space between two boxes (tags included)."""
_TAG_HEIGHT = 7.0
_TAG_OVERHANG = _TAG_HEIGHT / 2
_NAME_SIZE = (6.8, 6.0)
_LABEL_SIZE = 5.6
_LABEL_WIDTH = 58.0
_LEGEND_SIZE = 6.5
_CRITICAL_BORDER = 2.2
_HIGH_BORDER = 1.4
_PLAIN_BORDER = 0.7
_DUPLICATE_DASH = (3.0, 2.0)
_ARROW_LENGTH = 4.6
_ARROW_HALF_WIDTH = 2.4
_LEGEND_ROOM = 52.0
"""Height kept for the note and up to three rows of legend under the diagram."""
_INNER_RX = 140.0
_INNER_RX_CENTRED = 165.0
_TOLERATED_OVERLAP = 100.0
"""Square points of labels touching something that do not yet make a layout worse than another."""
_INNER_GAP = 48.0
"""Least height between the tool and a box straight above or below it: room for an arrow and its label."""
_TOWARDS_RIGHT = 0.5
"""Radians by which children of a neighbour above or below the tool lean towards the right."""
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


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


# --- what is drawn -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiagramNode:
    """One system in the diagram, with its place (box centre) and what marks it."""

    system_id: str
    name: str
    ring: int
    """1 = direct connection, 2 = receives data through a direct connection."""
    direction: str
    """inbound, outbound or bidirectional for ring 1, relative to the tool; "outbound" for ring 2."""
    criticality: str
    customer_facing: bool
    duplicate: bool
    data_classes: tuple[str, ...]
    parent: str = ""
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0


@dataclass(frozen=True)
class DataLabel:
    """The data classes of one direct connection, written on its arrow (``on_edge``) or beside it."""

    system_id: str
    lines: tuple[str, ...]
    on_edge: bool
    x: float
    y: float
    width: float
    height: float

    @property
    def box(self) -> _Box:
        return _Box(self.x, self.y, self.width, self.height)


@dataclass(frozen=True)
class NeighbourhoodLayout:
    """Where everything goes; ``neighbourhood_diagram`` draws it. Coordinates have the tool at (0, 0)."""

    nodes: tuple[DiagramNode, ...]
    tool_x: float
    """Where the tool's centre sits across the drawing (left of the middle when there is an outer ring)."""
    tool_width: float
    tool_height: float
    hidden: int
    """Systems of the blast radius not drawn (further away, or beyond the outer ring's room)."""
    labels: tuple[DataLabel, ...] = ()
    label_overlap: float = 0.0
    """Square points the labels still cover of boxes and other labels, plus a penalty per arrow crossed."""


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y - self.height / 2

    @property
    def top(self) -> float:
        return self.y + self.height / 2

    def overlaps(self, other: _Box, margin: float = 0.0) -> bool:
        return (self.left < other.right + margin and other.left < self.right + margin
                and self.bottom < other.top + margin and other.bottom < self.top + margin)

    def border_point(self, toward_x: float, toward_y: float) -> tuple[float, float]:
        """Where the ray from the centre towards the given point leaves the box."""
        dx, dy = toward_x - self.x, toward_y - self.y
        if dx == 0 and dy == 0:
            return self.x, self.y
        scale = min(self.width / 2 / abs(dx) if dx else math.inf, self.height / 2 / abs(dy) if dy else math.inf)
        return self.x + dx * scale, self.y + dy * scale


def _node_box(node: DiagramNode) -> _Box:
    """The space a node takes, its tags included (they straddle the top and bottom borders)."""
    return _Box(node.x, node.y, node.width, node.height + 2 * _TAG_OVERHANG)


@lru_cache(maxsize=64)
def _ellipse(rx: float, ry: float) -> _Ellipse:
    """The ellipse of these radii, sampled once per process: the rings of every vendor's diagram grow through
    the same sizes."""
    return _Ellipse(rx, ry)


class _Ellipse:
    """An ellipse centred on the tool, walked by arc length (sampled finely enough for placing boxes).

    Never changed once made (``_ellipse`` shares them).
    """

    _SAMPLES = 1440

    def __init__(self, rx: float, ry: float) -> None:
        self.rx = rx
        self.ry = ry
        self._angles = [2 * math.pi * index / self._SAMPLES for index in range(self._SAMPLES + 1)]
        points = [(rx * math.cos(angle), ry * math.sin(angle)) for angle in self._angles]
        self._lengths = [0.0]
        total = 0.0
        for (x0, y0), (x1, y1) in pairwise(points):
            total += math.hypot(x1 - x0, y1 - y0)
            self._lengths.append(total)
        self.length = total

    def point(self, angle: float) -> tuple[float, float]:
        return self.rx * math.cos(angle), self.ry * math.sin(angle)

    def tangent(self, angle: float) -> tuple[float, float]:
        dx, dy = -self.rx * math.sin(angle), self.ry * math.cos(angle)
        norm = math.hypot(dx, dy)
        return dx / norm, dy / norm

    def arc(self, angle: float) -> float:
        """Arc length from angle 0 (the right) counter-clockwise to ``angle``."""
        angle %= 2 * math.pi
        step = 2 * math.pi / self._SAMPLES
        index = min(int(angle / step), self._SAMPLES - 1)
        share = (angle - self._angles[index]) / step
        return self._lengths[index] + share * (self._lengths[index + 1] - self._lengths[index])

    def angle(self, arc: float) -> float:
        arc %= self.length
        low, high = 0, self._SAMPLES
        while high - low > 1:
            middle = (low + high) // 2
            if self._lengths[middle] <= arc:
                low = middle
            else:
                high = middle
        span = self._lengths[low + 1] - self._lengths[low]
        share = (arc - self._lengths[low]) / span if span else 0.0
        return self._angles[low] + share * (self._angles[low + 1] - self._angles[low])


def _separation(first: DiagramNode, second: DiagramNode, tangent: tuple[float, float]) -> float:
    """Arc length between two neighbouring boxes on a curve with this tangent for them not to overlap."""
    across = (first.width + second.width) / 2 + _GAP
    along = (first.height + second.height) / 2 + 2 * _TAG_OVERHANG + _GAP
    options = [across / abs(tangent[0])] if abs(tangent[0]) > 1e-6 else []
    if abs(tangent[1]) > 1e-6:
        options.append(along / abs(tangent[1]))
    return min(options) * 1.06  # the arc is longer than the chord between the boxes


def _spread(desired: Sequence[float], gaps: Sequence[float], low: float, high: float) -> list[float] | None:
    """Ordered positions closest (least squares) to ``desired``, ``gaps[i]`` apart at least, within bounds.

    ``desired`` must be sorted. Returns None when the items cannot fit between ``low`` and ``high``.
    """
    offsets = [0.0]
    for gap in gaps:
        offsets.append(offsets[-1] + gap)
    if not desired:
        return []
    if offsets[-1] > high - low + 1e-9:
        return None

    def base(first: int, last: int) -> float:
        mean = sum(desired[k] - offsets[k] for k in range(first, last + 1)) / (last - first + 1)
        return min(max(mean, low - offsets[first]), high - offsets[last])

    clusters: list[tuple[int, int, float]] = []
    for index in range(len(desired)):
        first, start = index, base(index, index)
        while clusters and start < clusters[-1][2] - 1e-9:
            first = clusters.pop()[0]
            start = base(first, index)
        clusters.append((first, index, start))
    return [start + offsets[k] for first, last, start in clusters for k in range(first, last + 1)]


def _spread_around(desired: Sequence[float], separations: Sequence[float], length: float) -> list[float] | None:
    """``_spread`` on a closed curve: ``separations[i]`` lies between item i and item (i + 1) mod n."""
    count = len(desired)
    if count <= 1:
        return list(desired)
    if sum(separations) > length:
        return None
    gaps = [desired[index + 1] - desired[index] for index in range(count - 1)]
    gaps.append(desired[0] + length - desired[-1])
    cut = max(range(count), key=lambda index: (gaps[index], -index))
    middle = desired[cut] + gaps[cut] / 2
    order = [(cut + 1 + step) % count for step in range(count)]
    unwrapped = []
    for index in order:
        value = desired[index]
        while value < middle:
            value += length
        unwrapped.append(value)
    spread = _spread(unwrapped, [separations[index] for index in order[:-1]],
                     middle + separations[cut] / 2, middle + length - separations[cut] / 2)
    if spread is None:
        return None
    result = [0.0] * count
    for index, value in zip(order, spread, strict=True):
        result[index] = value % length
    return result


# --- layout ------------------------------------------------------------------------------------------------


def _system_name(graph: GraphFindings, system_id: str, own: str) -> str:
    """The name the analysis gives ``system_id``, else the one its row carries, else the id itself."""
    return graph.names.get(system_id) or own or system_id


def _direct_nodes(graph: GraphFindings) -> list[DiagramNode]:
    """One node per connected system (several rows for one system merge), sorted by direction then name."""
    by_system: dict[str, list[Connection]] = {}
    for connection in graph.connections:
        by_system.setdefault(connection.system_id, []).append(connection)
    duplicates = set(graph.duplicates)
    width, height = _DIRECT_SIZE
    nodes = []
    for system_id, connections in sorted(by_system.items()):
        directions = {connection.direction for connection in connections}
        direction = directions.pop() if len(directions) == 1 else "bidirectional"
        name = _system_name(graph, system_id, connections[0].system_name)
        nodes.append(DiagramNode(
            system_id=system_id, name=_plain(name), ring=1, direction=direction,
            criticality=max((c.criticality for c in connections), key=lambda value: CRITICALITY_RANK.get(value, 0)),
            customer_facing=any(c.customer_facing for c in connections), duplicate=name in duplicates,
            data_classes=tuple(sorted({_plain(data_class) for c in connections for data_class in c.data_classes})),
            width=width, height=height))
    nodes.sort(key=lambda node: (_DIRECTION_ORDER.get(node.direction, 3), node.name.casefold(), node.system_id))
    return nodes


def _second_candidates(graph: GraphFindings, direct: Sequence[DiagramNode]) -> list[DiagramNode]:
    """Dependents at distance 2 not already drawn as direct connections, most critical first, then by name."""
    direct_ids = {node.system_id for node in direct}
    duplicates = set(graph.duplicates)
    width, height = _SECOND_SIZE
    candidates = []
    for dependent in graph.dependents:
        if dependent.depth != 2 or len(dependent.path) != 3 or dependent.system_id in direct_ids \
                or dependent.path[1] not in direct_ids:
            continue
        name = _system_name(graph, dependent.system_id, dependent.name)
        candidates.append(DiagramNode(
            system_id=dependent.system_id, name=_plain(name), ring=2, direction="outbound",
            criticality=dependent.criticality, customer_facing=dependent.customer_facing,
            duplicate=name in duplicates, data_classes=(), parent=dependent.path[1], width=width, height=height))
    candidates.sort(key=lambda node: (-CRITICALITY_RANK.get(node.criticality, 0), node.name.casefold(),
                                      node.system_id))
    return candidates


def _desired_angles(nodes: Sequence[DiagramNode]) -> list[float]:
    """Inbound on the left, outbound on the right, both ways alternately at the top and the bottom."""
    top_step = 0.55
    inbound = [index for index, node in enumerate(nodes) if node.direction == "inbound"]
    outbound = [index for index, node in enumerate(nodes) if node.direction == "outbound"]
    both = [index for index, node in enumerate(nodes) if node.direction == "bidirectional"]
    top, bottom = both[0::2], both[1::2]
    angles = [0.0] * len(nodes)
    side_step = _side_step(len(inbound))
    for order, index in enumerate(inbound):  # top to bottom down the left
        angles[index] = math.pi - (len(inbound) - 1) / 2 * side_step + order * side_step
    side_step = _side_step(len(outbound))
    for order, index in enumerate(outbound):  # top to bottom down the right
        angles[index] = (len(outbound) - 1) / 2 * side_step - order * side_step
    for order, index in enumerate(top):  # left to right across the top
        angles[index] = math.pi / 2 + (len(top) - 1) / 2 * top_step - order * top_step
    for order, index in enumerate(bottom):  # left to right across the bottom
        angles[index] = 3 * math.pi / 2 - (len(bottom) - 1) / 2 * top_step + order * top_step
    return [angle % (2 * math.pi) for angle in angles]


def _side_step(count: int) -> float:
    """Radians between neighbours on one side: a few spread wide (room for labels), many packed closer."""
    return max(0.42, min(0.7, 1.4 / (count - 1))) if count > 1 else 0.0


def _place_on_ring(nodes: Sequence[DiagramNode], desired: Sequence[float],
                   ellipse: _Ellipse) -> list[DiagramNode] | None:
    """Nodes moved along the ellipse as little as possible so that neighbours keep clear of one another."""
    order = sorted(range(len(nodes)), key=lambda index: (ellipse.arc(desired[index]), index))
    wanted = [ellipse.arc(desired[index]) for index in order]
    positions = list(wanted)
    for _ in range(4):  # the gap a pair needs depends on where the pair ends up: settle it in a few rounds
        separations = []
        for step, index in enumerate(order):
            following = order[(step + 1) % len(order)]
            middle = positions[step] + ((positions[(step + 1) % len(order)] - positions[step])
                                        % ellipse.length) / 2
            separations.append(_separation(nodes[index], nodes[following], ellipse.tangent(ellipse.angle(middle))))
        spread = _spread_around(wanted, separations, ellipse.length)
        if spread is None:
            return None
        positions = spread
    placed = list(nodes)
    for step, index in enumerate(order):
        x, y = ellipse.point(ellipse.angle(positions[step]))
        placed[index] = replace(nodes[index], x=x, y=y)
    return placed


def _clear(nodes: Sequence[DiagramNode], others: Sequence[_Box]) -> bool:
    boxes = [_node_box(node) for node in nodes]
    for index, box in enumerate(boxes):
        if any(box.overlaps(other, _GAP - 0.5) for other in boxes[index + 1:]):
            return False
        if any(box.overlaps(other, _GAP - 0.5) for other in others):
            return False
    return True


def _place_direct(nodes: Sequence[DiagramNode], tool: _Box, tool_x: float, width: float, rx: float,
                  stretch: float) -> tuple[list[DiagramNode], _Ellipse]:
    """The inner ring: start at ``rx`` (and ``stretch`` times the least height) and grow, wider first,
    until every box is clear of the others."""
    desired = _desired_angles(nodes)
    max_rx = min(tool_x, width - tool_x) - _DIRECT_SIZE[0] / 2 - 1
    rx, ry = min(rx, max_rx), (tool.height / 2 + _DIRECT_SIZE[1] / 2 + _TAG_OVERHANG + _INNER_GAP) * stretch
    ellipse = _ellipse(rx, ry)
    placed: list[DiagramNode] | None = None
    for _ in range(40):
        ellipse = _ellipse(rx, ry)
        placed = _place_on_ring(nodes, desired, ellipse)
        if placed is not None and _clear(placed, [tool]):
            return placed, ellipse
        rx, ry = min(rx * 1.06, max_rx), ry * 1.03
    if placed is None:  # more neighbours than a page holds: keep the desired angles, overlapping
        placed = [replace(node, x=ellipse.point(angle)[0], y=ellipse.point(angle)[1])
                  for node, angle in zip(nodes, desired, strict=True)]
    return placed, ellipse


def _signed(angle: float) -> float:
    """The angle in (-pi, pi]: negative below the tool, positive above."""
    angle %= 2 * math.pi
    return angle - 2 * math.pi if angle > math.pi else angle


def _place_second(candidates: Sequence[DiagramNode], direct: Sequence[DiagramNode], inner: _Ellipse,
                  tool: _Box, tool_x: float, width: float, room: float) -> list[DiagramNode]:
    """The outer ring, an arc round the right from bottom to top, each system near the neighbour it hangs
    from; when there is no room the least critical give way (the blast-radius table lists them all)."""
    second_width, second_height = _SECOND_SIZE
    rx = width - tool_x - second_width / 2 - 1
    ry = min(inner.ry + _DIRECT_SIZE[1] / 2 + second_height / 2 + 2 * _TAG_OVERHANG + 26,
             room / 2 - second_height / 2 - _TAG_OVERHANG - 1)
    ellipse = _ellipse(rx, ry)
    # The arc stops where a box would leave the drawing on the left.
    reach = math.acos(max(-1.0, min(1.0, (second_width / 2 + 1 - tool_x) / rx)))
    angle_of = {node.system_id: _signed(math.atan2(node.y / inner.ry, node.x / inner.rx)) for node in direct}
    bounds = _Box(width / 2 - tool_x, 0.0, width, room)
    # Greedy in order of importance: a system joins only if everything drawn so far stays clear.
    shown: list[DiagramNode] = []
    placed: list[DiagramNode] = []
    for candidate in candidates:
        if len(shown) == SECOND_RING_LIMIT:
            break
        trial = _place_outer([*shown, candidate], angle_of, ellipse, reach)
        if trial is not None and not _offending(trial, direct, tool, bounds):
            shown.append(candidate)
            placed = trial
    return placed


def _offending(second: Sequence[DiagramNode], direct: Sequence[DiagramNode], tool: _Box, bounds: _Box) -> set[str]:
    """Outer-ring systems that overlap a box, leave the drawing, or whose arrow would pass behind a box."""
    boxes = {node.system_id: _node_box(node) for node in (*direct, *second)}
    by_id = {node.system_id: node for node in direct}
    offending: set[str] = set()
    for index, node in enumerate(second):
        box = boxes[node.system_id]
        if not _inside(node, bounds) or box.overlaps(tool, _GAP - 0.5):
            offending.add(node.system_id)
        for other in (*direct, *second[index + 1:]):
            if box.overlaps(boxes[other.system_id], _GAP - 0.5):
                offending.update({node.system_id} if other.ring == 1 else {node.system_id, other.system_id})
        parent = by_id[node.parent]
        x0, y0 = _box_of(parent).border_point(node.x, node.y)
        x1, y1 = _box_of(node).border_point(parent.x, parent.y)
        for key, other_box in (("", tool), *boxes.items()):
            if key in (node.system_id, node.parent):
                continue
            if _crosses(x0, y0, x1, y1, other_box):
                offending.add(node.system_id)
                if key and key not in by_id:
                    offending.add(key)
    return offending


def _crosses(x0: float, y0: float, x1: float, y1: float, box: _Box, margin: float = 1.5) -> bool:
    """Whether the segment passes through the box (grown by ``margin``): Liang-Barsky clipping."""
    low, high = 0.0, 1.0
    dx, dy = x1 - x0, y1 - y0
    for step, distance in ((-dx, x0 - (box.left - margin)), (dx, box.right + margin - x0),
                           (-dy, y0 - (box.bottom - margin)), (dy, box.top + margin - y0)):
        if step == 0:
            if distance < 0:
                return False
            continue
        share = distance / step
        if step < 0:
            low = max(low, share)
        else:
            high = min(high, share)
        if low > high:
            return False
    return True


def _inside(node: DiagramNode, bounds: _Box) -> bool:
    box = _node_box(node)
    return (box.left >= bounds.left - 0.5 and box.right <= bounds.right + 0.5 and box.bottom >= bounds.bottom - 0.5
            and box.top <= bounds.top + 0.5)


def _place_outer(nodes: Sequence[DiagramNode], angle_of: dict[str, float], ellipse: _Ellipse,
                 reach: float) -> list[DiagramNode] | None:
    """Spread ``nodes`` along the outer arc from ``-reach`` to ``reach``, each group near its parent.

    A parent at the top or bottom sends its group a little towards the right, where the outer ring is
    furthest from the inner one, so that the arrows between them keep a readable length.
    """
    children: dict[str, list[DiagramNode]] = {}
    for node in nodes:
        children.setdefault(node.parent, []).append(node)

    def position(angle: float) -> float:
        """Arc length along the outer ring, negative below the tool: continuous across the right."""
        return ellipse.arc(angle) - (ellipse.length if _signed(angle) < 0 else 0.0)

    entries: list[tuple[float, float, int, DiagramNode]] = []
    for parent, group in sorted(children.items()):
        parent_angle = angle_of[parent]
        bias = _TOWARDS_RIGHT * abs(math.sin(parent_angle))
        wanted = parent_angle - bias if parent_angle >= 0 else parent_angle + bias
        wanted = min(max(wanted, -reach), reach)
        siblings = sorted(group, key=lambda node: (node.name.casefold(), node.system_id))
        for index, node in enumerate(siblings):
            # Above the tool the arc runs up and to the left: reverse the names so they read downwards.
            entries.append((position(wanted), parent_angle, -index if parent_angle >= 0 else index, node))
    entries.sort(key=lambda entry: entry[:3])
    ordered = [entry[3] for entry in entries]
    wanted_positions = [entry[0] for entry in entries]
    positions = list(wanted_positions)
    for _ in range(4):
        gaps = [_separation(ordered[index], ordered[index + 1],
                            ellipse.tangent(ellipse.angle((positions[index] + positions[index + 1]) / 2)))
                for index in range(len(ordered) - 1)]
        spread = _spread(wanted_positions, gaps, position(-reach), position(reach))
        if spread is None:
            return None
        positions = spread
    placed = []
    for node, arc in zip(ordered, positions, strict=True):
        x, y = ellipse.point(ellipse.angle(arc))
        placed.append(replace(node, x=x, y=y))
    return placed


def neighbourhood_layout(graph: GraphFindings, vendor_label: str, width: float,
                         theme: DiagramTheme | None = None,
                         wording: DiagramWording | None = None) -> NeighbourhoodLayout:
    """Place the tool, its direct connections, the systems two steps downstream and the arrows' labels.

    See the module notes; ``theme`` gives the fonts text is measured in, ``wording`` the tags' texts.
    """
    theme = theme or _default_theme()
    wording = wording or load_wording().dependencies.diagram
    vendor_label = _plain(vendor_label)
    tool_lines = _wrap(vendor_label, theme.font_bold, 8.0, _TOOL_WIDTH - 14, 3)
    tool = _Box(0.0, 0.0, _TOOL_WIDTH, max(38.0, 10.0 * len(tool_lines) + 16))
    direct = _direct_nodes(graph)
    if not direct:
        return NeighbourhoodLayout(nodes=(), tool_x=width / 2, tool_width=tool.width, tool_height=tool.height,
                                   hidden=len(graph.dependents))
    candidates = _second_candidates(graph, direct)
    room = MAX_HEIGHT - _LEGEND_ROOM
    # With an outer ring the tool moves left: the outer ring grows from the right-hand side, where the data
    # leaves the tool, and needs a column of its own there. The centred layout (wider inner ring, outer ring
    # above and below only) is tried too, and a taller one; the one whose labels cover least wins, then the
    # one showing more, then the first.
    inner_rx = min(_INNER_RX, width / 2 - _DIRECT_SIZE[0] / 2 - 1)
    layouts: list[tuple[tuple[bool, float, int, int], NeighbourhoodLayout]] = []
    centred_rx = min(_INNER_RX_CENTRED, width / 2 - _DIRECT_SIZE[0] / 2 - 1)
    geometries = [(min(width / 2, inner_rx + _DIRECT_SIZE[0] / 2 + 2), inner_rx, 1.0)] if candidates else []
    geometries += [(width / 2, centred_rx, 1.0), (width / 2, centred_rx, 1.35)]  # taller: more room for labels
    for order, (tool_x, rx, stretch) in enumerate(geometries):
        placed, inner = _place_direct(direct, tool, tool_x, width, rx, stretch)
        second = _place_second(candidates, placed, inner, tool, tool_x, width, room) if candidates else []
        nodes = (*placed, *second)
        drawn = {node.system_id for node in nodes}
        hidden = sum(1 for dependent in graph.dependents if dependent.system_id not in drawn)
        boxes = [tool, *(_node_box(node) for node in nodes)]
        fits = max(box.top for box in boxes) - min(box.bottom for box in boxes) <= room
        tags = {node.system_id: _tags(node, theme, wording) for node in nodes}
        labels, overlap = _place_labels(tool, nodes, _edges(tool, nodes, tags), theme.font)
        key = (not fits, overlap if overlap > _TOLERATED_OVERLAP else 0.0, -len(second), order)
        layouts.append((key, NeighbourhoodLayout(
            nodes=nodes, tool_x=tool_x, tool_width=tool.width, tool_height=tool.height, hidden=hidden,
            labels=tuple(labels), label_overlap=overlap)))
    return min(layouts, key=lambda entry: entry[0])[1]


# --- drawing -----------------------------------------------------------------------------------------------


def neighbourhood_diagram(graph: GraphFindings, vendor_label: str, width: float,
                          theme: DiagramTheme | None = None, wording: DiagramWording | None = None) -> Drawing:
    """The tool amid the systems it would touch, as a reportlab Drawing at most ``width`` wide.

    Arrows follow the data and carry the data classes; critical and high systems have heavier borders and a
    tag, systems that duplicate the tool's capability a dashed outline, customer-facing ones a tag; a legend
    sits underneath. The same findings always give the same drawing.
    """
    theme = theme or _default_theme()
    wording = wording or load_wording().dependencies.diagram
    vendor_label = _plain(vendor_label)
    layout = neighbourhood_layout(graph, vendor_label, width, theme, wording)
    tool = _Box(0.0, 0.0, layout.tool_width, layout.tool_height)
    if not layout.nodes:
        return _lonely_diagram(tool, vendor_label, width, theme, wording)
    boxes = [_node_box(node) for node in layout.nodes]
    top = max(tool.top, *(box.top for box in boxes)) + 2
    bottom = min(tool.bottom, *(box.bottom for box in boxes)) - 2
    note = wording.more.format(count=layout.hidden) if layout.hidden else ""
    legend = _legend_items(layout, theme, wording)
    legend_rows = _legend_rows(legend, width, theme)
    legend_height = len(legend_rows) * 12.0 + 4
    note_height = 12.0 if note else 0.0
    height = top - bottom + note_height + legend_height
    drawing = Drawing(width, height)
    shift_x, shift_y = layout.tool_x, legend_height + note_height - bottom
    scene = Group(transform=(1, 0, 0, 1, shift_x, shift_y))
    drawing.add(scene)
    tags = {node.system_id: _tags(node, theme, wording) for node in layout.nodes}
    edges = _edges(tool, layout.nodes, tags)
    for node in layout.nodes:  # edges first, under the boxes; the outer ring's below the inner ring's
        if node.ring == 2 and node.system_id in edges:
            _add_edge(scene, edges[node.system_id], theme.rule, 0.7, end=True)
    for node in layout.nodes:
        if node.ring == 1:
            _add_edge(scene, edges[node.system_id], theme.edge, 0.9, start=node.direction != "outbound",
                      end=node.direction != "inbound")
    for label in layout.labels:
        _add_label(scene, label, theme)
    scene.add(_tool_group(tool, vendor_label, theme))
    for node in layout.nodes:
        scene.add(_node_group(node, tags[node.system_id], theme))
    if note:
        drawing.add(String(0, legend_height + 3, _fit(note, theme.font_italic, _LEGEND_SIZE, width),
                           fontName=theme.font_italic, fontSize=_LEGEND_SIZE, fillColor=theme.muted))
    _add_legend(drawing, legend_rows, legend_height, theme)
    return drawing


def _default_theme() -> DiagramTheme:
    return DiagramTheme.from_theme(load_wording().theme)


def _box_of(node: DiagramNode) -> _Box:
    return _Box(node.x, node.y, node.width, node.height)


def _lonely_diagram(tool: _Box, vendor_label: str, width: float, theme: DiagramTheme,
                    wording: DiagramWording) -> Drawing:
    height = tool.height + 26
    drawing = Drawing(width, height)
    scene = Group(transform=(1, 0, 0, 1, width / 2, 20 + tool.height / 2))
    scene.add(_tool_group(tool, vendor_label, theme))
    drawing.add(scene)
    drawing.add(String(width / 2, 4, _fit(wording.no_connections, theme.font_italic, _LEGEND_SIZE + 0.5, width),
                       fontName=theme.font_italic, fontSize=_LEGEND_SIZE + 0.5, fillColor=theme.muted,
                       textAnchor="middle"))
    return drawing


def _add_edge(group: Group, edge: tuple[float, float, float, float], colour: colors.Color, width: float, *,
              start: bool = False, end: bool = False) -> None:
    """A straight line between two borders with triangle heads where the data arrives."""
    x0, y0, x1, y1 = edge
    length = math.hypot(x1 - x0, y1 - y0)
    if length < 1:
        return
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    line_start = (x0 + ux * _ARROW_LENGTH * 0.8, y0 + uy * _ARROW_LENGTH * 0.8) if start else (x0, y0)
    line_end = (x1 - ux * _ARROW_LENGTH * 0.8, y1 - uy * _ARROW_LENGTH * 0.8) if end else (x1, y1)
    group.add(Line(*line_start, *line_end, strokeColor=colour, strokeWidth=width))
    if end:
        group.add(_arrow_head(x1, y1, ux, uy, colour))
    if start:
        group.add(_arrow_head(x0, y0, -ux, -uy, colour))


def _arrow_head(tip_x: float, tip_y: float, ux: float, uy: float, colour: colors.Color) -> Polygon:
    base_x, base_y = tip_x - ux * _ARROW_LENGTH, tip_y - uy * _ARROW_LENGTH
    return Polygon([tip_x, tip_y, base_x - uy * _ARROW_HALF_WIDTH, base_y + ux * _ARROW_HALF_WIDTH,
                    base_x + uy * _ARROW_HALF_WIDTH, base_y - ux * _ARROW_HALF_WIDTH],
                   fillColor=colour, strokeColor=None, strokeWidth=0)


def _edges(tool: _Box, nodes: Sequence[DiagramNode],
           tags: dict[str, list[_Tag]]) -> dict[str, tuple[float, float, float, float]]:
    """Each node's arrow from border to border (to the tool for the inner ring, to the parent for the outer);
    an arrow that meets a box where a tag sits stops at the tag."""
    by_id = {node.system_id: node for node in nodes}

    def end(node: DiagramNode, toward_x: float, toward_y: float) -> tuple[float, float]:
        box = _box_of(node)
        x, y = box.border_point(toward_x, toward_y)
        for tag in tags.get(node.system_id, ()):
            if tag.box.left - 0.5 <= x <= tag.box.right + 0.5 and abs(y - tag.box.y) <= tag.box.height / 2:
                grown = _Box(box.x, box.y + (_TAG_OVERHANG / 2 if tag.box.y > box.y else -_TAG_OVERHANG / 2),
                             box.width, box.height + _TAG_OVERHANG)
                return grown.border_point(toward_x, toward_y)
        return x, y

    edges = {}
    for node in nodes:
        parent = by_id.get(node.parent)
        if node.ring == 1:
            edges[node.system_id] = (*tool.border_point(node.x, node.y), *end(node, tool.x, tool.y))
        elif parent is not None:
            edges[node.system_id] = (*end(parent, node.x, node.y), *end(node, parent.x, parent.y))
    return edges


def _place_labels(tool: _Box, nodes: Sequence[DiagramNode], edges: dict[str, tuple[float, float, float, float]],
                  font: str) -> tuple[list[DataLabel], float]:
    """Each direct connection's data classes on its arrow (on one line, or one class per line), moved along
    it or beside it until clear of boxes, of other arrows and of other labels; and how much they still cover.

    The shortest arrows are labelled first: they have the fewest places to choose from. Where no place is
    clear, the one that covers least wins.
    """
    obstacles = [tool, *(_node_box(node) for node in nodes)]
    labels: list[DataLabel] = []
    total = 0.0
    leading = _LABEL_SIZE + 1.2
    labelled = [node for node in nodes if node.ring == 1 and node.data_classes and node.system_id in edges]
    labelled.sort(key=lambda node: (math.dist(edges[node.system_id][:2], edges[node.system_id][2:]), node.system_id))
    for node in labelled:
        x0, y0, x1, y1 = edges[node.system_id]
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        others = [edge for key, edge in sorted(edges.items()) if key != node.system_id]
        layouts = [_wrap_list(node.data_classes, font, _LABEL_SIZE, _LABEL_WIDTH),
                   [*(f"{item}," for item in node.data_classes[:-1]), node.data_classes[-1]]]
        options: list[DataLabel] = []
        for on_edge in (True, False):
            for lines in layouts:
                label_width = max(string_width(line, font, _LABEL_SIZE) for line in lines) + 3
                label_height = leading * len(lines) + 1.5
                extent = abs(ux) * label_width + abs(uy) * label_height
                if on_edge and extent > 0.72 * length:  # it would hide the arrow
                    continue
                shift = 0.0 if on_edge else abs(uy) * label_width / 2 + abs(ux) * label_height / 2 + 2
                # halfway first; last, right against the system's box or the tool's, where arrows part
                ends = ((extent / 2 + 3) / length, 1 - (extent / 2 + 3) / length)
                for share in (0.5, 0.6, 0.4, 0.7, 0.3, 0.8, 0.2, ends[1], ends[0]):
                    for side in ((1,) if on_edge else (1, -1)):
                        options.append(DataLabel(
                            system_id=node.system_id, lines=tuple(lines), on_edge=on_edge,
                            x=x0 + (x1 - x0) * share - uy * shift * side,
                            y=y0 + (y1 - y0) * share + ux * shift * side, width=label_width, height=label_height))

        def cost(label: DataLabel, others: list[tuple[float, float, float, float]] = others) -> float:
            box = label.box
            covered = sum(_overlap_area(box, other, 0.5) for other in (*obstacles, *(done.box for done in labels)))
            return covered + 40 * sum(1 for edge in others if _crosses(*edge, box, margin=0.5))

        # Options come in order of preference: the first that covers nothing wins, so stop looking there.
        best, best_cost = options[0], math.inf
        for option in options:
            option_cost = cost(option)
            if option_cost < best_cost:
                best, best_cost = option, option_cost
                if option_cost == 0:
                    break
        labels.append(best)
        total += best_cost
    return labels, total


def _add_label(group: Group, label: DataLabel, theme: DiagramTheme) -> None:
    box = label.box
    if label.on_edge:  # the label interrupts the arrow
        group.add(Rect(box.left, box.bottom, box.width, box.height, rx=1.5, ry=1.5, fillColor=colors.white,
                       strokeColor=None, strokeWidth=0))
    leading = _LABEL_SIZE + 1.2
    for number, line in enumerate(label.lines):
        for shape in strings(box.x, box.top - leading * (number + 1) + 0.3, line, theme.font, _LABEL_SIZE,
                             theme.muted, anchor="middle"):
            group.add(shape)


def _overlap_area(first: _Box, second: _Box, margin: float) -> float:
    width = min(first.right, second.right) - max(first.left, second.left) + margin
    height = min(first.top, second.top) - max(first.bottom, second.bottom) + margin
    return width * height if width > 0 and height > 0 else 0.0


def _tool_group(tool: _Box, vendor_label: str, theme: DiagramTheme) -> Group:
    group = Group()
    group.add(Rect(tool.left, tool.bottom, tool.width, tool.height, rx=5, ry=5, fillColor=theme.tool_fill,
                   strokeColor=theme.tool_fill, strokeWidth=1))
    lines = _wrap(vendor_label, theme.font_bold, 8.0, tool.width - 14, 3)
    leading = 10.0
    first = tool.y + (len(lines) - 1) * leading / 2 - 2.8
    for number, line in enumerate(lines):
        for shape in strings(tool.x, first - number * leading, line, theme.font_bold, 8.0, theme.tool_text,
                             anchor="middle"):
            group.add(shape)
    return group


def _border(node: DiagramNode, theme: DiagramTheme) -> tuple[colors.Color, float]:
    if node.criticality == "critical":
        return theme.critical, _CRITICAL_BORDER
    if node.criticality == "high":
        return theme.high, _HIGH_BORDER
    return theme.muted if node.ring == 1 else theme.rule, _PLAIN_BORDER


@dataclass(frozen=True)
class _Tag:
    text: str
    box: _Box
    fill: colors.Color
    ink: colors.Color
    stroke: colors.Color


_TAG_FONT_SIZE = 4.6


def _tags(node: DiagramNode, theme: DiagramTheme, wording: DiagramWording) -> list[_Tag]:
    """Small pills on the border: criticality at the top right, customer-facing at the bottom left."""
    box = _box_of(node)
    tags = []

    def pill(text: str, edge_x: float, y: float, from_right: bool) -> _Box:
        width = pdfmetrics.stringWidth(text, theme.font_bold, _TAG_FONT_SIZE) + 5
        return _Box(edge_x - width / 2 if from_right else edge_x + width / 2, y, width, _TAG_HEIGHT)

    if node.criticality in ("critical", "high"):
        text = wording.critical if node.criticality == "critical" else wording.high
        fill = theme.critical if node.criticality == "critical" else theme.high
        tags.append(_Tag(text, pill(text, box.right - 4, box.top, True), fill, colors.white, fill))
    if node.customer_facing:
        tags.append(_Tag(wording.customer_facing, pill(wording.customer_facing, box.left + 4, box.bottom, False),
                         colors.white, theme.accent, theme.accent))
    return tags


def _node_group(node: DiagramNode, tags: Sequence[_Tag], theme: DiagramTheme) -> Group:
    group = Group()
    box = _box_of(node)
    stroke, stroke_width = _border(node, theme)
    inset = stroke_width / 2  # keep the stroke inside the box, so heavy borders do not grow it
    group.add(Rect(box.left + inset, box.bottom + inset, box.width - 2 * inset, box.height - 2 * inset,
                   rx=3, ry=3, fillColor=theme.direct_fill if node.ring == 1 else theme.second_fill,
                   strokeColor=stroke, strokeWidth=stroke_width,
                   strokeDashArray=list(_DUPLICATE_DASH) if node.duplicate else None))
    size = _NAME_SIZE[node.ring - 1]
    leading = size + 1.4
    lines = _wrap(node.name, theme.font, size, box.width - 8, 2)
    first = box.y + (len(lines) - 1) * leading / 2 - size * 0.35
    for number, line in enumerate(lines):
        for shape in strings(box.x, first - number * leading, line, theme.font, size, theme.text,
                             anchor="middle"):
            group.add(shape)
    for tag in tags:
        group.add(Rect(tag.box.left, tag.box.bottom, tag.box.width, tag.box.height, rx=_TAG_HEIGHT / 2,
                       ry=_TAG_HEIGHT / 2, fillColor=tag.fill, strokeColor=tag.stroke, strokeWidth=0.6))
        group.add(String(tag.box.x, tag.box.y - _TAG_FONT_SIZE * 0.36, tag.text, fontName=theme.font_bold,
                         fontSize=_TAG_FONT_SIZE, fillColor=tag.ink, textAnchor="middle"))
    return group


# --- legend ------------------------------------------------------------------------------------------------

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
        y = height - 9 - number * 12.0
        for symbol, text, x in row:
            symbol(group, x, y, theme)
            group.add(String(x + 20, y - 2.2, text, fontName=theme.font, fontSize=_LEGEND_SIZE,
                             fillColor=theme.text))
    drawing.add(group)


# --- text --------------------------------------------------------------------------------------------------


def _plain(text: str, limit: int = 200) -> str:
    """Text from the findings, safe to measure and draw: no control characters or lone surrogates, capped."""
    text = _CONTROL_CHARACTERS.sub(" ", text.encode("utf-8", "replace").decode("utf-8"))
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` on one line, cut with an ellipsis to at most ``width`` points."""
    text = " ".join(text.split())
    if string_width(text, font, size) <= width:
        return text
    while text and string_width(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _wrap(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """Words wrapped to ``width``; a word too long is cut, and the last line ends in an ellipsis if need be."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}" if current else word
        if string_width(trial, font, size) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        current = word if string_width(word, font, size) <= width else _fit(word, font, size, width)
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        kept[-1] = _fit(kept[-1] + " " + " ".join(lines[max_lines:]), font, size, width)
        if not kept[-1].endswith(ELLIPSIS):
            kept[-1] = _fit(kept[-1] + ELLIPSIS, font, size, width)
        return kept
    return lines or [""]


def _wrap_list(items: Sequence[str], font: str, size: float, width: float) -> list[str]:
    """Items joined with commas, broken between items so that each line fits (a long item is cut)."""
    lines: list[str] = []
    current = ""
    for item in items:
        trial = f"{current}, {item}" if current else item
        if pdfmetrics.stringWidth(trial, font, size) <= width:
            current = trial
            continue
        if current:
            lines.append(current + ",")
        current = _fit(item, font, size, width)
    lines.append(current)
    return lines
