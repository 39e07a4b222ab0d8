"""Scale benchmark for the systems graph: a generated inventory of 10,000 systems and 50,000 integrations.

Prints the load time (YAML read, checks, graph build), the vendor-analysis time and the peak memory, each
beside its target, with CPU time and a pure-Python anchor beside the times. Run alone
(``python benchmarks/inventory_scale.py``) or through ``make bench``.

This process writes the inventory; a child process (``tests/childrun.py``) loads it once (a new process: cold)
and analyses a vendor against it in five cold passes (``measure.py``), and measures its own peak memory: the
figure is what loading and analysing take, not what writing the file took here (until #19 the peak was this
whole process's, generation included).
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


def measure_in_child(path: Path) -> None:
    """In the child: load ``path`` (timed once), analyse a vendor against it (cold passes); print the timings."""
    from riskengine.collector import collector_paused
    from riskengine.facts import Fact
    from riskengine.inventory.analysis import Connection, GraphFindings, analyse
    from riskengine.inventory.effort import load_effort_model
    from riskengine.inventory.graph import SystemGraph
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
    systems = graph.systems
    connections = [
        Connection(system_id=system_id, system_name=systems[system_id].name, direction=direction,
                   data_classes=("personal", "behavioural"), method="api", frequency="hourly",
                   criticality=systems[system_id].criticality,
                   customer_facing=systems[system_id].customer_facing, place=f"Integrations!B{row}")
        for row, (system_id, direction) in enumerate(
            [("s0", "inbound"), ("s17", "bidirectional"), ("s4242", "outbound"), ("s9000", "outbound"),
             ("s123", "inbound"), ("s7777", "bidirectional")], start=7)
    ]
    def analysis_pass() -> tuple[GraphFindings, list[Fact]]:
        with collector_paused():
            return analyse(graph, connections, "email-marketing", load_effort_model(), vocabularies)

    analysis, (findings, _) = measure(analysis_pass, python_anchor, 5)
    print(json.dumps({"load": [load.wall, load.cpu, load.anchor],
                      "analysis": [analysis.wall, analysis.cpu, analysis.anchor],
                      "reached": len(findings.dependents)}))


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from tests.childrun import run_python

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "inventory.yaml"
        generate(path)
        size = path.stat().st_size
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        child = run_python([__file__, "--measure", str(path)], cwd=ROOT, env=env, timeout=600)
    if child.returncode != 0:
        print(f"inventory_scale: the measuring child exited {child.returncode}: {child.stderr.strip()[-600:]}")
        return 1
    measured = json.loads(child.stdout.strip().splitlines()[-1])
    load, analysis = (Timing.once(*measured[key]) for key in ("load", "analysis"))
    return report([
        Figure.timed(f"inventory load {SYSTEMS:,} systems / {INTEGRATIONS:,} integrations ({size / 1e6:.1f} MB YAML)",
                     load, 3.0),
        Figure.timed(f"vendor analysis (median of 5; reaches {measured['reached']:,} systems)", analysis, 0.3),
        Figure("peak memory of loading and analysis, measured in the child", child.peak_bytes / 2**20, "MiB", 500.0),
    ])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure_in_child(Path(sys.argv[2]))
    else:
        sys.exit(main())
