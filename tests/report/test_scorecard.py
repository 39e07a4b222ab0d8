"""The joint scorecard: KPI targets taken from the answers, the graph and the TCO, with their basis."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskengine.assessment import Assessment
from riskengine.errors import ConfigurationError
from riskengine.pipeline import assess
from riskengine.report.kpis import joint_scorecard
from riskengine.report.scorecard import load_scorecard
from riskengine.resources import data_path
from tests.conftest import NOW, SAMPLES, FillFactory


def _assess(path: Path) -> Assessment:
    return assess(path, now=NOW, inventory=SAMPLES / "inventory.yaml", org_profile=SAMPLES / "org-profile.yaml")


@pytest.fixture(scope="module")
def pixelpath() -> Assessment:
    return _assess(SAMPLES / "pixelpath-analytics.xlsx")


def test_targets_quote_the_vendors_commitments_with_their_cells(pixelpath: Assessment) -> None:
    kpis = {kpi.id: kpi for kpi in joint_scorecard(pixelpath, load_scorecard())}
    assert kpis["IT-AVAILABILITY"].target == "At least 99.5 % each month, as the SLA commits"
    assert kpis["IT-AVAILABILITY"].basis == "RES-01 (Resilience and support!D5)"
    assert kpis["IT-RECOVERY"].target.startswith("Service back within 24 hours")  # 24.0 in the cell reads as 24
    assert kpis["IT-INCIDENTS"].target.startswith("Each notified within 72 hours")
    assert pixelpath.graph is not None
    assert kpis["IT-INTEGRATION-HEALTH"].basis == f"graph: {len(pixelpath.graph.connections)} connections"
    assert [kpi.side for kpi in kpis.values()] == ["it"] * 4 + ["marketing"] * 4


def test_year_one_cost_is_the_recommended_options_expected_spend(pixelpath: Assessment) -> None:
    tco = pixelpath.tco
    assert tco is not None
    wanted = "good_enough" if tco.headline.choice == "good_enough" else "built_to_last"
    recommended = next(option for option in tco.headline.options if option.id == wanted)
    kpis = {kpi.id: kpi for kpi in joint_scorecard(pixelpath, load_scorecard())}
    assert kpis["MKT-BUDGET"].target == f"At most {tco.currency} {round(recommended.expected_year_one):,} in " \
                                        "year 1 (the TCO's expected spend)"
    assert kpis["MKT-BUDGET"].basis == f"TCO: {recommended.title}, expected year-1 spend"


def test_seats_only_when_priced_per_seat(pixelpath: Assessment, filled: FillFactory) -> None:
    kpis = {kpi.id: kpi for kpi in joint_scorecard(pixelpath, load_scorecard())}
    assert kpis["MKT-COST-PER-SEAT"].basis == "cost.pricing_model: usage based, not per seat"
    assert "seats" not in kpis["MKT-ADOPTION"].target
    per_seat = _assess(filled(base="pixelpath-analytics", CST_01="per seat", CST_04=250))
    kpis = {kpi.id: kpi for kpi in joint_scorecard(per_seat, load_scorecard())}
    assert kpis["MKT-ADOPTION"].target == "At least 80 % of the 250 licensed seats active each month from day 90"
    assert per_seat.tco is not None
    assert kpis["MKT-COST-PER-SEAT"].target.startswith(f"At most {per_seat.tco.currency} ")
    assert kpis["MKT-COST-PER-SEAT"].basis.endswith("/ 250 seats")


def test_missing_commitment_prints_our_floor(filled: FillFactory) -> None:
    kpis = {kpi.id: kpi for kpi in joint_scorecard(_assess(filled(base="pixelpath-analytics", RES_01=0)),
                                                   load_scorecard())}
    assert kpis["IT-AVAILABILITY"].target.startswith("At least 99.5 % each month (our floor")
    assert kpis["IT-AVAILABILITY"].basis == "RES-01: not committed"


@pytest.mark.parametrize(("kpi", "message"), [
    ("{id: X-ONE, side: it, title: T, measure: M, target: 'fixed'}", "needs a `basis`"),
    ("{id: X-ONE, side: it, title: T, measure: M, target: 'no value', otherwise: o, from: {answer: RES-01}}",
     "must use {value}"),
    ("{id: X-ONE, side: it, title: T, measure: M, target: '{value}', from: {answer: RES-01}}", "needs `otherwise`"),
    ("{id: X-ONE, side: it, title: T, measure: M, target: '{value}', otherwise: o, from: {answer: RES-01, "
     "graph: connections}}", "exactly one source"),
])
def test_a_bad_kpi_is_refused_with_its_line(tmp_path: Path, kpi: str, message: str) -> None:
    shipped = data_path("templates", "scorecard.yaml").read_text(encoding="utf-8")
    head = shipped[: shipped.index("kpis:")]
    path = tmp_path / "scorecard.yaml"
    path.write_text(f"{head}kpis:\n  - {kpi}\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as error:
        load_scorecard(path)
    assert message in str(error.value.problems)
    assert "scorecard.yaml:" in str(error.value.problems)
