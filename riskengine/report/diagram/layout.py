"""Where everything in the neighbourhood diagram goes: the tool, its direct connections, the systems two steps
downstream, the tags on their borders, the arrows between them and the data classes written on the arrows.

Every text is set at ``LEAST_TEXT_SIZE`` or larger. A label is placed only where it touches no box, tag or
other label and stays inside the drawing; one that fits nowhere is never shrunk or dropped: its arrow carries
a number instead, and the drawing lists the number with the data classes under the diagram.

Pure: findings, wording and a way to measure text in, frozen positions out (``drawing`` turns them into a
reportlab Drawing). The layout is computed, never searched at random, so the same findings always give the
same layout: every list is sorted before it is placed, and positions come from plain geometry plus one
deterministic spreading step (``geometry.spread``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from riskengine.inventory.analysis import Connection, GraphFindings
from riskengine.inventory.model import CRITICALITY_RANK
from riskengine.report.diagram.geometry import (
    Box,
    Ellipse,
    crosses,
    ellipse,
    overlap_area,
    signed,
    spread,
    spread_around,
)
from riskengine.report.diagram.lines import TextWidth, plain, wrap, wrap_list
from riskengine.report.wording import DiagramWording

SECOND_RING_LIMIT = 12
"""Systems shown on the outer ring at most; the rest are counted in a note (the tables list them all)."""
MAX_HEIGHT = 340.0
"""About 120 mm: the diagram and its legend share a page with the section heading."""
LEGEND_ROOM = 52.0
"""Height kept for the note and up to three rows of legend under the diagram."""

# Sizes in points. Boxes of the outer ring are smaller: they matter less than the direct connections.
DIRECT_SIZE = (80.0, 34.0)
SECOND_SIZE = (74.0, 28.0)
LEAST_TEXT_SIZE = 7.0
"""No text in the diagram is set smaller: below it a printed page is hard to read (issue #20)."""
NAME_SIZE = (7.5, LEAST_TEXT_SIZE)
"""Type size of a system's name, on the inner and on the outer ring."""
NAME_LINES = 3
"""Lines of a system's name at most: the boxes are high enough for three where no tag sits on them."""
TOOL_WIDTH = 90.0
TOOL_TEXT_SIZE = 8.0
TAG_TEXT_SIZE = LEAST_TEXT_SIZE
TAG_HEIGHT = TAG_TEXT_SIZE + 2.6
TAG_OVERHANG = TAG_HEIGHT / 2
LABEL_SIZE = LEAST_TEXT_SIZE
LABEL_LEADING = LABEL_SIZE + 1.2
KEY_HEIGHT = LABEL_SIZE + 4.0
"""A numbered key's marker: as high as a label's line, with room round the number."""
_LABEL_CLEARANCE = 1.5
"""Least space between a label and a box, a tag or another label."""
_KEY_CLEARANCE = KEY_HEIGHT / 2 + _LABEL_CLEARANCE
"""Least space between a label written on its arrow and another arrow: room for that arrow's key, wherever it
goes."""
_OTHER_ARROW_CLEARANCE = 12.0
"""Least space between a label written beside its arrow and another arrow: several times the 2 points it keeps
from its own, so that it never reads as the other arrow's (and more than ``_KEY_CLEARANCE``)."""
_GAP = 6.0
"""Least clear space between two boxes (tags included)."""
_LABEL_WIDTH = 58.0
_INNER_RX = 140.0
_INNER_RX_CENTRED = 165.0
_INNER_GAP = 48.0
"""Least height between the tool and a box straight above or below it: room for an arrow and its label."""
_TOWARDS_RIGHT = 0.5
"""Radians by which children of a neighbour above or below the tool lean towards the right."""
_DIRECTION_ORDER = {"inbound": 0, "outbound": 1, "bidirectional": 2}


@dataclass(frozen=True)
class Lettering:
    """The fonts the diagram sets its text in, and how wide a text is in them."""

    font: str
    font_bold: str
    measure: TextWidth


TagKind = Literal["critical", "high", "customer_facing"]


@dataclass(frozen=True)
class Tag:
    """A small pill on a box's border: criticality at the top right, customer-facing at the bottom left."""

    kind: TagKind
    text: str
    box: Box


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
    one_off: bool = False
    """Every connection to it is a one-off transfer (a migration): its arrow is dashed, nothing depends on it."""
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    lines: tuple[str, ...] = ()
    """The name wrapped into the box's ``name_band`` (``NAME_LINES`` at most), once the node is laid out."""
    tags: tuple[Tag, ...] = ()

    @property
    def box(self) -> Box:
        """The box itself, without its tags."""
        return Box(self.x, self.y, self.width, self.height)

    @property
    def room(self) -> Box:
        """The space the node takes, its tags included (they straddle the top and bottom borders)."""
        return Box(self.x, self.y, self.width, self.height + 2 * TAG_OVERHANG)

    @property
    def name_band(self) -> Box:
        """The part of the box its name may take: inside the border, below a tag on the top border and above
        one on the bottom border."""
        top = self.box.top - (TAG_OVERHANG if any(tag.box.y > self.y for tag in self.tags) else 1.0)
        bottom = self.box.bottom + (TAG_OVERHANG if any(tag.box.y < self.y for tag in self.tags) else 1.0)
        return Box(self.x, (top + bottom) / 2, self.width - 8, top - bottom)


@dataclass(frozen=True)
class Route:
    """One arrow from border to border: to the tool for the inner ring, from the parent for the outer ring.
    The heads sit where the data arrives."""

    system_id: str
    ring: int
    x0: float
    y0: float
    x1: float
    y1: float
    head_at_start: bool
    head_at_end: bool
    one_off: bool = False
    """A one-off transfer: drawn dashed."""


@dataclass(frozen=True)
class DataLabel:
    """The data classes of one direct connection, written on its arrow (``on_edge``) or beside it; or, where
    they fit nowhere clear, a numbered ``key`` on the arrow, with ``lines`` listed under the diagram."""

    system_id: str
    lines: tuple[str, ...]
    on_edge: bool
    x: float
    y: float
    width: float
    height: float
    key: str = ""
    size: float = LABEL_SIZE

    @property
    def box(self) -> Box:
        return Box(self.x, self.y, self.width, self.height)


@dataclass(frozen=True)
class NeighbourhoodLayout:
    """Where everything goes; ``drawing.draw_layout`` draws it. Coordinates have the tool at (0, 0)."""

    nodes: tuple[DiagramNode, ...]
    tool_x: float
    """Where the tool's centre sits across the drawing (left of the middle when there is an outer ring)."""
    tool_width: float
    tool_height: float
    tool_lines: tuple[str, ...]
    """The tool's name wrapped into its box (three lines at most)."""
    hidden: int
    """Systems of the blast radius not drawn (further away, or beyond the outer ring's room)."""
    routes: tuple[Route, ...] = ()
    """The arrows, in the order of ``nodes``."""
    labels: tuple[DataLabel, ...] = ()
    """Written labels first, then the numbered keys in the order of their numbers."""
    label_overlap: float = 0.0
    """Square points the labels and keys still cover of boxes, tags and one another, plus a penalty per arrow
    a key crosses: 0 unless the diagram is too crowded for even a key to find a clear place."""

    @property
    def keys(self) -> tuple[DataLabel, ...]:
        """The labels shown as a number on the arrow and listed in full under the diagram."""
        return tuple(label for label in self.labels if label.key)

    @property
    def tool(self) -> Box:
        return Box(0.0, 0.0, self.tool_width, self.tool_height)


def neighbourhood_layout(graph: GraphFindings, vendor_label: str, width: float, wording: DiagramWording,
                         lettering: Lettering) -> NeighbourhoodLayout:
    """Place the tool, its direct connections, the systems two steps downstream and the arrows' labels.

    Direct neighbours sit on an inner ellipse round the tool: data coming in on the left, going out on the
    right, both ways at the top and bottom. Systems two steps downstream (the start of the blast radius) sit
    on an outer arc near the neighbour they hang from; as only systems the tool sends data to have any, the
    arc runs round the right, and the tool moves left of the middle to make room for it. A centred layout,
    and a taller one, are tried as well; the one whose labels are clear, then the one showing most, then the
    one with fewest numbered keys, wins. Systems that do not fit are counted in ``hidden``: the report's
    tables list them all.
    ``wording`` gives the tags' texts.
    """
    measure = lettering.measure
    tool_lines = tuple(wrap(plain(vendor_label), lettering.font_bold, TOOL_TEXT_SIZE, TOOL_WIDTH - 14, 3, measure))
    tool = Box(0.0, 0.0, TOOL_WIDTH, max(38.0, 10.0 * len(tool_lines) + 16))
    direct = _direct_nodes(graph)
    if not direct:
        return NeighbourhoodLayout(nodes=(), tool_x=width / 2, tool_width=tool.width, tool_height=tool.height,
                                   tool_lines=tool_lines, hidden=len(graph.dependents))
    candidates = _second_candidates(graph, direct)
    room = MAX_HEIGHT - LEGEND_ROOM
    # With an outer ring the tool moves left: the outer ring grows from the right-hand side, where the data
    # leaves the tool, and needs a column of its own there. The centred layout (wider inner ring, outer ring
    # above and below only) is tried too, and a taller one; the one that fits the height (else the one that
    # overflows it least) wins, then the one whose labels are clear, the one showing more, the one with fewest
    # keys, the first.
    inner_rx = min(_INNER_RX, width / 2 - DIRECT_SIZE[0] / 2 - 1)
    layouts: list[tuple[tuple[float, float, int, int, int], NeighbourhoodLayout]] = []
    centred_rx = min(_INNER_RX_CENTRED, width / 2 - DIRECT_SIZE[0] / 2 - 1)
    geometries = [(min(width / 2, inner_rx + DIRECT_SIZE[0] / 2 + 2), inner_rx, 1.0)] if candidates else []
    geometries += [(width / 2, centred_rx, 1.0), (width / 2, centred_rx, 1.35)]  # taller: more room for labels
    for order, (tool_x, rx, stretch) in enumerate(geometries):
        placed, inner = _place_direct(direct, tool, tool_x, width, rx, stretch)
        second = _place_second(candidates, placed, inner, tool, tool_x, width, room) if candidates else []
        nodes = tuple(replace(node, tags=_tags(node, wording, lettering)) for node in (*placed, *second))
        drawn = {node.system_id for node in nodes}
        hidden = sum(1 for dependent in graph.dependents if dependent.system_id not in drawn)
        boxes = [tool, *(node.room for node in nodes)]
        top, bottom = max(box.top for box in boxes), min(box.bottom for box in boxes)
        routes = _routes(tool, nodes)
        bounds = Box(width / 2 - tool_x, (top + bottom) / 2, width, top - bottom)
        labels, overlap = _place_labels(tool, nodes, routes, lettering, bounds)
        keys = sum(1 for label in labels if label.key)
        key = (max(0.0, top - bottom - room), overlap, -len(second), keys, order)
        layouts.append((key, NeighbourhoodLayout(
            nodes=nodes, tool_x=tool_x, tool_width=tool.width, tool_height=tool.height, tool_lines=tool_lines,
            hidden=hidden, routes=routes, labels=tuple(labels), label_overlap=overlap)))
    chosen = min(layouts, key=lambda entry: entry[0])[1]
    return replace(chosen, nodes=tuple(replace(node, lines=_name_lines(node, lettering)) for node in chosen.nodes))


def _name_lines(node: DiagramNode, lettering: Lettering) -> tuple[str, ...]:
    """The name wrapped into its band: three lines where there is room, fewer where tags take it."""
    size = NAME_SIZE[node.ring - 1]
    band = node.name_band
    lines = max(1, min(NAME_LINES, int(band.height // name_leading(size))))
    return tuple(wrap(node.name, lettering.font, size, band.width, lines, lettering.measure))


def name_leading(size: float) -> float:
    """The distance between the lines of a system's name set at ``size``."""
    return size + 1.4


# --- the nodes ---------------------------------------------------------------------------------------------


def _system_name(graph: GraphFindings, system_id: str, own: str) -> str:
    """The name the analysis gives ``system_id``, else the one its row carries, else the id itself."""
    return graph.names.get(system_id) or own or system_id


def _direct_nodes(graph: GraphFindings) -> list[DiagramNode]:
    """One node per connected system (several rows for one system merge), sorted by direction then name."""
    by_system: dict[str, list[Connection]] = {}
    for connection in graph.connections:
        by_system.setdefault(connection.system_id, []).append(connection)
    duplicates = set(graph.duplicates)
    width, height = DIRECT_SIZE
    nodes = []
    for system_id, connections in sorted(by_system.items()):
        directions = {connection.direction for connection in connections}
        direction = directions.pop() if len(directions) == 1 else "bidirectional"
        name = _system_name(graph, system_id, connections[0].system_name)
        nodes.append(DiagramNode(
            system_id=system_id, name=plain(name), ring=1, direction=direction,
            criticality=max((c.criticality for c in connections), key=lambda value: CRITICALITY_RANK.get(value, 0)),
            customer_facing=any(c.customer_facing for c in connections), duplicate=name in duplicates,
            data_classes=tuple(sorted({plain(data_class) for c in connections for data_class in c.data_classes})),
            one_off=not any(c.lasting for c in connections), width=width, height=height))
    nodes.sort(key=lambda node: (_DIRECTION_ORDER.get(node.direction, 3), node.name.casefold(), node.system_id))
    return nodes


def _second_candidates(graph: GraphFindings, direct: Sequence[DiagramNode]) -> list[DiagramNode]:
    """Dependents at distance 2 not already drawn as direct connections, most critical first, then by name."""
    direct_ids = {node.system_id for node in direct}
    duplicates = set(graph.duplicates)
    width, height = SECOND_SIZE
    candidates = []
    for dependent in graph.dependents:
        if dependent.depth != 2 or len(dependent.path) != 3 or dependent.system_id in direct_ids \
                or dependent.path[1] not in direct_ids:
            continue
        name = _system_name(graph, dependent.system_id, dependent.name)
        candidates.append(DiagramNode(
            system_id=dependent.system_id, name=plain(name), ring=2, direction="outbound",
            criticality=dependent.criticality, customer_facing=dependent.customer_facing,
            duplicate=name in duplicates, data_classes=(), parent=dependent.path[1], width=width, height=height))
    candidates.sort(key=lambda node: (-CRITICALITY_RANK.get(node.criticality, 0), node.name.casefold(),
                                      node.system_id))
    return candidates


def _tags(node: DiagramNode, wording: DiagramWording, lettering: Lettering) -> tuple[Tag, ...]:
    """Small pills on the border: criticality at the top right, customer-facing at the bottom left. Their text
    is regular, not bold: "customer-facing" at the least size must fit on an outer-ring box."""
    box = node.box
    tags = []

    def pill(text: str, edge_x: float, y: float, from_right: bool) -> Box:
        width = lettering.measure(text, lettering.font, TAG_TEXT_SIZE) + 5
        return Box(edge_x - width / 2 if from_right else edge_x + width / 2, y, width, TAG_HEIGHT)

    if node.criticality in ("critical", "high"):
        kind: TagKind = "critical" if node.criticality == "critical" else "high"
        text = wording.critical if kind == "critical" else wording.high
        tags.append(Tag(kind, text, pill(text, box.right - 4, box.top, True)))
    if node.customer_facing:
        tags.append(Tag("customer_facing", wording.customer_facing,
                        pill(wording.customer_facing, box.left + 4, box.bottom, False)))
    return tuple(tags)


# --- the inner ring ----------------------------------------------------------------------------------------


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


def _separation(first: DiagramNode, second: DiagramNode, tangent: tuple[float, float]) -> float:
    """Arc length between two neighbouring boxes on a curve with this tangent for them not to overlap."""
    across = (first.width + second.width) / 2 + _GAP
    along = (first.height + second.height) / 2 + 2 * TAG_OVERHANG + _GAP
    options = [across / abs(tangent[0])] if abs(tangent[0]) > 1e-6 else []
    if abs(tangent[1]) > 1e-6:
        options.append(along / abs(tangent[1]))
    return min(options) * 1.06  # the arc is longer than the chord between the boxes


def _place_on_ring(nodes: Sequence[DiagramNode], desired: Sequence[float],
                   ring: Ellipse) -> list[DiagramNode] | None:
    """Nodes moved along the ellipse as little as possible so that neighbours keep clear of one another."""
    order = sorted(range(len(nodes)), key=lambda index: (ring.arc(desired[index]), index))
    wanted = [ring.arc(desired[index]) for index in order]
    positions = list(wanted)
    for _ in range(4):  # the gap a pair needs depends on where the pair ends up: settle it in a few rounds
        separations = []
        for step, index in enumerate(order):
            following = order[(step + 1) % len(order)]
            middle = positions[step] + ((positions[(step + 1) % len(order)] - positions[step]) % ring.length) / 2
            separations.append(_separation(nodes[index], nodes[following], ring.tangent(ring.angle(middle))))
        spread_out = spread_around(wanted, separations, ring.length)
        if spread_out is None:
            return None
        positions = spread_out
    placed = list(nodes)
    for step, index in enumerate(order):
        x, y = ring.point(ring.angle(positions[step]))
        placed[index] = replace(nodes[index], x=x, y=y)
    return placed


def _clear(nodes: Sequence[DiagramNode], others: Sequence[Box]) -> bool:
    boxes = [node.room for node in nodes]
    for index, box in enumerate(boxes):
        if any(box.overlaps(other, _GAP - 0.5) for other in boxes[index + 1:]):
            return False
        if any(box.overlaps(other, _GAP - 0.5) for other in others):
            return False
    return True


def _place_direct(nodes: Sequence[DiagramNode], tool: Box, tool_x: float, width: float, rx: float,
                  stretch: float) -> tuple[list[DiagramNode], Ellipse]:
    """The inner ring: start at ``rx`` (and ``stretch`` times the least height) and grow, wider first,
    until every box is clear of the others."""
    desired = _desired_angles(nodes)
    max_rx = min(tool_x, width - tool_x) - DIRECT_SIZE[0] / 2 - 1
    rx, ry = min(rx, max_rx), (tool.height / 2 + DIRECT_SIZE[1] / 2 + TAG_OVERHANG + _INNER_GAP) * stretch
    ring = ellipse(rx, ry)
    placed: list[DiagramNode] | None = None
    for _ in range(40):
        ring = ellipse(rx, ry)
        placed = _place_on_ring(nodes, desired, ring)
        if placed is not None and _clear(placed, [tool]):
            return placed, ring
        rx, ry = min(rx * 1.06, max_rx), ry * 1.03
    if placed is None:  # more neighbours than a page holds: keep the desired angles, overlapping
        placed = [replace(node, x=ring.point(angle)[0], y=ring.point(angle)[1])
                  for node, angle in zip(nodes, desired, strict=True)]
    return placed, ring


# --- the outer ring ----------------------------------------------------------------------------------------


def _place_second(candidates: Sequence[DiagramNode], direct: Sequence[DiagramNode], inner: Ellipse,
                  tool: Box, tool_x: float, width: float, room: float) -> list[DiagramNode]:
    """The outer ring, an arc round the right from bottom to top, each system near the neighbour it hangs
    from; when there is no room the least critical give way (the blast-radius table lists them all)."""
    second_width, second_height = SECOND_SIZE
    rx = width - tool_x - second_width / 2 - 1
    ry = min(inner.ry + DIRECT_SIZE[1] / 2 + second_height / 2 + 2 * TAG_OVERHANG + 26,
             room / 2 - second_height / 2 - TAG_OVERHANG - 1)
    ring = ellipse(rx, ry)
    # The arc stops where a box would leave the drawing on the left.
    reach = math.acos(max(-1.0, min(1.0, (second_width / 2 + 1 - tool_x) / rx)))
    angle_of = {node.system_id: signed(math.atan2(node.y / inner.ry, node.x / inner.rx)) for node in direct}
    bounds = Box(width / 2 - tool_x, 0.0, width, room)
    # Greedy in order of importance: a system joins only if everything drawn so far stays clear.
    shown: list[DiagramNode] = []
    placed: list[DiagramNode] = []
    for candidate in candidates:
        if len(shown) == SECOND_RING_LIMIT:
            break
        trial = _place_outer([*shown, candidate], angle_of, ring, reach)
        if trial is not None and not _offending(trial, direct, tool, bounds):
            shown.append(candidate)
            placed = trial
    return placed


def _offending(second: Sequence[DiagramNode], direct: Sequence[DiagramNode], tool: Box, bounds: Box) -> set[str]:
    """Outer-ring systems that overlap a box, leave the drawing, or whose arrow would pass behind a box."""
    boxes = {node.system_id: node.room for node in (*direct, *second)}
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
        x0, y0 = parent.box.border_point(node.x, node.y)
        x1, y1 = node.box.border_point(parent.x, parent.y)
        for key, other_box in (("", tool), *boxes.items()):
            if key in (node.system_id, node.parent):
                continue
            if crosses(x0, y0, x1, y1, other_box):
                offending.add(node.system_id)
                if key and key not in by_id:
                    offending.add(key)
    return offending


def _inside(node: DiagramNode, bounds: Box) -> bool:
    box = node.room
    return (box.left >= bounds.left - 0.5 and box.right <= bounds.right + 0.5 and box.bottom >= bounds.bottom - 0.5
            and box.top <= bounds.top + 0.5)


def _place_outer(nodes: Sequence[DiagramNode], angle_of: dict[str, float], ring: Ellipse,
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
        return ring.arc(angle) - (ring.length if signed(angle) < 0 else 0.0)

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
                            ring.tangent(ring.angle((positions[index] + positions[index + 1]) / 2)))
                for index in range(len(ordered) - 1)]
        spread_out = spread(wanted_positions, gaps, position(-reach), position(reach))
        if spread_out is None:
            return None
        positions = spread_out
    placed = []
    for node, arc in zip(ordered, positions, strict=True):
        x, y = ring.point(ring.angle(arc))
        placed.append(replace(node, x=x, y=y))
    return placed


# --- arrows and their labels -------------------------------------------------------------------------------


def _routes(tool: Box, nodes: Sequence[DiagramNode]) -> tuple[Route, ...]:
    """Each node's arrow from border to border (to the tool for the inner ring, to the parent for the outer);
    an arrow that meets a box where a tag sits stops at the tag."""
    by_id = {node.system_id: node for node in nodes}

    def end(node: DiagramNode, toward_x: float, toward_y: float) -> tuple[float, float]:
        box = node.box
        x, y = box.border_point(toward_x, toward_y)
        for tag in node.tags:
            if tag.box.left - 0.5 <= x <= tag.box.right + 0.5 and abs(y - tag.box.y) <= tag.box.height / 2:
                grown = Box(box.x, box.y + (TAG_OVERHANG / 2 if tag.box.y > box.y else -TAG_OVERHANG / 2),
                            box.width, box.height + TAG_OVERHANG)
                return grown.border_point(toward_x, toward_y)
        return x, y

    routes = []
    for node in nodes:
        parent = by_id.get(node.parent)
        if node.ring == 1:
            routes.append(Route(node.system_id, 1, *tool.border_point(node.x, node.y), *end(node, tool.x, tool.y),
                                head_at_start=node.direction != "outbound", head_at_end=node.direction != "inbound",
                                one_off=node.one_off))
        elif parent is not None:
            routes.append(Route(node.system_id, node.ring, *end(parent, node.x, node.y),
                                *end(node, parent.x, parent.y), head_at_start=False, head_at_end=True))
    return tuple(routes)


def _place_labels(tool: Box, nodes: Sequence[DiagramNode], routes: Sequence[Route], lettering: Lettering,
                  bounds: Box) -> tuple[list[DataLabel], float]:
    """Each direct connection's data classes on its arrow or beside it, clear of boxes, tags, other labels and
    other arrows, inside ``bounds``; where no place is clear, a numbered key on the arrow instead. Returns the
    labels and how much the keys still cover (0 unless even a key finds no clear place).

    Written labels come first, the shortest arrows first (they have the fewest places to choose from), and
    keep a key's room from every other arrow, so that a key on its own arrow can never meet them; a label
    beside its arrow keeps further still, so that it never reads as another arrow's.
    Keys are numbered in reading order: top to bottom, then left to right.
    """
    edges = {route.system_id: (route.x0, route.y0, route.x1, route.y1) for route in routes}
    obstacles = [tool, *(node.room for node in nodes), *(tag.box for node in nodes for tag in node.tags)]
    labelled = [node for node in nodes if node.ring == 1 and node.data_classes and node.system_id in edges]
    labelled.sort(key=lambda node: (math.dist(edges[node.system_id][:2], edges[node.system_id][2:]), node.system_id))
    written: list[DataLabel] = []
    unwritten: list[DiagramNode] = []
    for node in labelled:
        others = [edge for system_id, edge in sorted(edges.items()) if system_id != node.system_id]
        options = _label_options(node, edges[node.system_id], lettering)
        label = next((option for option in options if _clear_of(
            option.box, obstacles, written, others, _KEY_CLEARANCE if option.on_edge else _OTHER_ARROW_CLEARANCE,
            bounds)), None)
        if label is None:
            unwritten.append(node)
        else:
            written.append(label)
    keys: list[DataLabel] = []
    overlap = 0.0
    digits = len(str(len(unwritten)))
    for node in unwritten:
        others = [edge for system_id, edge in sorted(edges.items()) if system_id != node.system_id]
        places = _key_options(node, edges[node.system_id], lettering, digits)
        placed = [*written, *keys]
        # Clear of other arrows if it can be, else only of boxes and labels, else where it covers least.
        key = next((place for place in places
                    if _clear_of(place.box, obstacles, placed, others, _LABEL_CLEARANCE, bounds)), None) \
            or next((place for place in places if _clear_of(place.box, obstacles, placed, [], 0.0, bounds)), None)
        if key is None:
            def cost(place: DataLabel, placed: list[DataLabel] = placed,
                     others: list[tuple[float, float, float, float]] = others) -> float:
                covered = sum(overlap_area(place.box, other, _LABEL_CLEARANCE)
                              for other in (*obstacles, *(done.box for done in placed)))
                return covered + 40 * sum(1 for edge in others if crosses(*edge, place.box, margin=0.5))

            key = min(places, key=cost)
            overlap += cost(key)
        keys.append(key)
    keys.sort(key=lambda marker: (-round(marker.box.top, 1), marker.x, marker.system_id))
    numbered = [replace(key, key=str(number)) for number, key in enumerate(keys, start=1)]
    return [*written, *numbered], overlap


def _clear_of(box: Box, obstacles: Sequence[Box], labels: Sequence[DataLabel],
              arrows: Sequence[tuple[float, float, float, float]], arrow_clearance: float, bounds: Box) -> bool:
    """Whether ``box`` stays inside ``bounds`` and clear of the obstacles, the labels and the arrows."""
    if box.left < bounds.left or box.right > bounds.right or box.bottom < bounds.bottom or box.top > bounds.top:
        return False
    if any(box.overlaps(other, _LABEL_CLEARANCE) for other in obstacles):
        return False
    if any(box.overlaps(label.box, _LABEL_CLEARANCE) for label in labels):
        return False
    return not any(crosses(*arrow, box, margin=arrow_clearance) for arrow in arrows)


_SHARES = (0.5, 0.6, 0.4, 0.7, 0.3, 0.8, 0.2, 0.9, 0.1)
"""Where along its arrow a label is tried, in order of preference: halfway first."""
_KEY_SHARES = tuple(sorted((step / 20 for step in range(1, 20)), key=lambda share: (abs(share - 0.5), share)))
"""A key is small: it is tried at finer steps."""


def _label_options(node: DiagramNode, edge: tuple[float, float, float, float],
                   lettering: Lettering) -> Iterator[DataLabel]:
    """Places for the data classes on the arrow or beside it, on one line, a few lines or one class a line,
    in order of preference (made as they are asked for: the first clear one ends the search). A label on the
    arrow interrupts it, so it must leave most of the arrow showing."""
    x0, y0, x1, y1 = edge
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    font, measure = lettering.font, lettering.measure
    classes = node.data_classes
    layouts = [[", ".join(classes)], wrap_list(classes, font, LABEL_SIZE, _LABEL_WIDTH, measure),
               [*(f"{item}," for item in classes[:-1]), classes[-1]]]
    unique = [lines for index, lines in enumerate(layouts) if lines not in layouts[:index]]
    for on_edge in (True, False):
        for lines in unique:
            label_width = max(measure(line, font, LABEL_SIZE) for line in lines) + 3
            label_height = LABEL_LEADING * len(lines) + 1.5
            extent = abs(ux) * label_width + abs(uy) * label_height
            if on_edge and extent > 0.72 * length:  # it would hide the arrow
                continue
            shift = 0.0 if on_edge else abs(uy) * label_width / 2 + abs(ux) * label_height / 2 + 2
            for share in _SHARES:
                for side in ((1,) if on_edge else (1, -1)):
                    yield DataLabel(
                        system_id=node.system_id, lines=tuple(lines), on_edge=on_edge,
                        x=x0 + (x1 - x0) * share - uy * shift * side, y=y0 + (y1 - y0) * share + ux * shift * side,
                        width=label_width, height=label_height)


def _key_options(node: DiagramNode, edge: tuple[float, float, float, float], lettering: Lettering,
                 digits: int) -> list[DataLabel]:
    """Places for a numbered key on the arrow, halfway first; ``lines`` keeps the data classes for the list
    under the diagram."""
    x0, y0, x1, y1 = edge
    width = max(KEY_HEIGHT, lettering.measure("8" * digits, lettering.font_bold, LABEL_SIZE) + 5)
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    extent = (abs(ux) * width + abs(uy) * KEY_HEIGHT) / 2 + 1
    shares = [share for share in _KEY_SHARES if extent <= share * length <= length - extent] or [0.5]
    lines = (", ".join(node.data_classes),)
    return [DataLabel(system_id=node.system_id, lines=lines, on_edge=True, x=x0 + (x1 - x0) * share,
                      y=y0 + (y1 - y0) * share, width=width, height=KEY_HEIGHT) for share in shares]
