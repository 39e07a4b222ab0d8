"""Integrations rows matched by meaning, on an inventory unlike the samples (``data/brightwater.yaml``: ids the vendor
cannot guess, products, aliases): every route, ambiguous and unknown rows, one-off migrations, and the optional
list of our systems in the template; through the library and through the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from pypdf import PdfReader

from riskengine.assessment import Assessment
from riskengine.errors import ConfigurationError
from riskengine.inventory.catalogue import SharedSystem, SystemCatalogue, system_catalogue
from riskengine.inventory.loader import load_inventory
from riskengine.inventory.matching import SystemMatcher
from riskengine.inventory.model import Inventory, System
from riskengine.inventory.vocabulary import load_vocabularies
from riskengine.pipeline import assess
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.template import CATALOGUE_SHARES, write_template
from riskengine.report.diagram.drawing import DiagramTheme, neighbourhood_diagram
from riskengine.report.diagram.layout import neighbourhood_layout
from riskengine.report.wording import load_wording
from riskengine.resources import data_path
from riskengine.validation import validate
from tests.conftest import NOW, run_cli, sample_answers

BRIGHTWATER = Path(__file__).parent / "data" / "brightwater.yaml"
VOCABULARIES = load_vocabularies()
WORDING = load_wording()


def row(system: str, direction: str, classes: str, method: str, frequency: str) -> dict[str, str]:
    return {"system": system, "direction": direction, "data_classes": classes, "method": method,
            "frequency": frequency}


ROWS = [  # a vendor's rows, written without our inventory: on the sheet from row 7 (B7, B8, ...)
    row("SFDC", "bidirectional", "personal, behavioural", "api", "hourly"),            # B7: alias of c360
    row("Shopify Plus", "inbound", "personal, behavioural", "webhook", "real-time"),   # B8: product of webshop
    row("consent management", "inbound", "personal", "api", "real-time"),              # B9: capability: cmp alone
    row("Salesforce", "outbound", "personal", "api", "daily"),                         # B10: vendor of two systems
    row("analytics", "outbound", "behavioural", "api", "daily"),                       # B11: two web-analytics
    row("okta", "inbound", "personal", "api", "real-time"),                            # B12: not ours at all
    row("Smile.io", "bidirectional", "personal, behavioural", "file", "once"),         # B13: the migration
    row("our data warehouse", "outbound", "personal, behavioural", "file", "daily"),   # B14: capability: lake
]


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return load_inventory(BRIGHTWATER, vocabularies=VOCABULARIES)


@pytest.fixture(scope="module")
def matcher(inventory: Inventory) -> SystemMatcher:
    return SystemMatcher(inventory, VOCABULARIES)


def questionnaire(path: Path, bank: QuestionBank, rows: list[dict[str, str]],
                  catalogue: SystemCatalogue | None = None) -> Path:
    """Northwind's answers with these Integrations rows."""
    content = sample_answers("northwind-mail")
    write_template(bank, path, answers=content["answers"], comments=content.get("comments", {}),
                   tables={**content["tables"], "INT-01": rows}, catalogue=catalogue)
    return path


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory, bank: QuestionBank) -> Assessment:
    path = questionnaire(tmp_path_factory.mktemp("vendor") / "vendor.xlsx", bank, ROWS)
    return assess(path, now=NOW, inventory=BRIGHTWATER)


# --- the matcher ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "route", "system_id"), [
    ("c360", "id", "c360"),
    ("Customer 360", "name", "c360"),
    ("  customer-360 ", "name", "c360"),                   # case, spaces and dashes ignored
    ("Shopify Plus", "product", "webshop"),
    ("Stripe", "product", "pay-gw"),                       # its product before its vendor (also Stripe)
    ("SFDC", "alias", "c360"),
    ("azure ad", "alias", "idp"),
    ("Usercentrics", "vendor", "cmp"),
    ("our CRM", "capability", "c360"),                     # "our" is a filler word
    ("consent management", "capability", "cmp"),
    ("the existing consent management tool", "capability", "cmp"),
    ("e-commerce", "capability", "webshop"),               # a synonym of ecommerce
    ("our data warehouse", "capability", "lake"),
    ("ERP", "capability", "bc"),
])
def test_each_route_matches_the_system_it_names(matcher: SystemMatcher, written: str, route: str,
                                                system_id: str) -> None:
    match = matcher.match(written)
    assert (match.status, match.route, match.system_id, match.candidates) == ("matched", route, system_id, ())


def test_routes_are_tried_in_order_and_the_first_that_names_a_system_decides() -> None:
    """id, name, product, alias, vendor, capability: a label one system has as its id and another as its name
    is the first one's."""
    systems = (
        System(id="mail", name="Newsletter", criticality="low", capabilities=("email-marketing",)),
        System(id="news", name="Mail", criticality="low", product="Newsletter"),
        System(id="old", name="Legacy", criticality="low", aliases=("Newsletter", "CRM")),
        System(id="crm-eu", name="Customer 360", criticality="high", capabilities=("crm",), vendor="Legacy"),
    )
    matcher = SystemMatcher(Inventory(systems=systems), VOCABULARIES)
    found = {text: (matcher.match(text).route, matcher.match(text).system_id)
             for text in ("mail", "newsletter", "legacy", "crm", "our crm")}
    assert found == {"mail": ("id", "mail"), "newsletter": ("name", "mail"), "legacy": ("name", "old"),
                     "crm": ("alias", "old"), "our crm": ("capability", "crm-eu")}


def test_a_route_naming_several_systems_leaves_the_row_ambiguous_between_them(matcher: SystemMatcher) -> None:
    salesforce = matcher.match("Salesforce")
    assert (salesforce.status, salesforce.route) == ("ambiguous", "vendor")
    assert [(c.system_id, c.reason) for c in salesforce.candidates] == [
        ("c360", "vendor 'Salesforce'"), ("sfmc", "vendor 'Salesforce'")]
    analytics = matcher.match("analytics")  # a synonym of web-analytics: Google Analytics and the shadow Hotjar
    assert (analytics.status, analytics.route, analytics.capability) == ("ambiguous", "capability", "web-analytics")
    assert {c.system_id for c in analytics.candidates} == {"ga", "hotjar"}
    assert {c.reason for c in analytics.candidates} == {"capability web-analytics"}


def test_a_row_nothing_names_is_unknown_with_candidates_by_capability_then_spelling(matcher: SystemMatcher) -> None:
    misspelt = matcher.match("consnet managment")
    assert misspelt.status == "unknown" and misspelt.capability == ""
    assert (misspelt.candidates[0].system_id, misspelt.candidates[0].reason) == ("cmp",
                                                                                 "capability consent-management")
    assert all(c.reason.startswith("spelling ") for c in misspelt.candidates[1:])
    clowd = matcher.match("Salesforce Sales Clowd")
    assert clowd.status == "unknown"
    assert (clowd.candidates[0].system_id, clowd.candidates[0].reason) == ("c360",
                                                                           "spelling 'Salesforce Sales Cloud'")
    till = matcher.match("point of sale")  # a capability no system of Brightwater's has
    assert (till.status, till.capability, till.candidates) == ("unknown", "point-of-sale", ())
    assert (matcher.match("okta").status, matcher.match("okta").candidates) == ("unknown", ())


def test_spelling_alone_never_matches_and_other_names_nothing(matcher: SystemMatcher) -> None:
    assert matcher.match("Shopify Plu").status == "unknown"
    assert matcher.match("Shopify Plu").candidates[0].system_id == "webshop"
    vague = SystemMatcher(Inventory(systems=(System(id="misc", name="Misc", criticality="low",
                                                    capabilities=("other",)),)), VOCABULARIES)
    assert vague.match("other").status == "unknown"


def test_filler_words_and_synonyms_are_data_checked_on_load(tmp_path: Path) -> None:
    shipped = yaml.safe_load(data_path("questionnaires", "vocabularies.yaml").read_text())
    for filler, expected in ((["our", "crm"], "'crm' (capability crm) names a capability"),
                             (["our", "our system"], "'our system': a filler word is one word"),
                             (["Our", "our"], "listed more than once")):
        path = tmp_path / "vocabularies.yaml"
        path.write_text(yaml.safe_dump({**shipped, "filler_words": filler}))
        with pytest.raises(ConfigurationError) as raised:
            load_vocabularies(path)
        assert expected in str(raised.value), str(raised.value)
    # a policy's own filler words decide what names a capability: without "our", "our CRM" names nothing
    path.write_text(yaml.safe_dump({**shipped, "filler_words": ["the"]}))
    own = load_vocabularies(path)
    inventory = load_inventory(BRIGHTWATER, vocabularies=own)
    assert SystemMatcher(inventory, own).match("our CRM").status == "unknown"
    assert SystemMatcher(inventory, own).match("the CRM").system_id == "c360"


# --- the assessment ---------------------------------------------------------------------------------------------

def test_matched_rows_say_how_and_the_rest_are_listed_for_it_with_candidates(assessed: Assessment) -> None:
    graph = assessed.graph
    assert graph is not None
    assert [(c.written, c.system_id, c.matched_by, c.matched_capability) for c in graph.connections] == [
        ("SFDC", "c360", "alias", ""), ("Shopify Plus", "webshop", "product", ""),
        ("consent management", "cmp", "capability", "consent-management"), ("Smile.io", "smile", "product", ""),
        ("our data warehouse", "lake", "capability", "data-warehouse")]
    assert [(u.written, u.place, u.status, tuple(c.system_id for c in u.candidates)) for u in graph.unidentified] == [
        ("Salesforce", "Integrations!B10", "ambiguous", ("c360", "sfmc")),
        ("analytics", "Integrations!B11", "ambiguous", ("ga", "hotjar")),
        ("okta", "Integrations!B12", "unknown", ())]
    warnings = [f"{w.place}: {w.message}" for w in assessed.warnings if w.place.startswith("Integrations!")]
    assert warnings == [
        "Integrations!B9: 'consent management' matched Cookie consent by capability consent-management, the only "
        "system that has it; IT to confirm",
        "Integrations!B10: integration with an unidentified system: 'Salesforce' could be several of our systems; "
        "candidates: Customer 360 (vendor 'Salesforce'), Marketing Cloud (vendor 'Salesforce'); IT to confirm",
        "Integrations!B11: integration with an unidentified system: 'analytics' could be several of our systems; "
        "candidates: Web analytics (capability web-analytics), Hotjar (capability web-analytics); IT to confirm",
        "Integrations!B12: integration with an unidentified system: 'okta' is not in the inventory; IT to confirm",
        "Integrations!B14: 'our data warehouse' matched Data Platform by capability data-warehouse, the only "
        "system that has it; IT to confirm"]


def test_an_unidentified_system_is_a_condition_for_it_that_names_the_rows(assessed: Assessment) -> None:
    finding = next(f for f in assessed.findings if f.rule_id == "REQ-IDENTIFIED-SYSTEMS")
    assert (finding.kind, finding.severity, finding.points_lost) == ("requirement", "high", 0)
    assert (finding.remediation.owner, finding.remediation.due) == ("it", "before-go-live")
    assert [p.ref for p in finding.provenance if p.kind == "cell"] == [
        "Integrations!B10", "Integrations!B11", "Integrations!B12"]
    assert assessed.risk.decision == "approve_with_conditions"


def test_unidentified_rows_are_costed_and_measured_nowhere_else(assessed: Assessment) -> None:
    graph = assessed.graph
    assert graph is not None
    unnamed = {effort.written: effort for effort in graph.effort if not effort.system_id}
    assert sorted(unnamed) == ["Salesforce", "analytics", "okta"]
    # api 16/32/72 h inbound x1, personal +0.25; no extra for a critical system: which system it is, is unknown
    assert (unnamed["okta"].hours.likely, unnamed["okta"].basis) == (
        40.0, "api 16/32/72 h x 1 (inbound) x 1.25 (data classes, system not identified)")
    assert graph.effort_total.likely == pytest.approx(sum(e.hours.likely for e in graph.effort), abs=0.05)
    assert assessed.tco is not None
    assert {"Salesforce", "analytics", "okta"} <= {item.system for item in assessed.tco.inputs.integrations}
    assert "sfmc" not in {d.system_id for d in graph.dependents if d.depth == 1}  # Salesforce's candidates wait


def test_a_one_off_migration_moves_data_and_is_costed_but_nothing_depends_on_it(
        assessed: Assessment, tmp_path: Path, bank: QuestionBank) -> None:
    """The same questionnaire with the migration running daily instead: Smile.io joins the blast radius."""
    rows = [dict(r, frequency="daily") if r["system"] == "Smile.io" else r for r in ROWS]
    daily = assess(questionnaire(tmp_path / "daily.xlsx", bank, rows), now=NOW, inventory=BRIGHTWATER)
    once, lasting = assessed.graph, daily.graph
    assert once is not None and lasting is not None
    assert ("smile", 1) in {(d.system_id, d.depth) for d in lasting.dependents}
    assert "smile" not in {d.system_id for d in once.dependents}
    assert once.blast_score == pytest.approx(lasting.blast_score - 2 / 1, abs=0.01)  # medium, direct
    assert once.centrality.degree == lasting.centrality.degree - 1
    migration = next(c for c in once.connections if c.system_id == "smile")
    assert (migration.frequency, migration.lasting) == ("once", False)
    # the data moves all the same, and the work is priced the same
    assert ("personal", ("smile", "__vendor__")) in {(p.data_class, p.path) for p in once.data_in}
    assert [e.hours for e in once.effort if e.system_id == "smile"] == \
        [e.hours for e in lasting.effort if e.system_id == "smile"]
    assert "1 of them one-off" in once.provenance[0].detail
    assert "3 naming no system for sure" in once.provenance[0].detail


def test_a_one_off_migration_is_drawn_dashed_and_explained_in_the_legend(assessed: Assessment) -> None:
    graph = assessed.graph
    assert graph is not None
    theme = DiagramTheme.from_theme(WORDING.theme)
    layout = neighbourhood_layout(graph, "Northwind Mail", 493.0, WORDING.dependencies.diagram, theme.lettering)
    assert {node.system_id for node in layout.nodes if node.one_off} == {"smile"}
    assert {route.system_id for route in layout.routes if route.one_off} == {"smile"}
    drawing = neighbourhood_diagram(graph, "Northwind Mail", 493.0, theme, WORDING.dependencies.diagram)
    dashed = [line for line in _lines(drawing) if line.strokeDashArray]
    assert len(dashed) == 2  # the migration's arrow, and its sample in the legend
    assert WORDING.dependencies.diagram.legend_one_off in _strings(drawing)


def _lines(shape: Any) -> list[Any]:
    from reportlab.graphics.shapes import Group, Line

    if isinstance(shape, Line):
        return [shape]
    children = shape.contents if isinstance(shape, Group) or hasattr(shape, "contents") else []
    return [line for child in children for line in _lines(child)]


def _strings(shape: Any) -> list[str]:
    from reportlab.graphics.shapes import String

    if isinstance(shape, String):
        return [shape.text]
    return [text for child in getattr(shape, "contents", []) for text in _strings(child)]


# --- the command line ---------------------------------------------------------------------------------------------

def test_assess_exits_0_prints_the_rows_to_confirm_and_lists_them_in_the_report(tmp_path: Path,
                                                                                bank: QuestionBank) -> None:
    path = questionnaire(tmp_path / "vendor.xlsx", bank, ROWS)
    result = run_cli("assess", str(path), "--inventory", str(BRIGHTWATER), "--offline",
                     "-o", str(tmp_path / "report.pdf"), "--json", str(tmp_path / "report.json"))
    assert result.returncode == 0, result.stderr
    assert f"{path}: 0 errors, 5 warnings" in result.stderr
    assert ("  warning Integrations!B12: integration with an unidentified system: 'okta' is not in the inventory; "
            "IT to confirm") in result.stderr
    written = json.loads((tmp_path / "report.json").read_text())
    assert [u["written"] for u in written["graph"]["unidentified"]] == ["Salesforce", "analytics", "okta"]
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(tmp_path / "report.pdf").pages)
    words = WORDING.dependencies
    assert words.confirm_title in text
    assert words.matched_by_alias.format(written="SFDC") in text
    assert words.once in text


def test_validate_lists_the_rows_to_confirm_as_warnings(tmp_path: Path, bank: QuestionBank) -> None:
    path = questionnaire(tmp_path / "vendor.xlsx", bank, ROWS)
    result = run_cli("validate", str(path), "--inventory", str(BRIGHTWATER))
    assert result.returncode == 0, result.stderr
    assert "valid (" in result.stdout
    assert ("  warning Integrations!B10: integration with an unidentified system: 'Salesforce' could be several of "
            "our systems") in result.stderr


def test_only_a_questionnaire_that_cannot_be_read_stops_assess(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is no workbook")
    result = run_cli("assess", str(broken), "--inventory", str(BRIGHTWATER), "--offline",
                     "-o", str(tmp_path / "broken.pdf"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and str(broken) in result.stderr
    assert not (tmp_path / "broken.pdf").exists()


# --- the list of our systems in the template ----------------------------------------------------------------------

def test_template_with_systems_shares_names_and_capabilities_and_nothing_else(tmp_path: Path,
                                                                             inventory: Inventory) -> None:
    out = tmp_path / "questionnaire.xlsx"
    result = run_cli("template", str(out), "--with-systems", str(BRIGHTWATER))
    assert result.returncode == 0, result.stderr
    assert f'sheet "Our systems" lists 17 systems of {BRIGHTWATER}: name and capabilities only' in result.stdout
    workbook = openpyxl.load_workbook(out)
    names = workbook.sheetnames
    assert names.index("Our systems") == names.index("Integrations") + 1
    sheet = workbook["Our systems"]
    rows = [tuple(cell for cell in values) for values in sheet.iter_rows(min_row=4, values_only=True)]
    assert sheet.max_column == 2
    assert rows[0] == ("System", "What it does (capabilities)")
    sanctioned = sorted((s for s in inventory.systems if s.sanctioned), key=lambda s: s.name.casefold())
    assert rows[1:] == [(s.name, ", ".join(s.capabilities)) for s in sanctioned]
    assert "Hotjar" not in {name for name, _ in rows}  # shadow IT is no system to connect to
    assert sheet.protection.sheet
    validation = next(v for v in workbook["Integrations"].data_validations.dataValidation
                      if v.formula1 == "'Our systems'!$A$5:$A$21")
    assert (validation.type, validation.errorStyle, validation.allow_blank) == ("list", "warning", True)
    assert "B7" in validation.sqref and "B26" in validation.sqref and "C7" not in validation.sqref
    instructions = [value for (value,) in workbook["Instructions"].iter_rows(max_col=1, values_only=True) if value]
    assert CATALOGUE_SHARES in instructions
    help_text = run_cli("template", "--help").stdout
    assert "--with-systems INVENTORY" in help_text and "nothing else" in " ".join(help_text.split())


def test_template_without_systems_shares_nothing(tmp_path: Path) -> None:
    out = tmp_path / "questionnaire.xlsx"
    assert run_cli("template", str(out)).returncode == 0
    workbook = openpyxl.load_workbook(out)
    assert "Our systems" not in workbook.sheetnames
    assert all("Our systems" not in str(v.formula1) for v in workbook["Integrations"].data_validations.dataValidation)


def test_a_filled_template_with_its_list_of_systems_validates_and_assesses(tmp_path: Path, bank: QuestionBank,
                                                                           inventory: Inventory) -> None:
    """Picked from the list, every row matches by name: no warning, nothing to confirm."""
    picked = [row("Customer 360", "bidirectional", "personal", "api", "hourly"),
              row("Webshop", "inbound", "personal", "webhook", "real-time"),
              row("Cookie consent", "inbound", "personal", "api", "real-time")]
    path = questionnaire(tmp_path / "picked.xlsx", bank, picked, catalogue=system_catalogue(inventory))
    assert "Our systems" in openpyxl.load_workbook(path).sheetnames
    checked = run_cli("validate", str(path), "--inventory", str(BRIGHTWATER))
    assert checked.returncode == 0, checked.stderr
    assert "Integrations!" not in checked.stderr
    result = run_cli("assess", str(path), "--inventory", str(BRIGHTWATER), "--offline",
                     "-o", str(tmp_path / "picked.pdf"), "--json", str(tmp_path / "picked.json"))
    assert result.returncode == 0, result.stderr
    graph = json.loads((tmp_path / "picked.json").read_text())["graph"]
    assert [(c["system_id"], c["matched_by"]) for c in graph["connections"]] == [
        ("c360", "name"), ("webshop", "id"), ("cmp", "name")]  # "Webshop" is its id too
    assert graph["unidentified"] == []


def test_the_reader_skips_the_list_of_systems_even_names_like_question_ids(tmp_path: Path,
                                                                           bank: QuestionBank) -> None:
    listed = SystemCatalogue(organisation="", systems=(SharedSystem(name="INT-01", capabilities=("erp",)),
                                                       SharedSystem(name="INT-01", capabilities=("crm",))))
    path = questionnaire(tmp_path / "odd.xlsx", bank, ROWS[:2], catalogue=listed)
    submission = validate(path, now=NOW)
    assert [r.values["system"] for r in submission.tables["INT-01"]] == ["SFDC", "Shopify Plus"]
    assert not [w for w in submission.warnings if "INT-01" in w.message]


# --- aliases and products in every inventory format ---------------------------------------------------------------

def test_product_and_aliases_read_alike_from_yaml_excel_and_backstage(tmp_path: Path) -> None:
    native = tmp_path / "inventory.yaml"
    native.write_text(yaml.safe_dump({"systems": [
        {"id": "c360", "name": "Customer 360", "criticality": "high", "product": "Salesforce Sales Cloud",
         "aliases": ["SFDC", "Salesforce"]}]}))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Systems"
    sheet.append(["ID", "Name", "Criticality", "Product", "Aliases"])
    sheet.append(["c360", "Customer 360", "high", "Salesforce Sales Cloud", "SFDC, Salesforce"])
    excel = tmp_path / "inventory.xlsx"
    workbook.save(excel)
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "catalog-info.yaml").write_text("""apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: c360
  title: Customer 360
  annotations:
    riskengine.io/criticality: high
    riskengine.io/product: Salesforce Sales Cloud
    riskengine.io/aliases: SFDC, Salesforce
spec:
  type: service
  owner: group:default/sales-ops
""")
    read = [load_inventory(path, vocabularies=VOCABULARIES).systems[0] for path in (native, excel, catalog)]
    assert [(s.product, s.aliases) for s in read] == [("Salesforce Sales Cloud", ("SFDC", "Salesforce"))] * 3
    assert all(SystemMatcher(Inventory(systems=(s,)), VOCABULARIES).match("sfdc").system_id == "c360" for s in read)


# --- the documentation ----------------------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "inventory.md"


def _matching_section() -> str:
    text = DOCS.read_text(encoding="utf-8")
    return text[text.index("## Matching the vendor's Integrations rows"):text.index("## Excel workbook")]


def test_the_worked_example_in_the_docs_is_what_riskengine_prints(assessed: Assessment,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    assert assessed.graph is not None
    printed = [f"  warning {w.place}: {w.message}" for w in assessed.graph.match_warnings()]
    section = _matching_section()
    documented = [line for line in section.splitlines() if line.startswith("  warning ")]
    assert documented == printed
    for cell, written in zip(range(7, 15), (r["system"] for r in ROWS), strict=True):
        assert f"| B{cell} | {written} |" in section
    code = section[section.index("```python") + len("```python"):]
    namespace: dict[str, Any] = {"Path": Path}
    monkeypatch.chdir(DOCS.parent.parent)  # the example's paths are the repository's
    exec(code[:code.index("```")], namespace)
    assert namespace["matcher"].match("our CRM").system_id == "c360"


def test_the_docs_list_every_capability_synonym_and_filler_word() -> None:
    section = _matching_section()
    for term, synonyms in VOCABULARIES.capabilities.items():
        line = next(line for line in section.splitlines() if line.startswith(f"| `{term}` |"))
        assert all(synonym in line for synonym in synonyms), term
    assert all(f"`{word}`" in section for word in VOCABULARIES.filler_words)
