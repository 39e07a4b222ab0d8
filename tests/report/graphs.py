"""GraphFindings built in code for the diagram's tests, and what their labels must keep to (no reportlab here:
the layout's tests run without it)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from riskengine.inventory.analysis import Centrality, Connection, Dependent, EffortRange, GraphFindings
from riskengine.report.diagram.layout import NeighbourhoodLayout


def graph_findings(connections: Sequence[Connection], dependents: Sequence[Dependent] = (),
                   duplicates: tuple[str, ...] = ()) -> GraphFindings:
    """The findings of a 40-system inventory in which the tool has ``connections`` and ``dependents``."""
    return GraphFindings(
        inventory="inventory.yaml", organisation="Acme Retail", systems_in_inventory=40,
        integrations_in_inventory=60, capability="email-marketing", connections=tuple(connections), data_in=(),
        data_through=(), dependents=tuple(dependents), blast_score=1.0, critical_dependents=(),
        customer_facing_dependents=(), cut_vertex=False, separated_groups=(), new_department_links=(),
        centrality=Centrality(degree=len(connections), degree_percentile=50.0, betweenness=None,
                              betweenness_rank=None, method="degree only"),
        duplicates=duplicates, shadow_it=(), effort=(), effort_total=EffortRange(low=0, likely=0, high=0))


def label_problems(layout: NeighbourhoodLayout, width: float) -> list[str]:
    """Every way the layout's labels break their promises: a label under 7 pt, a label over a box, a tag or
    another label, a label outside the drawing, a connection with data classes but no label (or two), keys
    not numbered 1, 2, 3 ... Empty when all is well."""
    problems: list[str] = []
    obstacles = [("the tool", layout.tool), *((node.name, node.room) for node in layout.nodes),
                 *((f"a tag of {node.name}", tag.box) for node in layout.nodes for tag in node.tags)]
    rooms = [layout.tool, *(node.room for node in layout.nodes)]
    top, bottom = max(box.top for box in rooms), min(box.bottom for box in rooms)
    for label in layout.labels:
        box = label.box
        if label.size < 7:
            problems.append(f"{label.system_id}: {label.size} pt")
        problems += [f"{label.system_id} over {name}" for name, other in obstacles if box.overlaps(other)]
        if box.left < -layout.tool_x or box.right > width - layout.tool_x or box.bottom < bottom or box.top > top:
            problems.append(f"{label.system_id} outside the drawing")
    problems += [f"{first.system_id} over {second.system_id}"
                 for first, second in itertools.combinations(layout.labels, 2) if first.box.overlaps(second.box)]
    labelled = sorted(node.system_id for node in layout.nodes if node.ring == 1 and node.data_classes)
    if sorted(label.system_id for label in layout.labels) != labelled:
        problems.append(f"labels {sorted(label.system_id for label in layout.labels)} for {labelled}")
    by_id = {node.system_id: node for node in layout.nodes}
    for label in layout.labels:
        if " ".join(label.lines).replace(",", " ").split() != " ".join(by_id[label.system_id].data_classes).split():
            problems.append(f"{label.system_id} says {label.lines}")
    if [key.key for key in layout.keys] != [str(number) for number in range(1, len(layout.keys) + 1)]:
        problems.append(f"keys {[key.key for key in layout.keys]}")
    return problems
