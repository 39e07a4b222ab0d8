"""The three sample vendors assessed once for the TCO tests (with the sample inventory and org profile)."""

from __future__ import annotations

import pytest

from riskengine.assessment import Assessment
from riskengine.pipeline import assess
from riskengine.questionnaire.bank import load_bank
from riskengine.questionnaire.reader import read_submission
from riskengine.questionnaire.submission import Submission
from tests.conftest import NOW, SAMPLES, TODAY

NAMES = ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")


@pytest.fixture(scope="session")
def assessed() -> dict[str, Assessment]:
    return {name: assess(SAMPLES / f"{name}.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                         org_profile=SAMPLES / "org-profile.yaml") for name in NAMES}


@pytest.fixture(scope="session")
def submissions() -> dict[str, Submission]:
    return {name: read_submission(SAMPLES / f"{name}.xlsx", load_bank(), today=TODAY) for name in NAMES}
