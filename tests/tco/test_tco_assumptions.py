"""scoring/tco.yaml: every number sourced, and a broken file refused with its line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from riskengine.errors import ConfigurationError
from riskengine.resources import data_path
from riskengine.tco.assumptions import Spread, Value, load_assumptions
from riskengine.tco.result import AssumptionUsed
from riskengine.tco.sources import walk


def test_every_number_in_the_shipped_file_has_a_title_unit_and_source() -> None:
    rows: list[AssumptionUsed] = []
    walk(load_assumptions(), "", rows)
    assert len(rows) > 90
    for row in rows:
        assert row.title and row.unit and row.source, row.id
        cited = any(mark in row.source for mark in ("judgement", "Report", "Regulation", "Code", "Bank",
                                                    "Review", "Research", "Malcolm", "Act 2018", "Census",
                                                    "Simulation Modeling", "Making Hard Decisions",
                                                    "standard normal"))
        assert cited, f"{row.id}: source {row.source!r} is neither a citation nor riskengine judgement"
    assert load_assumptions().sha256 == hashlib.sha256(data_path("scoring", "tco.yaml").read_bytes()).hexdigest()


def _write(tmp_path: Path, change: object) -> Path:
    data = yaml.safe_load(data_path("scoring", "tco.yaml").read_text())
    change(data)  # type: ignore[operator]
    path = tmp_path / "tco.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_a_range_out_of_order_is_refused_with_its_line(tmp_path: Path) -> None:
    def swap(data: dict) -> None:  # type: ignore[type-arg]
        data["loss"]["breach"]["records_share"]["low"] = 0.9

    path = _write(tmp_path, swap)
    with pytest.raises(ConfigurationError) as caught:
        load_assumptions(path)
    text = str(caught.value.problems[0])
    assert "loss.breach.records_share: needs low <= likely <= high, got 0.9 / 0.05 / 0.5" in text
    line = next(number for number, content in enumerate(path.read_text().splitlines(), start=1)
                if content.strip() == "records_share:")
    assert f"tco.yaml:{line + 1}:" in text  # the range's first line, under its key


def test_an_unpriced_role_and_an_unknown_placeholder_are_refused(tmp_path: Path) -> None:
    def unknown_role(data: dict) -> None:  # type: ignore[type-arg]
        data["admin"]["hours_per_year"]["data_steward"] = dict(data["admin"]["hours_per_year"]["it_engineer"])

    with pytest.raises(ConfigurationError) as caught:
        load_assumptions(_write(tmp_path, unknown_role))
    assert "data_steward" in str(caught.value.problems[0])

    def bad_wording(data: dict) -> None:  # type: ignore[type-arg]
        data["wording"]["never"] = "Costs {premium} more"

    with pytest.raises(ConfigurationError) as caught:
        load_assumptions(_write(tmp_path, bad_wording))
    assert "premium" in str(caught.value.problems[0])


def test_spread_and_value_carry_their_source() -> None:
    with pytest.raises(ValueError, match="low <= likely <= high"):
        Spread(title="Hours", unit="hours", source="riskengine judgement", low=3, likely=2, high=3)
    with pytest.raises(ValueError, match="source"):
        Value(title="A rate", unit="x", value=1.0)  # type: ignore[call-arg]


def test_a_need_for_an_unknown_capability_and_bad_precision_are_refused(tmp_path: Path) -> None:
    def unknown_need(data: dict) -> None:  # type: ignore[type-arg]
        data["options"]["built_to_last"]["items"][0]["needs"] = ["blockchain"]

    with pytest.raises(ConfigurationError) as caught:
        load_assumptions(_write(tmp_path, unknown_need))
    assert "blockchain" in str(caught.value.problems[0])

    def small_cap(data: dict) -> None:  # type: ignore[type-arg]
        data["simulation"]["precision"]["max_trials"]["value"] = 1000

    with pytest.raises(ConfigurationError) as caught:
        load_assumptions(_write(tmp_path, small_cap))
    assert "100 <= batch <= max" in str(caught.value.problems[0])

    def crossed_quantiles(data: dict) -> None:  # type: ignore[type-arg]
        data["simulation"]["tornado"]["low_quantile"]["value"] = 0.95

    with pytest.raises(ConfigurationError) as caught:
        load_assumptions(_write(tmp_path, crossed_quantiles))
    assert "low_quantile < high_quantile" in str(caught.value.problems[0])


def test_every_stream_the_model_draws_is_listed_with_its_source() -> None:
    """The tornado's ids and the draws' stream names are the assumptions' paths (shared drivers aside)."""
    from riskengine.tco.simulation import total_cost_of_ownership
    from tests.tco.factory import make_inputs

    result = total_cost_of_ownership(make_inputs(customer_facing=("web shop",), annual_turnover=1e8),
                                     load_assumptions(), trials=2_000, seed=1)
    ids = {row.id for row in result.assumptions}
    shared = {f"options.{name}" for name in load_assumptions().shared_drivers.parameters}
    for row in result.tornado.rows:
        assert row.assumption_id in ids | shared | {"integration.hours"}, row.assumption_id
