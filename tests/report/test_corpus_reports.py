"""Real questionnaires no one here wrote, assessed and rendered whole: a vendor none of whose simulated futures
loses anything (a sparse CAIQ, a blank HECVAT) gets a report, its loss exceedance chart without option curves
and a sentence saying why (it crashed in the chart: reportlab refuses a line of no point)."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from riskengine.outputs import render
from riskengine.pipeline import assess
from tests.conftest import CORPUS, NOW, SAMPLES

QUESTIONNAIRES = [CORPUS / "questionnaires" / name for name in
                  ("instructure-caiq-v4.0.3.xlsx", "educause-hecvat-v4.1.4-blank.xlsx")]


@pytest.mark.parametrize("path", QUESTIONNAIRES, ids=lambda path: path.stem)
@pytest.mark.skipif(not QUESTIONNAIRES[0].is_file(), reason=f"the shared corpus is not at {CORPUS}")
def test_a_vendor_without_a_loss_gets_a_whole_report(path: Path) -> None:
    assessment = assess(path, now=NOW, inventory=SAMPLES / "inventory.yaml", org_profile=SAMPLES / "org-profile.yaml")
    assert assessment.tco is not None
    pdf, _ = render(assessment)
    text = " ".join(" ".join((page.extract_text() or "").split())
                    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for option in assessment.tco.options:
        assert option.loss_exceedance is not None
        without_loss = option.loss_exceedance.chance_of_loss == 0
        sentence = f"{option.title}: no simulated future sees a loss event"
        assert (sentence in text) == without_loss, option.title
    assert any(option.loss_exceedance is not None and option.loss_exceedance.chance_of_loss == 0
               for option in assessment.tco.options), "the case this test is about"
