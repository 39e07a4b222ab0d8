"""templates/portfolio.yaml and scoring/compare.yaml are validated on load, with the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskengine.errors import ConfigurationError
from riskengine.portfolio.wording import load_compare_rule, load_portfolio_wording, luminance
from riskengine.resources import data_path


def _edited(tmp_path: Path, folder: str, name: str, old: str, new: str) -> Path:
    text = data_path(folder, name).read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_shipped_files_load() -> None:
    wording = load_portfolio_wording()
    assert wording.tiers["critical"] == "Critical" and wording.workbook.sheet == "Portfolio"
    rule = load_compare_rule()
    assert rule.exclude_decisions == ("reject", "more_information_needed") and rule.tco_share == 0.25


def test_a_rule_always_excludes_a_candidate_waiting_for_answers(tmp_path: Path) -> None:
    """A candidate whose decision waits for missing answers has no decision to be recommended on, whatever the
    organisation's rule lists; the rule's sentence in the comparison names it too."""
    path = _edited(tmp_path, "scoring", "compare.yaml", "exclude_decisions: [reject, more_information_needed]",
                   "exclude_decisions: [reject]")
    assert load_compare_rule(path).exclude_decisions == ("reject", "more_information_needed")
    (tmp_path / "other").mkdir()
    path = _edited(tmp_path / "other", "scoring", "compare.yaml",
                   "exclude_decisions: [reject, more_information_needed]", "exclude_decisions: [approve]")
    assert load_compare_rule(path).exclude_decisions == ("approve", "more_information_needed")


def test_an_unknown_placeholder_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = _edited(tmp_path, "templates", "portfolio.yaml", "is above tier {best_tier}.",
                   "is above tier {best}.")
    with pytest.raises(ConfigurationError) as caught:
        load_portfolio_wording(path)
    [problem] = caught.value.problems
    # within the group the sentence belongs to: its validator checks every sentence of the group at once
    lines = path.read_text().splitlines()
    group = lines.index("  reasons:") + 1
    sentence = next(number for number, text in enumerate(lines, start=1) if "{best}" in text)
    name, _, line = problem.place.rpartition(":")
    assert name == str(path) and group <= int(line) <= sentence
    assert problem.message.startswith("comparison.reasons: higher_tier: ")
    assert "unknown placeholder {best}" in problem.message and "{best_tier}" in problem.message


def test_tier_colours_must_differ_in_greyscale(tmp_path: Path) -> None:
    path = _edited(tmp_path, "templates", "portfolio.yaml", 'medium: {fill: "#EEC25A"',
                   'medium: {fill: "#DCEFE3"')
    with pytest.raises(ConfigurationError, match="look alike in greyscale"):
        load_portfolio_wording(path)
    assert luminance("#000000") == 0 and round(luminance("#FFFFFF")) == 255


def test_a_missing_decision_label_is_an_error(tmp_path: Path) -> None:
    path = _edited(tmp_path, "templates", "portfolio.yaml", "  reject: Reject\n", "")
    with pytest.raises(ConfigurationError, match="decisions: missing reject"):
        load_portfolio_wording(path)


def test_a_sheet_name_excel_refuses_is_an_error(tmp_path: Path) -> None:
    path = _edited(tmp_path, "templates", "portfolio.yaml", "sheet: Portfolio", "sheet: Portfolio/2026")
    with pytest.raises(ConfigurationError, match="not a valid sheet name"):
        load_portfolio_wording(path)


def test_the_rule_is_checked(tmp_path: Path) -> None:
    path = _edited(tmp_path, "scoring", "compare.yaml", "tco_share: 0.25", "tco_share: -1")
    with pytest.raises(ConfigurationError) as caught:
        load_compare_rule(path)
    assert caught.value.problems[0].place.startswith(f"{path}:")
    path = _edited(tmp_path, "scoring", "compare.yaml", "exclude_decisions: [reject, more_information_needed]",
                   "exclude_decisions: [maybe]")
    with pytest.raises(ConfigurationError, match="exclude_decisions"):
        load_compare_rule(path)
