"""docs/tco.md: its example runs, its YAML examples are the shipped ones, and its defaults table agrees with
scoring/tco.yaml where it quotes numbers."""

from __future__ import annotations

import os
import re

import pytest
import yaml

from riskengine.organisation import RiskAppetite
from riskengine.tco.assumptions import load_assumptions
from riskengine.tco.offers import OfferFile
from tests.conftest import ROOT, SAMPLES

DOC = (ROOT / "docs" / "tco.md").read_text(encoding="utf-8")
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC, re.DOTALL)


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
    assert printed[0].startswith("Choose built to last")
    assert printed[1].startswith("[('good_enough', ")
    assert printed[2].startswith("value=-") and "targets_met" in printed[2]
    assert printed[3].startswith("Enterprise plan, built to last, has the lowest expected cost over 5 years")


def test_the_yaml_examples_are_the_shipped_ones() -> None:
    appetite, offers = (yaml.safe_load(block) for block in YAML_BLOCKS)
    assert RiskAppetite.model_validate(appetite["risk_appetite"])
    profile = yaml.safe_load((SAMPLES / "org-profile.yaml").read_text(encoding="utf-8"))
    assert profile["risk_appetite"] == appetite["risk_appetite"]
    assert offers == yaml.safe_load((SAMPLES / "northwind-offers.yaml").read_text(encoding="utf-8"))
    assert [offer.id for offer in OfferFile.model_validate(offers).offers] == ["growth", "enterprise"]


def test_the_quoted_defaults_are_the_shipped_ones() -> None:
    assumptions = load_assumptions()
    breach = assumptions.loss.breach
    assert (breach.severity_anchor.value, breach.severity_exponent.value) == (42_000_000, 0.56)
    share = breach.records_share
    assert (share.low, share.likely, share.high) == (0.01, 0.05, 0.5)
    assert "| records one breach exposes | 0.01 / 0.05 / 0.5 of the records |" in DOC
    gdpr = assumptions.regimes["gdpr"].breach_fine
    assert gdpr is not None and gdpr.probability.value == 0.33 and gdpr.reference_records.value == 25_000
    assert "| fine probability per breach | 0.33 |" in DOC
    assert "| breach cost anchor | USD 42 M at 1 M records |" in DOC
    options = assumptions.options
    good, best = options["good_enough"].risk_factors.breach, options["built_to_last"].risk_factors.breach
    assert (good.low, good.likely, good.high) == (1.2, 1.5, 2.5) and "breach rate x1.2/1.5/2.5" in DOC
    assert (best.low, best.likely, best.high) == (0.5, 0.7, 0.9) and "breach rate x0.5/0.7/0.9 (needs SSO)" in DOC
    precision = assumptions.simulation.precision
    assert (precision.batch_trials.value, precision.max_trials.value) == (20_000, 200_000)
    assert (precision.difference_relative_error.value, precision.probability_error.value) == (0.01, 0.01)
    assert assumptions.simulation.headline.materiality.value == 0.02
    assert "below 2 % of the smaller total" in DOC
    assert assumptions.simulation.tornado.trials.value == 2_000 and "same 2,000 trials" in DOC
