"""GraphFindings built in code for the diagram's tests (no reportlab here: the layout's tests run without it)."""

from __future__ import annotations

from collections.abc import Sequence

from riskengine.inventory.analysis import Centrality, Connection, Dependent, EffortRange, GraphFindings


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
