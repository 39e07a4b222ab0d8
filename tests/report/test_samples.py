"""The three sample reports as `make demo` writes them: every section, a one-page summary, size and pages; and
a sample whose decision waits for an answer left blank."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from riskengine.questionnaire.bank import load_bank
from riskengine.questionnaire.template import write_template
from riskengine.report.wording import load_wording
from tests.conftest import SAMPLES, run_cli, sample_answers

NAMES = ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")
WAITING = "northwind-mail-no-dpa-answer"
"""Northwind with PRV-01 (does the vendor offer a DPA?) left blank: KO-NO-DPA cannot be ruled out."""
DECISIONS = {"northwind-mail": "APPROVE WITH CONDITIONS", "pixelpath-analytics": "APPROVE WITH CONDITIONS",
             "glowup-loyalty": "REJECT", WAITING: "MORE INFORMATION NEEDED"}


def _assess(path: Path, pdf: Path, expected: int) -> None:
    result = run_cli("assess", str(path), "--inventory", str(SAMPLES / "inventory.yaml"),
                     "--org", str(SAMPLES / "org-profile.yaml"), "--offline", "-o", str(pdf))
    assert result.returncode == expected, result.stderr


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("demo")
    for name in NAMES:
        _assess(SAMPLES / f"{name}.xlsx", out / f"{name}.pdf", 0)
    content = sample_answers("northwind-mail")
    answers = {key: value for key, value in content["answers"].items() if key != "PRV-01"}
    write_template(load_bank(), out / f"{WAITING}.xlsx", answers=answers, tables=content.get("tables", {}))
    _assess(out / f"{WAITING}.xlsx", out / f"{WAITING}.pdf", 5)  # written; the decision waits for the answer
    return {name: (out / f"{name}.pdf").read_bytes() for name in (*NAMES, WAITING)}


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _between(data: bytes, start: str, end: str) -> str:
    """The report's text from the line ``start`` (a heading) up to the line ``end``, whitespace collapsed."""
    text = "\n".join(_pages(data))
    begin = text.index(f"\n{start}\n")
    return _flat(text[begin:text.index(f"\n{end}\n", begin)])


@pytest.mark.parametrize("name", NAMES)
def test_sample_report_has_every_section_in_order(reports: dict[str, bytes], name: str) -> None:
    reader = pypdf.PdfReader(io.BytesIO(reports[name]))
    bookmarks = [str(item.title) for item in reader.outline if not isinstance(item, list)]  # type: ignore[attr-defined]
    sections = load_wording().sections
    assert bookmarks == [sections[section] for section in load_wording().audience("full").sections]
    assert len(reader.pages) >= 6
    assert len(reports[name]) < 1_000_000


@pytest.mark.parametrize("name", [*NAMES, WAITING])
def test_sample_summary_fits_one_page(reports: dict[str, bytes], name: str) -> None:
    pages = _pages(reports[name])
    summary, after = pages[1], pages[2]
    wording = load_wording()
    assert wording.sections["summary"] in summary
    assert wording.summary.cost_title in summary and wording.summary.reassess_title in summary
    assert DECISIONS[name] in summary
    assert wording.sections["scores"] in after.splitlines()[:6]  # the next page opens the next section


def test_sample_reports_quote_key_figures(reports: dict[str, bytes]) -> None:
    text = "".join(_pages(reports["glowup-loyalty"]))
    assert "KO-NO-DPA" in text and "Critical" in text
    assert "Joint scorecard" in text and "What marketing will watch" in text


def test_the_rejected_sample_says_what_must_change_not_what_to_do_before_go_live(reports: dict[str, bytes]) -> None:
    wording = load_wording()
    summary = _flat(_pages(reports["glowup-loyalty"])[1])
    assert wording.summary.reconsider_title in summary
    assert _flat(wording.summary.reconsider_intro) in summary
    assert "before the tool is switched on" not in summary
    assert f" {wording.summary.before_go_live} " not in summary
    # each knockout with what must change and who owns it
    assert ("Personal data would be processed without a data processing agreement (GDPR Art. 28(3)). KO-NO-DPA, "
            "PRV-DPA The vendor offers and signs a DPA meeting GDPR Art. 28(3) before any personal data is shared. "
            "Compliance") in summary
    for knockout in ("KO-NO-TRANSFER-MECHANISM", "KO-SENSITIVE-OUTSIDE-REGIONS", "KO-PAYMENT-NO-ADMIN-MFA"):
        assert knockout in summary
    # the tier the knockouts set, with the residual as the cover and the JSON print it
    assert wording.summary.score_knockout_same.format(residual="79.9", tier="Critical") in summary
    assert "79.9 / 100" in _flat(_pages(reports["glowup-loyalty"])[0])


def test_a_knockout_and_the_gap_behind_it_are_one_condition(reports: dict[str, bytes]) -> None:
    wording = load_wording()
    data = reports["glowup-loyalty"]
    conditions = _between(data, wording.sections["conditions"], wording.conditions.what_if_title)
    knockout = "The vendor offers and signs a DPA meeting GDPR Art. 28(3) before any personal data is shared."
    assert conditions.count(knockout) == 1
    assert conditions.index(wording.conditions.knockouts_title) < conditions.index(knockout) < conditions.index(
        wording.conditions.conditions_title_reconsidered)
    # PRV-DPA's own remediation gives way to the knockout's, everywhere in the report
    assert "Sign a DPA meeting GDPR Art. 28 before sharing personal data." not in _flat("\n".join(_pages(data)))
    findings = _between(data, wording.sections["findings"], wording.sections["conditions"])
    assert wording.findings.causes_knockout.format(knockout="KO-NO-DPA").rstrip(".") in findings


def test_requirement_findings_cost_no_points(reports: dict[str, bytes]) -> None:
    wording = load_wording()
    for name in ("pixelpath-analytics", "glowup-loyalty"):
        findings = _between(reports[name], wording.sections["findings"], wording.sections["conditions"])
        card = findings[findings.index("REQ-INDEPENDENT-ASSURANCE"):]
        assert _flat(wording.findings.requirement_points) in card[:1200]
        assert "0.0 of 100" not in findings


def test_the_borderline_sample_says_how_close_it_is(reports: dict[str, bytes]) -> None:
    summary = _flat(_pages(reports["northwind-mail"])[1])
    assert ("Residual risk is 19.2 out of 100, which places the tool in the Low risk tier. Borderline: the residual "
            "19.2 is 0.8 below the Medium tier's threshold of 20; one answer could move it across.") in summary
    assert "19.2 / 100" in _flat(_pages(reports["northwind-mail"])[0])


def test_the_waiting_sample_names_the_blank_answer_and_its_cell(reports: dict[str, bytes]) -> None:
    wording = load_wording()
    data = reports[WAITING]
    summary = _flat(_pages(data)[1])
    assert wording.summary.missing_title in summary and _flat(wording.summary.missing_intro) in summary
    assert ("PRV-01 Do you offer a data processing agreement (DPA) that meets GDPR Art. 28? Privacy and "
            "compliance!D5 Left blank KO-NO-DPA, PRV-DPA") in summary
    assert "before the tool is switched on" not in summary
    conditions = _between(data, wording.sections["conditions"], wording.conditions.what_if_title)
    assert conditions.index(wording.conditions.missing_title) < conditions.index(
        wording.conditions.conditions_title_pending)
    assert "PRV-01 Do you offer a data processing agreement (DPA) that meets GDPR Art. 28? Privacy and " \
           "compliance!D5 Left blank KO-NO-DPA PRV-DPA" in conditions
    signoff = _between(data, wording.sections["signoff"], wording.sections["appendix"])
    assert _flat(wording.signoff.pending) in signoff
