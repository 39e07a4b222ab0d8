"""Place a proposed tool in the systems graph: what data reaches it, what depends on it, what it duplicates.

``analyse`` is pure: a SystemGraph, the tool's proposed connections and the effort model in, GraphFindings
and ``graph.*`` facts out. What does not depend on the vendor (degrees, connected parts, department links, the
betweenness index) is read from the inventory's ``GraphIndex`` (``riskengine.inventory.index``: computed once per
inventory, kept in memory and on disk); the vendor's own measures walk only from it outwards, and its betweenness
is the effect of adding it and its edges to that index (``riskengine.inventory.centrality``): exact up to 2,000
systems, estimated from sampled sources with a stated error bound above (the report says which).

Data measures (what reaches the tool, what it passes on) follow the direction of each connection. Dependency
follows code as well as data: a system the tool sends data to depends on it, and so does a system that runs the
tool's code (a tag on the website, an SDK in the app; ``code_in_host_methods`` in
``questionnaires/vocabularies.yaml``), whichever way the data flows, because if that code breaks or is
compromised, the host breaks with it.

A one-off connection (frequency ``once``: a migration) moves data, so it counts in the data measures and is costed,
but nothing depends on it afterwards: it is left out of the blast radius, the structural measures (single point of
failure, new department links, centrality) and ``graph.connected``.

An Integrations row that names no system for sure (``riskengine.inventory.matching``) is not an error: it is kept as
an ``UnidentifiedSystem`` with its candidates, costed, counted in ``graph.unidentified``, and listed for IT to
confirm.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from riskengine.errors import Problem
from riskengine.facts import Fact, FactValue, Provenance
from riskengine.inventory.effort import Direction, EffortModel
from riskengine.inventory.graph import SystemGraph, breadth_first
from riskengine.inventory.index import GraphIndex, graph_index
from riskengine.inventory.matching import Candidate, Route, SystemMatcher
from riskengine.inventory.model import CRITICALITY_RANK
from riskengine.inventory.vocabulary import ONE_OFF_FREQUENCY, Vocabularies
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.submission import Submission, TableRow

MAX_PATHS_PER_CLASS = 12
PATH_LIMIT = 12
"""Systems kept in a dependent's path (its ends, with ``…`` between): the result stays linear in the inventory."""
GRAPH_FACTS: dict[str, str] = {
    "graph.connected": "number of existing systems the tool connects to directly (one-off transfers aside)",
    "graph.reach.total": "existing systems that depend on the tool, its data or its code (its blast radius)",
    "graph.reach.critical": "dependent systems with criticality high or critical",
    "graph.customer_facing": "a customer-facing system (the website, the shop) depends on the tool",
    "graph.blast_score": "sum of criticality (1-4) divided by distance over dependent systems: 0 when none depends "
                         "on the tool, at most the sum of criticality of every system in the inventory",
    "graph.duplicates": "sanctioned systems that already provide the tool's capability",
    "graph.shadow_it": "unsanctioned systems in the same capability space",
    "graph.data_in": "data classes that reach the tool",
    "graph.data_through": "data classes the tool passes on to other systems",
    "graph.cut_vertex": "the tool would be the only link between some of its neighbours",
    "graph.new_department_links": "department pairs the tool would link for the first time",
    "graph.degree_percentile": "share of existing systems with fewer connections than the tool",
    "graph.integration_hours": "likely hours to build the tool's new integrations",
    "graph.unidentified": "Integrations rows naming a system the inventory does not identify for sure (ambiguous or "
                          "unknown), for IT to confirm",
}
"""The facts ``analyse`` publishes, for the scoring profile's rules (``graph.connected`` is published without an
inventory too: the number of integrations listed)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Connection(_Frozen):
    """One proposed integration between the tool and an existing system (a row of the Integrations table)."""

    system_id: str
    system_name: str
    direction: Direction
    """Relative to the tool: inbound = our system sends data into the tool."""
    data_classes: tuple[str, ...]
    method: str
    frequency: str
    criticality: str
    customer_facing: bool
    place: str
    written: str = ""
    """The system as the vendor wrote it."""
    written_place: str = ""
    """The row's System cell, where ``written`` is."""
    matched_by: Route = "id"
    """How ``written`` was matched (``riskengine.inventory.matching``): ``capability`` asks IT to confirm."""
    matched_capability: str = ""
    """The capability ``written`` names, when it was matched by it."""

    @property
    def lasting(self) -> bool:
        """False for a one-off transfer (frequency ``once``): nothing depends on it once it is done."""
        return self.frequency != ONE_OFF_FREQUENCY


class UnidentifiedSystem(_Frozen):
    """An Integrations row naming a system the inventory does not identify for sure: IT confirms which it is."""

    written: str
    """The system as the vendor wrote it."""
    place: str
    """The row's System cell."""
    status: Literal["ambiguous", "unknown"]
    """Several systems fit, or none does."""
    capability: str = ""
    """The capability the text names, when it names one."""
    candidates: tuple[Candidate, ...] = ()
    """Systems it may mean, by capability first, then by spelling."""
    direction: Direction
    data_classes: tuple[str, ...]
    method: str
    frequency: str

    @property
    def message(self) -> str:
        """One line for a person: what was written, why it is not identified, what it may be."""
        what = f"{self.written!r}" if self.written.strip() else "a blank system"
        if self.status == "ambiguous":
            why = "could be several of our systems"
        elif self.capability:
            why = f"names the capability {self.capability}, which no system in the inventory has"
        else:
            why = "is not in the inventory"
        may = "; candidates: " + ", ".join(f"{c.name} ({c.reason})" for c in self.candidates) \
            if self.candidates else ""
        return f"integration with an unidentified system: {what} {why}{may}; IT to confirm"


class DataPath(_Frozen):
    """A data class and the chain of systems that carries it to (or on from) the tool."""

    data_class: str
    path: tuple[str, ...]
    """System ids in the order the data moves; ``__vendor__`` stands for the proposed tool."""


class Dependent(_Frozen):
    """An existing system that would receive data or service from the tool or run its code, directly or via others."""

    system_id: str
    name: str
    criticality: str
    customer_facing: bool
    depth: int
    path: tuple[str, ...]
    """``__vendor__``, then the directly connected system (one the tool sends data to or runs code in), then the
    inventory's flows on from it to this system; the shortest such chain."""
    adds: float = 0.0
    """What it adds to the blast score: its criticality (low 1 ... critical 4) divided by ``depth``."""


class Centrality(_Frozen):
    degree: int
    """Existing systems the tool would connect to directly."""
    degree_percentile: float
    """Share of existing systems (0-100) with fewer connections than the tool would have."""
    betweenness: float | None
    betweenness_rank: int | None
    """1 = the most central system: the tool's betweenness against the existing systems' as the inventory stands
    (plus their share of the tool's own paths; what the tool would divert from them is not subtracted:
    docs/scale.md)."""
    method: str
    """How the betweenness was computed: exact, or approximate with the number of sources and the error bound."""


class EffortRange(_Frozen):
    low: float
    likely: float
    high: float


class IntegrationEffort(_Frozen):
    system_id: str
    """Empty for a row whose system is not identified (``written`` says what the vendor wrote)."""
    method: str
    direction: Direction
    data_classes: tuple[str, ...]
    hours: EffortRange
    basis: str
    written: str = ""
    """The system as the vendor wrote it, for a row not identified."""

    @property
    def system(self) -> str:
        """The system id, or what the vendor wrote when it is not identified."""
        return self.system_id or self.written


class GraphFindings(_Frozen):
    """Everything the graph says about the proposed tool; the report and the TCO stage read this."""

    inventory: str
    organisation: str
    systems_in_inventory: int
    integrations_in_inventory: int
    capability: str
    connections: tuple[Connection, ...]
    data_in: tuple[DataPath, ...]
    """Data classes that reach the tool: directly, and from the systems upstream that hold them."""
    data_through: tuple[DataPath, ...]
    """Data classes the tool passes on, and where they go."""
    dependents: tuple[Dependent, ...]
    """Blast radius: systems that would depend on the tool (receive its data, run its code, or depend on a system
    that does), nearest first."""
    blast_score: float
    """Sum over dependents of criticality (low 1 ... critical 4) divided by distance: 0 when nothing depends on the
    tool, at most ``blast_score_max``."""
    blast_score_max: float = 0.0
    """The blast score if every system of the inventory depended on the tool directly: the sum of their
    criticality, the top of the scale ``blast_score`` is read on."""
    critical_dependents: tuple[str, ...]
    customer_facing_dependents: tuple[str, ...]
    cut_vertex: bool
    """The tool would be the only link between some of its neighbours (a single point of failure)."""
    separated_groups: tuple[tuple[str, ...], ...]
    """When a cut vertex: the groups of neighbours that only the tool connects."""
    new_department_links: tuple[tuple[str, str], ...]
    """Pairs of departments with no integration between them today that the tool would link."""
    centrality: Centrality
    duplicates: tuple[str, ...]
    """Sanctioned systems that already provide the tool's capability (names)."""
    shadow_it: tuple[str, ...]
    """Unsanctioned systems in the same space (names)."""
    effort: tuple[IntegrationEffort, ...]
    effort_total: EffortRange
    names: dict[str, str] = {}
    """The name of every system id that appears above (paths, groups, dependents), for display."""
    provenance: tuple[Provenance, ...] = ()
    unidentified: tuple[UnidentifiedSystem, ...] = ()
    """Integrations rows naming no system for sure: not in any measure above but the effort; IT confirms them."""

    @property
    def to_confirm(self) -> tuple[Connection, ...]:
        """Connections matched by capability alone ("our CRM"): matched, and listed for IT to confirm."""
        return tuple(connection for connection in self.connections if connection.matched_by == "capability")

    def match_warnings(self) -> list[Problem]:
        """A warning per row IT must confirm (``match_warnings``)."""
        return match_warnings(self.connections, self.unidentified)


def match_warnings(connections: Sequence[Connection], unidentified: Sequence[UnidentifiedSystem]) -> list[Problem]:
    """A warning per Integrations row IT must confirm: each one naming no system for sure, and each matched by
    capability alone, in the order of their places."""
    warnings = [Problem(place=row.place, message=row.message, severity="warning") for row in unidentified]
    warnings += [Problem(place=connection.written_place or connection.place, severity="warning", message=(
        f"{connection.written!r} matched {connection.system_name} by capability {connection.matched_capability}, "
        "the only system that has it; IT to confirm")) for connection in connections
        if connection.matched_by == "capability"]
    return sorted(warnings, key=lambda problem: _cell_order(problem.place))


def _cell_order(place: str) -> tuple[str, int, str]:
    """``Integrations!B14`` after ``Integrations!B9``: by sheet, then row, then column."""
    sheet, _, cell = place.rpartition("!")
    column = cell.rstrip("0123456789")
    row = cell[len(column):].split(":")[0]
    return sheet, int(row) if row.isdigit() else 0, column


def resolve_connections(submission: Submission, bank: QuestionBank,
                        matcher: SystemMatcher) -> tuple[list[Connection], list[UnidentifiedSystem]]:
    """Match each Integrations row to an existing system (``riskengine.inventory.matching``); a row that names
    none for sure is returned apart, with its candidates, for IT to confirm."""
    question = bank.by_role("integrations")
    if question is None:
        return [], []
    connections: list[Connection] = []
    unidentified: list[UnidentifiedSystem] = []
    for row in submission.tables.get(question.id, ()):
        written = str(row.values.get("system") or "")
        match = matcher.match(written)
        flow = _flow(row)
        system = matcher.systems.get(match.system_id)
        if system is None or match.route is None:
            unidentified.append(UnidentifiedSystem(
                written=written, place=row.places.get("system", row.place),
                status="ambiguous" if match.status == "ambiguous" else "unknown",
                capability=match.capability, candidates=match.candidates, **flow))
            continue
        connections.append(Connection(
            system_id=system.id, system_name=system.name, criticality=system.criticality,
            customer_facing=system.customer_facing, place=row.place, written=written,
            written_place=row.places.get("system", row.place), matched_by=match.route,
            matched_capability=match.capability if match.route == "capability" else "", **flow))
    return connections, unidentified


def _flow(row: TableRow) -> dict[str, Any]:
    """What a row says about the flow itself: direction, data classes, method, frequency."""
    raw_classes = row.values.get("data_classes") or ()
    classes = tuple(c for c in (raw_classes if isinstance(raw_classes, tuple) else (str(raw_classes),))
                    if c != "none")
    direction = str(row.values["direction"])
    return {"direction": direction if direction in ("inbound", "outbound") else "bidirectional",
            "data_classes": classes, "method": str(row.values["method"]),
            "frequency": str(row.values["frequency"])}


def analyse(graph: SystemGraph, connections: list[Connection], capability: str,
            effort_model: EffortModel, vocabularies: Vocabularies,
            unidentified: Sequence[UnidentifiedSystem] = (), *,
            index: GraphIndex | None = None) -> tuple[GraphFindings, list[Fact]]:
    """Measure the proposed tool in ``graph``; return the findings and the ``graph.*`` facts.

    One-off ``connections`` (a migration) count in the data measures and the effort, not in what depends on the
    tool; ``unidentified`` rows (``resolve_connections``) count in the effort and in ``graph.unidentified`` only.
    ``index`` is the inventory's ``GraphIndex`` (default: ``graph_index(graph)``, this process's copy).

    The walks make many short-lived paths and sets; those alive at one of the collector's passes are promoted
    and soon set off a full pass over the whole inventory (0.2 s at 10,000 systems): a process of riskengine's
    own (the CLI, a batch worker) pauses the collector around it (``riskengine.collector``)."""
    systems = graph.systems
    index = index if index is not None else graph_index(graph)
    lasting = [connection for connection in connections if connection.lasting]
    into_vendor = _classes_by_system(c for c in connections if c.direction in ("inbound", "bidirectional"))
    from_vendor = _classes_by_system(c for c in connections if c.direction in ("outbound", "bidirectional"))
    data_in = _data_in(graph, into_vendor)
    data_through = _data_through(graph, from_vendor)
    radius = _dependents(index, _depending_directly(lasting, frozenset(vocabularies.code_in_host_methods)))
    dependents, positions = radius.dependents, radius.positions
    neighbours = sorted({connection.system_id for connection in lasting})
    groups = _separated_groups(index, neighbours)
    capability_term = vocabularies.capability.resolve(capability) if capability else None
    same_space = index.by_capability.get(capability_term, ()) if capability_term else ()
    duplicates = tuple(sorted(s.name for s in same_space if s.sanctioned))
    shadow_it = tuple(sorted(s.name for s in same_space if not s.sanctioned))
    effort = (*(_effort(c, effort_model, systems[c.system_id].criticality) for c in connections),
              *(_effort(row, effort_model, None) for row in unidentified))
    total = EffortRange(low=round(sum(e.hours.low for e in effort), 1),
                        likely=round(sum(e.hours.likely for e in effort), 1),
                        high=round(sum(e.hours.high for e in effort), 1))
    one_off = len(connections) - len(lasting)
    aside = "".join(part for part in (f", {one_off} of them one-off" if one_off else "",
                                      f", {len(unidentified)} naming no system for sure" if unidentified else ""))
    computation = Provenance(kind="graph", ref=f"graph:{Path(graph.inventory.source).name or 'inventory'}",
                             detail=f"{len(connections) + len(unidentified)} proposed integrations{aside} over "
                                    f"{len(systems)} systems, {len(graph.inventory.integrations)} integrations")
    rows = tuple(Provenance(kind="cell", ref=c.place) for c in connections)
    # in the dependents' order, read from the index's arrays rather than from 10,000 rows
    critical = tuple(map(index.ids.__getitem__,
                         positions[index.criticality[positions] >= CRITICALITY_RANK["high"]].tolist()))
    facing = tuple(map(index.ids.__getitem__, positions[index.customer_facing[positions]].tolist()))
    findings = GraphFindings(
        inventory=Path(graph.inventory.source).name, organisation=graph.inventory.organisation,
        systems_in_inventory=len(systems), integrations_in_inventory=len(graph.inventory.integrations),
        capability=capability_term or capability, connections=tuple(connections),
        data_in=data_in, data_through=data_through, dependents=dependents,
        blast_score=radius.score,
        blast_score_max=index.blast_score_max,
        critical_dependents=critical, customer_facing_dependents=facing,
        cut_vertex=len(groups) > 1, separated_groups=groups if len(groups) > 1 else (),
        new_department_links=_new_department_links(graph, index, neighbours),
        centrality=_centrality(index, lasting), duplicates=duplicates, shadow_it=shadow_it,
        effort=effort, effort_total=total, provenance=(computation, *rows),
        names=_names(index, data_in, data_through, positions, groups, connections, unidentified),
        unidentified=tuple(unidentified))
    return findings, _facts(findings, (computation, *rows), computation)


def _names(index: GraphIndex, data_in: tuple[DataPath, ...], data_through: tuple[DataPath, ...],
           dependents: Any, groups: tuple[tuple[str, ...], ...],
           connections: list[Connection], unidentified: Sequence[UnidentifiedSystem]) -> dict[str, str]:
    """The name of each system the findings name; ``dependents`` are the blast radius's positions (numpy)."""
    ids = {node for path in (*data_in, *data_through) for node in path.path}
    ids |= {node for group in groups for node in group} | {c.system_id for c in connections}
    ids |= {candidate.system_id for row in unidentified for candidate in row.candidates}
    position = index.position
    # by position, which follows the ids' order: integers sort faster than the ids
    named = sorted(set(dependents.tolist()) | {position[node] for node in ids if node in position})
    return dict(zip(map(index.ids.__getitem__, named), map(index.names.__getitem__, named), strict=True))


def _classes_by_system(connections: Iterable[Connection]) -> dict[str, frozenset[str]]:
    """The data classes that flow over each system's connections, merged: two rows naming one system (say, a
    daily export and a real-time webhook) count together, whatever their order in the questionnaire."""
    merged: dict[str, set[str]] = {}
    for connection in connections:
        merged.setdefault(connection.system_id, set()).update(connection.data_classes)
    return {system_id: frozenset(classes) for system_id, classes in merged.items()}


def _data_in(graph: SystemGraph, into_vendor: dict[str, frozenset[str]]) -> tuple[DataPath, ...]:
    """Direct inflows, then for each class the upstream systems holding it whose flows carry it to the tool."""
    paths: list[DataPath] = []
    for data_class in sorted({c for classes in into_vendor.values() for c in classes}):
        entry = [system_id for system_id, classes in sorted(into_vendor.items()) if data_class in classes]

        def holding(level: list[str], dc: str = data_class) -> int:
            return sum(dc in graph.systems[node].data_classes for node in level)

        reached = breadth_first(entry, lambda node, dc=data_class: (
            source for source, edge in graph.predecessors(node) if dc in edge.data_classes), enough=_Counter(holding))
        # The paths read from the source to the tool: as tuples they sort by their first system, the source.
        found = sorted((node for node in reached.depth
                        if reached.depth[node] == 1 or data_class in graph.systems[node].data_classes),
                       key=lambda node: (reached.depth[node], node))
        paths.extend(DataPath(data_class=data_class, path=tuple(reversed(reached.path(node))))
                     for node in found[:MAX_PATHS_PER_CLASS])
    return tuple(paths)


class _Counter:
    """``breadth_first``'s ``enough`` for a list of the nearest ``MAX_PATHS_PER_CLASS`` paths: true once the
    levels found hold that many listed systems (every start, then those ``counted(level)`` counts), since deeper
    levels would only add paths that are left out."""

    def __init__(self, counted: Callable[[list[str]], int]) -> None:
        self.counted, self.total = counted, -1

    def __call__(self, level: list[str]) -> bool:
        self.total = len(level) if self.total < 0 else self.total + self.counted(level)
        return self.total >= MAX_PATHS_PER_CLASS


def _data_through(graph: SystemGraph, from_vendor: dict[str, frozenset[str]]) -> tuple[DataPath, ...]:
    paths: list[DataPath] = []
    for data_class in sorted({c for classes in from_vendor.values() for c in classes}):
        entry = [system_id for system_id, classes in sorted(from_vendor.items()) if data_class in classes]
        reached = breadth_first(entry, lambda node, dc=data_class: (
            target for target, edge in graph.successors(node) if dc in edge.data_classes), enough=_Counter(len))
        paths.extend(DataPath(data_class=data_class, path=reached.path(node))
                     for node in reached.order(reached.depth)[:MAX_PATHS_PER_CLASS])
    return tuple(paths)


def _depending_directly(connections: list[Connection], code_in_host_methods: frozenset[str]) -> list[str]:
    """The systems that would depend on the tool directly, sorted: those it sends data to (outbound or
    bidirectional), and those that run its code (a tag or SDK method, any direction), since the host breaks
    when the code does. A system that only sends data to the tool (inbound ``api``, ``file``, ...) is not one."""
    return sorted({c.system_id for c in connections
                   if c.direction in ("outbound", "bidirectional") or c.method in code_in_host_methods})


class _BlastRadius(NamedTuple):
    dependents: tuple[Dependent, ...]
    positions: Any
    """The dependents' positions in the index, in their order (numpy)."""
    score: float
    """The blast score: the sum of what each dependent adds, in their order, to 2 decimals."""


def _dependents(index: GraphIndex, depending_directly: list[str]) -> _BlastRadius:
    """The blast radius: from the systems depending directly on the tool, along the inventory's flows (whatever
    a system sends data to depends on it), shortest path first, then the most critical, then by id: rows' order is
    irrelevant.

    Each row is built as ``Dependent.model_construct`` builds a model from values already of their fields' types
    (here, from validated systems and the walk), without its loop over the fields' aliases and defaults: that
    loop cost 5 µs a row, 50 ms for a blast radius of 10,000 systems (validating the rows costs 1.5 µs, this 0.5).
    Like ``model_construct``, the rows share the set of fields given (pydantic copies it before any change).
    tests/inventory/test_analysis.py holds each row equal to a validated one."""
    import numpy as np

    tree, reached, depth = index.downstream(depending_directly)
    paths = tree.paths(PATH_LIMIT)
    # the positions follow the ids' order, so sorting by position sorts by id
    order = np.lexsort((reached, -index.criticality[reached], depth))
    positions, hops = reached[order], depth[order]
    adds = (index.criticality[positions] / hops).tolist()  # criticality (1-4) / distance, as Python divides
    new, assign, fields = object.__new__, object.__setattr__, set(Dependent.model_fields)
    dependents = []
    for (node, name, criticality, facing), distance, share in zip(
            map(index.described.__getitem__, positions.tolist()), hops.tolist(), adds, strict=True):
        row = new(Dependent)
        assign(row, "__dict__", {"system_id": node, "name": name, "criticality": criticality,
                                 "customer_facing": facing, "depth": distance, "path": paths[node], "adds": share})
        assign(row, "__pydantic_fields_set__", fields)
        assign(row, "__pydantic_extra__", None)
        assign(row, "__pydantic_private__", None)
        dependents.append(row)
    return _BlastRadius(tuple(dependents), positions, round(sum(adds), 2))


def _separated_groups(index: GraphIndex, neighbours: list[str]) -> tuple[tuple[str, ...], ...]:
    """Group the tool's neighbours by the connected part of the graph each is in (the parts are the index's):
    neighbours in different parts stay connected only through the tool. Groups in the order of their first id."""
    groups: dict[int, list[str]] = {}
    for neighbour in sorted(neighbours):
        groups.setdefault(index.component[neighbour], []).append(neighbour)
    return tuple(sorted(tuple(group) for group in groups.values()))


def _new_department_links(graph: SystemGraph, index: GraphIndex,
                          neighbours: list[str]) -> tuple[tuple[str, str], ...]:
    departments = sorted({graph.systems[n].department for n in neighbours if graph.systems[n].department})
    return tuple((a, b) for i, a in enumerate(departments) for b in departments[i + 1:]
                 if (a, b) not in index.linked_departments)


def _centrality(index: GraphIndex, connections: list[Connection]) -> Centrality:
    """Degree against the systems' degrees, and betweenness from the index (``riskengine.inventory.centrality``)."""
    import numpy as np

    from riskengine.inventory.centrality import vendor_betweenness

    degree = len({c.system_id for c in connections})
    systems = len(index.degrees)
    fewer = int(np.searchsorted(index.degrees, degree, side="left"))
    percentile = 100 * fewer / systems if systems else 0.0
    neighbours = np.array(sorted({index.position[c.system_id] for c in connections}), dtype=np.int64)
    betweenness, rank = vendor_betweenness(index.betweenness, index.adjacency, neighbours)
    return Centrality(degree=degree, degree_percentile=round(percentile, 1), betweenness=round(betweenness, 4),
                      betweenness_rank=rank, method=index.betweenness.method)


def _effort(flow: Connection | UnidentifiedSystem, model: EffortModel, criticality: str | None) -> IntegrationEffort:
    """The hours to build one connection; ``criticality`` is None for a system not identified (no extra for a
    critical system is added: IT confirms the system, and the hours with it)."""
    base = model.methods[flow.method]  # type: ignore[index]
    factor = model.direction_factor[flow.direction]
    extra = sum(model.data_class_extra.get(c, 0.0) for c in flow.data_classes)
    critical = criticality is not None and CRITICALITY_RANK[criticality] >= CRITICALITY_RANK["high"]
    if critical:
        extra += model.critical_system_extra
    multiplier = factor * (1 + extra)
    because = ", critical system" if critical else ", system not identified" if criticality is None else ""
    basis = (f"{flow.method} {base.low:g}/{base.likely:g}/{base.high:g} h x {factor:g} ({flow.direction})"
             f" x {1 + extra:.2f} (data classes{because})")
    identified = isinstance(flow, Connection)
    return IntegrationEffort(
        system_id=flow.system_id if isinstance(flow, Connection) else "", written="" if identified else flow.written,
        method=flow.method, direction=flow.direction, data_classes=flow.data_classes,
        hours=EffortRange(low=round(base.low * multiplier, 1), likely=round(base.likely * multiplier, 1),
                          high=round(base.high * multiplier, 1)), basis=basis)


def _facts(findings: GraphFindings, sources: tuple[Provenance, ...], computation: Provenance) -> list[Fact]:
    def fact(name: str, value: FactValue, detail: str) -> Fact:
        return Fact(name=name, value=value,
                    sources=(computation.model_copy(update={"detail": detail}), *sources[1:]))

    data_in = tuple(sorted({p.data_class for p in findings.data_in}))
    through = tuple(sorted({p.data_class for p in findings.data_through}))
    unidentified = Fact(name="graph.unidentified", value=len(findings.unidentified), sources=(
        computation.model_copy(update={"detail": "Integrations rows naming no system of the inventory for sure"}),
        *(Provenance(kind="cell", ref=row.place, detail=row.status) for row in findings.unidentified)))
    return [
        fact("graph.connected", len({c.system_id for c in findings.connections if c.lasting}),
             "existing systems connected (one-off transfers aside)"),
        fact("graph.reach.total", len(findings.dependents),
             "systems that depend on the tool (its data or code), directly or through others"),
        fact("graph.reach.critical", len(findings.critical_dependents),
             "dependent systems with criticality high or critical"),
        fact("graph.customer_facing", bool(findings.customer_facing_dependents),
             "a customer-facing system depends on the tool"),
        fact("graph.blast_score", findings.blast_score, "sum of criticality / distance over dependent systems"),
        fact("graph.duplicates", findings.duplicates, f"sanctioned systems with capability {findings.capability}"),
        fact("graph.shadow_it", findings.shadow_it, f"unsanctioned systems with capability {findings.capability}"),
        fact("graph.data_in", data_in, "data classes that reach the tool"),
        fact("graph.data_through", through, "data classes the tool passes on"),
        fact("graph.cut_vertex", findings.cut_vertex, "the tool alone would connect some of its neighbours"),
        fact("graph.new_department_links", len(findings.new_department_links),
             "department pairs the tool would link for the first time"),
        fact("graph.degree_percentile", findings.centrality.degree_percentile,
             "share of systems with fewer connections"),
        fact("graph.integration_hours", findings.effort_total.likely, "likely hours to build the new integrations"),
        unidentified,
    ]
