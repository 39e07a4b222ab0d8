"""What ``riskengine inventory check`` reports about a valid inventory."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from riskengine.inventory.graph import SystemGraph
from riskengine.inventory.model import CRITICALITY_RANK


class InventorySummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    organisation: str
    systems: int
    integrations: int
    by_criticality: dict[str, int]
    unsanctioned: tuple[str, ...]
    critical_systems: tuple[str, ...]
    single_points_of_failure: tuple[str, ...]
    """Systems whose loss would split the integration graph (articulation points), by name."""
    parts: int
    """Weakly connected parts: more than one means islands with no integration between them."""
    cyclic: bool


def summarise(graph: SystemGraph) -> InventorySummary:
    """Counts, critical systems and single points of failure of an inventory."""
    import networkx as nx

    systems = graph.inventory.systems
    names = {system.id: system.name for system in systems}
    return InventorySummary(
        source=graph.inventory.source, organisation=graph.inventory.organisation, systems=len(systems),
        integrations=len(graph.inventory.integrations),
        by_criticality={level: sum(1 for s in systems if s.criticality == level) for level in CRITICALITY_RANK},
        unsanctioned=tuple(sorted(s.name for s in systems if not s.sanctioned)),
        critical_systems=tuple(sorted(s.name for s in systems if s.criticality == "critical")),
        single_points_of_failure=tuple(sorted(names[s] for s in graph.single_points_of_failure())),
        parts=graph.weakly_connected_parts(),
        cyclic=not nx.is_directed_acyclic_graph(graph.graph),
    )
