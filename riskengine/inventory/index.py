"""What the systems graph says whatever the vendor: computed once per inventory, reused for every vendor.

``GraphIndex`` holds the measures that do not depend on the proposed tool: the betweenness index
(``riskengine.inventory.centrality``: distances and path counts from the source systems, every system's
betweenness), the systems' degrees in order, the connected parts of the graph (which of the tool's neighbours only
it would join), the department pairs already linked, the directed graph as arrays (the blast radius's walk, in
compiled code), each system as a dependent's row shows it and the top of the blast score's scale. A vendor's
analysis (``riskengine.inventory.analysis``) reads them and adds only what its own connections change.

An index is known by the inventory's content hash (``riskengine.inventory.graph.inventory_digest``: the systems
and integrations, not the file's name or place) and kept twice:

- in the process, the last ``MEMORY_SLOTS`` indexes (a batch worker assesses many vendors against one inventory);
- on disk, when a folder is given (``cache_folder``: beside the evidence store), the part that is costly to
  compute (the betweenness index), one file per inventory hash, written whole or not at all
  (``riskengine.atomic``). A file is used only when it is an uncompressed numpy archive of the expected arrays,
  shapes and types, of this ``FORMAT_VERSION``, for this inventory hash and these sources: anything else (a
  truncated or altered file, another inventory's, an older format) is ignored and computed again, and the file
  is replaced.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskengine.inventory.centrality import UNREACHED, BetweennessIndex, build_index, choose_sources, sources_for
from riskengine.inventory.graph import VENDOR, PathTree, SystemGraph, criticality_weight
from riskengine.inventory.model import CRITICALITY_RANK, System

FORMAT_VERSION = 1
"""Of the files on disk: raised whenever what they hold, or how it is computed, changes."""
MEMORY_SLOTS = 4
"""Indexes kept in a process: a batch runs against one inventory, a web server against a few."""
CACHE_FOLDER = "graph-cache"
_ARRAYS = ("sources", "distance", "paths", "existing")


def cache_folder(store: str | os.PathLike[str]) -> Path:
    """Where the graph indexes are kept on disk for the riskengine database ``store``: a folder beside a SQLite
    file (``riskengine.db`` -> ``graph-cache/``), else in the user's cache folder (a server's database)."""
    from riskengine.database import database_file, locate

    where = database_file(locate(store))
    if where is not None:
        return where.parent / CACHE_FOLDER
    from platformdirs import user_cache_path

    return user_cache_path("riskengine", appauthor=False) / CACHE_FOLDER


@dataclass(frozen=True)
class GraphIndex:
    """The vendor-independent measures of one inventory's graph (see the module's docstring)."""

    digest: str
    ids: tuple[str, ...]
    """The system ids, sorted: the order of every array."""
    position: dict[str, int]
    adjacency: Any
    """The undirected graph as a 0/1 scipy CSR matrix (one-off flows do not exist in an inventory)."""
    betweenness: BetweennessIndex
    degrees: Any
    """Every system's number of connections (successors plus predecessors), ascending (numpy int64)."""
    component: dict[str, int]
    """Each system's connected part of the undirected graph."""
    linked_departments: frozenset[tuple[str, str]]
    """Department pairs (alphabetical) with an integration between them today."""
    following: Any
    """The directed graph: each system's row lists the systems it sends data to, ascending (scipy CSR)."""
    criticality: Any
    """Each system's criticality rank (low 1 ... critical 4; numpy int64)."""
    customer_facing: Any
    """Whether each system is customer-facing (numpy bool)."""
    described: tuple[tuple[str, str, str, bool], ...]
    """Each system's id, name, criticality and customer-facing flag: a dependent's row."""
    names: tuple[str, ...]
    """Each system's name."""
    by_capability: dict[str, tuple[System, ...]]
    """The systems of each capability, in the inventory's order."""
    blast_score_max: float
    source: str = "computed"
    """``computed``, ``memory`` or ``disk``: where this index came from (for tests and benchmarks)."""

    def downstream(self, starts: Iterable[str]) -> tuple[PathTree, Any, Any]:
        """The shortest paths from the tool through ``starts`` along the data's direction: what
        ``breadth_first(sorted(starts), successors)`` gives (starts in order, then systems in the order reached,
        each one's successors ascending), walked by scipy's compiled breadth-first search from a source joined to
        the starts. Also the systems reached (positions, in the order reached) and their depths (numpy int64)."""
        import numpy as np
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import breadth_first_order

        size, following = len(self.ids), self.following
        first = np.array(sorted({self.position[node] for node in starts}), dtype=following.indices.dtype)
        if not len(first):
            return PathTree(parent={}, depth={}, levels=()), np.zeros(0, np.int64), np.zeros(0, np.int64)
        joined = csr_matrix((np.ones(following.nnz + len(first), dtype=np.int8),
                             np.concatenate([following.indices, first]),
                             np.concatenate([following.indptr, [following.nnz + len(first)]])),
                            shape=(size + 1, size + 1))
        walked, predecessors = breadth_first_order(joined, size, directed=True, return_predecessors=True)
        reached = walked[1:].astype(np.int64)
        parents = predecessors[reached].tolist()
        hops = [0] * (size + 1)
        for node, parent in zip(reached.tolist(), parents, strict=True):  # in the order reached: parents first
            hops[node] = hops[parent] + 1
        depth = np.array(hops, dtype=np.int64)[reached]
        names = [*self.ids, VENDOR]
        nodes = [names[node] for node in reached.tolist()]
        bounds = np.flatnonzero(np.diff(depth)) + 1
        levels = tuple(tuple(nodes[start:stop])
                       for start, stop in itertools.pairwise([0, *bounds.tolist(), len(nodes)]))
        tree = PathTree(parent=dict(zip(nodes, (names[parent] for parent in parents), strict=True)),
                        depth=dict(zip(nodes, depth.tolist(), strict=True)), levels=levels)
        return tree, reached, depth


_CACHE: OrderedDict[str, GraphIndex] = OrderedDict()
"""This process's indexes by inventory hash (named ``_CACHE`` so that the benchmarks' cold passes empty it)."""
_LOCK = threading.Lock()


def graph_index(graph: SystemGraph, folder: Path | None = None) -> GraphIndex:
    """The index of ``graph``'s inventory: from this process's memory, else from ``folder`` (when given and its
    file is valid), else computed (and kept in both)."""
    digest = graph.digest
    with _LOCK:
        if digest in _CACHE:
            _CACHE.move_to_end(digest)
            return _replace_source(_CACHE[digest], "memory")
    index = compute_index(graph, folder)
    with _LOCK:
        _CACHE[digest] = index
        _CACHE.move_to_end(digest)
        while len(_CACHE) > MEMORY_SLOTS:
            _CACHE.popitem(last=False)
    return index


def forget_indexes() -> None:
    """Empty this process's indexes (the next vendor reads the disk or computes again)."""
    with _LOCK:
        _CACHE.clear()


def _replace_source(index: GraphIndex, source: str) -> GraphIndex:
    from dataclasses import replace

    return replace(index, source=source)


def compute_index(graph: SystemGraph, folder: Path | None = None) -> GraphIndex:
    """The index of ``graph``, its betweenness part read from ``folder`` when a valid file is there, else computed
    (and written there when a folder is given)."""
    import numpy as np

    from riskengine.inventory.centrality import directed_adjacency, undirected_adjacency

    ids = tuple(sorted(graph.systems))
    position = {system_id: number for number, system_id in enumerate(ids)}
    edges = list(graph.graph.edges)
    tails = np.fromiter((position[source] for source, _ in edges), dtype=np.int64, count=len(edges))
    heads = np.fromiter((position[target] for _, target in edges), dtype=np.int64, count=len(edges))
    adjacency = undirected_adjacency(len(ids), tails, heads)
    following = directed_adjacency(len(ids), tails, heads)
    digest = graph.digest
    betweenness, source = None, "computed"
    if folder is not None:
        betweenness = read_cached(folder, digest, len(ids))
        source = "disk" if betweenness is not None else source
    if betweenness is None:
        betweenness = build_index(adjacency)
        if folder is not None:
            write_cached(folder, digest, betweenness)
    succ, pred = graph.graph.succ, graph.graph.pred
    described = tuple((node, system.name, system.criticality, system.customer_facing)
                      for node in ids for system in (graph.systems[node],))
    capable: dict[str, list[System]] = {}
    for system in graph.inventory.systems:
        for capability in dict.fromkeys(system.capabilities):  # each capability once, however often written
            capable.setdefault(capability, []).append(system)
    by_capability = {capability: tuple(systems) for capability, systems in capable.items()}
    degrees = np.sort(np.fromiter((len(succ[node]) + len(pred[node]) for node in ids), dtype=np.int64,
                                  count=len(ids)))
    component: dict[str, int] = {}
    for number, part in enumerate(sorted((min(part), part) for part in _parts(graph))):
        component.update(dict.fromkeys(part[1], number))
    department = {system_id: system.department for system_id, system in graph.systems.items()}
    linked = frozenset((min(a, b), max(a, b)) for a, b in (
        (department[source], department[target]) for source, target in edges) if a and b and a != b)
    return GraphIndex(
        digest=digest, ids=ids, position=position, adjacency=adjacency, betweenness=betweenness, degrees=degrees,
        component=component, linked_departments=linked,
        following=following, criticality=np.array([CRITICALITY_RANK[row[2]] for row in described], dtype=np.int64),
        customer_facing=np.array([row[3] for row in described], dtype=bool), described=described,
        names=tuple(row[1] for row in described), by_capability=by_capability,
        blast_score_max=float(sum(criticality_weight(system) for system in graph.systems.values())),
        source=source)


def _parts(graph: SystemGraph) -> list[set[str]]:
    import networkx as nx

    return [set(part) for part in nx.weakly_connected_components(graph.graph)]


def cache_file(folder: Path, digest: str) -> Path:
    return folder / f"graph-{digest}.npz"


def write_cached(folder: Path, digest: str, index: BetweennessIndex) -> None:
    """Keep ``index`` for the inventory ``digest`` in ``folder``, whole or not at all. A folder that cannot be
    written is no error: the index is computed again next time."""
    import numpy as np

    from riskengine.atomic import atomic_write
    from riskengine.errors import OutputError

    buffer = io.BytesIO()
    np.savez(buffer, format_version=np.array(FORMAT_VERSION), digest=np.array(digest),
             systems=np.array(index.systems), **{name: getattr(index, name) for name in _ARRAYS})
    with contextlib.suppress(OutputError), atomic_write(cache_file(folder, digest)) as handle:
        handle.write(buffer.getvalue())


def read_cached(folder: Path, digest: str, systems: int) -> BetweennessIndex | None:
    """The index kept for ``digest`` in ``folder`` when the file is there and valid (see the module's
    docstring), else None."""
    import numpy as np

    path = cache_file(folder, digest)
    try:
        if not _stored_as_written(path, systems):
            return None
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in (*_ARRAYS, "format_version", "digest", "systems")}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    sources = arrays["sources"]
    expected = choose_sources(systems, sources_for(systems))
    count = len(expected)
    valid = (sources.shape == expected.shape and sources.dtype == np.int64 and bool(np.all(sources == expected))
             and arrays["format_version"].shape == () and int(arrays["format_version"]) == FORMAT_VERSION
             and arrays["digest"].shape == () and str(arrays["digest"]) == digest
             and arrays["systems"].shape == () and int(arrays["systems"]) == systems
             and arrays["distance"].dtype == np.int32 and arrays["distance"].shape == (count, systems)
             and arrays["paths"].dtype == np.float64 and arrays["paths"].shape == (count, systems)
             and arrays["existing"].dtype == np.float64 and arrays["existing"].shape == (systems,))
    if not valid or not _plausible(arrays, systems):
        return None
    return BetweennessIndex(systems=systems, sources=sources, distance=arrays["distance"], paths=arrays["paths"],
                            existing=arrays["existing"])


def _stored_as_written(path: Path, systems: int) -> bool:
    """The archive holds exactly the arrays ``write_cached`` writes, stored uncompressed, no larger than they can
    be for ``systems``: checked before numpy reads a byte of them (a deflated member could expand without bound)."""
    names = {f"{name}.npy" for name in (*_ARRAYS, "format_version", "digest", "systems")}
    largest = sources_for(systems) * systems * 12 + systems * 8 + len(names) * 4096
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    return ({member.filename for member in members} == names and len(members) == len(names)
            and all(member.compress_type == zipfile.ZIP_STORED for member in members)
            and sum(member.file_size for member in members) <= largest)


def _plausible(arrays: dict[str, Any], systems: int) -> bool:
    """Values a real index can hold: each source at distance 0 from itself with one path, distances in
    0..systems-1 or unreached, path counts positive exactly where reached, no NaN."""
    import numpy as np

    sources, distance, paths, existing = (arrays[name] for name in _ARRAYS)
    rows = np.arange(len(sources))
    reached = distance != UNREACHED
    return bool(np.all(distance[rows, sources] == 0) and np.all(paths[rows, sources] == 1.0)
                and np.all((distance[reached] >= 0) & (distance[reached] < systems))
                and np.all(paths[reached] >= 1.0) and np.all(paths[~reached] == 0.0)
                and np.all(np.isfinite(existing)) and np.all(existing >= 0.0))
