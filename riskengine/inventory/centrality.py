"""Betweenness of a proposed tool, from an index computed once per inventory.

The tool ``V`` joins the undirected graph ``G`` of the inventory with edges to its neighbours ``N``. A shortest path
between two existing systems ``s`` and ``t`` runs through ``V`` only as ``s … a - V - b … t`` with ``a`` and ``b``
the members of ``N`` nearest to ``s`` and ``t``, so its length is ``dN(s) + dN(t) + 2`` and the number of such paths
is ``pN(s) pN(t)``, where ``dN`` and ``pN`` are the distance from ``N`` and the number of shortest paths from ``N``
(one breadth-first walk from all of ``N`` at once). With the distances ``d(s, t)`` and path counts ``p(s, t)`` of
``G`` at hand, the pair's share of paths through ``V`` is 1 when the way through ``V`` is shorter, ``pN(s) pN(t) /
(p(s, t) + pN(s) pN(t))`` when it is as short, 0 otherwise: the tool's betweenness is a sum over pairs, without
walking the graph again for each vendor.

The index keeps ``d`` and ``p`` from a set of source systems: every system while ``n * n`` stays within
``PAIR_BUDGET`` (exact, 2,000 systems by default), else ``PAIR_BUDGET / n`` sources drawn with a fixed seed. The
sum over sampled sources, scaled by ``n / k``, estimates the sum over all (Brandes and Pich 2007, "Centrality
estimation in large networks"); each source's term, divided by ``n - 1``, lies in [0, 1], so by Hoeffding's
inequality (which holds for sampling without replacement, Hoeffding 1963 §6) the normalised estimate is within
``sqrt(ln(2 / (1 - CONFIDENCE)) / (2k))`` of the exact value with probability ``CONFIDENCE`` over the draw of
sources. The number of sources shrinks smoothly as the inventory grows: there is no size at which the measure
switches off.

The existing systems' betweenness, for the tool's rank, comes from the same sources (Brandes' accumulation) on
``G`` as it stands: ranking against them, rather than against every system's betweenness recomputed with the tool
added, is what keeps a vendor from costing a whole-graph computation.

The walks are scipy's sparse products, level by level for a batch of sources at once: the work is that of
Brandes' algorithm (each source's edges once forwards, once backwards), done in compiled code.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

PAIR_BUDGET = 4_000_000
"""Sources x systems kept in the index: exact (every system a source) up to 2,000 systems, then fewer sources.
It bounds the index's memory (12 bytes a pair: 48 MB) and a vendor's work (a pass over the pairs, ~20 ms)."""
MINIMUM_SOURCES = 100
"""Never fewer sources than this (the bound at 100 is ±0.136)."""
SEED = 20_261_203
"""The fixed seed of the draw of sources: the same inventory gives the same sources, hence the same figures."""
CONFIDENCE = 0.95
WALK_BUDGET = 2_000_000
"""Sources walked together x links of the graph: bounds the transient memory of one level's product (a level can
reach every link from every source of the batch: ~50 MB at this budget); a graph with few links per level (a long
chain, a ring) walks many sources at once, so its many levels are paid once, not once per small batch."""
UNREACHED = 2**31 - 1
DEEP_LEVELS = 64
"""A graph whose first source reaches its farthest system in more levels than this is walked by ``_walk_deep``."""
FEW_LINKS_A_LEVEL = 64
"""Below this many links a level on average, a vendor's walk goes link by link in Python rather than level by
level in numpy (whose every call costs a few microseconds however little it does)."""
ROW_BLOCK = 250_000
"""Pairs compared at once in a vendor's pass: bounds its temporaries (~2 MB)."""


def sources_for(systems: int) -> int:
    """How many source systems the index keeps for an inventory of ``systems``: all of them (exact) while
    ``systems²`` is within ``PAIR_BUDGET``, else ``PAIR_BUDGET // systems`` (at least ``MINIMUM_SOURCES``)."""
    if systems * systems <= PAIR_BUDGET:
        return systems
    return min(systems, max(MINIMUM_SOURCES, PAIR_BUDGET // systems))


def error_bound(sources: int, systems: int) -> float:
    """Half-width of the ``CONFIDENCE`` interval of the normalised betweenness estimated from ``sources`` of
    ``systems`` sources (Hoeffding); 0 when every system is a source."""
    if sources >= systems:
        return 0.0
    return math.sqrt(math.log(2 / (1 - CONFIDENCE)) / (2 * sources))


@dataclass(frozen=True)
class BetweennessIndex:
    """Distances and shortest-path counts from the source systems, and every system's betweenness in ``G``."""

    systems: int
    sources: Any
    """Indices (into the sorted system ids) of the source systems, ascending (numpy int64)."""
    distance: Any
    """sources x systems, int32; ``UNREACHED`` where no path exists."""
    paths: Any
    """sources x systems, float64: the number of shortest paths."""
    existing: Any
    """Per system, the ordered pairs of other systems whose shortest paths run through it (the sum of their
    shares), estimated from the sources when they are sampled (float64)."""

    @property
    def exact(self) -> bool:
        return len(self.sources) >= self.systems

    @property
    def method(self) -> str:
        """What the report says about how the tool's betweenness was computed."""
        if self.exact:
            return "exact (Brandes) on the undirected graph with the tool added"
        return (f"approximate: {len(self.sources):,} of {self.systems:,} systems as sources, drawn with a fixed seed; "
                f"within ±{error_bound(len(self.sources), self.systems):.3f} of the exact betweenness with "
                f"{CONFIDENCE:.0%} confidence (Hoeffding)")


def undirected_adjacency(systems: int, sources: Any, targets: Any) -> Any:
    """The symmetric 0/1 adjacency matrix (scipy CSR, float64) of the edges ``sources[i] - targets[i]``, self
    links dropped."""
    import numpy as np
    from scipy.sparse import csr_matrix

    keep = sources != targets
    rows = np.concatenate([sources[keep], targets[keep]])
    columns = np.concatenate([targets[keep], sources[keep]])
    matrix = csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(systems, systems))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def directed_adjacency(systems: int, sources: Any, targets: Any) -> Any:
    """The 0/1 matrix (scipy CSR, int8) of the links ``sources[i] -> targets[i]``, each row's columns ascending
    (the order a walk takes them in)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    matrix = csr_matrix((np.ones(len(sources), dtype=np.int8), (sources, targets)), shape=(systems, systems))
    matrix.sum_duplicates()
    matrix.sort_indices()
    matrix.data[:] = 1
    return matrix


def build_index(adjacency: Any, sources: int | None = None, seed: int = SEED) -> BetweennessIndex:
    """The index of an undirected graph (``undirected_adjacency``), with ``sources`` sources (default:
    ``sources_for``): drawn uniformly without replacement with ``seed`` when fewer than the systems."""
    import numpy as np

    systems = adjacency.shape[0]
    count = sources_for(systems) if sources is None else min(sources, systems)
    chosen = choose_sources(systems, count, seed)
    distance = np.full((len(chosen), systems), UNREACHED, dtype=np.int32)
    paths = np.zeros((len(chosen), systems), dtype=np.float64)
    existing = np.zeros(systems, dtype=np.float64)
    batch_size = max(1, WALK_BUDGET // max(1, adjacency.nnz))
    levels = int(_bfs_distances(adjacency, chosen[:1]).max(initial=0)) if len(chosen) else 0
    walk = _walk_deep if levels > DEEP_LEVELS else _walk
    for start in range(0, len(chosen), batch_size):
        batch = chosen[start:start + batch_size]
        rows = slice(start, start + len(batch))
        existing += walk(adjacency, batch, distance[rows], paths[rows])
    if count < systems:
        existing *= systems / count
    return BetweennessIndex(systems=systems, sources=chosen, distance=distance, paths=paths, existing=existing)


def choose_sources(systems: int, count: int, seed: int = SEED) -> Any:
    """The indices of ``count`` source systems of ``systems``, ascending: all of them, or drawn uniformly without
    replacement with ``seed`` (numpy's PCG64: the same on every platform)."""
    import numpy as np

    if count >= systems:
        return np.arange(systems, dtype=np.int64)
    drawn = np.random.Generator(np.random.PCG64(seed)).choice(systems, size=count, replace=False)
    return np.sort(drawn).astype(np.int64)


def _walk(adjacency: Any, batch: Any, distance: Any, paths: Any) -> Any:
    """Brandes from each source of ``batch`` at once, filling its rows of ``distance`` and ``paths``; returns the
    dependencies summed over the batch (each system's share of the pairs from these sources)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    size, systems = len(batch), adjacency.shape[0]
    own = np.arange(size)
    distance[own, batch] = 0
    paths[own, batch] = 1.0
    levels = [(own, batch)]
    frontier = csr_matrix((np.ones(size), (own, batch)), shape=(size, systems))
    level = 0
    while True:  # forwards: the systems first reached at each level, with their path counts
        reached = (frontier @ adjacency).tocoo()
        rows, columns, counts = reached.row, reached.col, reached.data
        new = distance[rows, columns] == UNREACHED
        rows, columns, counts = rows[new], columns[new], counts[new]
        if not len(rows):
            break
        level += 1
        distance[rows, columns] = level
        paths[rows, columns] = counts
        levels.append((rows, columns))
        frontier = csr_matrix((counts, (rows, columns)), shape=(size, systems))
    dependency = np.zeros((size, systems))
    for depth in range(len(levels) - 1, 0, -1):  # backwards: each system's dependency from its successors'
        rows, columns = levels[depth]
        weights = (1.0 + dependency[rows, columns]) / paths[rows, columns]
        pulled = (csr_matrix((weights, (rows, columns)), shape=(size, systems)) @ adjacency).tocoo()
        earlier = distance[pulled.row, pulled.col] == depth - 1
        rows, columns = pulled.row[earlier], pulled.col[earlier]
        dependency[rows, columns] += paths[rows, columns] * pulled.data[earlier]
    dependency[own, batch] = 0.0  # a source is no intermediate of its own paths
    return dependency.sum(axis=0)


def _walk_deep(adjacency: Any, batch: Any, distance: Any, paths: Any) -> Any:
    """``_walk`` for a graph of many levels (a long chain, a ring): each level's links are gathered from the CSR
    arrays with a few numpy calls, where a sparse product costs several times more for the few links a level
    holds (and several times less for the many links of a shallow graph's level)."""
    import numpy as np

    size, systems = len(batch), adjacency.shape[0]
    indptr, indices = adjacency.indptr, adjacency.indices
    own = np.arange(size)
    distance[own, batch] = 0
    paths[own, batch] = 1.0
    flat_distance, flat_paths = distance.reshape(-1), paths.reshape(-1)  # views: written through
    keys = own * systems + batch
    levels = [keys]
    level = 0
    while True:  # forwards: each level's links, their new ends summed by system
        nodes = keys % systems
        starts, stops = indptr[nodes], indptr[nodes + 1]
        lengths = stops - starts
        total = int(lengths.sum())
        if not total:
            break
        offsets = np.repeat(stops - lengths.cumsum(), lengths) + np.arange(total)
        neighbour = indices[offsets]
        target = np.repeat(keys - nodes, lengths) + neighbour
        fresh = flat_distance[target] == UNREACHED
        target = target[fresh]
        if not len(target):
            break
        weight = np.repeat(flat_paths[keys], lengths)[fresh]
        unique, inverse = np.unique(target, return_inverse=True)
        sums = np.bincount(inverse, weights=weight)
        level += 1
        flat_distance[unique] = level
        flat_paths[unique] = sums
        levels.append(unique)
        keys = unique
    dependency = np.zeros(size * systems)
    for depth in range(len(levels) - 1, 0, -1):  # backwards, as in _walk
        keys = levels[depth]
        nodes = keys % systems
        weights = (1.0 + dependency[keys]) / flat_paths[keys]
        starts, stops = indptr[nodes], indptr[nodes + 1]
        lengths = stops - starts
        total = int(lengths.sum())
        offsets = np.repeat(stops - lengths.cumsum(), lengths) + np.arange(total)
        target = np.repeat(keys - nodes, lengths) + indices[offsets]
        earlier = flat_distance[target] == depth - 1
        target = target[earlier]
        np.add.at(dependency, target, flat_paths[target] * np.repeat(weights, lengths)[earlier])
    dependency = dependency.reshape(size, systems)
    dependency[own, batch] = 0.0
    return dependency.sum(axis=0)


def nearest(adjacency: Any, neighbours: Any) -> tuple[Any, Any, Any]:
    """From the set ``neighbours`` (the tool's) to every system: the distance (int64; ``UNREACHED`` where none),
    the number of shortest paths (float64), and each system's dependency on the tool's own paths (Brandes: the
    sum over targets of its share of the shortest paths from the tool to them). One walk from the whole set."""
    import numpy as np

    systems = adjacency.shape[0]
    distance = np.full(systems, UNREACHED, dtype=np.int64)
    counts = np.zeros(systems)
    dependency = np.zeros(systems)
    if not len(neighbours):
        return distance, counts, dependency
    walked = _bfs_distances(adjacency, neighbours)
    reachable = walked >= 0
    distance[reachable] = walked[reachable]
    counts[neighbours] = 1.0
    # the edges that go one step further from the set, grouped by the level they leave
    tails = np.repeat(np.arange(systems), np.diff(adjacency.indptr))  # the links, row by row
    heads = adjacency.indices
    forward = reachable[tails] & reachable[heads] & (distance[heads] == distance[tails] + 1)
    tails, heads = tails[forward], heads[forward]
    by_level = np.argsort(distance[tails], kind="stable")
    tails, heads = tails[by_level], heads[by_level]
    bounds = np.searchsorted(distance[tails], np.arange(int(distance[reachable].max(initial=0)) + 1), side="left")
    spans = [(start, stop) for start, stop in itertools.pairwise(bounds) if stop > start]
    if len(spans) * FEW_LINKS_A_LEVEL > len(tails):  # a long thin graph: one pass over the links beats a level's
        return distance, *_counted_one_by_one(tails.tolist(), heads.tolist(), counts.tolist(), systems)
    for start, stop in spans:  # path counts, level by level outwards
        np.add.at(counts, heads[start:stop], counts[tails[start:stop]])
    for start, stop in reversed(spans):  # dependencies, level by level back
        inner, outer = tails[start:stop], heads[start:stop]
        np.add.at(dependency, inner, counts[inner] / counts[outer] * (1.0 + dependency[outer]))
    return distance, counts, dependency


def _counted_one_by_one(tails: list[int], heads: list[int], counts: list[float], systems: int) -> tuple[Any, Any]:
    """``nearest``'s path counts and dependencies link by link, the links in the order of their tail's level:
    a tail's count is complete before its first link out is read, a head's dependency before its links in."""
    import numpy as np

    dependency = [0.0] * systems
    for tail, head in zip(tails, heads, strict=True):
        counts[head] += counts[tail]
    for tail, head in zip(reversed(tails), reversed(heads), strict=True):
        dependency[tail] += counts[tail] / counts[head] * (1.0 + dependency[head])
    return np.array(counts), np.array(dependency)


def _bfs_distances(adjacency: Any, neighbours: Any) -> Any:
    """Hops from the nearest of ``neighbours`` (int64; -1 where unreachable), by scipy's compiled walk."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    systems, links = adjacency.shape[0], adjacency.nnz
    joined = csr_matrix((np.ones(links + len(neighbours)),  # the virtual source last, linked to the neighbours
                         np.concatenate([adjacency.indices, np.asarray(neighbours, dtype=adjacency.indices.dtype)]),
                         np.concatenate([adjacency.indptr, [links + len(neighbours)]])),
                        shape=(systems + 1, systems + 1))
    hops = shortest_path(joined, method="D", unweighted=True, directed=True, indices=systems)[:systems]
    return np.where(np.isinf(hops), -1, hops - 1).astype(np.int64)


def vendor_betweenness(index: BetweennessIndex, adjacency: Any, neighbours: Any) -> tuple[float, int]:
    """The tool's normalised betweenness in ``G`` with it added (joined to ``neighbours``, system indices) and
    its rank among the systems (1 = most central; existing systems by their betweenness in ``G``)."""
    import numpy as np

    systems = index.systems
    if systems < 2 or not len(neighbours):
        return 0.0, 1 + int(np.count_nonzero(index.existing > 0.0))
    distance, counts, own_paths = nearest(adjacency, np.unique(neighbours))
    reached = distance < UNREACHED
    # a pair (s, t) runs through the tool when d(s, t) - (dN(t) + 2) is above dN(s), or ties when equal; with
    # UNREACHED for dN(s) and dN(t) + 2 where the tool does not reach, no such pair passes (int32 does not overflow)
    source_distance = distance[index.sources].astype(np.int32)[:, None]
    far_side = np.where(reached, distance + 2, UNREACHED).astype(np.int32)
    source_counts = counts[index.sources]
    through = 0.0
    block = max(1, ROW_BLOCK // systems)
    for start in range(0, len(index.sources), block):  # whole rows of the index, read in place, a block at a time
        gap = index.distance[start:start + block] - far_side
        mine = source_distance[start:start + block]
        through += float(np.count_nonzero(gap > mine))
        # flat positions, then rows and columns: numpy's nonzero of a 2-D array is ten times slower
        tied_rows, tied_columns = np.divmod(np.flatnonzero(gap == mine), systems)
        joined = reached[tied_columns]  # not a neighbour of the tool (dN(s) = 0) and a system out of its reach
        tied_rows, tied_columns = tied_rows[joined] + start, tied_columns[joined]
        if len(tied_rows):
            via = source_counts[tied_rows] * counts[tied_columns]
            through += float(np.sum(via / (index.paths[tied_rows, tied_columns] + via)))
    raw = through * systems / len(index.sources)
    betweenness = raw / (systems * (systems - 1))
    # the existing systems as today, plus their share of the paths to and from the tool (both directions)
    rank = 1 + int(np.count_nonzero(index.existing + 2 * own_paths > raw * (1 + 1e-9)))
    return betweenness, rank
