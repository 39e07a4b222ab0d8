"""The vendor's place in the graph, on the sample inventory and on small graphs built for one property each."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from riskengine.assessment import Assessment
from riskengine.inventory.analysis import Connection, GraphFindings, analyse, load_effort_model
from riskengine.inventory.graph import VENDOR, SystemGraph
from riskengine.inventory.loader import load_inventory
from riskengine.pipeline import assess
from tests.conftest import NOW, SAMPLES


@pytest.fixture(scope="module")
def samples() -> dict[str, Assessment]:
    return {name: assess(SAMPLES / f"{name}.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                         org_profile=SAMPLES / "org-profile.yaml")
            for name in ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")}


def graph_of(assessment: Assessment) -> GraphFindings:
    assert assessment.graph is not None
    return assessment.graph


def test_northwind_duplicates_mailchimp_and_reaches_the_warehouse(samples: dict[str, Assessment]) -> None:
    graph = graph_of(samples["northwind-mail"])
    assert graph.capability == "email-marketing"
    assert graph.duplicates == ("Mailchimp",)
    assert ("personal", ("crm", VENDOR)) in [(p.data_class, p.path) for p in graph.data_in]
    assert {d.system_id for d in graph.dependents if d.depth == 1} == {"cdp", "crm", "data-warehouse"}
    assert not graph.cut_vertex
    crm = next(e for e in graph.effort if e.system_id == "crm")
    # api 16/32/72 h, bidirectional x1.6, personal +0.25, behavioural +0.15, high-criticality system +0.25
    assert (crm.hours.low, crm.hours.likely, crm.hours.high) == (42.2, 84.5, 190.1)
    assert graph.effort_total.likely == pytest.approx(sum(e.hours.likely for e in graph.effort), abs=0.05)
    finding = next(f for f in samples["northwind-mail"].findings if f.rule_id == "ARC-NO-DUPLICATE")
    assert finding.answer == ("Mailchimp",)
    assert finding.provenance[0].kind == "graph"


def test_pixelpath_sits_beside_shadow_it_and_passes_behavioural_data_on(samples: dict[str, Assessment]) -> None:
    graph = graph_of(samples["pixelpath-analytics"])
    assert graph.capability == "web-analytics"
    assert "Google Analytics 4" in graph.duplicates
    assert graph.shadow_it == ("Hotjar",)
    through = {(p.data_class, p.path) for p in graph.data_through}
    assert ("behavioural", (VENDOR, "google-ads")) in through
    assert ("behavioural", (VENDOR, "data-warehouse", "cdp")) in through


def test_glowup_receives_payment_data_and_has_the_widest_blast_radius(samples: dict[str, Assessment]) -> None:
    graph = graph_of(samples["glowup-loyalty"])
    payment_sources = {p.path[0] for p in graph.data_in if p.data_class == "payment"}
    assert {"payments", "ecommerce"} <= payment_sources
    assert graph.duplicates == ("Antavo Loyalty (Larkspur Trail Club)",)
    assert ("Finance", "Marketing") in graph.new_department_links
    assert "ecommerce" in graph.customer_facing_dependents
    others = [graph_of(samples[name]).blast_score for name in ("northwind-mail", "pixelpath-analytics")]
    assert graph.blast_score > max(others)
    facts = {f.rule_id for f in samples["glowup-loyalty"].risk.inherent_factors}
    assert {"IR-REACH-CRITICAL", "IR-CUSTOMER-FACING", "IR-BLAST"} <= facts


def _inventory(tmp_path: Path, systems: list[tuple[str, str, str]], edges: list[tuple[str, str, str]]) -> SystemGraph:
    lines = ["systems:"]
    lines += [f"  - {{id: {sid}, name: {sid.upper()}, department: {dept}, criticality: {level}, "
              f"data_classes: [personal]}}" for sid, dept, level in systems]
    lines.append("integrations:")
    lines += [f"  - {{from: {a}, to: {b}, data_classes: [{classes}], method: api}}" for a, b, classes in edges]
    path = tmp_path / "inventory.yaml"
    path.write_text("\n".join(lines) + "\n")
    return SystemGraph(load_inventory(path))


def _connect(graph: SystemGraph, *links: tuple[str, str]) -> list[Connection]:
    return [Connection(system_id=sid, system_name=graph.systems[sid].name, direction=direction,  # type: ignore[arg-type]
                       data_classes=("personal",), method="api", frequency="daily",
                       criticality=graph.systems[sid].criticality, customer_facing=False, place=f"Integrations!B{n}")
            for n, (sid, direction) in enumerate(links, start=7)]


def test_bridge_between_islands_is_a_cut_vertex(tmp_path: Path) -> None:
    graph = _inventory(tmp_path, [("m1", "Marketing", "low"), ("m2", "Marketing", "low"), ("f1", "Finance", "high"),
                                  ("f2", "Finance", "critical")],
                       [("m1", "m2", "personal"), ("f1", "f2", "personal")])
    findings, facts = analyse(graph, _connect(graph, ("m1", "inbound"), ("f1", "outbound")), "crm",
                              load_effort_model())
    assert findings.cut_vertex
    assert findings.separated_groups == (("f1",), ("m1",))
    assert findings.new_department_links == (("Finance", "Marketing"),)
    assert {d.system_id: d.depth for d in findings.dependents} == {"f1": 1, "f2": 2}
    assert findings.blast_score == pytest.approx(3 / 1 + 4 / 2)
    assert next(f for f in facts if f.name == "graph.cut_vertex").value is True


def test_cycles_terminate_and_order_of_rows_does_not_matter(tmp_path: Path) -> None:
    graph = _inventory(tmp_path, [("a", "IT", "low"), ("b", "IT", "medium"), ("c", "IT", "high")],
                       [("a", "b", "personal"), ("b", "c", "personal"), ("c", "a", "personal")])
    links = [("a", "bidirectional"), ("c", "inbound")]
    first, _ = analyse(graph, _connect(graph, *links), "", load_effort_model())
    second, _ = analyse(graph, _connect(graph, *reversed(links)), "", load_effort_model())
    assert {d.system_id for d in first.dependents} == {"a", "b", "c"}
    assert not first.cut_vertex
    assert first.dependents == second.dependents and first.data_in == second.data_in
    assert first.data_through == second.data_through


def test_same_inputs_give_the_same_json(samples: dict[str, Assessment]) -> None:
    again = assess(SAMPLES / "glowup-loyalty.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                   org_profile=SAMPLES / "org-profile.yaml")
    assert again.model_dump_json() == samples["glowup-loyalty"].model_dump_json()
    assert dt.datetime.fromisoformat(str(again.created)) == NOW
