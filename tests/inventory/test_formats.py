"""The Excel and Backstage inventory formats: the same inventory in YAML, Excel and a Backstage catalog gives
the same graph, and every problem is reported at its cell (``Systems!F5``) or line (``file:12``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from riskengine.errors import InputError
from riskengine.inventory.backstage import read_catalog
from riskengine.inventory.loader import detect_format, load_inventory
from riskengine.inventory.model import Inventory
from riskengine.inventory.vocabulary import load_vocabularies
from riskengine.inventory.workbook import read_workbook

VOCABULARIES = load_vocabularies()


def _load(path: Path, **options: Any) -> Inventory:
    return load_inventory(path, vocabularies=VOCABULARIES, **options)

CATALOG = Path(__file__).parent / "catalog"

# Fernhill Home & Garden: a web shop with stores, as its architects keep it in the native format. The Backstage
# catalog in tests/inventory/catalog/ and the workbook built below hold exactly the same systems and flows.
INVENTORY = """\
organisation: Fernhill Home & Garden
systems:
  - {id: identity, name: Okta Workforce Identity, owner: it-identity, department: IT, criticality: critical,
     capabilities: [identity], data_classes: [personal, credentials], hosting: saas, region: EU, vendor: Okta}
  - {id: website-cms, name: Contentful, owner: web-team, department: Digital, criticality: medium,
     capabilities: [cms], customer_facing: true, hosting: saas, region: EU, vendor: Contentful}
  - {id: ecommerce, name: Shopify Plus, owner: digital-commerce, department: Digital, criticality: critical,
     capabilities: [ecommerce, order-management], data_classes: [personal], customer_facing: true,
     hosting: saas, region: EU, vendor: Shopify}
  - {id: payments, name: Adyen, owner: payments-team, department: Finance, criticality: critical,
     capabilities: [payments, fraud-detection], data_classes: [payment, personal], customer_facing: true,
     hosting: saas, region: EU, vendor: Adyen}
  - {id: warehouse, name: Snowflake, owner: data-platform, department: data, criticality: high,
     capabilities: [bi, data-warehouse], data_classes: [personal, behavioural], hosting: cloud, region: EU,
     vendor: Snowflake}
  - {id: crm, name: Salesforce Sales Cloud, owner: crm-team, department: Sales, criticality: high,
     capabilities: [crm], data_classes: [personal], hosting: saas, region: EU, vendor: Salesforce}
  - {id: marketing-automation, name: HubSpot Marketing Hub, owner: marketing-ops, department: Marketing,
     criticality: high, capabilities: [marketing-automation, email-marketing], data_classes: [personal, behavioural],
     hosting: saas, region: EU, vendor: HubSpot}
  - {id: cdp, name: Segment, owner: data-platform, department: Marketing, criticality: high,
     capabilities: [cdp, web-analytics], data_classes: [personal, behavioural], hosting: saas, region: US,
     vendor: Twilio Segment}
  # shadow IT: bought on a card by marketing, never reviewed
  - {id: quiz-tool, name: Typeform quizzes, owner: jane.doe, department: Marketing, criticality: low,
     capabilities: [survey], data_classes: [personal], customer_facing: true, sanctioned: false, hosting: saas,
     vendor: Typeform}
integrations:
  - {from: payments, to: ecommerce, data_classes: [payment], method: webhook, frequency: real-time}
  - {from: website-cms, to: ecommerce, method: api, frequency: real-time}
  - {from: ecommerce, to: cdp, data_classes: [personal, behavioural], method: sdk, frequency: real-time}
  - {from: ecommerce, to: warehouse, data_classes: [personal], method: file, frequency: daily}
  - {from: cdp, to: warehouse, data_classes: [behavioural], method: api, frequency: hourly}
  - {from: warehouse, to: cdp, method: api, frequency: real-time}          # reverse ETL: a cycle with the line above
  - {from: cdp, to: marketing-automation, data_classes: [personal, behavioural], method: api, frequency: hourly}
  - {from: cdp, to: crm, data_classes: [personal, behavioural], method: api, frequency: hourly}
  - {from: crm, to: marketing-automation, data_classes: [personal], method: api, frequency: hourly}
  - {from: marketing-automation, to: crm, data_classes: [personal], method: webhook, frequency: real-time}
  - {from: identity, to: crm, method: api, frequency: real-time}
  - {from: identity, to: marketing-automation, method: api, frequency: real-time}
  - {from: quiz-tool, to: marketing-automation, data_classes: [personal], method: webhook, frequency: real-time}
"""

# Header spellings as people type them: any case, spaces, underscores or dashes.
SYSTEM_HEADERS = ["ID", "Name", "Owner", "Department", "Criticality", "Capabilities", "Data classes",
                  "Customer facing", "sanctioned", "Hosting", "Region", "Vendor"]
INTEGRATION_HEADERS = ["From", "To", "data_classes", "Method", "Frequency"]


def content() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(INVENTORY)
    return loaded


def header_field(header: str) -> str:
    return header.lower().replace(" ", "_")


def cell_value(field: str, value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(value)
    if field == "sanctioned" and value is not None:
        return "yes" if value else "no"  # text here, Excel booleans in "Customer facing"
    return value


def write_workbook(path: Path, data: dict[str, Any] | None = None, *, title_rows: int = 0,
                   sheets: tuple[str, str] = ("Systems", "Integrations")) -> Path:
    """The Excel form of an inventory: an Organisation sheet, then Systems and Integrations tables."""
    data = data if data is not None else content()
    workbook = openpyxl.Workbook()
    organisation = workbook.active
    organisation.title = "Organisation"
    organisation.append(["Organisation", data.get("organisation", "")])
    for title, headers, rows in ((sheets[0], SYSTEM_HEADERS, data["systems"]),
                                 (sheets[1], INTEGRATION_HEADERS, data["integrations"])):
        sheet = workbook.create_sheet(title)
        for _ in range(title_rows):
            sheet.append([f"{title} of {data.get('organisation', '')}"] if _ == 0 else [])
        sheet.append(headers)
        for row in rows:
            sheet.append([cell_value(header_field(header), row.get(header_field(header)))
                          for header in headers])
    workbook.save(path)
    return path


def write_native(tmp_path: Path) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return path


def graph(inventory: Inventory) -> tuple[dict[str, dict[str, Any]], set[tuple[Any, ...]]]:
    systems = {system.id: system.model_dump() for system in inventory.systems}
    integrations = {(flow.source, flow.target, flow.method, flow.frequency, tuple(sorted(flow.data_classes)))
                    for flow in inventory.integrations}
    assert len(integrations) == len(inventory.integrations), "duplicate integrations"
    return systems, integrations


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        _load(path)
    return [str(problem) for problem in caught.value.problems]


# --- the same graph from every format -----------------------------------------------------------------------


def test_yaml_excel_and_backstage_give_the_same_graph(tmp_path: Path) -> None:
    native = _load(write_native(tmp_path))
    excel = _load(write_workbook(tmp_path / "inventory.xlsx"))
    folder = _load(CATALOG)
    root_file = _load(CATALOG / "catalog-info.yaml")  # reaches the rest through its Location

    expected = graph(native)
    assert len(expected[0]) == 9 and len(expected[1]) == 13
    for inventory in (excel, folder, root_file):
        assert graph(inventory) == expected
        assert inventory.organisation == "Fernhill Home & Garden"
    quiz = next(system for system in folder.systems if system.id == "quiz-tool")
    assert (quiz.sanctioned, quiz.customer_facing, quiz.criticality) == (False, True, "low")


def test_formats_are_detected_by_content(tmp_path: Path) -> None:
    assert detect_format(CATALOG) == "backstage"
    assert detect_format(CATALOG / "catalog-info.yaml") == "backstage"
    assert detect_format(write_workbook(tmp_path / "inventory.xlsx")) == "xlsx"
    assert detect_format(write_native(tmp_path)) == "yaml"


def test_excel_headers_may_sit_below_a_title_and_sheet_names_ignore_case(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "inventory.xlsx", title_rows=2, sheets=(" systems ", "INTEGRATIONS"))
    organisation, systems, integrations = read_workbook(path)
    assert organisation == "Fernhill Home & Garden"
    assert (len(systems), len(integrations)) == (9, 13)
    assert systems[0].place == "systems!A4"
    assert systems[0].where("capabilities") == "systems!F4"
    assert graph(_load(path)) == graph(_load(write_native(tmp_path)))


def test_organisation_sheet_may_hold_the_name_alone(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "inventory.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["Organisation"].delete_cols(1)
    workbook.save(path)
    assert read_workbook(path)[0] == "Fernhill Home & Garden"


def test_backstage_records_are_placed_and_sorted_by_file_and_line() -> None:
    organisation, systems, integrations = read_catalog(CATALOG, VOCABULARIES)
    assert organisation == "Fernhill Home & Garden"  # the Group of type organization
    commerce = str(CATALOG / "commerce" / "catalog-info.yaml")
    text = (CATALOG / "commerce" / "catalog-info.yaml").read_text(encoding="utf-8").splitlines()
    line = {needle: next(number for number, content in enumerate(text, start=1) if needle in content)
            for needle in ("name: ecommerce", "criticality: critical", "consumesApis: [api:payment-notifications]")}
    ecommerce = next(record for record in systems if record.fields["id"] == "ecommerce")
    assert ecommerce.place == f"{commerce}:{line['name: ecommerce'] - 3}"  # its apiVersion line
    assert ecommerce.where("id") == f"{commerce}:{line['name: ecommerce']}"
    assert ecommerce.where("criticality") == f"{commerce}:{line['criticality: critical']}"
    webhook = next(record for record in integrations if record.fields["from"] == "payments")
    assert webhook.place == f"{commerce}:{line['consumesApis: [api:payment-notifications]']}"

    def key(place: str) -> tuple[str, int]:
        file, _, number = place.rpartition(":")
        return file, int(number)

    for records in (systems, integrations):
        assert [record.place for record in records] == sorted((record.place for record in records), key=key)
    again = read_catalog(CATALOG, VOCABULARIES)
    assert [record.fields for record in again[2]] == [record.fields for record in integrations]


# --- Excel problems, each at its cell -----------------------------------------------------------------------


def test_unknown_capability_is_placed_at_its_cell_with_the_closest_term(tmp_path: Path) -> None:
    data = content()
    data["systems"][3]["capabilities"] = ["emial"]  # the fourth system is on row 5 under the header row
    found = problems(write_workbook(tmp_path / "inventory.xlsx", data))
    assert found == ["Systems!F5: capabilities: unknown capability 'emial'; closest known term: email-marketing"]


def test_duplicate_id_names_both_rows(tmp_path: Path) -> None:
    data = content()
    data["systems"][4]["id"] = data["systems"][3]["id"]
    found = problems(write_workbook(tmp_path / "inventory.xlsx", data))
    assert "Systems!A6: duplicate system id 'payments' (first at Systems!A5)" in found


def test_integration_to_an_unknown_system_is_placed_at_its_cell(tmp_path: Path) -> None:
    data = content()
    data["integrations"][5]["to"] = "cdpp"  # the sixth integration is on row 7
    found = problems(write_workbook(tmp_path / "inventory.xlsx", data))
    assert found == ["Integrations!B7: to: unknown system 'cdpp'; closest: cdp"]


def test_formulas_are_refused_at_their_cell(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "inventory.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["Systems"]["E3"] = '=LOWER("HIGH")'
    workbook.save(path)
    found = problems(path)
    assert len(found) == 1
    assert found[0].startswith("Systems!E3: criticality: formulas are not accepted")


def test_missing_systems_sheet_names_the_sheets_there_are(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "inventory.xlsx", sheets=("Sheet1", "Integrations"))
    assert problems(path) == [f"{path}: no sheet named Systems; the workbook has 'Organisation', 'Sheet1', "
                              f"'Integrations'"]


def test_unknown_and_missing_headers_are_placed(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Systems"
    sheet.append(["Inventory, spring 2026"])
    sheet.append(["Id", "Nmae", "Criticality", "Data-Classes"])
    sheet.append(["crm", "Salesforce", "high", "personal"])
    path = tmp_path / "inventory.xlsx"
    workbook.save(path)
    found = problems(path)
    assert found[0].startswith("Systems!B2: unknown column 'Nmae'; expected one of id, name, owner")
    assert found[1] == "Systems!A2: missing column name in the header row"
    assert len(found) == 2


def test_blank_rows_are_skipped_and_a_value_without_a_header_is_reported(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Systems"
    sheet.append(["id", "name", "criticality"])
    sheet.append(["crm", "Salesforce", "high"])
    sheet.append([None, "  ", None])
    sheet.append(["cms", "Contentful", "medium", None, "keep?"])
    path = tmp_path / "inventory.xlsx"
    workbook.save(path)
    assert problems(path) == ["Systems!E4: value in a column without a header; add a header or clear the cell"]
    sheet["E4"] = None
    workbook.save(path)
    assert [system.id for system in _load(path).systems] == ["crm", "cms"]


# --- Backstage problems, each at its line -------------------------------------------------------------------


def copy_catalog(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CATALOG, tmp_path / "catalog"))


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, text in enumerate(lines, start=1) if needle in text)


def test_dependency_on_an_unknown_system_is_placed_at_its_line(tmp_path: Path) -> None:
    catalog = copy_catalog(tmp_path)
    marketing = catalog / "marketing" / "catalog-info.yaml"
    marketing.write_text(marketing.read_text(encoding="utf-8").replace("resource:default/warehouse",
                                                                       "resource:default/warehous"), encoding="utf-8")
    line = line_of(marketing, "resource:default/warehous")
    assert problems(catalog) == [f"{marketing}:{line}: from: unknown system 'warehous'; closest: warehouse"]


def test_malformed_catalog_yaml_is_placed_at_its_line(tmp_path: Path) -> None:
    catalog = copy_catalog(tmp_path)
    commerce = catalog / "commerce" / "catalog-info.yaml"
    commerce.write_text(commerce.read_text(encoding="utf-8").replace("title: Adyen", "title: Adyen: payments"),
                        encoding="utf-8")
    found = problems(catalog)
    assert len(found) == 1
    assert found[0].startswith(f"{commerce}:{line_of(commerce, 'title: Adyen')}: not valid YAML")


def write_catalog(tmp_path: Path, text: str) -> Path:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "catalog-info.yaml").write_text(text, encoding="utf-8")
    return catalog


def test_documents_that_are_not_entities_are_placed(tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path, """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: crm
---
- just a list
---
apiVersion: backstage.io/v1alpha1
metadata:
  name: nameless-kind
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  title: No name
---
apiVersion: backstage.io/v1alpha1
kind: Compnent
metadata:
  name: typo
---
apiVersion: backstage.io/v1
kind: Resource
metadata:
  name: database
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: another-tool-s-manifest
""")
    path = catalog / "catalog-info.yaml"
    assert problems(catalog) == [
        f"{path}:6: expected a catalog entity (a mapping with apiVersion, kind and metadata)",
        f"{path}:8: not a catalog entity: no kind",
        f"{path}:12: Component: no metadata.name",
        f"{path}:17: typo: unknown kind 'Compnent'; expected one of api, component, domain, group, location, "
        "resource, system, template, user",
        f"{path}:22: database: apiVersion 'backstage.io/v1'; expected backstage.io/v1alpha1 or backstage.io/v1beta1",
    ]


def test_misspelt_annotations_and_unknown_apis_are_placed(tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path, """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: crm
  annotations:
    riskengine.io/critcality: high
    backstage.io/techdocs-ref: dir:.
spec:
  owner: group:crm-team
  consumesApis: [api:contcts]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: contacts
""")
    path = catalog / "catalog-info.yaml"
    assert problems(catalog) == [
        f"{path}:6: unknown annotation 'riskengine.io/critcality' on Component crm; expected one of "
        "riskengine.io/department, riskengine.io/criticality, riskengine.io/capabilities, riskengine.io/data-classes, "
        "riskengine.io/customer-facing, riskengine.io/sanctioned, riskengine.io/hosting, riskengine.io/region, "
        "riskengine.io/vendor, riskengine.io/product, riskengine.io/aliases",
        f"{path}:10: consumesApis: unknown API 'api:contcts'; closest: contacts",
    ]


def test_catalog_values_are_checked_like_every_format(tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path, """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: crm
  annotations:
    riskengine.io/capabilities: crm, emial
spec:
  owner: group:crm-team
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: warehouse
  labels:
    criticality: urgent
""")
    path = catalog / "catalog-info.yaml"
    found = problems(catalog)
    assert found[0] == f"{path}:6: capabilities: unknown capability 'emial'; closest known term: email-marketing"
    assert found[1].startswith(f"{path}:15: criticality: Input should be 'low', 'medium', 'high' or 'critical'")
    assert len(found) == 2


def test_location_outside_the_catalog_is_refused_and_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("apiVersion: backstage.io/v1alpha1\nkind: [broken\n", encoding="utf-8")
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    root = catalog / "catalog-info.yaml"
    root.write_text("""\
apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: escape
spec:
  targets:
    - ../secret.yaml
    - ../*.yaml
    - https://example.com/catalog-info.yaml
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: crm
  annotations:
    riskengine.io/criticality: high
""", encoding="utf-8")
    (catalog / "linked.yaml").symlink_to(outside)
    expected_location = f"Location escape: {{!r}} leaves the catalog folder {catalog}; refused, not read"
    for path in (root, catalog):
        found = problems(path)
        assert f"{root}:7: " + expected_location.format("../secret.yaml") in found
        assert f"{root}:8: " + expected_location.format("../*.yaml") in found
        assert not any("not valid YAML" in problem for problem in found)  # secret.yaml was never parsed
    assert problems(catalog)[-1] == f"{catalog / 'linked.yaml'}: is a link that leaves the catalog folder " \
                                    f"{catalog}; refused, not read"


def test_location_targets_may_be_globs_inside_the_catalog(tmp_path: Path) -> None:
    catalog = copy_catalog(tmp_path)
    root = catalog / "catalog-info.yaml"
    text = root.read_text(encoding="utf-8")
    root.write_text(text.replace("    - ./commerce/catalog-info.yaml\n    - ./marketing/catalog-info.yaml\n",
                                 "    - ./*/catalog-info.yaml\n"), encoding="utf-8")
    assert "./*/catalog-info.yaml" in root.read_text(encoding="utf-8")
    assert graph(_load(root)) == graph(_load(CATALOG))


def test_a_folder_skips_yaml_that_is_not_a_catalog_and_hidden_folders(tmp_path: Path) -> None:
    catalog = copy_catalog(tmp_path)
    (catalog / "mkdocs.yml").write_text("site_name: Fernhill\nnav: [index.md\n", encoding="utf-8")
    hidden = catalog / ".github"
    hidden.mkdir()
    (hidden / "broken.yaml").write_text("apiVersion: backstage.io/v1alpha1\nkind: [\n", encoding="utf-8")
    assert graph(_load(catalog)) == graph(_load(CATALOG))
