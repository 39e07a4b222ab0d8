"""Scoring profiles are data checked at load time: unknown facts and impossible answers are errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from riskengine.errors import ConfigurationError
from riskengine.score.profile import load_profile
from tests.conftest import ROOT


def _profile_with(tmp_path: Path, change: dict[str, object]) -> Path:
    content = yaml.safe_load((ROOT / "scoring" / "default.yaml").read_text(encoding="utf-8"))
    content["controls"][0].update(change)
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path


def test_shipped_profile_loads() -> None:
    profile = load_profile()
    assert len(profile.controls) >= 40
    assert {category.id for category in profile.categories} >= {"security", "privacy", "exit"}


def test_unknown_fact_names_file_rule_and_closest_fact(tmp_path: Path) -> None:
    path = _profile_with(tmp_path, {"fact": "answr.SEC-01"})
    with pytest.raises(ConfigurationError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert str(path) in message
    assert "rule SEC-SSO: unknown fact 'answr.SEC-01'; did you mean answer.SEC-01?" in message


def test_impossible_answer_is_refused(tmp_path: Path) -> None:
    path = _profile_with(tmp_path, {"points": {"Yes": 1, "Mostly": 0.5}})
    with pytest.raises(ConfigurationError, match=r"answer\.SEC-01 can never be 'Mostly'"):
        load_profile(path)


def test_condition_without_a_test_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _profile_with(tmp_path, {"applies": {"fact": "data.personal"}})
    with pytest.raises(ConfigurationError) as caught:
        load_profile(path)
    problem = caught.value.problems[0]
    assert problem.place.startswith(f"{path}:")
    assert int(problem.place.rsplit(":", 1)[1]) > 1
