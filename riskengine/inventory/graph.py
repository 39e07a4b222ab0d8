"""Place the proposed tool in the graph of existing systems and measure what it touches."""

from __future__ import annotations

from typing import Any

from riskengine.assessment import Connection, GraphSummary
from riskengine.errors import Problem
from riskengine.facts import Fact, Provenance
from riskengine.inventory.loader import SystemIndex
from riskengine.inventory.model import CRITICALITY_RANK, Inventory
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.submission import Submission

VENDOR_NODE = "__vendor__"


def resolve_connections(submission: Submission, bank: QuestionBank,
                        inventory: Inventory) -> tuple[list[Connection], list[Problem]]:
    """Match each Integrations row to an existing system; an unknown system is a problem naming the closest."""
    question = bank.by_role("integrations")
    if question is None:
        return [], []
    index = SystemIndex(inventory)
    connections: list[Connection] = []
    problems: list[Problem] = []
    for row in submission.tables.get(question.id, ()):
        name = str(row.values.get("system") or "")
        system = index.find(name)
        if system is None:
            close = index.closest(name)
            hint = f"; closest: {', '.join(close)}" if close else ""
            problems.append(Problem(place=row.places["system"], question_id=question.id,
                                    message=f"unknown system {name!r} (not in the inventory){hint}"))
            continue
        data_classes = row.values.get("data_classes") or ()
        connections.append(Connection(
            system_id=system.id, system_name=system.name, direction=str(row.values["direction"]),
            data_classes=tuple(data_classes) if isinstance(data_classes, tuple) else (str(data_classes),),
            method=str(row.values["method"]), frequency=str(row.values["frequency"]),
            criticality=system.criticality, customer_facing=system.customer_facing, place=row.place))
    return connections, problems


def analyse(inventory: Inventory, inventory_name: str, connections: list[Connection],
            capability: str) -> tuple[GraphSummary, list[Fact]]:
    """Add the tool as a node with its proposed edges; return the summary and the ``graph.*`` facts.

    Reach follows data: from the tool along every edge leaving it (outbound and bidirectional links),
    then along the inventory's integrations, which are what would carry a failure or a leak onwards.
    """
    import networkx as nx

    graph: Any = nx.DiGraph()
    for system in inventory.systems:
        graph.add_node(system.id)
    for integration in inventory.integrations:
        graph.add_edge(integration.source, integration.target)
    for connection in connections:
        if connection.direction in ("inbound", "bidirectional"):
            graph.add_edge(connection.system_id, VENDOR_NODE)
        if connection.direction in ("outbound", "bidirectional"):
            graph.add_edge(VENDOR_NODE, connection.system_id)
    graph.add_node(VENDOR_NODE)
    systems = {system.id: system for system in inventory.systems}
    reachable = sorted(nx.descendants(graph, VENDOR_NODE) | {c.system_id for c in connections})
    reachable = [system_id for system_id in reachable if system_id != VENDOR_NODE]
    critical = [s for s in reachable if CRITICALITY_RANK[systems[s].criticality] >= CRITICALITY_RANK["high"]]
    customer_facing = [s for s in reachable if systems[s].customer_facing]
    duplicates = sorted(system.name for system in inventory.systems if capability and capability in system.capabilities)
    data_in = sorted({data_class for c in connections if c.direction in ("inbound", "bidirectional")
                      for data_class in c.data_classes if data_class != "none"})
    computation = Provenance(kind="graph", ref=f"graph:{inventory_name}",
                             detail=f"{len(connections)} proposed integrations over {len(systems)} systems")
    rows = tuple(Provenance(kind="cell", ref=c.place) for c in connections)
    summary = GraphSummary(
        inventory=inventory_name, systems_in_inventory=len(systems), connections=tuple(connections),
        reachable=tuple(reachable), critical_reachable=tuple(critical),
        customer_facing_reachable=tuple(customer_facing), duplicates=tuple(duplicates), capability=capability,
        provenance=(computation, *rows))
    sources = (computation, *rows)
    facts = [
        Fact(name="graph.connected", value=len({c.system_id for c in connections}), sources=sources),
        Fact(name="graph.reach.total", value=len(reachable), sources=sources),
        Fact(name="graph.reach.critical", value=len(critical), sources=sources),
        Fact(name="graph.customer_facing", value=bool(customer_facing), sources=sources),
        Fact(name="graph.duplicates", value=tuple(duplicates), sources=(computation,)),
        Fact(name="graph.data_in", value=tuple(data_in), sources=sources),
    ]
    return summary, facts
