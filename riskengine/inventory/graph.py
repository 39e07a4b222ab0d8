"""The systems graph: built once from an inventory, then used to place a proposed tool and measure it.

The vendor is never added to the shared graph: its proposed edges are overlaid during each walk, so one
graph serves many assessments. Every measure walks outwards from the vendor (breadth-first, linear in the
part of the graph it reaches); nothing runs all-pairs on the whole inventory.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from riskengine.collector import collector_paused
from riskengine.inventory.model import CRITICALITY_RANK, Inventory, System

VENDOR = "__vendor__"


@dataclass(frozen=True)
class Edge:
    """All integrations from one system to another, merged: the data classes and methods they carry."""

    data_classes: frozenset[str]
    methods: frozenset[str]


class SystemGraph:
    """A directed graph of existing systems (edges follow the data) with the inventory beside it."""

    @collector_paused()
    def __init__(self, inventory: Inventory) -> None:
        import networkx as nx

        self.inventory = inventory
        self.systems: dict[str, System] = {system.id: system for system in inventory.systems}
        merged: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
        for integration in inventory.integrations:
            classes, methods = merged.setdefault((integration.source, integration.target), (set(), set()))
            classes.update(integration.data_classes)
            methods.add(integration.method)
        self.graph: Any = nx.DiGraph()
        self.graph.add_nodes_from(self.systems)
        self.graph.add_edges_from(
            (source, target, {"edge": Edge(frozenset(classes), frozenset(methods))})
            for (source, target), (classes, methods) in merged.items())

    def successors(self, node: str) -> Iterator[tuple[str, Edge]]:
        for target, attributes in self.graph.succ[node].items():
            yield target, attributes["edge"]

    def predecessors(self, node: str) -> Iterator[tuple[str, Edge]]:
        for source, attributes in self.graph.pred[node].items():
            yield source, attributes["edge"]

    def neighbours(self, node: str) -> set[str]:
        return set(self.graph.succ[node]) | set(self.graph.pred[node])

    def degree(self, node: str) -> int:
        return len(self.neighbours(node))

    def single_points_of_failure(self) -> list[str]:
        """Systems whose loss disconnects others (articulation points of the undirected graph), by id."""
        import networkx as nx

        return sorted(nx.articulation_points(self.graph.to_undirected(as_view=True)))

    def weakly_connected_parts(self) -> int:
        import networkx as nx

        return int(nx.number_weakly_connected_components(self.graph)) if self.systems else 0


def criticality_weight(system: System) -> int:
    return CRITICALITY_RANK[system.criticality]


def breadth_first(start: Iterable[tuple[str, tuple[str, ...]]], step: Any) -> dict[str, tuple[str, ...]]:
    """Shortest paths from ``start`` (node, path-so-far pairs) following ``step(node) -> next nodes``."""
    paths: dict[str, tuple[str, ...]] = {}
    queue: deque[str] = deque()
    for node, path in start:
        if node not in paths:
            paths[node] = path
            queue.append(node)
    while queue:
        node = queue.popleft()
        for following in sorted(step(node)):
            if following not in paths:
                paths[following] = (*paths[node], following)
                queue.append(following)
    return paths
