"""Scoring profiles are data checked at load time: unknown facts and impossible answers are errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from riskengine.errors import InputError
from riskengine.pipeline import load_policy
from tests.conftest import ROOT


def _profile_with(tmp_path: Path, change: dict[str, object]) -> Path:
    content = yaml.safe_load((ROOT / "scoring" / "default.yaml").read_text(encoding="utf-8"))
    content["controls"][0].update(change)
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path


def test_shipped_profile_loads() -> None:
    profile = load_policy().profile
    assert len(profile.controls) >= 40
    assert {category.id for category in profile.categories} >= {"security", "privacy", "exit"}


def test_unknown_fact_names_file_rule_and_closest_fact(tmp_path: Path) -> None:
    path = _profile_with(tmp_path, {"fact": "answr.SEC-01"})
    with pytest.raises(InputError) as caught:
        load_policy(profile=path)
    message = "; ".join(str(problem) for problem in caught.value.problems)
    assert str(path) in message
    assert "rule SEC-SSO: unknown fact 'answr.SEC-01'; did you mean answer.SEC-01?" in message


def test_impossible_answer_is_refused(tmp_path: Path) -> None:
    path = _profile_with(tmp_path, {"points": {"Yes": 1, "Mostly": 0.5}})
    with pytest.raises(InputError) as caught:
        load_policy(profile=path)
    assert "answer.SEC-01 can never be 'Mostly'" in str(caught.value.problems[0])


def test_condition_without_a_test_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _profile_with(tmp_path, {"applies": {"fact": "data.personal"}})
    with pytest.raises(InputError) as caught:
        load_policy(profile=path)
    problem = caught.value.problems[0]
    assert problem.place.startswith(f"{path}:")
    assert int(problem.place.rsplit(":", 1)[1]) > 1


def _problems(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_policy(profile=path)
    return "; ".join(str(problem) for problem in caught.value.problems)


def test_every_control_says_when_it_applies(tmp_path: Path) -> None:
    content = yaml.safe_load((ROOT / "scoring" / "default.yaml").read_text(encoding="utf-8"))
    del content["controls"][0]["applies"]
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    assert "controls.0.applies: Field required" in _problems(path)


def test_an_answer_a_control_reads_must_be_scored_by_a_control_of_its_own(tmp_path: Path) -> None:
    """A "No" that no control scores would never cost points while a contradicted "Yes" could (SEC-22)."""
    content = yaml.safe_load((ROOT / "scoring" / "default.yaml").read_text(encoding="utf-8"))
    content["controls"] = [c for c in content["controls"] if c["id"] != "SEC-VDP"]
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    assert "rule CON-VDP reads answer.SEC-22, which no control scores" in _problems(path)


@pytest.mark.parametrize(("change", "message"), [
    ({"weight": 1.0005}, "has more than three decimals"),
    ({"points": {"Yes": 1, "Partial": 0.3333}}, "has more than three decimals"),
])
def test_weights_and_points_are_exact_thousandths(tmp_path: Path, change: dict[str, object], message: str) -> None:
    assert message in _problems(_profile_with(tmp_path, change))


def test_tier_thresholds_are_compared_in_tenths(tmp_path: Path) -> None:
    path = _overlay(tmp_path, "extends: default\ntiers: [{id: low, below: 19.95}]\n")
    assert "residual scores are compared in tenths" in _problems(path)


def test_knockouts_and_requirements_are_checked(tmp_path: Path) -> None:
    path = _overlay(tmp_path, """
extends: default
knockouts: [{id: KO-NO-DPA, control: PRV-NOPE}]
requirements:
  - id: REQ-X
    category: nowhere
    when: {fact: data.personal, is: true}
    requires: {fact: answer.PRV-99, equals: "Yes"}
    severity: high
    title: t
    plain: p
    technical: t
    remediation: {action: a, owner: it, due: at-renewal}
""")
    problems = _problems(path)
    assert "knockout KO-NO-DPA: unknown control 'PRV-NOPE'" in problems
    assert "rule REQ-X: unknown category 'nowhere'" in problems
    assert "rule REQ-X: unknown fact 'answer.PRV-99'" in problems


def _overlay(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ours.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_overlay_changes_only_what_it_names(tmp_path: Path) -> None:
    base = load_policy().profile
    path = _overlay(tmp_path, """
extends: default
id: acme
tiers: [{id: low, below: 10}]
categories: [{id: security, weight: 50}]
controls:
  - {id: SEC-SSO, weight: 9}
  - id: ACME-CAPTCHA
    category: security
    fact: answer.SEC-13
    weight: 1
    applies: always
    points: {"Yes": 1}
    severity: low
    title: t
    plain: p
    technical: t
    remediation: {action: a, owner: it, due: at-renewal}
remove: [VIA-AGE, KO-NO-DPA]
decisions: {medium: reject}
""")
    ours = load_policy(profile=path).profile
    assert ours.id == "acme"
    assert next(c for c in ours.categories if c.id == "security").weight == 50
    sso = next(c for c in ours.controls if c.id == "SEC-SSO")
    assert sso.weight == 9 and sso.title == next(c for c in base.controls if c.id == "SEC-SSO").title
    assert "ACME-CAPTCHA" in {c.id for c in ours.controls}
    assert "VIA-AGE" not in {c.id for c in ours.controls}
    assert "KO-NO-DPA" not in {k.id for k in ours.knockouts}
    assert ours.tiers[0].below == 10 and ours.tiers[1].below == base.tiers[1].below
    assert ours.decisions["medium"] == "reject" and ours.decisions["low"] == base.decisions["low"]
    assert len(ours.controls) == len(base.controls)


def test_overlay_problems_name_the_overlay_and_the_rule(tmp_path: Path) -> None:
    path = _overlay(tmp_path, "extends: default\ncontrols: [{id: SEC-SSO, fact: answer.SEC-999}]\n")
    with pytest.raises(InputError) as caught:
        load_policy(profile=path)
    assert caught.value.source == str(path)
    assert "rule SEC-SSO: unknown fact 'answer.SEC-999'" in str(caught.value.problems[0])


def test_overlay_cycle_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(InputError, match="cycle"):
        load_policy(profile=tmp_path / "a.yaml")
