"""Every kind of YAML file riskengine reads is read by one loader with YAML 1.2's core schema: ``NO`` (Norway),
``yes``, ``on`` are strings, ``010`` is ten. YAML 1.1 (PyYAML's construction) read False, True, True and 8, and the
Backstage reader once did. Each kind is a real file (a shipped one or a sample, one line changed) read by the
function riskengine reads it with; the kinds without a number field check ``NO`` alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from riskengine.datafile import load_yaml_model, parse_yaml, parse_yaml_documents
from riskengine.enrich.network import NetworkProbe
from riskengine.enrich.web_scoring import load_web_scoring
from riskengine.errors import RiskEngineError
from riskengine.importers.domains import load_shorteners
from riskengine.importers.mapping import load_mapping
from riskengine.inventory.effort import load_effort_model
from riskengine.inventory.loader import load_inventory
from riskengine.inventory.vocabulary import load_vocabularies
from riskengine.organisation import load_org_profile
from riskengine.pipeline import fact_catalogue
from riskengine.portfolio.wording import load_compare_rule, load_portfolio_wording
from riskengine.questionnaire.bank import load_bank
from riskengine.report.scorecard import load_scorecard
from riskengine.report.wording import load_glossary, load_wording
from riskengine.score.profile import load_profile
from riskengine.tco.assumptions import load_assumptions
from riskengine.tco.offers import load_offers
from tests.conftest import ROOT, SAMPLES

BANK = load_bank()
VOCABULARIES = load_vocabularies()


def changed(tmp_path: Path, source: Path, *replacements: tuple[str, str]) -> Path:
    """A copy of ``source`` with each line ``old`` (found exactly once) replaced by ``new``."""
    text = source.read_text(encoding="utf-8")
    for old, new in replacements:
        assert len(re.findall(rf"(?m)^{re.escape(old)}$", text)) == 1, f"{old!r} is not one line of {source.name}"
        text = re.sub(rf"(?m)^{re.escape(old)}$", lambda _: new, text)  # noqa: B023 - used at once
    copy = tmp_path / source.name
    copy.write_text(text, encoding="utf-8")
    return copy


Case = tuple[str, Path, tuple[tuple[str, str], ...], Callable[[Path], Any], Callable[[Any], Any], Any]

CASES: list[Case] = [
    ("question bank", ROOT / "questionnaires" / "martech-v1.yaml",
     (("title: Martech vendor assessment questionnaire", "title: NO"),
      ("        max_length: 80", "        max_length: 010")),
     load_bank, lambda bank: (bank.title, bank.question("VEN-04").max_length), ("NO", 10)),
    ("vocabularies", ROOT / "questionnaires" / "vocabularies.yaml",
     (("  none: [no data, configuration only]", "  none: [no data, configuration only, NO, 'off']"),),
     load_vocabularies, lambda vocabularies: "NO" in vocabularies.data_classes["none"], True),
    ("scoring profile", ROOT / "scoring" / "default.yaml",
     (("title: Default martech vendor profile", "title: NO"),
      ("  - {id: security, title: Security, weight: 25}", "  - {id: security, title: Security, weight: 010}")),
     lambda path: load_profile(path, bank=BANK, facts=fact_catalogue()),
     lambda profile: (profile.title, profile.categories[0].weight), ("NO", 10)),
    ("comparison rule", ROOT / "scoring" / "compare.yaml", (("top_conditions: 3", "top_conditions: 010"),),
     load_compare_rule, lambda rule: rule.top_conditions, 10),
    ("integration effort", ROOT / "scoring" / "integration-effort.yaml",
     (("  api: {low: 16, likely: 32, high: 72}", "  api: {low: 010, likely: 32, high: 72}"),),
     load_effort_model, lambda model: model.methods["api"].low, 10),
    ("TCO assumptions", ROOT / "scoring" / "tco.yaml", (("  seed: 20261124", "  seed: 010"),),
     load_assumptions, lambda assumptions: assumptions.simulation.seed, 10),
    ("web scoring", ROOT / "scoring" / "web-observatory.yaml",
     (("  value: 70", "  value: 010"),),
     load_web_scoring, lambda scoring: scoring.pass_score.value, 10),
    ("report wording", ROOT / "templates" / "report.yaml", (("title: Vendor risk assessment", "title: NO"),),
     load_wording, lambda wording: wording.title, "NO"),
    ("glossary", ROOT / "templates" / "glossary.yaml", (("  - term: NPV", "  - term: NO"),),
     load_glossary, lambda glossary: "NO" in [term.term for term in glossary.terms], True),
    ("scorecard", ROOT / "templates" / "scorecard.yaml", (("kpi: KPI", "kpi: NO"),),
     load_scorecard, lambda scorecard: scorecard.kpi, "NO"),
    ("portfolio wording", ROOT / "templates" / "portfolio.yaml", (("  low: Low", "  low: NO"),),
     load_portfolio_wording, lambda wording: wording.tiers["low"], "NO"),
    ("importer mapping", ROOT / "questionnaires" / "mappings" / "example-oneoff.yaml",
     (('  "N": "No"', "  N: No"), ('  "Y": "Yes"', "  NO: no"), ('  "Planned": "No"', "  Planned: off")),
     lambda path: load_mapping(path, BANK),
     lambda mapping: {word: mapping.answers[word] for word in ("N", "NO", "Planned")},
     {"N": "No", "NO": "no", "Planned": "off"}),
    ("organisation profile", SAMPLES / "org-profile.yaml",
     (("organisation: Larkspur Outdoor Group", "organisation: NO"),
      ("horizon_years: 3              # total cost of ownership is summed over this many years from go-live",
       "horizon_years: 010")),
     load_org_profile, lambda org: (org.organisation, org.horizon_years), ("NO", 10)),
    ("offers", SAMPLES / "northwind-offers.yaml",
     (("vendor: Northwind Mailworks B.V.", "vendor: NO"), ("    units: 2000", "    units: 010")),
     load_offers, lambda offers: offers[0].units, 10),
    ("inventory", SAMPLES / "inventory.yaml",
     (("    vendor: Okta", "    vendor: NO"), ("    owner: IT Identity & Access", "    owner: yes")),
     lambda path: load_inventory(path, vocabularies=VOCABULARIES),
     lambda inventory: (inventory.systems[0].vendor, inventory.systems[0].owner), ("NO", "yes")),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_every_yaml_kind_reads_no_as_text_and_010_as_ten(case: Case, tmp_path: Path) -> None:
    _, source, replacements, load, read, expected = case
    assert read(load(changed(tmp_path, source, *replacements))) == expected


def test_lists_of_domains_name_no_as_text(tmp_path: Path) -> None:
    """The network probe's names and the link-shortener list are domains: ``NO`` is refused as the text it is."""
    probe, shorteners = tmp_path / "network-probe.yaml", tmp_path / "link-shorteners.yaml"
    probe.write_text("names: [iana.org, NO]\n", encoding="utf-8")
    shorteners.write_text("domains: [bit.ly, NO]\n", encoding="utf-8")
    with pytest.raises(RiskEngineError, match="'NO' has no top-level domain"):
        load_yaml_model(probe, NetworkProbe)
    with pytest.raises(RiskEngineError, match="not a lowercase domain without scheme or path: 'NO'"):
        load_shorteners(shorteners)


def test_a_backstage_annotation_of_no_is_norway(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog-info.yaml"
    entity = ("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  annotations:\n"
              "    riskengine.io/region: NO\n    riskengine.io/vendor: {vendor}\nspec:\n  type: website\n"
              "  lifecycle: production\n  owner: web\n")
    catalog.write_text(entity.format(name="shop", vendor="010") + "---\n" + entity.format(name="on", vendor="Acme"),
                       encoding="utf-8")
    documents = parse_yaml_documents(catalog.read_text(encoding="utf-8"), str(catalog))
    assert [data["metadata"]["name"] for data, _ in documents] == ["shop", "on"]
    assert documents[0][0]["metadata"]["annotations"] == {"riskengine.io/region": "NO", "riskengine.io/vendor": 10}
    with pytest.raises(RiskEngineError) as raised:
        load_inventory(tmp_path, vocabularies=VOCABULARIES)
    assert [(problem.place, problem.message) for problem in raised.value.problems] == [
        (f"{catalog}:7", "vendor: Input should be a valid string; got 10")]

    catalog.write_text(catalog.read_text(encoding="utf-8").replace("vendor: 010", "vendor: '010'"), encoding="utf-8")
    systems = {system.name: system for system in load_inventory(tmp_path, vocabularies=VOCABULARIES).systems}
    assert {name: (system.region, system.vendor) for name, system in systems.items()} == {
        "shop": ("NO", "010"), "on": ("NO", "Acme")}


def test_the_yaml_1_2_core_schema_as_riskengine_reads_it() -> None:
    """YAML 1.2.2 §10.3.2; dates stay text; yaml-rs's one extension beyond the core schema is written down."""
    text = ("a: NO\nb: yes\nc: on\nd: Off\ne: y\nf: 010\ng: 0o10\nh: 0x10\ni: -010\nj: true\nk: False\nl: ~\n"
            "m: 2026-11-24\nn: 1e3\no: .inf\np: '010'\nq: !!str 010\nr: 1_000\n")
    assert parse_yaml(text, "f.yaml") == {
        "a": "NO", "b": "yes", "c": "on", "d": "Off", "e": "y", "f": 10, "g": 8, "h": 16, "i": -10, "j": True,
        "k": False, "l": None, "m": "2026-11-24", "n": 1000.0, "o": float("inf"), "p": "010", "q": "010",
        "r": 1000}


@pytest.mark.parametrize("tagged", ["a: !!python/object:os.system x\n", "a: !!set {x}\n", "a: !!binary aGk=\n",
                                    "a:\n  - !vendor x\n", "a: !!timestamp 2026-11-24\n"])
def test_tags_other_than_the_core_schemas_are_refused_with_the_line(tagged: str) -> None:
    from riskengine.datafile import YamlSyntaxError

    with pytest.raises(YamlSyntaxError) as raised:
        parse_yaml(tagged, "f.yaml")
    assert raised.value.problem.place == f"f.yaml:{tagged.count(chr(10))}"
    assert "is not allowed: riskengine reads plain data" in raised.value.problem.message


def test_only_the_loader_builds_yaml_values() -> None:
    """No module of riskengine builds a value with PyYAML, and only riskengine.datafile calls yaml-rs."""
    constructing = re.compile(r"\byaml\.(safe_load|load|full_load|unsafe_load)\b|construct_document|construct_object")
    for path in sorted((ROOT / "riskengine").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not constructing.search(text), f"{path.relative_to(ROOT)} builds YAML values with PyYAML"
        if path.name != "datafile.py":
            assert "yaml_rs" not in text, f"{path.relative_to(ROOT)} calls yaml-rs past the loader"
