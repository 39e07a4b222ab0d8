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
from riskengine.tco.simulation import _walk


def test_every_number_in_the_shipped_file_has_a_title_unit_and_source() -> None:
    rows: list[AssumptionUsed] = []
    _walk(load_assumptions(), "", rows)
    assert len(rows) > 50
    for row in rows:
        assert row.title and row.unit and row.source, row.id
        cited = any(mark in row.source for mark in ("judgement", "Report", "Regulation", "Code", "Bank",
                                                    "Review", "Research", "Malcolm"))
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
        data["loss"]["event_share"]["low"] = 0.9

    path = _write(tmp_path, swap)
    with pytest.raises(ConfigurationError) as caught:
        load_assumptions(path)
    text = str(caught.value.problems[0])
    assert "loss.event_share: needs low <= likely <= high, got 0.9 / 0.05 / 0.5" in text
    line = next(number for number, content in enumerate(path.read_text().splitlines(), start=1)
                if content.strip() == "event_share:")
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
