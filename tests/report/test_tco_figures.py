"""One story of cost: every cost figure the PDF prints for a sample is the headline's, the same as the JSON's, on
the summary, the TCO section and the scorecard alike; and a rejected vendor's cost pages say the decision stands."""

from __future__ import annotations

import io
import json
import re

import pypdf
import pytest

from riskengine.assessment import Assessment
from riskengine.outputs import render
from riskengine.pipeline import assess
from riskengine.report.charts import money
from tests.conftest import NOW, SAMPLES


def _assess(name: str) -> Assessment:
    return assess(SAMPLES / f"{name}.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                  org_profile=SAMPLES / "org-profile.yaml")


@pytest.fixture(scope="module")
def northwind() -> tuple[Assessment, list[str], dict[str, object]]:
    assessment = _assess("northwind-mail")
    pdf, json_bytes = render(assessment)
    pages = [" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    return assessment, pages, json.loads(json_bytes)


def _page(pages: list[str], marker: str) -> str:
    found = [page for page in pages if marker in page]
    assert found, marker
    return found[0]


def test_the_summary_and_the_tco_section_print_the_headline_and_only_it(
        northwind: tuple[Assessment, list[str], dict[str, object]]) -> None:
    assessment, pages, result = northwind
    assert assessment.tco is not None
    headline = assessment.tco.headline
    assert result["tco"]["headline"] == json.loads(headline.model_dump_json())  # type: ignore[index]
    summary, tco = pages[1], _page(pages, "Settled on")
    for option in headline.options:
        total = f"EUR {money(option.expected_total)}"
        assert total in summary and total.removeprefix("EUR ") in _page(pages, "Net present value")
        typical = money(option.typical_total)
        assert typical not in summary, "the summary gives one total per option: the expected one"
    loss = {option.id: f"EUR {money(option.expected_annual_loss)}" for option in headline.options}
    figures = _page(pages, "Expected loss a year")
    assert all(text in figures for text in loss.values())
    assert headline.recommendation[:60] in summary.replace("\u00ad", "")
    assert " ".join(headline.recommendation.split())[:60] in tco
    probability = f"{round(headline.probability_built_to_last_cheaper.value * 100)} % of the simulated futures"
    assert probability in figures


def test_every_option_total_is_the_sum_of_its_lines_in_the_json(
        northwind: tuple[Assessment, list[str], dict[str, object]]) -> None:
    assessment, _, _ = northwind
    assert assessment.tco is not None
    for option, headline in zip(assessment.tco.options, assessment.tco.headline.options, strict=True):
        assert option.npv.mean == headline.expected_total
        assert sum(line.npv for line in option.lines) == pytest.approx(headline.expected_total, abs=0.05)
        assert option.cumulative[-1].mean == pytest.approx(headline.expected_total, abs=0.05)
        assert option.expected_annual_loss == headline.expected_annual_loss


def test_the_scorecard_year_one_target_is_the_headlines(
        northwind: tuple[Assessment, list[str], dict[str, object]]) -> None:
    assessment, pages, _ = northwind
    assert assessment.tco is not None
    headline = assessment.tco.headline
    wanted = "good_enough" if headline.choice == "good_enough" else "built_to_last"
    year_one = next(option for option in headline.options if option.id == wanted).expected_year_one
    scorecard = _page(pages, "expected year-1 spend")
    assert f"EUR {round(year_one):,}" in scorecard


def test_a_rejected_vendors_cost_pages_say_the_decision_stands() -> None:
    assessment = _assess("glowup-loyalty")
    assert assessment.risk.decision == "reject" and assessment.tco is not None
    assert assessment.tco.headline.decision_stands
    pdf, _ = render(assessment)
    text = " ".join(" ".join((page.extract_text() or "").split())
                    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    note = " ".join(assessment.tco.headline.decision_note.split())
    assert len(re.findall(re.escape(note[:50]), text)) >= 2, "on the summary and in the TCO section"
