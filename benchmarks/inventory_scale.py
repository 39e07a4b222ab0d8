"""Scale benchmark for the systems graph: generated inventories of 500 to 10,000 systems (five integrations each).

For each size, a child process (``tests/childrun.py``: a new process, cold) loads the inventory once (timed),
computes its graph index once per pass (``riskengine.inventory.index.compute_index``: the work done once per
inventory, nothing read from a cache; three cold passes), then analyses a vendor against it in five cold passes
(``measure.py``) with the index in hand: the per-vendor figure is what each further vendor costs. Beside the times:
CPU time and a pure-Python anchor; the child's peak memory, and in a second child the index's own memory
(``tracemalloc``'s peak while it is computed, numpy's arrays included).

Targets (issue #24): a vendor under 0.05 s at every size once the index is computed; the index under 5 s at every
size (exact betweenness up to 2,000 systems costs as much as sampled at 10,000, see docs/scale.md); loading 10,000
systems under 3 s; the index's memory and the child's peak under 500 MiB.
Run alone (``python benchmarks/inventory_scale.py``; ``INVENTORY_SIZES=500,2000`` for some sizes only) or through
``make bench``.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from measure import Figure, Timing, measure, python_anchor, report

ROOT = Path(__file__).resolve().parent.parent

SYSTEMS = 10_000
INTEGRATIONS = 50_000
SIZES = (500, 1_000, 2_000, 5_000, 10_000)
LINKS_PER_SYSTEM = 5
VENDOR_TARGET = 0.05
INDEX_TARGET = 5.0
CAPABILITIES = ["crm", "cms", "email-marketing", "web-analytics", "cdp", "erp", "support", "bi", "ecommerce",
                "data-warehouse", "identity", "advertising", "loyalty", "sms", "survey", "pim", "dam", "finance"]
CLASSES = ["personal", "behavioural", "payment", "credentials", "sensitive"]
METHODS = ["api", "webhook", "file", "sdk", "tag", "manual"]
FREQUENCIES = ["real-time", "hourly", "daily", "weekly"]
LEVELS = ["low", "medium", "high", "critical"]
DEPARTMENTS = ["Marketing", "Sales", "E-commerce", "Finance", "IT", "Data", "Support", "HR", "Operations"]


def generate(path: Path, systems: int = SYSTEMS, integrations: int = INTEGRATIONS, seed: int = 7) -> None:
    """Write a realistic-looking inventory: clustered by department, with cycles and hubs."""
    rng = random.Random(seed)
    lines = ["organisation: Benchmark Corp", "systems:"]
    for index in range(systems):
        capabilities = ", ".join(rng.sample(CAPABILITIES, rng.randint(1, 2)))
        classes = ", ".join(rng.sample(CLASSES, rng.randint(0, 2)))
        lines.append(f"  - {{id: s{index}, name: System {index}, owner: Team {index % 300}, "
                     f"department: {DEPARTMENTS[index % len(DEPARTMENTS)]}, criticality: {rng.choice(LEVELS)}, "
                     f"capabilities: [{capabilities}], data_classes: [{classes}], "
                     f"customer_facing: {'true' if index % 50 == 0 else 'false'}, "
                     f"sanctioned: {'false' if index % 97 == 0 else 'true'}}}")
    lines.append("integrations:")
    seen: set[tuple[int, int]] = set()
    hubs = list(range(0, systems, max(1, systems // 200)))
    while len(seen) < integrations:
        source = rng.choice(hubs) if rng.random() < 0.2 else rng.randrange(systems)
        target = (source + rng.randint(1, 60)) % systems if rng.random() < 0.7 else rng.randrange(systems)
        if source == target or (source, target) in seen:
            continue
        seen.add((source, target))
        classes = ", ".join(rng.sample(CLASSES, rng.randint(0, 2)))
        lines.append(f"  - {{from: s{source}, to: s{target}, data_classes: [{classes}], "
                     f"method: {rng.choice(METHODS)}, frequency: {rng.choice(FREQUENCIES)}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure_in_child(path: Path, memory_only: bool = False) -> None:
    """In the child: load ``path`` (timed once), compute its index (cold passes), analyse a vendor with the
    index in hand (cold passes); print the timings and the index's memory as JSON."""
    import tracemalloc

    from riskengine.collector import collector_paused
    from riskengine.facts import Fact
    from riskengine.inventory.analysis import Connection, GraphFindings, analyse
    from riskengine.inventory.effort import load_effort_model
    from riskengine.inventory.graph import SystemGraph
    from riskengine.inventory.index import GraphIndex, compute_index
    from riskengine.inventory.loader import load_inventory
    from riskengine.inventory.vocabulary import load_vocabularies

    vocabularies = load_vocabularies()

    started = time.perf_counter()
    python_anchor()
    anchor = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    with collector_paused():  # as the CLI runs every command (riskengine.cli)
        graph = SystemGraph(load_inventory(path, vocabularies=vocabularies))
    load = Timing.once(time.perf_counter() - started, time.process_time() - cpu, anchor)
    size = len(graph.systems)

    def index_pass() -> GraphIndex:
        graph.__dict__.pop("digest", None)  # the content hash is worked out again too
        with collector_paused():
            return compute_index(graph)

    if memory_only:  # a child of its own: tracemalloc slows every allocation and keeps its own records
        tracemalloc.start()
        index_pass()
        print(json.dumps({"index_peak": tracemalloc.get_traced_memory()[1]}))
        return
    indexing, index = measure(index_pass, python_anchor, 3)
    systems = graph.systems
    connections = [
        Connection(system_id=system_id, system_name=systems[system_id].name, direction=direction,
                   data_classes=("personal", "behavioural"), method="api", frequency="hourly",
                   criticality=systems[system_id].criticality,
                   customer_facing=systems[system_id].customer_facing, place=f"Integrations!B{row}")
        for row, (system_id, direction) in enumerate(
            [(f"s{number % size}", direction) for number, direction in (
                (0, "inbound"), (17, "bidirectional"), (4242, "outbound"), (9000, "outbound"), (123, "inbound"),
                (7777, "bidirectional"))], start=7)
    ]

    def analysis_pass() -> tuple[GraphFindings, list[Fact]]:
        with collector_paused():
            return analyse(graph, connections, "email-marketing", load_effort_model(), vocabularies, index=index)

    analysis, (findings, _) = measure(analysis_pass, python_anchor, 5)
    print(json.dumps({"load": [load.wall, load.cpu, load.anchor],
                      "index": [indexing.wall, indexing.cpu, indexing.anchor],
                      "analysis": [analysis.wall, analysis.cpu, analysis.anchor],
                      "reached": len(findings.dependents),
                      "method": findings.centrality.method, "betweenness": findings.centrality.betweenness}))


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from tests.childrun import run_python

    sizes = [int(text) for text in os.environ.get("INVENTORY_SIZES", "").split(",") if text.strip()] or SIZES
    figures: list[Figure] = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    for systems in sizes:
        integrations = systems * LINKS_PER_SYSTEM
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "inventory.yaml"
            generate(path, systems, integrations)
            megabytes = path.stat().st_size / 1e6
            child = run_python([__file__, "--measure", str(path)], cwd=ROOT, env=env, timeout=1200)
            traced = run_python([__file__, "--memory", str(path)], cwd=ROOT, env=env, timeout=1200)
        if child.returncode != 0 or traced.returncode != 0:
            failed = child if child.returncode != 0 else traced
            print(f"inventory_scale: a measuring child exited {failed.returncode}: {failed.stderr.strip()[-600:]}")
            return 1
        measured = json.loads(child.stdout.strip().splitlines()[-1])
        measured.update(json.loads(traced.stdout.strip().splitlines()[-1]))
        load, indexing, analysis = (Timing.once(*measured[key]) for key in ("load", "index", "analysis"))
        print(f"{systems:,} systems: {measured['method']}; betweenness {measured['betweenness']}")
        size = f"{systems:,} systems / {integrations:,} integrations"
        if systems == SYSTEMS:
            figures.append(Figure.timed(f"inventory load {size} ({megabytes:.1f} MB YAML)", load, 3.0))
        figures += [
            Figure.timed(f"graph index, once per inventory: {size} (median of 3)", indexing, INDEX_TARGET),
            Figure(f"graph index memory (tracemalloc peak): {size}", measured["index_peak"] / 2**20, "MiB", 500.0),
            Figure.timed(f"vendor analysis, index in hand: {size} (median of 5; reaches "
                         f"{measured['reached']:,})", analysis, VENDOR_TARGET),
            Figure(f"peak memory of the child (load, index, analysis): {size}", child.peak_bytes / 2**20, "MiB",
                   500.0),
        ]
    return report(figures)


if __name__ == "__main__":
    if sys.argv[1:2] in (["--measure"], ["--memory"]):
        measure_in_child(Path(sys.argv[2]), memory_only=sys.argv[1] == "--memory")
    else:
        sys.exit(main())
