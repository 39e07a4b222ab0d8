"""The neighbourhood diagram's layout on its own: pure geometry, no reportlab, text measured as monospace."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from riskengine.inventory.analysis import (
    Connection,
    Dependent,
    Direction,
    GraphFindings,
)
from riskengine.inventory.graph import VENDOR
from riskengine.report.diagram.geometry import Box
from riskengine.report.diagram.layout import (
    NAME_LINES,
    NAME_SIZE,
    TAG_OVERHANG,
    DiagramNode,
    Lettering,
    NeighbourhoodLayout,
    Route,
    name_leading,
    neighbourhood_layout,
)
from riskengine.report.wording import load_wording
from tests.report.graphs import graph_findings, label_problems

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 493.0
TOOL = "Acme Journeys Enterprise"
WORDING = load_wording().dependencies.diagram


def monospace(text: str, font: str, size: float) -> float:
    """Every character half as wide as the type is high, bold a little wider."""
    return len(text) * size * (0.6 if font == "bold" else 0.5)


LETTERING = Lettering(font="regular", font_bold="bold", measure=monospace)


def _connection(system_id: str, direction: Direction, classes: tuple[str, ...] = ("personal",),
                criticality: str = "medium", customer_facing: bool = False) -> Connection:
    return Connection(system_id=system_id, system_name=f"System {system_id}", direction=direction,
                      data_classes=classes, method="api", frequency="daily", criticality=criticality,
                      customer_facing=customer_facing, place="Integrations!B2")


def _graph(connections: list[Connection], downstream: dict[str, list[str]]) -> GraphFindings:
    """``downstream`` maps a connected system to the systems it passes the data on to."""
    return graph_findings(connections, [
        Dependent(system_id=child, name=f"Downstream {child}", criticality="high", customer_facing=index % 2 == 0,
                  depth=2, path=(VENDOR, parent, child))
        for parent, children in sorted(downstream.items()) for index, child in enumerate(children)])


def _sample() -> GraphFindings:
    connections = [
        _connection("crm", "bidirectional", ("personal", "behavioural"), "critical"),
        _connection("shop", "inbound", ("personal", "payment"), "critical", customer_facing=True),
        _connection("okta", "inbound", ("personal",), "high"),
        _connection("dwh", "outbound", ("personal", "behavioural"), "high"),
        _connection("ads", "outbound", ("behavioural",)),
    ]
    return _graph(connections, {"dwh": ["erp", "bi"], "crm": ["mail"]})


def _layout(graph: GraphFindings) -> NeighbourhoodLayout:
    return neighbourhood_layout(graph, TOOL, WIDTH, WORDING, LETTERING)


def _on_border(box: Box, x: float, y: float, slack: float = 0.0) -> bool:
    """Whether (x, y) lies on the box's border, the top and bottom allowed to stand ``slack`` further out."""
    eps = 1e-6
    inside = box.left - eps <= x <= box.right + eps and box.bottom - slack - eps <= y <= box.top + slack + eps
    edge = (abs(x - box.left) < eps or abs(x - box.right) < eps or y >= box.top - eps or y <= box.bottom + eps)
    return inside and edge


def _check(layout: NeighbourhoodLayout) -> None:
    """No two boxes (tags included) overlap, every box stays inside, and every arrow runs from border to
    border of the two boxes it joins (or the tag sitting on that border)."""
    tool = layout.tool
    rooms = [tool, *(node.room for node in layout.nodes)]
    for first, second in itertools.combinations(rooms, 2):
        assert not first.overlaps(second), (first, second)
    for node in layout.nodes:
        assert layout.tool_x + node.room.left >= -0.5 and layout.tool_x + node.room.right <= WIDTH + 0.5
    by_id = {node.system_id: node for node in layout.nodes}
    assert {route.system_id for route in layout.routes} == set(by_id)
    for route in layout.routes:
        node = by_id[route.system_id]
        start_box = tool if node.ring == 1 else by_id[node.parent].box
        start_slack = 0.0 if node.ring == 1 else TAG_OVERHANG
        assert _on_border(start_box, route.x0, route.y0, start_slack), route
        assert _on_border(node.box, route.x1, route.y1, TAG_OVERHANG), route


def test_the_layout_imports_and_runs_without_reportlab() -> None:
    script = ("import sys\n"
              "from tests.report.test_diagram_layout import _layout, _sample\n"
              "layout = _layout(_sample())\n"
              "assert len(layout.nodes) == 8, layout.nodes\n"
              "print(sorted({name.split('.')[0] for name in sys.modules} & {'reportlab', 'PIL'}))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False,
                            env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_sample_is_clear_and_its_arrows_end_on_their_boxes() -> None:
    layout = _layout(_sample())
    _check(layout)
    by_id = {node.system_id: node for node in layout.nodes}
    assert {node.system_id for node in layout.nodes if node.ring == 2} == {"erp", "bi", "mail"}
    assert layout.hidden == 0
    routes = {route.system_id: route for route in layout.routes}
    assert routes["shop"] == Route("shop", 1, *layout.tool.border_point(by_id["shop"].x, by_id["shop"].y),
                                   routes["shop"].x1, routes["shop"].y1, head_at_start=True, head_at_end=False)
    assert (routes["dwh"].head_at_start, routes["dwh"].head_at_end) == (False, True)
    assert (routes["crm"].head_at_start, routes["crm"].head_at_end) == (True, True)
    assert (routes["erp"].head_at_start, routes["erp"].head_at_end) == (False, True)


def test_tags_straddle_the_border_and_say_what_the_wording_says() -> None:
    by_id = {node.system_id: node for node in _layout(_sample()).nodes}
    shop = by_id["shop"]
    assert [(tag.kind, tag.text) for tag in shop.tags] == [("critical", WORDING.critical),
                                                           ("customer_facing", WORDING.customer_facing)]
    critical, facing = shop.tags
    assert critical.box.y == shop.box.top and critical.box.right == shop.box.right - 4
    assert facing.box.y == shop.box.bottom and facing.box.left == shop.box.left + 4
    assert critical.box.width == monospace(WORDING.critical, "regular", 7.0) + 5
    assert [tag.kind for tag in by_id["okta"].tags] == ["high"]
    assert by_id["ads"].tags == ()


def test_labels_carry_each_connections_data_classes_and_names_fit_their_boxes() -> None:
    layout = _layout(_sample())
    labels = {label.system_id: label for label in layout.labels}
    ring = {node.system_id: node for node in layout.nodes if node.ring == 1}
    assert set(labels) == set(ring)
    for system_id, label in labels.items():
        assert " ".join(label.lines).replace(",", "").split() == list(ring[system_id].data_classes)
    for node in layout.nodes:
        assert 1 <= len(node.lines) <= NAME_LINES
        size = NAME_SIZE[node.ring - 1]
        assert size >= 7
        assert all(monospace(line, "regular", size) <= node.width - 8 for line in node.lines), node.lines
        assert len(node.lines) * name_leading(size) <= node.name_band.height  # clear of the tags
    assert layout.tool_lines == ("Acme Journeys", "Enterprise")


def test_the_same_findings_in_any_order_give_the_same_layout() -> None:
    graph = _sample()
    shuffled = graph.model_copy(update={"connections": graph.connections[::-1],
                                        "dependents": graph.dependents[::-1]})
    assert _layout(shuffled) == _layout(graph)


def test_without_connections_only_the_tool_is_placed() -> None:
    layout = _layout(_graph([], {}))
    assert (layout.nodes, layout.routes, layout.labels) == ((), (), ())
    assert layout.tool_x == WIDTH / 2


@given(st.lists(st.tuples(st.sampled_from(["inbound", "outbound", "bidirectional"]),
                          st.sampled_from(["low", "medium", "high", "critical"]), st.booleans()),
                min_size=1, max_size=12),
       st.integers(min_value=0, max_value=14))
@settings(max_examples=40, deadline=None)
def test_any_neighbourhood_is_clear_and_its_arrows_end_on_their_boxes(
        neighbours: list[tuple[Direction, str, bool]], downstream: int) -> None:
    connections = [_connection(f"n{index:02d}", direction, ("personal",), criticality, facing)
                   for index, (direction, criticality, facing) in enumerate(neighbours)]
    parents = [connection.system_id for connection in connections if connection.direction != "inbound"]
    children: dict[str, list[str]] = {}
    for index in range(downstream if parents else 0):
        children.setdefault(parents[index % len(parents)], []).append(f"d{index:02d}")
    layout = _layout(_graph(connections, children))
    assert [node.ring for node in layout.nodes].count(1) == len(connections)
    _check(layout)


def test_a_node_takes_its_tags_room() -> None:
    node = DiagramNode(system_id="crm", name="CRM", ring=1, direction="outbound", criticality="high",
                       customer_facing=False, duplicate=False, data_classes=(), x=10.0, y=20.0, width=78.0,
                       height=30.0)
    assert node.box == Box(10.0, 20.0, 78.0, 30.0)
    assert node.room == Box(10.0, 20.0, 78.0, 30.0 + 2 * TAG_OVERHANG)


def test_the_samples_labels_are_written_on_their_arrows() -> None:
    layout = _layout(_sample())
    assert label_problems(layout, WIDTH) == []
    assert layout.keys == () and layout.label_overlap == 0


def _crowded() -> GraphFindings:
    """Seven systems sending long lists of data classes in from the left: too many to write by the arrows."""
    classes = ("personal", "behavioural", "payment", "health", "location", "credentials")
    return _graph([_connection(f"in{index}", "inbound", classes[: 2 + index % 5]) for index in range(7)], {})


def test_labels_that_fit_nowhere_clear_become_numbered_keys_in_reading_order() -> None:
    layout = _layout(_crowded())
    assert label_problems(layout, WIDTH) == []
    keys = layout.keys
    assert len(keys) >= 2
    assert all(key.on_edge and key.lines == (", ".join(_node(layout, key.system_id).data_classes),) for key in keys)
    tops = [round(key.box.top, 1) for key in keys]
    assert tops == sorted(tops, reverse=True)  # 1 is the highest on the page
    routes = {route.system_id: route for route in layout.routes}
    for key in keys:  # on its own arrow
        route = routes[key.system_id]
        cross = (key.x - route.x0) * (route.y1 - route.y0) - (key.y - route.y0) * (route.x1 - route.x0)
        assert abs(cross) / math.dist((route.x0, route.y0), (route.x1, route.y1)) < 1e-6


def _node(layout: NeighbourhoodLayout, system_id: str) -> DiagramNode:
    return next(node for node in layout.nodes if node.system_id == system_id)


_CLASSES = st.lists(st.sampled_from(["personal", "behavioural", "payment", "health", "location",
                                     "children's data", "credentials"]), max_size=5, unique=True)


@given(st.lists(st.tuples(st.sampled_from(["inbound", "outbound", "bidirectional"]),
                          st.sampled_from(["low", "medium", "high", "critical"]), st.booleans(), _CLASSES),
                min_size=1, max_size=12),
       st.integers(min_value=0, max_value=14))
@settings(max_examples=60, deadline=None)
def test_any_neighbourhoods_labels_are_legible_clear_inside_and_all_there(
        neighbours: list[tuple[Direction, str, bool, list[str]]], downstream: int) -> None:
    connections = [_connection(f"n{index:02d}", direction, tuple(classes), criticality, facing)
                   for index, (direction, criticality, facing, classes) in enumerate(neighbours)]
    parents = [connection.system_id for connection in connections if connection.direction != "inbound"]
    children: dict[str, list[str]] = {}
    for index in range(downstream if parents else 0):
        children.setdefault(parents[index % len(parents)], []).append(f"d{index:02d}")
    layout = _layout(_graph(connections, children))
    assert label_problems(layout, WIDTH) == []
    for node in layout.nodes:  # names between the tags, in their boxes
        assert len(node.lines) * name_leading(NAME_SIZE[node.ring - 1]) <= node.name_band.height
        assert all(node.box.top >= tag.box.y >= node.name_band.top or node.box.bottom <= tag.box.y
                   <= node.name_band.bottom for tag in node.tags)
