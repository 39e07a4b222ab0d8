"""The graph work done once per inventory: the same findings as a fresh computation, the betweenness of the tool as
networkx computes it on the graph with the tool added (exact) or within the stated bound (sampled), and the index
kept on disk: reused, rebuilt when damaged, never confused between inventories."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from riskengine.inventory import centrality
from riskengine.inventory.analysis import PATH_LIMIT, Connection, analyse
from riskengine.inventory.effort import load_effort_model
from riskengine.inventory.graph import VENDOR, SystemGraph, breadth_first
from riskengine.inventory.index import (
    FORMAT_VERSION,
    cache_file,
    cache_folder,
    compute_index,
    forget_indexes,
    graph_index,
    read_cached,
)
from riskengine.inventory.model import Integration, Inventory, System

VOCABULARIES_EFFORT = load_effort_model()
LEVELS = ("low", "medium", "high", "critical")
DEPARTMENTS = ("Marketing", "Sales", "IT", "Data")


def _graph(systems: int, edges: list[tuple[int, int]], name: str = "shape") -> SystemGraph:
    """An inventory of ``systems`` systems ``s000``... with ``edges`` (index pairs, in the direction of the data)."""
    listed = tuple(System(id=f"s{i:03d}", name=f"{name} {i}", criticality=LEVELS[i % 4],
                          department=DEPARTMENTS[i % 4], customer_facing=i % 7 == 0) for i in range(systems))
    links = tuple(Integration.model_validate({"from": f"s{a:03d}", "to": f"s{b:03d}", "method": "api",
                                              "data_classes": ["personal"]}) for a, b in edges)
    return SystemGraph(Inventory(systems=listed, integrations=links, source=f"{name}.yaml"))


def _star(spokes: int = 24) -> SystemGraph:
    return _graph(spokes + 1, [(0, i) for i in range(1, spokes + 1)], "star")


def _chain(length: int = 40) -> SystemGraph:
    return _graph(length, [(i, i + 1) for i in range(length - 1)], "chain")


def _dense(size: int = 18) -> SystemGraph:
    return _graph(size, [(a, b) for a in range(size) for b in range(size) if a < b and (a + b) % 3], "dense")


def _disconnected() -> SystemGraph:
    """A chain of 10, a ring of 12 and a lone system: three parts."""
    edges = [(i, i + 1) for i in range(9)] + [(10 + i, 10 + (i + 1) % 12) for i in range(12)]
    return _graph(23, edges, "islands")


def _random(systems: int, links: int, seed: int) -> SystemGraph:
    rng = random.Random(seed)
    edges: set[tuple[int, int]] = set()
    while len(edges) < links:
        a, b = rng.randrange(systems), rng.randrange(systems)
        if a != b:
            edges.add((a, b))
    return _graph(systems, sorted(edges), "random")


def _tool(graph: SystemGraph, *links: tuple[int, str]) -> list[Connection]:
    return [Connection(system_id=f"s{i:03d}", system_name=graph.systems[f"s{i:03d}"].name, direction=direction,
                       data_classes=("personal",), method="api", frequency="daily",
                       criticality=graph.systems[f"s{i:03d}"].criticality,
                       customer_facing=graph.systems[f"s{i:03d}"].customer_facing, place=f"Integrations!B{7 + n}")
            for n, (i, direction) in enumerate(links)]


def _networkx_betweenness(graph: SystemGraph, connections: list[Connection]) -> float:
    """The tool's betweenness as computed before the index: Brandes on the undirected graph with the tool added."""
    with_tool = graph.graph.to_undirected()
    with_tool.add_edges_from((VENDOR, c.system_id) for c in connections)
    return float(nx.betweenness_centrality(with_tool, normalized=True)[VENDOR])


SHAPES = {
    "star": (_star, ((3, "outbound"), (7, "inbound"), (11, "bidirectional"))),
    "chain": (_chain, ((0, "outbound"), (39, "inbound"))),
    "chain-middle": (_chain, ((12, "bidirectional"), (13, "outbound"))),
    # 150 levels: the index walks it level by level from the CSR arrays (centrality._walk_deep), not by products
    "long-chain": (lambda: _chain(150), ((0, "outbound"), (75, "inbound"), (149, "bidirectional"))),
    "dense": (_dense, ((0, "outbound"), (5, "bidirectional"), (9, "inbound"))),
    "disconnected": (_disconnected, ((4, "outbound"), (15, "inbound"), (22, "bidirectional"))),
    # the tool joins the chain alone: the ring and the lone system are out of its reach, and its neighbours are
    # sources at distance 0 from it (the pairs of a neighbour and a system out of reach are no ties)
    "disconnected-one-part": (_disconnected, ((4, "outbound"), (9, "bidirectional"))),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_index_gives_the_findings_of_a_fresh_computation_and_networkx_betweenness(shape: str,
                                                                                      tmp_path: Path) -> None:
    from riskengine.inventory.vocabulary import load_vocabularies

    vocabularies = load_vocabularies()
    build, links = SHAPES[shape]
    graph = build()
    connections = _tool(graph, *links)
    forget_indexes()
    fresh = compute_index(graph)
    kept = graph_index(build(), tmp_path)  # a new graph object of the same content, computed and written
    again = graph_index(build(), tmp_path)  # from this process's memory
    forget_indexes()
    from_disk = graph_index(build(), tmp_path)
    assert (fresh.source, kept.source, again.source, from_disk.source) == ("computed", "computed", "memory", "disk")
    results = [analyse(graph, connections, "crm", VOCABULARIES_EFFORT, vocabularies, index=index)
               for index in (fresh, kept, again, from_disk)]
    dumped = {findings.model_dump_json() for findings, _ in results}
    assert len(dumped) == 1
    findings = results[0][0]
    assert findings.centrality.betweenness == round(_networkx_betweenness(graph, connections), 4)
    assert findings.centrality.method == "exact (Brandes) on the undirected graph with the tool added"


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_compiled_downstream_walk_is_the_breadth_first_walk(shape: str) -> None:
    """``GraphIndex.downstream`` (scipy's walk) gives each system the parent, depth and level of the Python
    walk the blast radius used to take, from every single system and from the tool's own starts."""
    build, links = SHAPES[shape]
    graph = build()
    index = compute_index(graph)
    starts = [[node] for node in sorted(graph.systems)]
    starts.append(sorted({f"s{number:03d}" for number, _ in links}))
    for start in starts:
        walked, reached, depth = index.downstream(reversed(start))  # in any order: the starts are sorted
        expected = breadth_first(start, lambda node: graph.graph.succ[node])
        assert (walked.parent, walked.depth, walked.levels) == (expected.parent, expected.depth, expected.levels)
        assert [index.ids[position] for position in reached] == [node for level in expected.levels for node in level]
        assert depth.tolist() == [expected.depth[index.ids[position]] for position in reached]
        assert walked.paths(PATH_LIMIT) == expected.paths(PATH_LIMIT)
    for limit in (4, 5, 7, PATH_LIMIT):  # every path at once, as each one alone (walked up its tree)
        assert walked.paths(limit) == {node: walked.path(node, limit) for node in walked.depth}


def test_the_measures_read_from_the_index_are_those_of_the_graph() -> None:
    """Separated groups, new department links, degree percentile: each as the graph itself says."""
    from riskengine.inventory.vocabulary import load_vocabularies

    graph = _disconnected()
    connections = _tool(graph, (4, "outbound"), (15, "inbound"), (22, "bidirectional"), (9, "outbound"))
    findings, _ = analyse(graph, connections, "crm", VOCABULARIES_EFFORT, load_vocabularies(),
                          index=compute_index(graph))
    # s004 and s009 share the chain; s015 is on the ring; s022 is alone
    assert findings.separated_groups == (("s004", "s009"), ("s015",), ("s022",))
    assert findings.cut_vertex
    undirected = graph.graph.to_undirected()
    assert [sorted(part) for part in nx.connected_components(undirected)] == [
        [f"s{i:03d}" for i in range(10)], [f"s{i:03d}" for i in range(10, 22)], ["s022"]]
    degrees = [graph.degree(node) for node in graph.systems]
    assert findings.centrality.degree == 4
    assert findings.centrality.degree_percentile == round(100 * sum(d < 4 for d in degrees) / len(degrees), 1)
    # departments of s004, s009, s015, s022: Marketing, Sales, Data, IT; the chain and the ring link consecutive
    # departments (Marketing-Sales-IT-Data-Marketing) today, so the tool would link the other two pairs first
    assert findings.new_department_links == (("Data", "Sales"), ("IT", "Marketing"))
    department = {node: system.department for node, system in graph.systems.items()}
    linked = {tuple(sorted((department[a], department[b]))) for a, b in graph.graph.edges}
    assert {pair for pair in findings.new_department_links} == {
        (a, b) for a in ("Data", "IT", "Marketing", "Sales") for b in ("Data", "IT", "Marketing", "Sales")
        if a < b and (a, b) not in linked}


@pytest.mark.parametrize("graph", [_random(120, 300, seed=3), _graph(300, [(i, (i + 1) % 300) for i in range(300)],
                                                                     "ring")], ids=["random", "deep-ring"])
def test_every_systems_betweenness_in_the_index_is_networkx_s(graph: SystemGraph) -> None:
    index = compute_index(graph)
    expected = nx.betweenness_centrality(graph.graph.to_undirected(), normalized=False)
    # the index keeps ordered pairs (networkx halves them on an undirected graph)
    assert np.allclose(index.betweenness.existing, [2 * expected[node] for node in index.ids], rtol=1e-12)


def test_the_rank_counts_the_systems_ahead_of_the_tool() -> None:
    """A star: the hub carries every path between spokes; the tool joining three spokes comes after the hub and
    the three spokes it joins (their share of the tool's own paths), before the other spokes."""
    from riskengine.inventory.vocabulary import load_vocabularies

    graph = _star()
    connections = _tool(graph, (3, "outbound"), (7, "inbound"), (11, "bidirectional"))
    findings, _ = analyse(graph, connections, "crm", VOCABULARIES_EFFORT, load_vocabularies(),
                          index=compute_index(graph))
    with_tool = graph.graph.to_undirected()
    with_tool.add_edges_from((VENDOR, c.system_id) for c in connections)
    scores = nx.betweenness_centrality(with_tool)
    assert findings.centrality.betweenness_rank == 5
    assert findings.centrality.betweenness_rank == 1 + sum(score > scores[VENDOR] for node, score in scores.items()
                                                           if node != VENDOR)


def test_sampled_betweenness_stays_within_the_stated_bound() -> None:
    """On 400 systems exact is affordable: estimates from 60 sampled sources, under ten seeds and three tools,
    stay within the Hoeffding bound (at 95 % a miss now and then would be allowed; none happens here)."""
    graph = _random(400, 900, seed=11)
    exact = compute_index(graph)
    bound = centrality.error_bound(60, 400)
    assert bound == pytest.approx((np.log(40) / 120) ** 0.5)
    tools = ([5, 77, 301], [0], [12, 13, 250, 390, 111])
    worst = 0.0
    for seed in range(10):
        sampled = centrality.build_index(exact.adjacency, sources=60, seed=seed)
        assert len(sampled.sources) == 60 and not sampled.exact
        assert "60 of 400 systems as sources" in sampled.method and f"±{bound:.3f}" in sampled.method
        for tool in tools:
            neighbours = np.array(tool, dtype=np.int64)
            truth, _ = centrality.vendor_betweenness(exact.betweenness, exact.adjacency, neighbours)
            estimate, _ = centrality.vendor_betweenness(sampled, exact.adjacency, neighbours)
            worst = max(worst, abs(estimate - truth))
    assert 0 < worst <= bound
    connections = _tool(graph, (5, "outbound"), (77, "inbound"), (301, "outbound"))
    assert centrality.vendor_betweenness(exact.betweenness, exact.adjacency, np.array([5, 77, 301]))[0] == \
        pytest.approx(_networkx_betweenness(graph, connections), abs=1e-12)


def test_the_number_of_sources_shrinks_smoothly_with_size() -> None:
    """No cliff: exact up to 2,000 systems, then one source fewer at a time, never below the floor."""
    assert [centrality.sources_for(n) for n in (10, 2_000, 2_001, 2_500, 5_000, 10_000, 100_000)] == [
        10, 2_000, 1_999, 1_600, 800, 400, 100]
    counts = [centrality.sources_for(n) for n in range(2, 40_001)]
    steps = [later - earlier for earlier, later in itertools.pairwise(counts)]
    assert max(abs(step) for step in steps) == 1  # one more system never changes the sources by more than one
    assert all(step <= 0 for step in steps[1_999:])  # past 2,000 systems, fewer sources as the inventory grows
    assert centrality.error_bound(2_000, 2_000) == 0.0
    assert centrality.error_bound(400, 10_000) == pytest.approx(0.068, abs=5e-4)


def test_the_same_inventory_gives_the_same_index_and_findings(tmp_path: Path) -> None:
    from riskengine.inventory.vocabulary import load_vocabularies

    graph = _random(300, 700, seed=5)
    first = centrality.build_index(compute_index(graph).adjacency, sources=50)
    second = centrality.build_index(compute_index(_random(300, 700, seed=5)).adjacency, sources=50)
    for name in ("sources", "distance", "paths", "existing"):
        assert np.array_equal(getattr(first, name), getattr(second, name))
    connections = _tool(graph, (1, "outbound"), (2, "inbound"))
    runs = {analyse(_random(300, 700, seed=5), connections, "crm", VOCABULARIES_EFFORT, load_vocabularies(),
                    index=compute_index(_random(300, 700, seed=5)))[0].model_dump_json() for _ in range(2)}
    assert len(runs) == 1


def test_a_damaged_cache_file_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    graph = _random(60, 150, seed=2)
    written = compute_index(graph, tmp_path)
    path = cache_file(tmp_path, graph.digest)
    good = path.read_bytes()
    assert read_cached(tmp_path, graph.digest, 60) is not None

    def damaged(content: bytes) -> str:
        path.write_bytes(content)
        index = compute_index(graph, tmp_path)
        assert np.array_equal(index.betweenness.existing, written.betweenness.existing)
        assert read_cached(tmp_path, graph.digest, 60) is not None  # the file was replaced by a good one
        return index.source

    assert damaged(good[: len(good) // 2]) == "computed"  # truncated
    assert damaged(b"not an archive at all") == "computed"
    assert damaged(b"") == "computed"
    # a well-formed archive whose numbers were altered: a distance past the graph's size
    stored = dict(np.load(path, allow_pickle=False))
    stored["distance"] = stored["distance"].copy()
    stored["distance"][0, 1] = 10_000
    with path.open("wb") as handle:
        np.savez(handle, **stored)
    assert compute_index(graph, tmp_path).source == "computed"
    # another format version, and an archive holding pickled objects, are refused too
    for name, value in (("format_version", np.array(FORMAT_VERSION + 1)),
                        ("existing", np.array([object()] * 60, dtype=object))):
        with path.open("wb") as handle:
            np.savez(handle, **{**dict(stored, distance=written.betweenness.distance), name: value})
        assert compute_index(graph, tmp_path).source == "computed"
    # the right arrays, deflated: refused before numpy expands them
    with np.load(path) as stored_well:
        arrays = dict(stored_well)
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)
    assert read_cached(tmp_path, graph.digest, 60) is None
    assert compute_index(graph, tmp_path).source == "computed"
    assert compute_index(graph, tmp_path).source == "disk"


def test_a_file_of_another_inventory_is_never_taken_for_this_one(tmp_path: Path) -> None:
    one, other = _random(50, 120, seed=1), _random(50, 120, seed=2)
    assert one.digest != other.digest
    first = compute_index(one, tmp_path)
    second = compute_index(other, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"graph-{one.digest}.npz", f"graph-{other.digest}.npz"])
    # the other inventory's file put in this one's place: its digest inside gives it away
    cache_file(tmp_path, one.digest).write_bytes(cache_file(tmp_path, other.digest).read_bytes())
    assert read_cached(tmp_path, one.digest, 50) is None
    again = compute_index(one, tmp_path)
    assert again.source == "computed"
    assert np.array_equal(again.betweenness.existing, first.betweenness.existing)
    assert not np.array_equal(first.betweenness.existing, second.betweenness.existing)
    # the same content read from another file name shares the index: the digest ignores where it came from
    renamed = SystemGraph(one.inventory.model_copy(update={"source": "elsewhere/inventory.yaml"}))
    assert renamed.digest == one.digest and compute_index(renamed, tmp_path).source == "disk"


def test_the_cache_folder_sits_beside_a_sqlite_store(tmp_path: Path) -> None:
    assert cache_folder(tmp_path / "data" / "riskengine.db") == tmp_path / "data" / "graph-cache"
    assert cache_folder(f"sqlite:///{tmp_path}/r.db") == tmp_path / "graph-cache"


def test_an_unwritable_cache_folder_costs_only_the_computation(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    index = compute_index(_star(), blocked / "graph-cache")
    assert index.source == "computed" and not (blocked / "graph-cache").exists()


def test_an_assessment_keeps_the_index_on_disk_and_the_next_one_reads_it(tmp_path: Path) -> None:
    from riskengine.pipeline import assess
    from tests.conftest import NOW, SAMPLES

    forget_indexes()
    first = assess(SAMPLES / "northwind-mail.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                   graph_cache=tmp_path / "graph-cache")
    [kept] = (tmp_path / "graph-cache").iterdir()
    written = kept.stat().st_mtime_ns
    forget_indexes()  # as a new process: only the disk remembers
    second = assess(SAMPLES / "northwind-mail.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                    graph_cache=tmp_path / "graph-cache")
    assert kept.stat().st_mtime_ns == written  # read, not written again
    assert first.model_dump_json() == second.model_dump_json()
    assert first.graph is not None and first.graph.centrality.method.startswith("exact")


def test_a_process_reads_an_inventory_file_again_only_when_its_bytes_change(tmp_path: Path) -> None:
    from riskengine import pipeline
    from tests.conftest import NOW, SAMPLES

    inventory = tmp_path / "inventory.yaml"
    inventory.write_bytes((SAMPLES / "inventory.yaml").read_bytes())
    pipeline._CACHE.clear()
    first = pipeline.assess(SAMPLES / "northwind-mail.xlsx", now=NOW, inventory=inventory)
    [(_, kept_graph)] = pipeline._CACHE.values()
    second = pipeline.assess(SAMPLES / "northwind-mail.xlsx", now=NOW, inventory=inventory)
    [(_, same_graph)] = pipeline._CACHE.values()
    assert same_graph is kept_graph and first.model_dump_json() == second.model_dump_json()
    text = inventory.read_text(encoding="utf-8")
    assert "name: Salesforce Sales Cloud" in text
    inventory.write_text(text.replace("name: Salesforce Sales Cloud", "name: Salesforce Renamed"), encoding="utf-8")
    third = pipeline.assess(SAMPLES / "northwind-mail.xlsx", now=NOW, inventory=inventory)
    assert third.graph is not None and third.graph.names["crm"] == "Salesforce Renamed"
    assert len(pipeline._CACHE) == 2
