"""Scale benchmark for the systems graph: a generated inventory of 10,000 systems and 50,000 integrations.

Prints the load time (YAML read, checks, graph build), the vendor-analysis time and the peak memory, each
beside its target. Run alone (``python benchmarks/inventory_scale.py``) or through ``make bench``.
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> int:
    from riskengine.inventory.analysis import Connection, analyse, load_effort_model
    from riskengine.inventory.graph import SystemGraph
    from riskengine.inventory.loader import load_inventory

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "inventory.yaml"
        generate(path)
        size = path.stat().st_size
        effort = load_effort_model()
        started = time.perf_counter()
        inventory = load_inventory(path)
        graph = SystemGraph(inventory)
        load_seconds = time.perf_counter() - started
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
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            findings, _ = analyse(graph, connections, "email-marketing", effort)
            timings.append(time.perf_counter() - started)
        analysis_seconds = sorted(timings)[len(timings) // 2]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        (f"inventory load {SYSTEMS:,} systems / {INTEGRATIONS:,} integrations ({size / 1e6:.1f} MB YAML)",
         load_seconds, 3.0, "s"),
        (f"vendor analysis (median of 5; reaches {len(findings.dependents):,} systems)", analysis_seconds, 0.3, "s"),
        ("peak memory of the whole run", peak_mb, 500.0, "MB"),
    ]
    failed = False
    for name, value, target, unit in rows:
        ok = value <= target
        failed |= not ok
        print(f"{name:<78} {value:>8.3f}{unit:<2} target {target:g}{unit}  {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
