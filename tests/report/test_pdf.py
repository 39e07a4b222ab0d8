"""The PDF report: real renders read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from pathlib import Path

import pypdf
import pytest

from riskengine.assessment import (
    AnsweredQuestion,
    Assessment,
    Connection,
    GraphSummary,
    InputFile,
    Vendor,
    Versions,
)
from riskengine.errors import ConfigurationError, Problem
from riskengine.facts import FactValue, Provenance
from riskengine.report.pdf import render_pdf
from riskengine.report.wording import load_wording
from riskengine.resources import data_path
from riskengine.score.profile import Due, Owner, Remediation, Severity
from riskengine.score.result import CategoryScore, Contribution, Finding, KnockoutHit, RiskResult

CREATED = dt.datetime(2026, 11, 24, 10, 2, tzinfo=dt.UTC)

HOSTILE_MARKUP = '<b>bold</b> & <font color="red">x</font></para>'
LONG_TOKEN = "https://example.com/" + "a1b2c3d4" * 48  # 404 characters, no space


def _cell(ref: str) -> tuple[Provenance, ...]:
    return (Provenance(kind="cell", ref=ref),)


def _finding(rule_id: str, category: str, severity: Severity, title: str, answer: FactValue, lost: float,
             owner: Owner, due: Due, place: str) -> Finding:
    return Finding(
        rule_id=rule_id, category=category, severity=severity, title=title,
        plain=f"If this is not fixed, {title.lower()} could expose customer data or stop campaigns.",
        technical=f"Control {rule_id} expects a documented, enforced control; the answer at {place} does not "
                  "meet it. Ask for evidence and verify it in the sandbox before go-live.",
        remediation=Remediation(action=f"Fix: {title}", owner=owner, due=due),
        answer=answer, points_lost=lost,
        provenance=(*_cell(place), Provenance(kind="profile", ref=rule_id, detail="scoring/default.yaml")),
    )


def make_assessment(*, answers: tuple[AnsweredQuestion, ...] | None = None,
                    legal_name: str = "Acme Journeys GmbH") -> Assessment:
    """A realistic assessment: 3 categories, 6 findings, 1 knockout, 4 connections, 40 answers."""
    findings = (
        _finding("C-SEC-01", "security", "critical", "No multi-factor authentication for admins", "No", 9.5,
                 "vendor", "before-go-live", "Security!D5"),
        _finding("C-SEC-02", "security", "high", "Audit logs cannot be exported", "Partial", 6.0,
                 "it", "within-30-days", "Security!D9"),
        _finding("C-PRV-01", "privacy", "high", "Customer data used to train AI models", "Yes", 7.25,
                 "compliance", "before-go-live", "Privacy!D4"),
        _finding("C-PRV-02", "privacy", "medium", "Sub-processor changes not notified", None, 3.0,
                 "compliance", "within-90-days", "Privacy!D12"),
        _finding("C-INT-01", "integration", "medium", "Webhooks are not signed", ("api", "webhook"), 2.5,
                 "it", "within-30-days", "Integration!D7"),
        _finding("C-INT-02", "integration", "low", "No sandbox environment", False, 1.0,
                 "marketing", "at-renewal", "Integration!D11"),
    )
    risk = RiskResult(
        profile="default@1.0.0", inherent=78.0, control_effectiveness=61.4, residual=52.3, tier="high",
        decision="reject", reassess_months=6,
        inherent_factors=(
            Contribution(rule_id="I-PERSONAL", points=20, reason="Holds personal data of customers",
                         provenance=(Provenance(kind="derived", ref="data.personal"), *_cell("Data!D4"))),
            Contribution(rule_id="I-REACH", points=12, reason="Reaches critical systems through integrations",
                         provenance=(Provenance(kind="graph", ref="graph:reach", detail="4 critical"),)),
        ),
        categories=(
            CategoryScore(id="security", title="Security", weight=40, effectiveness=55.0, controls_applied=8,
                          controls_met=5),
            CategoryScore(id="privacy", title="Privacy and data protection", weight=35, effectiveness=62.5,
                          controls_applied=6, controls_met=4),
            CategoryScore(id="integration", title="Integration", weight=25, effectiveness=80.0,
                          controls_applied=5, controls_met=4),
            CategoryScore(id="ai", title="AI features", weight=10, effectiveness=None, controls_applied=0,
                          controls_met=0),
        ),
        knockouts=(KnockoutHit(
            rule_id="K-SSO", reason="No single sign-on for a tool that holds customer data",
            remediation=Remediation(action="Vendor enables SAML single sign-on on our plan", owner="vendor",
                                    due="before-go-live"),
            provenance=_cell("Security!D3")),),
    )
    connections = (
        Connection(system_id="crm", system_name="Salesforce CRM", direction="bidirectional",
                   data_classes=("personal", "behavioural"), method="api", frequency="hourly",
                   criticality="critical", customer_facing=False, place="Integrations!B5"),
        Connection(system_id="web", system_name="Company website", direction="outbound",
                   data_classes=("behavioural",), method="tag", frequency="real-time", criticality="high",
                   customer_facing=True, place="Integrations!B6"),
        Connection(system_id="dwh", system_name="Data warehouse", direction="outbound",
                   data_classes=("personal",), method="file", frequency="daily", criticality="high",
                   customer_facing=False, place="Integrations!B7"),
        Connection(system_id="sso", system_name="Okta", direction="inbound", data_classes=(),
                   method="api", frequency="ad-hoc", criticality="critical", customer_facing=False,
                   place="Integrations!B8"),
    )
    graph = GraphSummary(
        inventory="inventory.yaml", systems_in_inventory=42, connections=connections,
        reachable=("crm", "web", "dwh", "sso", "erp", "shop"), critical_reachable=("crm", "sso", "erp"),
        customer_facing_reachable=("web", "shop"), duplicates=("mailchimp",), capability="email-marketing",
        provenance=(Provenance(kind="graph", ref="graph:reach", detail="inventory.yaml"),),
    )
    if answers is None:
        sections = ("Vendor profile", "Security", "Privacy", "Integration")
        answers = tuple(
            AnsweredQuestion(
                question_id=f"{section[:3].upper()}-{number:02d}", section=section,
                question=f"Question {number} of {section}: does the product meet control {number}?",
                answer=("Yes", "No", "Partial", "N/A")[number % 4],
                place=f"{section.split()[0]}!D{number + 3}",
                comment="See the attached SOC 2 report." if number % 3 == 0 else "",
            )
            for section in sections for number in range(1, 11)
        )
    return Assessment(
        assessment_id="RA-20261124-0A1B2C3D4E", created=CREATED,
        requested_by="Jane Doe, Marketing Operations",
        vendor=Vendor(legal_name=legal_name, product="Acme Journeys Enterprise",
                      domain="acme-journeys.example", country="Germany", founded=2012),
        inputs=(
            InputFile(role="questionnaire", name="acme-questionnaire.xlsx", sha256="ab" * 32),
            InputFile(role="inventory", name="inventory.yaml", sha256="cd" * 32),
            InputFile(role="profile", name="default.yaml", sha256="ef" * 32),
            InputFile(role="bank", name="martech-v1.yaml", sha256="01" * 32),
        ),
        versions=Versions(engine="0.1.0", bank="martech-v1@1.0.0", profile="default@1.0.0"),
        risk=risk, findings=findings, graph=graph, answers=answers,
        warnings=(Problem(place="Security!D14", message="answer is longer than expected", severity="warning",
                          question_id="SEC-11"),),
    )


def _reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in _reader(data).pages)


def _outline_titles(data: bytes) -> list[str]:
    titles: list[str] = []

    def walk(items: Sequence[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(str(item.title))  # type: ignore[attr-defined]

    walk(_reader(data).outline)
    return titles


@pytest.fixture(scope="module")
def full_pdf() -> bytes:
    return render_pdf(make_assessment())


def test_sections_appear_in_order_in_text_and_bookmarks(full_pdf: bytes) -> None:
    sections = load_wording().sections
    text = _text(full_pdf)
    position = 0
    for section in ("summary", "scores", "findings", "conditions", "dependencies", "appendix"):
        found = text.find(sections[section], position)
        assert found >= 0, f"section title {sections[section]!r} missing after position {position}"
        position = found
    top_level = [title for title in _outline_titles(full_pdf) if title in sections.values()]
    assert top_level == [sections[section] for section in
                         ("cover", "summary", "scores", "findings", "conditions", "dependencies", "appendix")]


def test_decision_scores_and_date_are_shown(full_pdf: bytes) -> None:
    wording = load_wording()
    text = _text(full_pdf)
    assert wording.decisions["reject"].badge in text
    assert "52.3 / 100" in text
    assert "24 November 2026" in text
    assert "RA-20261124-0A1B2C3D4E" in text
    assert "No single sign-on for a tool that holds customer data" in text


def test_every_body_page_has_header_and_page_numbers(full_pdf: bytes) -> None:
    pages = _reader(full_pdf).pages
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {len(pages)}" in text
        if number > 1:
            assert "RA-20261124-0A1B2C3D4E" in text
            assert "Acme Journeys GmbH" in text


def test_metadata_comes_from_the_assessment(full_pdf: bytes) -> None:
    metadata = _reader(full_pdf).metadata
    assert metadata is not None
    assert metadata.author == "riskengine"
    assert metadata.creator == "riskengine 0.1.0"
    assert metadata.title is not None and "Acme Journeys GmbH" in metadata.title
    assert metadata.creation_date is not None
    assert metadata.creation_date.replace(tzinfo=dt.UTC) == CREATED


def test_two_renders_are_byte_identical(full_pdf: bytes) -> None:
    assert render_pdf(make_assessment()) == full_pdf


def test_bytes_depend_on_the_assessment_not_the_environment(full_pdf: bytes,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    assert render_pdf(make_assessment()) == full_pdf
    later = make_assessment().model_copy(update={"created": CREATED + dt.timedelta(days=1)})
    assert render_pdf(later) != full_pdf


def test_hostile_text_renders_literally() -> None:
    hostile = (
        HOSTILE_MARKUP,
        "שלום עולם",
        "مرحبا بالعالم",
        "Launch 🚀 now",
        "lorem ipsum " * 500,  # 6,000 characters
        LONG_TOKEN,
        "nul\x00 and bell\x07 and a\nnew line",
    )
    answers = tuple(
        AnsweredQuestion(question_id=f"SEC-{index:02d}", section="Security <script>", question=text,
                         answer=text, place=f"Security!D{index}", comment=text)
        for index, text in enumerate(hostile, start=1)
    )
    data = render_pdf(make_assessment(answers=answers, legal_name="Evil & <b>Co</b> 🚀"))
    text = _text(data)
    assert "<b>bold</b>" in text
    assert HOSTILE_MARKUP in " ".join(text.split())  # wrapped across lines, but whole and literal
    assert "Evil & <b>Co</b>" in text
    assert "Security <script>" in text
    assert "…" in text  # the 6,000-character answer is cut
    assert text.count("lorem") < 400  # question, answer and comment each capped, not 3 x 500 words
    assert "a1b2c3d4a1b2c3d4" in text  # the long token is split across lines, not dropped


def test_marketing_audience_leaves_out_technical_sections() -> None:
    sections = load_wording().sections
    data = render_pdf(make_assessment(), audience="marketing")
    titles = _outline_titles(data)
    assert sections["conditions"] in titles
    assert sections["findings"] not in titles
    lines = {line.strip() for line in _text(data).splitlines()}
    assert sections["conditions"] in lines
    assert sections["findings"] not in lines  # the heading; "Findings by severity" in the summary stays
    assert sections["appendix"] not in lines
    full_lines = {line.strip() for line in _text(render_pdf(make_assessment())).splitlines()}
    assert sections["findings"] in full_lines


def test_it_audience_leaves_out_conditions() -> None:
    sections = load_wording().sections
    titles = _outline_titles(render_pdf(make_assessment(), audience="it"))
    assert sections["findings"] in titles
    assert sections["conditions"] not in titles


def test_unknown_audience_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown audience 'board'"):
        render_pdf(make_assessment(), audience="board")


def test_without_inventory_the_dependencies_section_says_so() -> None:
    assessment = make_assessment().model_copy(update={"graph": None})
    text = re.sub(r"\s+", " ", _text(render_pdf(assessment)))
    assert re.sub(r"\s+", " ", load_wording().dependencies.no_inventory) in text


def test_category_without_controls_is_not_charted_but_named(full_pdf: bytes) -> None:
    text = _text(full_pdf)
    assert "not applicable" in text
    assert "AI features" in text


def test_wording_with_an_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    shipped = data_path("templates", "report.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "report.yaml"
    broken.write_text(shipped.replace("Reassess this vendor within {months}", "Reassess within {weeks}"),
                      encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_wording(broken)
    problem = caught.value.problems[0]
    assert "unknown placeholder {weeks}" in problem.message
    assert "{months}" in problem.message
    assert problem.place.startswith(f"{broken}:")
