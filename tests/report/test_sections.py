"""The report's sections: one module per section id, registered by that id, and built from the data the
document hands them (never from files the sections load themselves)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, get_args

import pypdf
import pytest
import yaml

from riskengine.pipeline import default_policy
from riskengine.report import render_pdf
from riskengine.report.context import ReportContext
from riskengine.report.sections import SECTIONS
from riskengine.report.wording import Glossary, GlossaryEntry, SectionId
from riskengine.resources import data_path
from tests.report.test_pdf import _reader, _text, make_assessment

REPORT = Path(__file__).resolve().parents[2] / "riskengine" / "report"


def test_every_section_id_has_a_builder_and_every_builder_an_id() -> None:
    assert set(SECTIONS) == set(get_args(SectionId))


def test_every_section_the_shipped_wording_names_is_registered() -> None:
    wording = yaml.safe_load(data_path("templates", "report.yaml").read_text(encoding="utf-8"))
    named = set(wording["sections"]) | {next(iter(entry)) if isinstance(entry, dict) else entry
                                        for audience in wording["audiences"].values()
                                        for entry in audience["sections"]}
    assert named == set(SECTIONS)


def test_each_section_is_the_build_function_of_the_module_named_by_its_id() -> None:
    for section, builder in SECTIONS.items():
        assert (builder.__module__, builder.__name__) == (f"riskengine.report.sections.{section}", "build")
        assert (REPORT / "sections" / f"{section}.py").is_file()


def test_the_report_loads_no_data_file_of_its_own() -> None:
    """The document, its sections, the diagram and the toolkit receive the wording, glossary and scorecard from the
    policy; nothing in the report loads them (their loaders live beside their models, for the policy)."""
    loaders = {"load_wording", "load_glossary", "load_scorecard"}
    loading = set()
    for path in sorted(REPORT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        called = {node.func.id for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in loaders}
        if called:
            loading.add(path.relative_to(REPORT).as_posix())
    assert loading == set()


def test_the_policy_handed_to_render_pdf_words_the_report() -> None:
    shipped = default_policy()
    own = shipped.model_copy(update={
        "wording": shipped.wording.model_copy(update={"title": "Vendor review"}),
        "glossary": Glossary(terms=(GlossaryEntry(term="ZTNA", meaning="Zero trust network access, checked daily."),)),
        "scorecard": shipped.scorecard.model_copy(update={"intro": "What both sides watch, agreed on day one."})})
    data = render_pdf(make_assessment(), policy=own)
    text = _text(data)
    assert "Zero trust network access, checked daily." in text
    assert "What both sides watch, agreed on day one." in text
    assert _reader(data).metadata.title == "Vendor review: Acme Journeys GmbH Acme Journeys Enterprise"
    assert "Vendor review" in text
    assert shipped.glossary.terms[0].meaning not in text


def test_outline_keys_advance_per_report_and_start_again_for_the_next() -> None:
    first = ReportContext.create(make_assessment(), default_policy(), "full")
    second = ReportContext.create(make_assessment(), default_policy(), "full")
    style = first.styles.h2
    keys = [first.heading("One", style, level=1).outline_key, first.heading("Two", style, level=1).outline_key,
            first.heading("Unlisted", style).outline_key, second.heading("One", style, level=1).outline_key]
    assert keys == ["section-1", "section-2", "", "section-1"]


def _outline(reader: pypdf.PdfReader) -> list[tuple[str, int]]:
    """(title, page number from 1) of every bookmark, in outline order."""
    entries: list[tuple[str, int]] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                entries.append((item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return entries


@pytest.mark.parametrize("audience", ["full", "it", "marketing", "compliance"])
def test_every_bookmark_opens_the_page_its_heading_is_on(audience: str) -> None:
    """The pages are held back until the document ends ("Page n of N"); a bookmark must still name the page its
    heading was drawn on, not the first page (where every bookmark pointed before)."""
    reader = _reader(render_pdf(make_assessment(), audience=audience))
    outline = _outline(reader)
    assert len(outline) >= 4  # the marketing summary's four pages, one section each
    pages = [page.extract_text() for page in reader.pages]
    assert outline[0][1] == 1  # the cover
    for title, page in outline[1:]:
        assert " ".join(title.split()[:3]) in " ".join(pages[page - 1].split()), (title, page)
    assert [page for _, page in outline] == sorted(page for _, page in outline)
    assert len({page for _, page in outline}) > 3


def test_the_running_head_shortens_the_product_at_a_word_and_keeps_the_vendor_whole() -> None:
    from riskengine.report.document import _head_name
    from riskengine.report.fonts import register_fonts

    register_fonts()
    vendor, product = "GlowUp Technologies Pte. Ltd.", "GlowUp Rewards Platform (Scale tier) + GlowUp Insights"
    assert _head_name(vendor, product, 1000) == f"{vendor} · {product}"
    shortened = _head_name(vendor, product, 300)
    assert shortened.startswith(f"{vendor} · GlowUp Rewards") and shortened.endswith("…")
    assert shortened.removesuffix("…").split()[-1] in product.split()  # cut between words, never inside one
    assert _head_name(vendor, product, 150) == vendor
    assert _head_name(vendor, "", 1000) == vendor
