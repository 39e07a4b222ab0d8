"""collector_paused: no automatic collection inside, the collector's state restored after, errors pass."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from riskengine.collector import collector_paused


def test_the_collector_is_off_inside_and_back_on_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_restores_the_collector() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_as_a_decorator() -> None:
    @collector_paused()
    def inside() -> bool:
        return gc.isenabled()

    assert inside() is False and gc.isenabled()


def test_loading_and_analysing_an_inventory_leaves_the_collector_running(tmp_path: Path) -> None:
    """Library calls never change the process-wide collector: only the CLI and the batch's workers pause it."""
    from riskengine.inventory.analysis import analyse
    from riskengine.inventory.effort import load_effort_model
    from riskengine.inventory.graph import SystemGraph
    from riskengine.inventory.loader import load_inventory
    from riskengine.inventory.vocabulary import load_vocabularies

    path = tmp_path / "inventory.yaml"
    lines = ["systems:"] + [f"  - {{id: s{index}, name: System {index}, owner: Team, criticality: low, "
                            f"capabilities: [crm]}}" for index in range(1500)]
    lines += ["integrations:"] + [f"  - {{from: s{index}, to: s{(index + 1) % 1500}, method: api}}"
                                  for index in range(1500)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = gc.get_stats()[0]["collections"]
    vocabularies = load_vocabularies()
    graph = SystemGraph(load_inventory(path, vocabularies=vocabularies))
    analyse(graph, [], "crm", load_effort_model(), vocabularies)
    assert gc.isenabled()
    assert gc.get_stats()[0]["collections"] > before, "the collector ran while the inventory was built"
