"""The neighbourhood diagram: deterministic, marked, counted, and clear of overlaps."""

from __future__ import annotations

import itertools

import pytest
import reportlab.rl_config
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.graphics.shapes import Drawing, Group, Rect, Shape, String

from riskengine.inventory.analysis import (
    Connection,
    Dependent,
    Direction,
    GraphFindings,
)
from riskengine.inventory.graph import VENDOR
from riskengine.report.diagram.drawing import DiagramTheme, neighbourhood_diagram
from riskengine.report.diagram.layout import (
    MAX_HEIGHT,
    NAME_LINES,
    SECOND_RING_LIMIT,
    DiagramNode,
    NeighbourhoodLayout,
    neighbourhood_layout,
)
from riskengine.report.fonts import FONT, FONT_BOLD, FONT_ITALIC, register_fonts
from riskengine.report.wording import load_wording
from tests.report.graphs import graph_findings, label_problems

WIDTH = 493.0
TOOL = "Acme Journeys Enterprise"
WORDING = load_wording().dependencies.diagram
THEME = DiagramTheme.from_theme(load_wording().theme)


def _drawing(graph: GraphFindings) -> Drawing:
    return neighbourhood_diagram(graph, TOOL, WIDTH, THEME, WORDING)


def _layout(graph: GraphFindings) -> NeighbourhoodLayout:
    return neighbourhood_layout(graph, TOOL, WIDTH, WORDING, THEME.lettering)


def _connection(system_id: str, name: str, direction: Direction, classes: tuple[str, ...] = ("personal",),
                criticality: str = "medium", customer_facing: bool = False) -> Connection:
    return Connection(system_id=system_id, system_name=name, direction=direction, data_classes=classes,
                      method="api", frequency="daily", criticality=criticality, customer_facing=customer_facing,
                      place=f"Integrations!B{len(system_id)}")


def _dependent(system_id: str, name: str, path: tuple[str, ...], criticality: str = "medium",
               customer_facing: bool = False) -> Dependent:
    return Dependent(system_id=system_id, name=name, criticality=criticality, customer_facing=customer_facing,
                     depth=len(path) - 1, path=path)


def _sample() -> GraphFindings:
    """Six neighbours in all three directions, four systems two steps out, one further."""
    connections = [
        _connection("crm", "Salesforce Sales Cloud", "bidirectional", ("personal", "behavioural"), "critical"),
        _connection("shop", "Shopify Plus", "inbound", ("personal", "payment"), "critical", customer_facing=True),
        _connection("okta", "Okta Workforce Identity", "inbound", ("personal",), "high"),
        _connection("consent", "OneTrust Consent Management", "inbound", ("behavioural",), "high", True),
        _connection("dwh", "Snowflake", "outbound", ("personal", "behavioural"), "high"),
        _connection("ads", "Google Ads", "outbound", ("behavioural",), "medium"),
    ]
    dependents = [
        _dependent("crm", "Salesforce Sales Cloud", (VENDOR, "crm"), "critical"),
        _dependent("dwh", "Snowflake", (VENDOR, "dwh"), "high"),
        _dependent("ads", "Google Ads", (VENDOR, "ads")),
        _dependent("erp", "Microsoft Dynamics 365 Finance & Supply Chain", (VENDOR, "dwh", "erp"), "critical"),
        _dependent("bi", "Microsoft Power BI", (VENDOR, "dwh", "bi")),
        _dependent("mail", "Mailchimp", (VENDOR, "crm", "mail"), "high"),
        _dependent("chat", "ChatGPT Plus (personal accounts)", (VENDOR, "crm", "chat"), "low"),
        _dependent("sms", "LINK Mobility", (VENDOR, "crm", "mail", "sms")),
    ]
    return graph_findings(connections, dependents, duplicates=("Mailchimp",))


def _shapes(node: Shape) -> list[tuple[object, ...]]:
    """Every shape with every property, groups flattened with their transforms: what the PDF will draw."""
    if isinstance(node, Group):
        return [("Group", tuple(node.transform)), *(shape for child in node.contents for shape in _shapes(child))]
    return [(type(node).__name__, tuple(sorted((key, repr(value)) for key, value in node.getProperties().items())))]


def _dump(drawing: Drawing) -> list[tuple[object, ...]]:
    return [("Drawing", drawing.width, drawing.height),
            *(shape for child in drawing.contents for shape in _shapes(child))]


def _node_groups(drawing: Drawing) -> list[Group]:
    """The tool's and each system's group: the scene is the drawing's first group."""
    scene = drawing.contents[0]
    assert isinstance(scene, Group)
    return [child for child in scene.contents if isinstance(child, Group)]


def _texts(group: Group) -> list[str]:
    return [shape.text for shape in group.contents if isinstance(shape, String)]


def _group_of(drawing: Drawing, first_line: str) -> Group:
    groups = [group for group in _node_groups(drawing) if first_line in _texts(group)]
    assert len(groups) == 1, f"{first_line!r} drawn {len(groups)} times"
    return groups[0]


def _border(group: Group) -> Rect:
    rect = group.contents[0]
    assert isinstance(rect, Rect)
    return rect


def test_same_findings_give_the_same_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    first = _drawing(_sample())
    second = _drawing(_sample())
    assert _dump(first) == _dump(second)
    # and the same PDF, once reportlab's own clock is out of the way
    monkeypatch.setattr(reportlab.rl_config, "invariant", 1)
    assert first.asString("pdf") == second.asString("pdf")


def test_input_order_does_not_change_the_drawing() -> None:
    graph = _sample()
    reversed_graph = graph.model_copy(update={"connections": graph.connections[::-1],
                                              "dependents": graph.dependents[::-1]})
    assert _dump(_drawing(reversed_graph)) == _dump(_drawing(graph))


def test_critical_and_high_systems_are_marked_and_tell_apart_without_colour() -> None:
    drawing = _drawing(_sample())
    wording = load_wording().dependencies.diagram
    theme = DiagramTheme.from_theme(load_wording().theme)
    critical, high, plain = (_group_of(drawing, name) for name in ("Salesforce Sales", "Snowflake", "Google Ads"))
    assert wording.critical in _texts(critical)
    assert wording.high in _texts(high)
    assert wording.critical not in _texts(plain) and wording.high not in _texts(plain)
    assert _border(critical).strokeColor == theme.critical
    assert _border(critical).strokeWidth > _border(high).strokeWidth > _border(plain).strokeWidth


def test_duplicates_are_dashed_and_customer_facing_systems_tagged() -> None:
    drawing = _drawing(_sample())
    assert _border(_group_of(drawing, "Mailchimp")).strokeDashArray
    assert not _border(_group_of(drawing, "Snowflake")).strokeDashArray
    facing = load_wording().dependencies.diagram.customer_facing
    assert facing in _texts(_group_of(drawing, "Shopify Plus"))
    assert facing not in _texts(_group_of(drawing, "Snowflake"))


def test_nodes_are_the_tool_its_neighbours_and_the_second_ring() -> None:
    graph = _sample()
    drawing = _drawing(graph)
    layout = _layout(graph)
    assert len(_node_groups(drawing)) == 1 + 6 + 4  # LINK Mobility is three steps out
    assert [node.ring for node in layout.nodes].count(2) == 4
    assert {node.system_id for node in layout.nodes if node.ring == 2} == {"erp", "bi", "mail", "chat"}
    assert layout.hidden == 1
    assert any(text.startswith("Further downstream") and "1" in text
               for shape in drawing.contents if isinstance(shape, String) for text in [shape.text])


def test_direction_places_inbound_left_outbound_right() -> None:
    layout = _layout(_sample())
    by_id = {node.system_id: node for node in layout.nodes}
    assert all(by_id[system].x < 0 for system in ("shop", "okta", "consent"))
    assert all(by_id[system].x > 0 for system in ("dwh", "ads"))
    assert by_id["crm"].y > 0  # both ways: above (the first) or below the tool
    # systems reached through a neighbour sit further out, on its side
    assert by_id["erp"].x > by_id["dwh"].x - 1


def test_second_ring_is_capped_and_the_rest_counted() -> None:
    connections = [_connection("hub", "Integration hub", "outbound"), _connection("src", "Source", "inbound")]
    dependents = [_dependent("hub", "Integration hub", (VENDOR, "hub"))]
    dependents += [_dependent(f"leaf-{number:02d}", f"Leaf system {number:02d}", (VENDOR, "hub", f"leaf-{number:02d}"),
                              "critical" if number % 5 == 0 else "low") for number in range(1, 31)]
    layout = _layout(graph_findings(connections, dependents))
    second = [node for node in layout.nodes if node.ring == 2]
    assert 1 <= len(second) <= SECOND_RING_LIMIT
    # the critical ones come first
    assert {node.name for node in second if node.criticality == "critical"} == {
        f"Leaf system {number:02d}" for number in range(5, 31, 5)}
    assert layout.hidden == 31 - len(second) - 1


def test_without_connections_only_the_tool_and_a_note() -> None:
    drawing = _drawing(graph_findings([]))
    groups = _node_groups(drawing)
    assert len(groups) == 1
    assert TOOL in " ".join(_texts(groups[0]))
    notes = [shape.text for shape in drawing.contents if isinstance(shape, String)]
    assert notes == [load_wording().dependencies.diagram.no_connections]


def test_long_names_are_cut_to_fit_their_boxes() -> None:
    name = "Enterprise Resource Planning Platform for Finance, Supply Chain and Manufacturing Operations"
    drawing = _drawing(graph_findings([_connection("erp", name, "outbound")]))
    group = _group_of(drawing, "Enterprise Resource")
    lines = _texts(group)
    assert len(lines) == NAME_LINES and lines[-1].endswith("…")
    assert drawing.width <= WIDTH


def _boxes_overlap(first: DiagramNode, second: DiagramNode) -> bool:
    return (abs(first.x - second.x) < (first.width + second.width) / 2
            and abs(first.y - second.y) < (first.height + second.height) / 2)


def _check_clear(layout: NeighbourhoodLayout) -> None:
    tool = DiagramNode(system_id=VENDOR, name=TOOL, ring=0, direction="", criticality="", customer_facing=False,
                       duplicate=False, data_classes=(), width=layout.tool_width, height=layout.tool_height)
    nodes = [tool, *layout.nodes]
    for first, second in itertools.combinations(nodes, 2):
        assert not _boxes_overlap(first, second), f"{first.name} overlaps {second.name}"
    for node in layout.nodes:
        assert node.width / 2 <= layout.tool_x + node.x + 0.5
        assert layout.tool_x + node.x + node.width / 2 <= WIDTH + 0.5


@given(st.lists(st.tuples(st.sampled_from(["inbound", "outbound", "bidirectional"]),
                          st.sampled_from(["low", "medium", "high", "critical"]),
                          st.lists(st.sampled_from(["personal", "payment", "behavioural", "health"]), max_size=3,
                                   unique=True)),
                min_size=3, max_size=12),
       st.integers(min_value=0, max_value=16))
@settings(max_examples=40, deadline=None)
def test_any_neighbourhood_of_3_to_12_stays_clear_and_inside(
        neighbours: list[tuple[Direction, str, list[str]]], second: int) -> None:
    connections = [_connection(f"n{index:02d}", f"Neighbour system {index:02d}", direction, tuple(classes), criticality)
                   for index, (direction, criticality, classes) in enumerate(neighbours)]
    parents = [connection.system_id for connection in connections if connection.direction != "inbound"]
    dependents = [_dependent(f"d{index:02d}", f"Downstream system {index:02d}",
                             (VENDOR, parents[index % len(parents)], f"d{index:02d}")) for index in range(second)
                  if parents]
    graph = graph_findings(connections, dependents)
    layout = _layout(graph)
    assert [node.ring for node in layout.nodes].count(1) == len(connections)
    _check_clear(layout)
    assert label_problems(layout, WIDTH) == []
    drawing = _drawing(graph)
    assert _sizes(drawing) and min(_sizes(drawing)) >= 7
    assert drawing.height <= MAX_HEIGHT + 13 * len(layout.keys)  # a row under the diagram per key at most


def test_labels_of_the_sample_touch_no_box_and_no_other_label() -> None:
    layout = _layout(_sample())
    assert {label.system_id for label in layout.labels} == {"crm", "shop", "okta", "consent", "dwh", "ads"}
    assert layout.label_overlap == 0
    boxes = [(node.x, node.y, node.width, node.height) for node in layout.nodes]
    boxes.append((0.0, 0.0, layout.tool_width, layout.tool_height))
    labels = [(label.x, label.y, label.width, label.height) for label in layout.labels]
    for (x0, y0, w0, h0), (x1, y1, w1, h1) in itertools.product(labels, [*boxes, *labels]):
        if (x0, y0) == (x1, y1):
            continue
        assert abs(x0 - x1) >= (w0 + w1) / 2 or abs(y0 - y1) >= (h0 + h1) / 2


def test_names_from_the_analysis_label_systems_whose_rows_carry_only_ids() -> None:
    connections = [_connection("crm", "", "outbound"), _connection("okta", "", "inbound")]
    dependents = [_dependent("crm", "", (VENDOR, "crm")), _dependent("erp", "", (VENDOR, "crm", "erp"), "critical")]
    graph = graph_findings(connections, dependents).model_copy(update={"names": {
        "crm": "Salesforce Sales Cloud", "okta": "Okta Workforce Identity", "erp": "SAP S/4HANA"}})
    layout = _layout(graph)
    assert {node.system_id: node.name for node in layout.nodes} == {
        "crm": "Salesforce Sales Cloud", "okta": "Okta Workforce Identity", "erp": "SAP S/4HANA"}
    drawing = _drawing(graph)
    drawn = " ".join(text for group in _node_groups(drawing) for text in _texts(group))
    assert "SAP S/4HANA" in drawn and "erp" not in drawn.split()


def _strings(node: Shape) -> list[String]:
    if isinstance(node, Group):
        return [string for child in node.contents for string in _strings(child)]
    return [node] if isinstance(node, String) else []


def _sizes(drawing: Drawing) -> list[float]:
    """The type size of every text the drawing sets."""
    return [string.fontSize for child in drawing.contents for string in _strings(child)]


def test_every_text_in_the_diagram_is_at_least_7_points() -> None:
    for graph in (_sample(), _crowded()):
        sizes = _sizes(_drawing(graph))
        assert len(sizes) > 20 and min(sizes) >= 7


def _crowded() -> GraphFindings:
    """Eight systems sending long lists of data classes in from the left: too many to write by the arrows."""
    classes = ("personal", "behavioural", "payment", "health", "location", "credentials")
    return graph_findings([_connection(f"in{index}", f"Source system {index}", "inbound", classes[: 2 + index % 5])
                           for index in range(8)])


def test_a_key_on_the_arrow_is_listed_in_full_under_the_diagram() -> None:
    graph = _crowded()
    layout = _layout(graph)
    drawing = _drawing(graph)
    assert label_problems(layout, WIDTH) == [] and layout.keys
    scene_texts = [string.text for string in _strings(drawing.contents[0])]
    listed = [string.text for child in drawing.contents[1:] for string in _strings(child)]
    names = {node.system_id: node.name for node in layout.nodes}
    for key in layout.keys:
        assert key.key in scene_texts  # the number on the arrow
        entry = f"{names[key.system_id]}: {', '.join(_node(layout, key.system_id).data_classes)}"
        assert key.key in listed and entry in listed, (entry, listed)
    written = {label.system_id for label in layout.labels if not label.key}
    for label in layout.labels:
        if label.system_id in written:
            assert all(line in scene_texts for line in label.lines)
    assert drawing.height > _drawing(graph_findings(graph.connections[:1])).height


def _node(layout: NeighbourhoodLayout, system_id: str) -> DiagramNode:
    return next(node for node in layout.nodes if node.system_id == system_id)


def test_a_key_entry_in_another_script_is_set_in_a_font_that_has_it() -> None:
    register_fonts()
    theme = DiagramTheme.from_theme(load_wording().theme, font=FONT, font_bold=FONT_BOLD, font_italic=FONT_ITALIC)
    crowded = _crowded()
    graph = crowded.model_copy(update={"connections": tuple(
        connection.model_copy(update={"system_name": f"客户数据平台 {index}"})
        for index, connection in enumerate(crowded.connections))})
    drawing = neighbourhood_diagram(graph, TOOL, WIDTH, theme, WORDING)
    listed = [string for child in drawing.contents[1:] for string in _strings(child)]
    layout = neighbourhood_layout(graph, TOOL, WIDTH, WORDING, theme.lettering)
    assert layout.keys
    assert any(string.text.startswith("客户数据平台") and string.fontName == "DroidSansFallback" for string in listed)
