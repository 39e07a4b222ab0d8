"""docs/tco.md: its example runs, and its defaults table agrees with scoring/tco.yaml where it quotes numbers."""

from __future__ import annotations

import os
import re

import pytest

from riskengine.tco.assumptions import load_assumptions
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "tco.md").read_text(encoding="utf-8")


def test_the_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    example = re.search(r"```python\n(.*?)```", DOC, re.DOTALL)
    assert example is not None
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(example.group(1), "docs/tco.md", "exec"), {})
    finally:
        os.chdir(cwd)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("Built to last costs")
    assert "p10=" in printed[1]


def test_the_quoted_defaults_are_the_shipped_ones() -> None:
    assumptions = load_assumptions()
    loss = assumptions.loss
    assert (loss.severity_anchor.value, loss.severity_exponent.value) == (42_000_000, 0.56)
    assert (loss.event_share.low, loss.event_share.likely, loss.event_share.high) == (0.01, 0.05, 0.5)
    assert assumptions.fines.gdpr.probability.value == 0.33
    assert "| fine probability per event | 0.33 |" in DOC
    assert "| breach cost anchor | USD 42 M at 1 M records |" in DOC
    options = assumptions.options
    assert options["good_enough"].event_rate_factor.value == 1.5 and "event rate x1.5" in DOC
    assert options["built_to_last"].event_rate_factor.value == 0.7 and "event rate x0.7" in DOC
