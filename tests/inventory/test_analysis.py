"""The vendor's place in the graph, on the sample inventory and on small graphs built for one property each."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import get_args

import pytest

from riskengine.assessment import Assessment
from riskengine.errors import ConfigurationError
from riskengine.facts import Fact
from riskengine.inventory.analysis import Connection, Direction, GraphFindings, analyse
from riskengine.inventory.effort import load_effort_model
from riskengine.inventory.graph import VENDOR, SystemGraph
from riskengine.inventory.loader import load_inventory
from riskengine.inventory.model import Criticality, Integration, Inventory, Method, System
from riskengine.inventory.vocabulary import load_vocabularies
from riskengine.pipeline import assess
from riskengine.questionnaire.bank import load_bank
from riskengine.resources import data_path
from tests.conftest import NOW, SAMPLES

VOCABULARIES = load_vocabularies()
EFFORT = load_effort_model()


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
    return SystemGraph(load_inventory(path, vocabularies=VOCABULARIES))


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
                              EFFORT, VOCABULARIES)
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
    first, _ = analyse(graph, _connect(graph, *links), "", EFFORT, VOCABULARIES)
    second, _ = analyse(graph, _connect(graph, *reversed(links)), "", EFFORT, VOCABULARIES)
    assert {d.system_id for d in first.dependents} == {"a", "b", "c"}
    assert not first.cut_vertex
    assert first.dependents == second.dependents and first.data_in == second.data_in
    assert first.data_through == second.data_through


def test_same_inputs_give_the_same_json(samples: dict[str, Assessment]) -> None:
    again = assess(SAMPLES / "glowup-loyalty.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                   org_profile=SAMPLES / "org-profile.yaml")
    assert again.model_dump_json() == samples["glowup-loyalty"].model_dump_json()
    assert dt.datetime.fromisoformat(str(again.created)) == NOW


# Dependency follows code as well as data: a tag or SDK runs the vendor's code inside the host system.

def _estate() -> SystemGraph:
    """A customer-facing website feeding a CDP and on to the warehouse, a critical app, and systems upstream."""
    def system(sid: str, level: Criticality, *, facing: bool = False) -> System:
        return System(id=sid, name=sid.upper(), criticality=level, customer_facing=facing)

    def flow(source: str, target: str, method: Method = "api") -> Integration:
        return Integration(**{"from": source, "to": target}, data_classes=("behavioural",), method=method)

    return SystemGraph(Inventory(systems=(
        system("website", "high", facing=True), system("cdp", "high"), system("warehouse", "medium"),
        system("crm", "high"), system("app", "critical", facing=True), system("crash", "low"),
        system("cms", "medium")),
        integrations=(flow("cms", "website"), flow("website", "cdp", "tag"), flow("cdp", "warehouse"),
                      flow("crm", "cdp"), flow("app", "crash", "sdk"), flow("app", "cdp", "sdk"))))


def _link(graph: SystemGraph, system_id: str, direction: Direction, method: str, row: int = 7) -> Connection:
    system = graph.systems[system_id]
    return Connection(system_id=system_id, system_name=system.name, direction=direction,
                      data_classes=("behavioural",), method=method, frequency="real-time",
                      criticality=system.criticality, customer_facing=system.customer_facing,
                      place=f"Integrations!B{row}")


def _values(facts: list[Fact]) -> dict[str, object]:
    return {fact.name: fact.value for fact in facts}


def test_an_inbound_tag_makes_the_customer_facing_website_and_its_downstream_dependents() -> None:
    graph = _estate()
    findings, facts = analyse(graph, [_link(graph, "website", "inbound", "tag")], "", EFFORT, VOCABULARIES)
    assert [(d.system_id, d.depth, d.path) for d in findings.dependents] == [
        ("website", 1, (VENDOR, "website")),
        ("cdp", 2, (VENDOR, "website", "cdp")),
        ("warehouse", 3, (VENDOR, "website", "cdp", "warehouse")),
    ]
    assert findings.customer_facing_dependents == ("website",)
    assert findings.critical_dependents == ("website", "cdp")
    assert findings.blast_score == pytest.approx(3 / 1 + 3 / 2 + 2 / 3, abs=0.01)
    values = _values(facts)
    assert values["graph.customer_facing"] is True
    assert values["graph.reach.total"] == 3
    assert values["graph.reach.critical"] == 2
    # the data still flows into the tool only: the tag changes who depends on it, not where data goes
    assert [(p.data_class, p.path) for p in findings.data_in] == [("behavioural", ("website", VENDOR))]
    assert findings.data_through == ()


def test_an_inbound_api_of_the_same_shape_adds_no_dependent() -> None:
    graph = _estate()
    by_api, facts = analyse(graph, [_link(graph, "website", "inbound", "api")], "", EFFORT, VOCABULARIES)
    by_tag, _ = analyse(graph, [_link(graph, "website", "inbound", "tag")], "", EFFORT, VOCABULARIES)
    assert by_api.dependents == ()
    assert by_api.customer_facing_dependents == () and by_api.critical_dependents == ()
    assert by_api.blast_score == 0
    values = _values(facts)
    assert values["graph.customer_facing"] is False
    assert values["graph.reach.total"] == 0
    assert by_api.data_in == by_tag.data_in and by_api.data_through == by_tag.data_through
    assert by_api.cut_vertex == by_tag.cut_vertex and by_api.separated_groups == by_tag.separated_groups


def test_an_sdk_in_a_critical_app_counts_in_critical_reach() -> None:
    graph = _estate()
    findings, facts = analyse(graph, [_link(graph, "app", "inbound", "sdk")], "", EFFORT, VOCABULARIES)
    assert {d.system_id: d.depth for d in findings.dependents} == {"app": 1, "cdp": 2, "crash": 2, "warehouse": 3}
    assert findings.critical_dependents == ("app", "cdp")
    values = _values(facts)
    assert values["graph.reach.critical"] == 2
    assert values["graph.reach.total"] == 4
    assert values["graph.customer_facing"] is True


def test_code_and_data_entries_give_the_same_dependents_in_any_order() -> None:
    graph = _estate()
    links = [_link(graph, "website", "inbound", "tag", 7), _link(graph, "crm", "outbound", "api", 8),
             _link(graph, "cms", "inbound", "file", 9), _link(graph, "website", "inbound", "api", 10)]
    first, first_facts = analyse(graph, links, "", EFFORT, VOCABULARIES)
    second, second_facts = analyse(graph, list(reversed(links)), "", EFFORT, VOCABULARIES)
    # cdp is two steps from both entries; the shortest chain is chosen by sorted system id, so through crm
    assert [(d.system_id, d.path) for d in first.dependents] == [
        ("crm", (VENDOR, "crm")), ("website", (VENDOR, "website")), ("cdp", (VENDOR, "crm", "cdp")),
        ("warehouse", (VENDOR, "crm", "cdp", "warehouse"))]
    assert first.dependents == second.dependents
    assert _values(first_facts)["graph.blast_score"] == _values(second_facts)["graph.blast_score"]
    assert first.customer_facing_dependents == second.customer_facing_dependents == ("website",)


def test_code_in_host_methods_are_integration_methods_kept_as_data(tmp_path: Path) -> None:
    assert set(load_vocabularies().code_in_host_methods) == {"sdk", "tag"}
    assert load_bank().vocabularies["integration_methods"] == get_args(Method)
    shipped = data_path("questionnaires", "vocabularies.yaml").read_text(encoding="utf-8")
    path = tmp_path / "vocabularies.yaml"
    path.write_text(shipped.replace("code_in_host_methods: [sdk, tag]", "code_in_host_methods: [sdk, pixel]"))
    with pytest.raises(ConfigurationError) as caught:
        load_vocabularies(path)
    [problem] = caught.value.problems
    assert problem.place == f"{path}:{shipped.splitlines().index('code_in_host_methods: [sdk, tag]') + 1}"
    assert problem.message == ("code_in_host_methods: 'pixel': not an integration method; "
                               "expected some of api, webhook, file, sdk, tag, manual")
    path.write_text(shipped.replace("code_in_host_methods: [sdk, tag]", "code_in_host_methods: [tag, sdk, tag]"))
    with pytest.raises(ConfigurationError, match="code_in_host_methods: tag listed more than once"):
        load_vocabularies(path)


RING = """
import json, sys, time
from riskengine.inventory.analysis import Connection, analyse
from riskengine.inventory.effort import load_effort_model
from riskengine.inventory.graph import SystemGraph
from riskengine.inventory.vocabulary import load_vocabularies
from riskengine.inventory.model import Integration, Inventory, System
n = int(sys.argv[1])
systems = [System(id=f"s{i:05d}", name=f"S{i}", criticality="high", data_classes=("personal",)) for i in range(n)]
links = [Integration.model_validate({"from": f"s{i:05d}", "to": f"s{(i + 1) % n:05d}", "data_classes": ["personal"],
                                     "method": "api"}) for i in range(n)]
graph = SystemGraph(Inventory(systems=tuple(systems), integrations=tuple(links), source="ring.yaml"))
tool = Connection(system_id="s00000", system_name="S0", direction="bidirectional", data_classes=("personal",),
                  method="api", frequency="daily", criticality="high", customer_facing=False, place="Integrations!B7")
started = time.perf_counter()
findings, _ = analyse(graph, [tool], "crm", load_effort_model(), load_vocabularies())
print(json.dumps({"seconds": time.perf_counter() - started, "dependents": len(findings.dependents),
                  "longest": max(len(d.path) for d in findings.dependents),
                  "last": [findings.dependents[-1].depth, list(findings.dependents[-1].path)],
                  "json": len(findings.model_dump_json()), "data_in": [list(p.path) for p in findings.data_in][:2]}))
"""


def _ring(systems: int, memory: int) -> dict[str, object]:
    """Analyse a ring of ``systems`` in a child process whose address space is capped at ``memory`` bytes."""
    import json
    import resource
    import subprocess
    import sys

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    done = subprocess.run([sys.executable, "-c", RING, str(systems)], capture_output=True, text=True, timeout=120,
                          preexec_fn=cap, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_ring_of_thirty_thousand_systems_is_analysed_in_linear_memory() -> None:
    """Paths are a tree, not tuples: a ring's paths 30,000 long cost one entry per system, not 450 million (the
    child runs under a memory cap)."""
    small, large = _ring(3_000, 1 << 30), _ring(30_000, 1 << 30)
    assert large["dependents"] == 30_000 and large["longest"] == 12  # the two ends of each path, '…' between
    depth, path = large["last"]  # type: ignore[misc]
    assert depth == 30_000 and path[:2] == [VENDOR, "s00000"] and path[6] == "…" and path[-1] == "s29999"
    assert large["data_in"] == [["s00000", VENDOR], ["s29999", "s00000", VENDOR]]
    assert large["json"] < 12 * small["json"]  # type: ignore[operator]
    # Time is bounded by the child's timeout (a hang fails); how it grows is measured by benchmarks/inventory_scale.py,
    # not asserted here: a ratio of seconds on a shared machine fails with its load, not with the code.


def test_an_inventory_past_the_size_limit_says_so(tmp_path: Path) -> None:
    from riskengine.errors import InputError
    from riskengine.inventory.records import MAX_SYSTEMS, Record, build_inventory

    records = [Record(place=f"inventory.yaml:{n}", fields={"id": f"s{n}", "name": "S", "criticality": "low"})
               for n in range(MAX_SYSTEMS + 1)]
    with pytest.raises(InputError) as caught:
        build_inventory("inventory.yaml", records, [], vocabularies=load_vocabularies())
    assert "100,001 systems and 0 integrations; the limits are 100,000 and 1,000,000" in str(caught.value.problems[0])


def test_the_blast_radius_rows_built_unchecked_are_the_rows_pydantic_validates(
        samples: dict[str, Assessment]) -> None:
    """The dependents are built from validated systems without validating again (``analysis._dependents``): each
    equals the row pydantic builds from the same values, down to the fields it counts as set and its JSON."""
    from riskengine.inventory.analysis import Dependent

    dependents = [d for name in samples for d in graph_of(samples[name]).dependents]
    assert len(dependents) > 10
    for dependent in dependents:
        validated = Dependent.model_validate(dependent.model_dump())
        assert dependent == validated
        assert dependent.model_fields_set == validated.model_fields_set == set(Dependent.model_fields)
        assert dependent.model_dump_json() == validated.model_dump_json()
        assert type(dependent.depth) is int and type(dependent.adds) is float and type(dependent.path) is tuple
