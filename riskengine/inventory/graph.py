"""The systems graph: built once from an inventory, then used to place a proposed tool and measure it.

The vendor is never added to the shared graph: its proposed edges are overlaid during each walk, so one
graph serves many assessments. Every measure walks outwards from the vendor (breadth-first, linear in the
part of the graph it reaches); nothing runs all-pairs on the whole inventory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from riskengine.inventory.model import CRITICALITY_RANK, Inventory, System

VENDOR = "__vendor__"


@dataclass(frozen=True)
class Edge:
    """All integrations from one system to another, merged: the data classes and methods they carry."""

    data_classes: frozenset[str]
    methods: frozenset[str]


class SystemGraph:
    """A directed graph of existing systems (edges follow the data) with the inventory beside it."""

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

    @cached_property
    def digest(self) -> str:
        """The inventory's content hash (``inventory_digest``), worked out once."""
        return inventory_digest(self.inventory)

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


def inventory_digest(inventory: Inventory) -> str:
    """The sha256 of the inventory's content: its systems and integrations (not where it was read from)."""
    import hashlib

    return hashlib.sha256(inventory.__pydantic_serializer__.to_json(inventory, exclude={"source"})).hexdigest()


def criticality_weight(system: System) -> int:
    return CRITICALITY_RANK[system.criticality]


@dataclass(frozen=True)
class PathTree:
    """Shortest paths from the tool, kept as a tree: each system's previous system and its distance.

    Memory and time are linear in the systems reached, whatever the inventory's shape: a ring of ten thousand
    systems has paths ten thousand long, which as tuples would take a hundred million entries. A path is built
    only when asked for, and ``order`` sorts systems as their paths' tuples would sort, without them.
    """

    parent: dict[str, str]
    """System -> the previous system on its shortest path; ``VENDOR`` for a start."""
    depth: dict[str, int]
    """Hops from the tool: 1 for a start."""
    levels: tuple[tuple[str, ...], ...]
    """The systems at each distance, 1 first, in the order reached."""
    ancestors: dict[int, dict[str, str]] = field(default_factory=dict)
    """Per depth asked for, each deeper system's ancestor at that depth (filled on demand, once)."""
    ranks: dict[str, int] = field(default_factory=dict)
    """Position of each system's path among the paths of its length, in the order their tuples sort (filled
    on demand, once: ``order``)."""

    def path(self, node: str, limit: int | None = None) -> tuple[str, ...]:
        """``VENDOR``, the systems in between, ``node``. Past ``limit`` systems the middle becomes one ``…``: the
        first ``limit // 2`` and the last ones are kept, so every path costs at most ``limit`` entries."""
        length = self.depth[node] + 1
        if limit is None or length <= limit:
            return self._walk(node, length)
        head = limit // 2 - 1  # the depth of the head's last system
        return (*self._walk(self._ancestor(node, head), head + 1), ELLIPSIS,
                *self._walk(node, limit - limit // 2 - 1))

    def paths(self, limit: int) -> dict[str, tuple[str, ...]]:
        """``path(node, limit)`` of every system reached, built level by level from its parent's (each in constant
        time, where ``path`` walks up the tree for each). Past ``limit``, a path is its head (its parent's) and its
        tail (its parent's, moved on by one system)."""
        head_length, tail_length = limit // 2, limit - limit // 2 - 1
        heads: dict[str, tuple[str, ...]] = {}
        tails: dict[str, tuple[str, ...]] = {}
        paths: dict[str, tuple[str, ...]] = {VENDOR: (VENDOR,)}
        parent = self.parent
        for depth, level in enumerate(self.levels, start=1):
            if depth + 1 <= limit:  # whole paths
                for node in level:
                    paths[node] = (*paths[parent[node]], node)
                continue
            for node in level:  # the parent's path is whole (it is as long as the limit) or cut already
                above = parent[node]
                if above in heads:
                    head, tail = heads[above], (*tails[above][1:], node) if tail_length else ()
                else:
                    head, tail = paths[above][:head_length], (*paths[above], node)[-tail_length:] if tail_length else ()
                heads[node], tails[node] = head, tail
                paths[node] = (*head, ELLIPSIS, *tail)
        del paths[VENDOR]
        return paths

    def _ancestor(self, node: str, depth: int) -> str:
        if depth not in self.ancestors:  # one pass down the levels, not one walk up per system
            ancestors = self.ancestors.setdefault(depth, {})
            for level in self.levels[depth - 1:]:
                for system in level:
                    ancestors[system] = system if self.depth[system] == depth else ancestors[self.parent[system]]
        return self.ancestors[depth][node]

    def _walk(self, node: str, count: int) -> tuple[str, ...]:
        nodes: list[str] = []
        while len(nodes) < count and node != VENDOR:
            nodes.append(node)
            node = self.parent[node]
        if len(nodes) < count:
            nodes.append(VENDOR)
        return tuple(reversed(nodes))

    def order(self, nodes: Iterable[str]) -> list[str]:
        """``nodes`` shortest path first, then as their paths' tuples sort."""
        rank = self.ranks
        if not rank:
            for level in self.levels:  # a path sorts by its parent's path, then by its own last system
                ordered = sorted(level, key=lambda node: (rank.get(self.parent[node], -1), node))
                rank.update((node, position) for position, node in enumerate(ordered))
        return sorted(nodes, key=lambda node: (self.depth[node], rank[node]))


ELLIPSIS = "…"
"""Stands for the systems left out of a long path (see ``PathTree.path``)."""


def breadth_first(start: Iterable[str], step: Any, *,
                  enough: Callable[[list[str]], bool] | None = None) -> PathTree:
    """Shortest paths from the tool through the ``start`` systems, following ``step(node) -> next nodes``.

    Starts are taken in the order given, then systems in the order reached, each one's next systems sorted: the
    path each system gets is the one a breadth-first walk of whole paths would give (``GraphIndex.downstream``
    gives the same along every integration, in compiled code). ``enough(level)``, given each level once it is
    whole, stops the walk there when it returns True (a caller that lists the nearest few systems reads no
    further)."""
    parent: dict[str, str] = {}
    depth: dict[str, int] = {}
    level: list[str] = []
    for node in start:
        if node not in depth:
            parent[node], depth[node] = VENDOR, 1
            level.append(node)
    levels: list[list[str]] = []
    while level and not (enough is not None and enough(level)):
        levels.append(level)
        following_level: list[str] = []
        for node in level:
            further = depth[node] + 1
            for following in sorted(step(node)):
                if following not in depth:
                    parent[following], depth[following] = node, further
                    following_level.append(following)
        level = following_level
    if level:
        levels.append(level)
    return PathTree(parent=parent, depth=depth, levels=tuple(tuple(level) for level in levels))
