"""The three sample reports as `make demo` writes them: every section, a one-page summary, size and pages."""

from __future__ import annotations

import io

import pypdf
import pytest

from riskengine.report.wording import load_wording
from tests.conftest import SAMPLES, run_cli

NAMES = ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")
DECISIONS = {"northwind-mail": "APPROVE", "pixelpath-analytics": "APPROVE WITH CONDITIONS",
             "glowup-loyalty": "REJECT"}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("demo")
    for name in NAMES:
        result = run_cli("assess", str(SAMPLES / f"{name}.xlsx"), "--inventory", str(SAMPLES / "inventory.yaml"),
                         "--org", str(SAMPLES / "org-profile.yaml"), "--offline", "-o", str(out / f"{name}.pdf"))
        assert result.returncode == 0, result.stderr
    return {name: (out / f"{name}.pdf").read_bytes() for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_sample_report_has_every_section_in_order(reports: dict[str, bytes], name: str) -> None:
    reader = pypdf.PdfReader(io.BytesIO(reports[name]))
    bookmarks = [str(item.title) for item in reader.outline if not isinstance(item, list)]  # type: ignore[attr-defined]
    sections = load_wording().sections
    assert bookmarks == [sections[section] for section in load_wording().audience("full").sections]
    assert len(reader.pages) >= 6
    assert len(reports[name]) < 1_000_000


@pytest.mark.parametrize("name", NAMES)
def test_sample_summary_fits_one_page(reports: dict[str, bytes], name: str) -> None:
    pages = pypdf.PdfReader(io.BytesIO(reports[name])).pages
    summary, after = pages[1].extract_text(), pages[2].extract_text()
    wording = load_wording()
    assert wording.sections["summary"] in summary
    assert wording.summary.cost_title in summary and wording.summary.reassess_title in summary
    assert DECISIONS[name] in summary
    assert wording.sections["scores"] in after.splitlines()[:6]  # the next page opens the next section


def test_sample_reports_quote_key_figures(reports: dict[str, bytes]) -> None:
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(reports["glowup-loyalty"])).pages)
    assert "KO-NO-DPA" in text and "Critical" in text
    assert "Joint scorecard" in text and "What marketing will watch" in text
