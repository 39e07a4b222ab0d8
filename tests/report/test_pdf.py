"""The PDF report: real renders read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from pathlib import Path

import pypdf
import pytest

from riskengine.assessment import AnsweredQuestion, Assessment, InputFile, Vendor, Versions
from riskengine.enrich.evidence import Evidence, Kind, Status, make_evidence
from riskengine.enrich.gather import EvidenceSet, all_checks
from riskengine.errors import ConfigurationError, Problem, UsageError
from riskengine.facts import FactValue, Provenance
from riskengine.inventory.analysis import (
    Centrality,
    Connection,
    DataPath,
    Dependent,
    EffortRange,
    GraphFindings,
    IntegrationEffort,
)
from riskengine.inventory.graph import VENDOR
from riskengine.pipeline import default_policy
from riskengine.report import render_pdf
from riskengine.report.wording import AudienceSpec, SectionId, load_glossary, load_wording
from riskengine.resources import data_path
from riskengine.score.profile import Decision, Due, Owner, Remediation, Severity, Tier
from riskengine.score.result import (
    Borderline,
    CategoryScore,
    Condition,
    ConditionGroup,
    Contribution,
    Finding,
    KnockoutHit,
    MissingAnswer,
    RiskResult,
    WhatIf,
)
from riskengine.tco.assumptions import load_assumptions
from riskengine.tco.result import TcoResult
from riskengine.tco.simulation import total_cost_of_ownership
from tests.tco.factory import make_inputs

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


def _condition(source: Finding | KnockoutHit) -> Condition:
    """The condition the engine makes of a finding or a knockout (a knockout's counts as critical)."""
    remediation = source.remediation
    return Condition(action=remediation.action, owner=remediation.owner, due=remediation.due,
                     effort=remediation.effort, rule_ids=(source.rule_id,),
                     severity=source.severity if isinstance(source, Finding) else "critical",
                     knockout=isinstance(source, KnockoutHit))


def _group(owner: Owner, due: Due, *conditions: Condition) -> ConditionGroup:
    return ConditionGroup(owner=owner, due=due, conditions=conditions)


def _what_if(target: str, rule_ids: tuple[str, ...], findings: Sequence[Finding], knockout: KnockoutHit,
             *, residual: float, tier: Tier, decision: Decision, reachable: bool = True,
             note: str = "") -> WhatIf:
    actions = {finding.rule_id: finding.remediation.action for finding in findings}
    actions[knockout.rule_id] = knockout.remediation.action
    return WhatIf(target=target, reachable=reachable, rule_ids=rule_ids,
                  actions=tuple(actions[rule_id] for rule_id in rule_ids), residual=residual, tier=tier,
                  decision=decision, note=note)


def _effort(connection: Connection, low: float, likely: float, high: float) -> IntegrationEffort:
    return IntegrationEffort(
        system_id=connection.system_id, method=connection.method, direction=connection.direction,
        data_classes=connection.data_classes, hours=EffortRange(low=low, likely=likely, high=high),
        basis=f"{connection.method} 16/32/72 h x 1 ({connection.direction}) x 1.50 (data classes)")


def make_graph(connections: tuple[Connection, ...], *, dependents: tuple[Dependent, ...] | None = None,
               **changes: object) -> GraphFindings:
    """The graph findings of the sample: the 4 connections, 7 systems downstream, 4 integrations to build."""
    if dependents is None:
        dependents = (
            Dependent(system_id="crm", name="Salesforce CRM", criticality="critical", customer_facing=False,
                      depth=1, path=(VENDOR, "crm")),
            Dependent(system_id="dwh", name="Data warehouse", criticality="high", customer_facing=False, depth=1,
                      path=(VENDOR, "dwh")),
            Dependent(system_id="web", name="Company website", criticality="high", customer_facing=True, depth=1,
                      path=(VENDOR, "web")),
            Dependent(system_id="erp", name="SAP S/4HANA", criticality="critical", customer_facing=False,
                      depth=2, path=(VENDOR, "dwh", "erp")),
            Dependent(system_id="shop", name="Web shop", criticality="high", customer_facing=True, depth=2,
                      path=(VENDOR, "web", "shop")),
            Dependent(system_id="bi", name="Power BI", criticality="medium", customer_facing=False, depth=2,
                      path=(VENDOR, "dwh", "bi")),
            Dependent(system_id="ads", name="Google Ads", criticality="low", customer_facing=False, depth=3,
                      path=(VENDOR, "web", "shop", "ads")),
        )
        # each one's share of the blast score, as the analysis gives it: criticality (1-4) over distance
        weight = {"low": 1, "medium": 2, "high": 3, "critical": 4}
        dependents = tuple(d.model_copy(update={"adds": weight[d.criticality] / d.depth}) for d in dependents)
    hours = {"crm": (24.0, 48.0, 108.0), "web": (4.0, 8.0, 20.0), "dwh": (12.0, 30.0, 72.0),
             "sso": (16.0, 32.0, 72.5)}
    effort = tuple(_effort(connection, *hours.get(connection.system_id, (8.0, 16.0, 40.0)))
                   for connection in connections)
    findings = GraphFindings(
        inventory="inventory.yaml", organisation="Acme Retail", systems_in_inventory=42,
        integrations_in_inventory=57, capability="email-marketing", connections=connections,
        data_in=(DataPath(data_class="personal", path=("crm", VENDOR)),
                 DataPath(data_class="personal", path=("hris", "crm", VENDOR))),
        data_through=(DataPath(data_class="behavioural", path=(VENDOR, "web")),
                      DataPath(data_class="personal", path=(VENDOR, "dwh", "erp"))),
        dependents=dependents, blast_score=round(sum(d.adds for d in dependents), 2), blast_score_max=110.0,
        critical_dependents=tuple(d.system_id for d in dependents if d.criticality in ("critical", "high")),
        customer_facing_dependents=tuple(d.system_id for d in dependents if d.customer_facing),
        cut_vertex=True, separated_groups=(("crm", "sso"), ("dwh", "web")),
        new_department_links=(("Finance", "Marketing"),),
        centrality=Centrality(degree=4, degree_percentile=82.9, betweenness=0.1234, betweenness_rank=2,
                              method="exact (Brandes) on the undirected graph with the tool added"),
        duplicates=("Mailchimp",), shadow_it=("Sendinblue (marketing team account)",), effort=effort,
        effort_total=EffortRange(low=sum(e.hours.low for e in effort), likely=sum(e.hours.likely for e in effort),
                                 high=sum(e.hours.high for e in effort)),
        provenance=(Provenance(kind="graph", ref="graph:inventory.yaml", detail="4 proposed integrations"),),
    )
    return findings.model_copy(update=changes)


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
    knockout = KnockoutHit(
        rule_id="K-SSO", reason="No single sign-on for a tool that holds customer data",
        remediation=Remediation(action="Vendor enables SAML single sign-on on our plan", owner="vendor",
                                due="before-go-live", effort="high"),
        provenance=_cell("Security!D3"))
    by_rule = {finding.rule_id: finding for finding in findings}
    risk = RiskResult(
        profile="default@1.0.0", inherent=78.0, control_effectiveness=61.4, residual=52.3, tier="high",
        score_tier="high", decision="reject", reassess_months=6, reassess_by="2027-05-24",
        inherent_factors=(
            Contribution(rule_id="I-PERSONAL", points=20, reason="Holds personal data of customers",
                         provenance=(Provenance(kind="derived", ref="data.personal"), *_cell("Data!D4"))),
            Contribution(rule_id="I-REACH", points=12, reason="Reaches critical systems through integrations",
                         provenance=(Provenance(kind="graph", ref="graph:reach", detail="4 critical"),)),
        ),
        categories=(
            CategoryScore(id="security", title="Security", weight=40, effectiveness=55.0, controls_applied=8,
                          controls_met=5, earned=11.0, possible=20.0),
            CategoryScore(id="privacy", title="Privacy and data protection", weight=35, effectiveness=62.5,
                          controls_applied=6, controls_met=4, earned=7.5, possible=12.0),
            CategoryScore(id="integration", title="Integration", weight=25, effectiveness=80.0,
                          controls_applied=5, controls_met=4, earned=8.0, possible=10.0),
            CategoryScore(id="ai", title="AI features", weight=10, effectiveness=None, controls_applied=0,
                          controls_met=0),
        ),
        knockouts=(knockout,),
        # as the engine groups them: owner order (it, marketing, vendor, compliance), then due point
        conditions=(
            _group("it", "within-30-days", _condition(by_rule["C-SEC-02"])),
            _group("vendor", "before-go-live", _condition(knockout), _condition(by_rule["C-SEC-01"])),
            _group("compliance", "before-go-live", _condition(by_rule["C-PRV-01"])),
        ),
        recommendations=(
            _group("it", "within-30-days", _condition(by_rule["C-INT-01"])),
            _group("marketing", "at-renewal", _condition(by_rule["C-INT-02"])),
            _group("compliance", "within-90-days", _condition(by_rule["C-PRV-02"])),
        ),
        what_if=(
            _what_if("tier:medium", ("C-SEC-01", "C-PRV-01", "C-SEC-02"), findings, knockout, residual=38.0,
                     tier="medium", decision="reject"),
            _what_if("decision:approve_with_conditions", ("K-SSO", "C-SEC-01"), findings, knockout,
                     residual=40.1, tier="high", decision="approve_with_conditions"),
            _what_if("decision:approve", ("K-SSO", "C-SEC-01", "C-PRV-01", "C-SEC-02", "C-INT-01", "C-PRV-02"),
                     findings, knockout, residual=33.2, tier="medium", decision="approve_with_conditions",
                     reachable=False, note="not reachable by remediations alone: the inherent risk is too high"),
        ),
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
    graph = make_graph(connections)
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
    for section in ("summary", "scores", "findings", "conditions", "dependencies", "tco", "evidence", "scorecard",
                    "glossary", "inputs", "signoff", "appendix"):
        found = text.find(sections[section], position)
        assert found >= 0, f"section title {sections[section]!r} missing after position {position}"
        position = found
    top_level = [title for title in _outline_titles(full_pdf) if title in sections.values()]
    assert top_level == [sections[section] for section in
                         ("cover", "summary", "scores", "findings", "conditions", "dependencies", "tco",
                          "evidence", "scorecard", "glossary", "inputs", "signoff", "appendix")]


def test_decision_scores_and_date_are_shown(full_pdf: bytes) -> None:
    wording = load_wording()
    text = _flat(_text(full_pdf))
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
    assert sections["evidence"] not in titles
    full_lines = {line.strip() for line in _text(render_pdf(make_assessment())).splitlines()}
    assert sections["findings"] in full_lines


def test_it_audience_has_conditions_and_signoff_but_no_cost_or_appendix() -> None:
    sections = load_wording().sections
    titles = _outline_titles(render_pdf(make_assessment(), audience="it"))
    for section in ("findings", "conditions", "dependencies", "evidence", "signoff"):
        assert sections[section] in titles
    for section in ("tco", "appendix", "glossary", "inputs"):
        assert sections[section] not in titles


def test_unknown_audience_is_refused() -> None:
    with pytest.raises(UsageError, match="unknown audience 'board'"):
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


def _flat(text: str) -> str:
    return " ".join(text.split())


def _section_text(data: bytes, section: SectionId, end: str) -> str:
    """The text of ``section`` (from its heading, a line of its own) up to ``end``, whitespace collapsed."""
    raw = _text(data)
    start = raw.index(f"\n{load_wording().sections[section]}\n")
    text = _flat(raw[start:])
    return text[:text.index(end)]


def _summary_text(data: bytes) -> str:
    return _section_text(data, "summary", f"{load_wording().sections['scores']} ")


def _conditions_text(data: bytes) -> str:
    return _section_text(data, "conditions", load_wording().dependencies.diagram_intro[:40])


def _with_conditions(assessment: Assessment) -> Assessment:
    """The assessment approved with conditions: no knockout, its other conditions kept."""
    risk = assessment.risk
    groups = tuple(group.model_copy(update={"conditions": tuple(c for c in group.conditions if not c.knockout)})
                   for group in risk.conditions)
    risk = risk.model_copy(update={"decision": "approve_with_conditions", "knockouts": (),
                                   "conditions": tuple(group for group in groups if group.conditions)})
    return assessment.model_copy(update={"risk": risk})


def _approved(assessment: Assessment) -> Assessment:
    """The assessment approved in the Low tier without conditions (its milder findings recommended)."""
    risk = assessment.risk.model_copy(update={"decision": "approve", "tier": "low", "knockouts": (),
                                              "conditions": (), "what_if": (), "reassess_months": 24,
                                              "reassess_by": "2028-11-24"})
    return assessment.model_copy(update={"risk": risk})


# --- summary, conditions, recommendations, what-if ---


def test_summary_lists_only_the_conditions_due_before_go_live() -> None:
    wording = load_wording()
    text = _summary_text(render_pdf(_with_conditions(make_assessment())))
    before = text[text.index(wording.summary.before_go_live_intro):]
    # the two conditions due before go-live, most severe first, with owner and rule id
    assert ("CRITICAL Fix: No multi-factor authentication for admins C-SEC-01 Vendor HIGH Fix: Customer data used "
            "to train AI models C-PRV-01 Compliance") in before
    assert "HIGH Fix: Customer data used to train AI models C-PRV-01 Compliance" in before
    # a condition due later is counted, recommendations are not listed
    assert "Fix: Audit logs cannot be exported" not in before
    assert wording.summary.conditions_later.format(count=1) in before
    for recommendation in ("Fix: Webhooks are not signed", "Fix: Sub-processor changes not notified"):
        assert recommendation not in text


def test_summary_gives_the_reassessment_date(full_pdf: bytes) -> None:
    text = _summary_text(full_pdf)
    assert "Reassess by 24 May 2027 (6 months, set by the High tier)." in text


def test_summary_without_a_reassessment_date_gives_the_interval() -> None:
    base = make_assessment()
    assessment = base.model_copy(update={"risk": base.risk.model_copy(update={"reassess_by": ""})})
    text = _summary_text(render_pdf(assessment))
    assert load_wording().summary.reassess.format(months=6, tier="High") in text


def test_approval_without_conditions_says_so_plainly() -> None:
    wording = load_wording()
    data = render_pdf(_approved(make_assessment()))
    summary = _summary_text(data)
    assert _flat(wording.summary.no_conditions) in summary
    assert "No conditions: recommendations below are advisable, not required." in summary
    assert "MEDIUM Fix: Webhooks are not signed C-INT-01 IT Within 30 days" in summary
    assert "Reassess by 24 November 2028 (24 months, set by the Low tier)." in summary
    conditions = _conditions_text(data)
    assert _flat(wording.conditions.none_approved) in conditions
    assert _flat(wording.conditions.what_if_best) in conditions
    assert wording.conditions.knockouts_title not in conditions


def test_approval_without_conditions_or_recommendations() -> None:
    base = _approved(make_assessment())
    assessment = base.model_copy(update={"risk": base.risk.model_copy(update={"recommendations": ()})})
    data = render_pdf(assessment)
    wording = load_wording()
    assert _flat(wording.summary.no_conditions_or_recommendations) in _summary_text(data)
    assert _flat(wording.conditions.no_recommendations) in _conditions_text(data)


def test_conditions_section_lists_knockouts_then_conditions_by_owner_and_due(full_pdf: bytes) -> None:
    wording = load_wording().conditions
    text = _conditions_text(full_pdf)
    knockouts = text.index(wording.knockouts_title)
    conditions = text.index(wording.conditions_title_reconsidered)
    recommendations = text.index(wording.recommendations_title)
    what_if = text.index(wording.what_if_title)
    assert knockouts < conditions < recommendations < what_if
    assert wording.conditions_title not in text  # a rejected tool has no conditions of approval yet
    # the knockout: reason, rule id, its source, what must change, owner, due
    assert ("No single sign-on for a tool that holds customer data K-SSO Source: Security!D3 Vendor enables SAML "
            "single sign-on on our plan Vendor Before go-live") in text[knockouts:conditions]
    # the knockout's remediation is listed once, among the knockouts, not again as a condition
    assert text[:what_if].count("Vendor enables SAML single sign-on on our plan") == 1
    # a condition row: under its group's owner and due point, with rule id, severity tag and effort
    section = text[conditions:recommendations]
    assert ("Vendor · Before go-live Severity Effort Fix: No multi-factor authentication for admins C-SEC-01 "
            "CRITICAL Medium") in section
    assert "IT · Within 30 days Severity Effort Fix: Audit logs cannot be exported C-SEC-02 HIGH Medium" in section
    # groups in the engine's order
    positions = [section.index(group) for group in ("IT · Within 30 days", "Vendor · Before go-live",
                                                   "Compliance · Before go-live")]
    assert positions == sorted(positions)
    assert "Fix: Webhooks are not signed" not in section


def test_recommendations_have_the_same_shape_after_the_conditions(full_pdf: bytes) -> None:
    wording = load_wording().conditions
    text = _conditions_text(full_pdf)
    section = text[text.index(wording.recommendations_title):text.index(wording.what_if_title)]
    assert _flat(wording.recommendations_intro) in section
    assert "IT · Within 30 days Severity Effort Fix: Webhooks are not signed C-INT-01 MEDIUM Medium" in section
    assert "Marketing · At renewal Severity Effort Fix: No sandbox environment C-INT-02 LOW Medium" in section
    assert "Fix: Audit logs cannot be exported" not in section


def test_what_if_gives_the_fixes_and_where_they_lead(full_pdf: bytes) -> None:
    wording = load_wording().conditions
    text = _conditions_text(full_pdf)
    section = text[text.index(wording.what_if_title):]
    assert ("To move down to the Medium tier, fix these 3: 1. Fix: No multi-factor authentication for admins "
            "C-SEC-01 2. Fix: Customer data used to train AI models C-PRV-01 3. Fix: Audit logs cannot be "
            "exported C-SEC-02 Then: residual risk 38.0 / 100, Medium tier, still rejected.") in section
    assert ("To be approved with conditions, fix these 2: 1. Vendor enables SAML single sign-on on our plan K-SSO "
            "2. Fix: No multi-factor authentication for admins C-SEC-01 Then: residual risk 40.1 / 100, High "
            "tier, approved with conditions.") in section
    # out of reach: the engine's note, and where all the fixes would lead
    assert ("To be approved without conditions: Not reachable by remediations alone: the inherent risk is too "
            "high. Even with all 6 fixes: residual risk 33.2 / 100, Medium tier, approved with conditions.") in section


def test_a_long_what_if_shows_twelve_fixes_and_counts_the_rest() -> None:
    base = make_assessment()
    rule_ids = tuple(f"C-GAP-{number:02d}" for number in range(1, 52))
    scenario = WhatIf(target="decision:approve", reachable=True, rule_ids=rule_ids,
                      actions=tuple(f"Close gap number {number:02d}" for number in range(1, 52)), residual=20.0,
                      tier="low", decision="approve")
    assessment = base.model_copy(update={"risk": base.risk.model_copy(update={"what_if": (scenario,)})})
    text = _conditions_text(render_pdf(assessment))
    assert "To be approved without conditions, fix these 51:" in text
    assert "12. Close gap number 12 C-GAP-12" in text
    assert "Close gap number 13" not in text
    assert "see the JSON" not in text  # no dead end on paper: the rest are named, and where their fixes are
    hidden = ", ".join(f"C-GAP-{number:02d}" for number in range(13, 52))
    assert (f"… and 39 more, the fixes of {hidden}: each is listed above with its rule, under the conditions of "
            "approval or the recommendations.") in text
    assert "Then: residual risk 20.0 / 100, Low tier, approved." in text


def test_one_fix_reads_in_the_singular() -> None:
    base = make_assessment()
    scenario = WhatIf(target="tier:medium", reachable=True, rule_ids=("C-SEC-01",),
                      actions=("Fix: No multi-factor authentication for admins",), residual=38.0, tier="medium",
                      decision="reject")
    assessment = base.model_copy(update={"risk": base.risk.model_copy(update={"what_if": (scenario,)})})
    text = _conditions_text(render_pdf(assessment))
    assert "To move down to the Medium tier, fix this one: 1. Fix: No multi-factor" in text


def test_condition_and_what_if_text_renders_literally() -> None:
    base = _with_conditions(make_assessment())
    condition = Condition(action=HOSTILE_MARKUP, owner="it", due="before-go-live", effort="low",
                          rule_ids=("C-<X>",), severity="high")
    scenario = WhatIf(target="decision:approve", reachable=False, rule_ids=(), actions=(), residual=50.0,
                      tier="high", decision="reject", note="<i>never</i> & ever")
    risk = base.risk.model_copy(update={"conditions": (_group("it", "before-go-live", condition),),
                                        "what_if": (scenario,)})
    data = render_pdf(base.model_copy(update={"risk": risk}))
    assert f"{HOSTILE_MARKUP} C-<X>" in _summary_text(data)
    text = _conditions_text(data)
    assert f"{HOSTILE_MARKUP} C-<X> HIGH Low" in text
    assert "To be approved without conditions: <i>never</i> & ever." in text


# --- what each decision says: rejection, more information needed, borderline ---


def test_a_rejection_says_what_must_change_to_be_reconsidered(full_pdf: bytes) -> None:
    wording = load_wording()
    summary = _summary_text(full_pdf)
    section = summary[summary.index(wording.summary.reconsider_title):]
    assert _flat(wording.summary.reconsider_intro) in section
    assert ("No single sign-on for a tool that holds customer data K-SSO Vendor enables SAML single sign-on on our "
            "plan Vendor") in section
    assert wording.summary.reconsider_also.format(count=3) in section  # C-SEC-01, C-SEC-02, C-PRV-01
    # nothing about going live: a rejected tool is not switched on
    assert _flat(wording.summary.before_go_live_intro) not in summary
    assert f" {wording.summary.before_go_live} " not in summary
    assert "before the tool is switched on" not in summary
    # the tier the knockouts set, and the score behind it
    assert wording.summary.score_knockout_same.format(residual="52.3", tier="High") in summary


def test_a_knockout_that_raises_the_tier_says_so() -> None:
    base = make_assessment()
    risk = base.risk.model_copy(update={"tier": "critical", "score_tier": "high"})
    summary = _summary_text(render_pdf(base.model_copy(update={"risk": risk})))
    assert ("Risk tier Critical, set by the knockouts; the residual risk of 52.3 out of 100 alone gives High."
            in summary)


def test_an_open_severe_gap_that_raises_the_tier_says_so() -> None:
    """No knockout: the tier is the score's, raised to the floor of the worst open gap (critical: high)."""
    base = make_assessment()
    risk = base.risk.model_copy(update={"knockouts": (), "tier": "high", "score_tier": "medium",
                                        "decision": "approve_with_conditions"})
    summary = _summary_text(render_pdf(base.model_copy(update={"risk": risk})))
    assert ("Residual risk is 52.3 out of 100, which alone gives the Medium tier; the tool is in the High risk tier "
            "because a gap that severe is still open (the findings below).") in summary
    assert "which places the tool in the High risk tier" not in summary


def test_a_rejection_by_the_score_alone_names_the_tier_to_leave() -> None:
    base = make_assessment()
    risk = base.risk.model_copy(update={"knockouts": (), "tier": "critical", "score_tier": "critical"})
    data = render_pdf(base.model_copy(update={"risk": risk}))
    wording = load_wording()
    summary = _summary_text(data)
    assert _flat(wording.summary.reconsider_score.format(tier="Critical")) in summary
    assert "Residual risk is 52.3 out of 100, which places the tool in the Critical risk tier." in summary
    # every condition (the K-SSO one is a knockout's, left out here) would still apply
    assert wording.summary.reconsider_also.format(count=3) in summary
    conditions = _conditions_text(data)
    assert _flat(wording.conditions.reconsider_score.format(tier="Critical")) in conditions


def _finding_card(data: bytes, rule_id: str) -> str:
    """The text of one finding's card in the Findings section, up to the next card's severity tag."""
    text = _section_text(data, "findings", f"{load_wording().sections['conditions']} ")
    start = text.index(f" {rule_id} ")
    ends = [text.find(f" {tag} ", start) for tag in ("CRITICAL", "HIGH", "MEDIUM", "LOW")]
    return text[start:min([end for end in ends if end > 0] or [len(text)])]


def test_a_gap_behind_a_knockout_shows_the_knockouts_remediation_once() -> None:
    base = make_assessment()
    findings = tuple(finding.model_copy(update={"knockout": "K-SSO"}) if finding.rule_id == "C-SEC-01" else finding
                     for finding in base.findings)
    data = render_pdf(base.model_copy(update={"findings": findings}))
    wording = load_wording().findings
    card = _finding_card(data, "C-SEC-01")
    assert "Vendor enables SAML single sign-on on our plan (owner: Vendor; due: Before go-live)" in card
    assert wording.causes_knockout.format(knockout="K-SSO").rstrip(".") in card
    assert "Fix: No multi-factor authentication for admins (owner" not in card  # its own remediation gives way
    summary = _summary_text(data)
    assert load_wording().summary.other_top_findings in summary
    assert "No multi-factor authentication for admins" not in summary  # the knockout says it already


def test_a_requirement_shows_no_points_and_who_can_fix_it() -> None:
    base = make_assessment()
    requirement = Finding(
        rule_id="REQ-CRITICAL-REACH", kind="requirement", category="integration", severity="high",
        title="Reaches systems of high or critical importance",
        plain="A failure at the vendor could reach systems the business cannot do without.",
        technical="IT must approve the integration design.",
        remediation=Remediation(action="IT reviews the integration with critical systems", owner="it",
                                due="before-go-live"),
        answer=None, points_lost=0.0, fixable_by="nobody",
        provenance=(Provenance(kind="graph", ref="graph:inventory.yaml", detail="critical dependents"),))
    data = render_pdf(base.model_copy(update={"findings": (*base.findings, requirement)}))
    wording = load_wording().findings
    card = _finding_card(data, "REQ-CRITICAL-REACH")
    assert _flat(wording.requirement_points) in card
    assert "0.0 of 100" not in card
    assert wording.vendor_answer not in card  # a requirement reads no answer: no "(blank)" to mislead
    assert _flat(wording.fixers["nobody"]) in card
    assert "9.5 of 100 control effectiveness" in _finding_card(data, "C-SEC-01")
    assert wording.fixers["vendor"] in _finding_card(data, "C-SEC-01")


def test_what_if_names_its_route_marks_our_fixes_and_says_what_blocks_it() -> None:
    base = make_assessment()
    ours = WhatIf(target="tier:medium", route="with_our_side", reachable=True, rule_ids=("C-SEC-01", "C-INT-02"),
                  actions=("Fix: No multi-factor authentication for admins", "Retire the duplicate tool"),
                  our_side=("C-INT-02",), residual=38.0, tier="medium", decision="reject")
    blocked = WhatIf(target="decision:approve", reachable=False, rule_ids=("C-SEC-01",),
                     actions=("Fix: No multi-factor authentication for admins",), blocked_by=("C-INT-02",),
                     residual=45.0, tier="high", decision="approve_with_conditions",
                     note="needs C-INT-02 fixed, which this route cannot change")
    findings = tuple(finding.model_copy(update={"fixable_by": "ours"}) if finding.rule_id == "C-INT-02" else finding
                     for finding in base.findings)
    risk = base.risk.model_copy(update={"what_if": (ours, blocked)})
    text = _conditions_text(render_pdf(base.model_copy(update={"risk": risk, "findings": findings})))
    wording = load_wording().conditions
    section = text[text.index(wording.what_if_title):]
    assert (f"{wording.routes['with_our_side'].upper()} To move down to the Medium tier, fix these 2: 1. Fix: No "
            f"multi-factor authentication for admins C-SEC-01 2. Retire the duplicate tool C-INT-02 "
            f"{wording.our_side}") in section
    assert (f"{wording.routes['vendor'].upper()} To be approved without conditions: Blocked by C-INT-02, No sandbox "
            "environment: only our side can change it. Even with all 1 fixes") in section
    assert "which this route cannot change" not in section  # the blocked line says it in full


def _missing(count: int) -> tuple[MissingAnswer, ...]:
    """``count`` missing answers: the first not in the questionnaire at all, the second an N/A refused."""
    answers = [MissingAnswer(fact="answer.PRV-01", question_id="PRV-01", label="Do you offer a GDPR Art. 28 DPA?",
                             place="", why="not answered", rule_ids=("KO-NO-DPA", "PRV-DPA")),
               MissingAnswer(fact="answer.SEC-02", question_id="SEC-02", label="Is MFA enforced for administrators?",
                             place="Security!D6", why="N/A not accepted: every tool has administrators",
                             rule_ids=("SEC-MFA-ADMIN",))]
    answers += [MissingAnswer(fact=f"answer.DAT-{number:02d}", question_id=f"DAT-{number:02d}",
                              label=f"Data question number {number}?", place=f"Data handled!D{number + 4}",
                              why="left blank", rule_ids=("KO-NO-TRANSFER-MECHANISM",))
                for number in range(1, count - 1)]
    return tuple(answers[:count])


def _waiting(count: int = 9) -> Assessment:
    """The assessment waiting for ``count`` answers: no knockout, the conditions found so far kept."""
    base = _with_conditions(make_assessment())
    risk = base.risk.model_copy(update={"decision": "more_information_needed", "missing": _missing(count),
                                        "what_if": (), "tier": "medium", "score_tier": "medium"})
    return base.model_copy(update={"risk": risk})


@pytest.fixture(scope="module")
def waiting_pdf() -> bytes:
    return render_pdf(_waiting())


def test_more_information_needed_summary_lists_the_first_answers_with_their_cells(waiting_pdf: bytes) -> None:
    wording = load_wording()
    text = _summary_text(waiting_pdf)
    assert wording.decisions["more_information_needed"].badge in text
    section = text[text.index(wording.summary.missing_title):]
    assert _flat(wording.summary.missing_intro) in section
    assert (f"PRV-01 Do you offer a GDPR Art. 28 DPA? {wording.conditions.not_in_questionnaire} Not answered "
            "KO-NO-DPA, PRV-DPA") in section
    assert ("SEC-02 Is MFA enforced for administrators? Security!D6 N/A not accepted: every tool has administrators "
            "SEC-MFA-ADMIN") in section
    assert "DAT-04 Data question number 4? Data handled!D8 Left blank" in section  # the sixth
    assert "DAT-05" not in section  # the seventh waits in the Conditions section
    assert wording.summary.missing_more.format(count=3) in section
    assert "see the JSON" not in section
    assert wording.summary.missing_conditions.format(count=3) in section
    # the score is provisional, no go-live, no reassessment date before a decision
    assert wording.summary.score_pending.format(residual="52.3", tier="Medium") in text
    assert _flat(wording.summary.before_go_live_intro) not in text
    assert _flat(wording.summary.reassess_pending) in text


def test_a_report_without_conditions_lists_every_missing_answer_in_the_summary() -> None:
    """An audience without a Conditions section has nowhere to point to: its summary lists them all."""
    wording = load_wording()
    brief = AudienceSpec(label="Brief", sections=("cover", "summary", "scores"))
    policy = default_policy().model_copy(update={"wording": wording.model_copy(
        update={"audiences": {**wording.audiences, "brief": brief}})})
    text = _summary_text(render_pdf(_waiting(), audience="brief", policy=policy))
    assert "DAT-07 Data question number 7? Data handled!D11 Left blank" in text
    assert wording.summary.missing_more.format(count=3) not in text


def test_more_information_needed_conditions_list_every_missing_answer_first(waiting_pdf: bytes) -> None:
    wording = load_wording().conditions
    text = _conditions_text(waiting_pdf)
    missing, found = text.index(wording.missing_title), text.index(wording.conditions_title_pending)
    assert missing < found < text.index(wording.recommendations_title)
    table = text[missing:found]
    assert f"{wording.question_id} {wording.question} {wording.place} {wording.why} {wording.needed_by}" in table
    assert f"PRV-01 Do you offer a GDPR Art. 28 DPA? {wording.not_in_questionnaire} Not answered KO-NO-DPA PRV-DPA" \
        in table
    for number in range(1, 8):
        assert f"DAT-{number:02d} Data question number {number}? Data handled!D{number + 4} Left blank" in table
    assert wording.conditions_title not in text
    assert _flat(wording.what_if_pending) in text


def test_more_information_needed_has_nothing_to_sign_yet(waiting_pdf: bytes) -> None:
    wording = load_wording()
    text = _section_text(waiting_pdf, "signoff", f"{wording.sections['appendix']} ")
    assert _flat(wording.signoff.pending) in text
    assert wording.signoff.conditions_accepted not in text and wording.signoff.signature not in text
    cover = _flat(_reader(waiting_pdf).pages[0].extract_text())
    assert wording.cover.badge_tier_pending.format(tier="Medium") in cover


@pytest.mark.parametrize(("residual", "distance", "threshold", "other", "expected"), [
    (19.2, -0.8, 20.0, "medium", "Borderline: the residual 19.2 is 0.8 below the Medium tier's threshold of 20; one "
                                 "answer could move it across. Medium would mean approval with conditions."),
    (21.5, 1.5, 20.0, "low", "Borderline: the residual 21.5 is only 1.5 above the Medium tier's threshold of 20; one "
                             "answer could move it back to Low. Low would mean approval."),
    (20.0, 0.0, 20.0, "low", "Borderline: the residual 20.0 is exactly the Medium tier's threshold of 20; one answer "
                             "could move it back to Low. Low would mean approval."),
])
def test_a_borderline_residual_is_said_after_the_score(residual: float, distance: float, threshold: float,
                                                       other: Tier, expected: str) -> None:
    base = _with_conditions(make_assessment())
    tier: Tier = "low" if distance < 0 else "medium"
    decision: Decision = "approve" if tier == "low" else "approve_with_conditions"
    other_decision: Decision = "approve_with_conditions" if other == "medium" else "approve"
    risk = base.risk.model_copy(update={
        "residual": residual, "tier": tier, "score_tier": tier, "decision": decision,
        "borderline": Borderline(threshold=threshold, distance=distance, other_tier=other,
                                 other_decision=other_decision)})
    text = _summary_text(render_pdf(base.model_copy(update={"risk": risk})))
    score = load_wording().summary.score.format(residual=f"{residual:.1f}", tier=tier.capitalize())
    assert f"{score} {expected}" in text


def test_a_borderline_that_would_not_change_the_decision_says_so() -> None:
    base = _with_conditions(make_assessment())
    risk = base.risk.model_copy(update={"residual": 19.2, "tier": "low", "score_tier": "low", "borderline": Borderline(
        threshold=20.0, distance=-0.8, other_tier="medium", other_decision="approve_with_conditions")})
    text = _summary_text(render_pdf(base.model_copy(update={"risk": risk})))
    assert "Medium would not change the decision (approval with conditions)." in text


def test_decision_badges_read_in_greyscale() -> None:
    """Each badge has its own word and border, and its text stands out from its fill without colour."""
    from riskengine.portfolio.wording import luminance

    wording = load_wording()
    themes = wording.theme.decisions
    assert len({theme.border for theme in themes.values()}) == len(themes) == 4
    assert len({decision.badge for decision in wording.decisions.values()}) == 4
    for decision, theme in themes.items():
        assert abs(luminance(theme.fill) - luminance(theme.text)) >= 120, decision
        assert abs(luminance(theme.fill) - luminance(theme.stroke)) >= 60, decision


def test_decision_themes_sharing_a_border_are_refused(tmp_path: Path) -> None:
    shipped = data_path("templates", "report.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "report.yaml"
    broken.write_text(shipped.replace('text: "#2B3645", border: dotted', 'text: "#2B3645", border: dashed'),
                      encoding="utf-8")
    with pytest.raises(ConfigurationError, match="each decision needs its own border"):
        load_wording(broken)


def test_findings_say_whether_they_are_conditions_or_recommendations(full_pdf: bytes) -> None:
    text = _section_text(full_pdf, "findings", f"{load_wording().sections['conditions']} ")
    assert "(owner: Vendor; due: Before go-live) Condition of approval" in text
    assert "(owner: IT; due: Within 30 days) Recommendation, not required for approval" in text


def test_scores_show_points_earned_and_possible(full_pdf: bytes) -> None:
    wording = load_wording().scores
    text = _section_text(full_pdf, "scores", wording.inherent_title)
    assert "Security 40 55.0 11 / 20 5 / 8" in text
    assert "Privacy and data protection 35 62.5 7.5 / 12 4 / 6" in text
    assert f"AI features 10 {wording.not_applicable} {wording.no_points} 0 / 0" in text


def _dependencies_text(data: bytes) -> str:
    """The Dependencies section's text, whitespace collapsed (table cells wrap their lines)."""
    wording = load_wording()
    text = _flat(_text(data))
    start = text.index(_flat(wording.dependencies.diagram_intro))
    return text[start:text.index(f"{wording.sections['evidence']} ", start)]


def test_dependencies_show_blast_radius_and_its_key_figures(full_pdf: bytes) -> None:
    text = _dependencies_text(full_pdf)
    wording = load_wording().dependencies
    assert _flat(wording.blast_radius_value.format(count=7, score="14.83", top="110")) in text
    assert _flat(wording.blast_intro.format(count=7, score="14.83")) in text
    critical = "Salesforce CRM, Data warehouse, Company website, SAP S/4HANA, Web shop"
    assert wording.critical_dependents.format(systems=critical) in text
    assert wording.customer_facing_dependents.format(systems="Company website, Web shop") in text
    # the blast-radius table: system, criticality, customer-facing, distance, share of the score, path
    assert "SAP S/4HANA critical No 2 2 Acme Journeys Enterprise → Data warehouse → SAP S/4HANA" in text
    assert "Google Ads low No 3 0.33 Acme Journeys Enterprise → Company website → Web shop → Google Ads" in text


def test_dependencies_show_integration_effort_with_a_total(full_pdf: bytes) -> None:
    text = _dependencies_text(full_pdf)
    wording = load_wording().dependencies
    assert wording.effort_title in text
    assert "Salesforce CRM api Both ways personal, behavioural 24 / 48 / 108" in text
    assert "Okta api Into the tool none 16 / 32 / 72.5" in text
    assert f"{wording.total} 56 / 118 / 272.5" in text


def test_dependencies_show_structure_centrality_and_data_paths(full_pdf: bytes) -> None:
    text = _dependencies_text(full_pdf)
    wording = load_wording().dependencies
    assert _flat(wording.cut_vertex_yes) in text
    assert "Salesforce CRM, Okta | Data warehouse, Company website" in text
    assert "New links between departments: Finance ↔ Marketing" in text
    assert "Connects to 4 systems, more than 82% of existing systems do." in text  # 82.9 rounds down
    assert "Betweenness rank 2 of 43" in text
    assert "Mailchimp" in text and "Sendinblue (marketing team account)" in text
    assert wording.data_in_title in text and wording.data_through_title in text
    # a system the findings do not name shows by its id
    assert "personal Salesforce CRM → Acme Journeys Enterprise hris → Salesforce CRM → Acme Journeys Enterprise" in text
    assert "Acme Journeys Enterprise → Data warehouse → SAP S/4HANA" in text


def test_blast_radius_table_stops_at_25_rows_and_counts_the_rest() -> None:
    base = make_assessment()
    assert base.graph is not None
    many = tuple(Dependent(system_id=f"system-{number:02d}", name=f"Far system {number:02d}", criticality="low",
                           customer_facing=False, depth=3, path=(VENDOR, "web", "shop", f"system-{number:02d}"))
                 for number in range(1, 31))
    assessment = base.model_copy(update={"graph": make_graph(base.graph.connections, dependents=many)})
    text = _dependencies_text(render_pdf(assessment))
    assert "Far system 25" in text
    assert "Far system 26" not in text
    assert _flat(load_wording().dependencies.more_rows.format(count=5)) in text


def test_dependencies_without_connections_say_so() -> None:
    base = make_assessment()
    assert base.graph is not None
    graph = make_graph((), dependents=(), data_in=(), data_through=(), cut_vertex=False, separated_groups=(),
                       new_department_links=())
    text = _dependencies_text(render_pdf(base.model_copy(update={"graph": graph})))
    wording = load_wording().dependencies
    for sentence in (wording.diagram.no_connections, wording.blast_radius_none, wording.data_in_none,
                     wording.data_through_none, wording.effort_none, wording.no_connections):
        assert _flat(sentence) in text


def test_system_names_from_the_inventory_render_literally() -> None:
    base = make_assessment()
    assert base.graph is not None
    hostile = '<b>Evil</b> & "CRM" </para>'
    connections = tuple(connection.model_copy(update={"system_name": hostile}) if connection.system_id == "crm"
                        else connection for connection in base.graph.connections)
    assessment = base.model_copy(update={"graph": make_graph(connections)})
    text = _dependencies_text(render_pdf(assessment))
    assert f"{hostile} → Acme Journeys Enterprise" in text  # data path
    assert text.count("<b>Evil</b>") >= 4  # diagram, overview, tables


def test_names_from_the_analysis_replace_ids_in_paths_and_groups() -> None:
    base = make_assessment()
    assert base.graph is not None
    graph = make_graph(base.graph.connections, names={"hris": "Workday HCM", "sso": "Okta Workforce Identity"})
    text = _dependencies_text(render_pdf(base.model_copy(update={"graph": graph})))
    assert "Workday HCM → Salesforce CRM → Acme Journeys Enterprise" in text
    assert "hris →" not in text
    assert "Salesforce CRM, Okta Workforce Identity | Data warehouse, Company website" in text


# --- external evidence ---

FETCHED = dt.datetime(2026, 11, 24, 9, 0, 41, tzinfo=dt.UTC)


def _evidence(kind: Kind, check: str, status: Status, reason: str, value: object = None,
              raw: str = "") -> Evidence:
    return make_evidence(kind=kind, check=check, status=status, reason=reason, value=value,
                         query=f"{check} acme-journeys.example", fetched_at=FETCHED, tool="riskengine-test/1",
                         raw=raw)


def make_evidence_set(*extra: Evidence) -> EvidenceSet:
    """Each kind with each status, a list and a mapping among the values."""
    return EvidenceSet.of("acme-journeys.example", "online", [
        _evidence("registration", "whois.domain_age_days", "pass", "Registered 4,285 days ago.", 4285, "rdap"),
        _evidence("registration", "whois.expiry_days", "fail", "The registration expires in 12 days.", 12, "rdap"),
        _evidence("registration", "whois.registrar", "unknown", "timeout after 5 s asking rdap.example"),
        _evidence("dns", "dns.mx", "pass", "2 MX records.", ["mx1.example.net", "mx2.example.net"], "MX answer"),
        _evidence("dns", "dns.dmarc.policy", "fail", "DMARC p=none delivers failing mail.", "none", "v=DMARC1; p=none"),
        _evidence("dns", "dns.caa", "unknown", "the resolver refused the query"),
        _evidence("web", "web.hsts", "pass", "max-age is a year.", 31536000, "Strict-Transport-Security"),
        _evidence("web", "web.security_txt", "fail", "Expires is in the past.",
                  {"contact": ["mailto:security@acme-journeys.example"], "expires": "2025-01-01T00:00:00Z"}, "txt"),
        _evidence("web", "web.csp", "unknown", "the HTTPS site did not answer"),
        *extra,
    ])


def _contradiction(evidence: EvidenceSet) -> Finding:
    dmarc = next(item for item in evidence.items if item.check == "dns.dmarc.policy")
    return Finding(
        rule_id="CON-DMARC", category="security", severity="high", title="DMARC enforcement claimed but not published",
        plain="The vendor says mail sent in its name is protected, but its DNS lets forged mail through.",
        technical="Answer Email!D7 is p=reject; the DMARC record observed says p=none.",
        remediation=Remediation(action="Vendor publishes DMARC p=reject", owner="vendor", due="before-go-live"),
        answer="Yes", points_lost=4.0,
        provenance=(*_cell("Email!D7"), Provenance(kind="evidence", ref=dmarc.id, detail="dns.dmarc.policy fail")))


def _with_evidence(evidence: EvidenceSet, *, contradictions: bool = True) -> Assessment:
    base = make_assessment()
    findings = (*base.findings, _contradiction(evidence)) if contradictions else base.findings
    return base.model_copy(update={"evidence": evidence, "findings": findings})


def _evidence_text(data: bytes) -> str:
    wording = load_wording()
    text = _flat(_text(data))
    start = text.index(f"{wording.sections['evidence']} ")
    return text[start:text.index(f"{wording.sections['signoff']} ", start)]


@pytest.fixture(scope="module")
def evidence_pdf() -> bytes:
    return render_pdf(_with_evidence(make_evidence_set()))


def test_evidence_section_introduces_the_run_with_counts_and_hash(evidence_pdf: bytes) -> None:
    text = _evidence_text(evidence_pdf)
    wording = load_wording().evidence
    evidence = make_evidence_set()
    assert _flat(wording.intro.format(domain="acme-journeys.example", mode=wording.modes["online"], passed=3,
                                      failed=3, unknown=3)) in text
    assert _flat(wording.unknown_note) in text
    assert wording.run_hash.format(hash=evidence.run_hash) in text
    assert len(evidence.run_hash) == 64


def test_evidence_tables_show_each_kind_with_labels_statuses_values_and_records(evidence_pdf: bytes) -> None:
    text = _evidence_text(evidence_pdf)
    wording = load_wording().evidence
    for kind in ("registration", "dns", "web"):
        header = " ".join((wording.kinds[kind], wording.check, wording.status, wording.observed, wording.reason,
                           _flat(wording.fetched_record)))
        assert header in text
    evidence = {item.check: item for item in make_evidence_set().items}
    age, expiry, registrar = (evidence[check] for check in ("whois.domain_age_days", "whois.expiry_days",
                                                            "whois.registrar"))
    # label, its check name, status word, value grouped, reason, time in UTC, record id and raw hash
    assert (f"{wording.checks['whois.domain_age_days']} whois.domain_age_days {wording.statuses['pass']} 4,285 "
            f"Registered 4,285 days ago. 2026-11-24 09:00Z {age.id} sha256 {age.raw_sha256[:12]}") in text
    assert (f"{wording.checks['whois.expiry_days']} whois.expiry_days {wording.statuses['fail']} 12 "
            f"The registration expires in 12 days. 2026-11-24 09:00Z {expiry.id}") in text
    assert (f"{wording.checks['whois.registrar']} whois.registrar {wording.statuses['unknown']} {wording.no_value} "
            f"timeout after 5 s asking rdap.example 2026-11-24 09:00Z {registrar.id}") in text
    assert "mx1.example.net, mx2.example.net" in text  # a list joined
    # a mapping as key: value pairs (the long address is split across lines, so compare without spaces)
    assert "contact:mailto:security@acme-journeys.example;expires:2025-01-01T00:00:00Z" in text.replace(" ", "")
    assert "31,536,000" in text
    # rows sorted by check within a kind: dns.caa, dns.dmarc.policy, dns.mx
    positions = [text.index(f" {check} ") for check in ("dns.caa", "dns.dmarc.policy", "dns.mx")]
    assert positions == sorted(positions)


def test_a_check_without_a_label_shows_its_name_and_long_values_are_cut() -> None:
    odd = _evidence("web", "web.future_check", "pass", "A check the wording does not know yet.", "x" * 400, "raw")
    text = _evidence_text(render_pdf(_with_evidence(make_evidence_set(odd))))
    assert "web.future_check" in text
    assert "x" * 100 in text.replace(" ", "")
    assert "x" * 200 not in text.replace(" ", "")


def test_contradictions_show_the_finding_with_both_sources(evidence_pdf: bytes) -> None:
    text = _evidence_text(evidence_pdf)
    wording = load_wording().evidence
    evidence = make_evidence_set()
    finding = _contradiction(evidence)
    section = text[text.index(wording.contradictions_title):]
    assert _flat(wording.contradictions_intro) in section
    for part in (finding.title, finding.rule_id, finding.plain, finding.technical, "Email!D7"):
        assert _flat(part) in section
    assert finding.provenance[1].ref in section
    # other findings stay out of this list
    assert "No multi-factor authentication for admins" not in section


def test_evidence_without_contradictions_says_so() -> None:
    text = _evidence_text(render_pdf(_with_evidence(make_evidence_set(), contradictions=False)))
    assert _flat(load_wording().evidence.no_contradictions) in text


def test_all_unknown_evidence_says_nothing_could_be_checked() -> None:
    unknown = EvidenceSet.of("acme-journeys.example", "offline", [
        _evidence(kind, check, "unknown", "offline: no stored evidence")
        for check, (kind, _) in sorted(all_checks().items())])
    text = _evidence_text(render_pdf(_with_evidence(unknown, contradictions=False)))
    wording = load_wording().evidence
    assert _flat(wording.nothing_checked) in text
    assert wording.modes["offline"] in text
    assert _flat(wording.no_contradictions) not in text


def test_without_evidence_the_section_says_none_was_gathered(full_pdf: bytes) -> None:
    wording = load_wording().evidence
    text = _evidence_text(full_pdf)
    assert _flat(wording.none) in text
    assert wording.contradictions_title not in text


def test_markup_in_evidence_renders_literally() -> None:
    hostile = _evidence("web", "web.referrer_policy", "fail", f"header said {HOSTILE_MARKUP}",
                        {"policy": "<i>unsafe-url</i> & more"}, "raw")
    text = _evidence_text(render_pdf(_with_evidence(make_evidence_set(hostile))))
    assert f"header said {HOSTILE_MARKUP}" in text
    assert "policy: <i>unsafe-url</i> & more" in text


def test_every_check_the_enrichment_publishes_has_a_label() -> None:
    labels = load_wording().evidence.checks
    assert sorted(set(all_checks()) - set(labels)) == []
    assert sorted(set(labels) - set(all_checks())) == []


# --- total cost of ownership --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tco_result() -> TcoResult:
    """A small vendor priced over 3 years (few trials: the report shows what it is given)."""
    return total_cost_of_ownership(make_inputs(), load_assumptions(), trials=2_000, seed=7)


def _with_tco(tco: TcoResult | None, assessment: Assessment | None = None) -> Assessment:
    return (assessment or make_assessment()).model_copy(update={"tco": tco})


@pytest.fixture(scope="module")
def tco_pdf(tco_result: TcoResult) -> bytes:
    return render_pdf(_with_tco(tco_result))


def _tco_text(data: bytes) -> str:
    return _section_text(data, "tco", f"{load_wording().sections['evidence']} ")


def test_tco_section_sits_between_dependencies_and_evidence(tco_pdf: bytes) -> None:
    sections = load_wording().sections
    text = _text(tco_pdf)
    dependencies = text.index(f"\n{sections['dependencies']}\n")
    tco = text.index(f"\n{sections['tco']}\n")
    evidence = text.index(f"\n{sections['evidence']}\n")
    assert dependencies < tco < evidence
    titles = _outline_titles(tco_pdf)
    assert titles.index(sections["dependencies"]) < titles.index(sections["tco"]) < titles.index(sections["evidence"])
    text_wording = load_wording().tco
    for title in (text_wording.chart_title, text_wording.npv_title, text_wording.lines_title,
                  text_wording.chargeback_title, text_wording.sensitivity_title, text_wording.assumptions_title):
        assert title in titles


def test_tco_recommendation_comes_first(tco_pdf: bytes, tco_result: TcoResult) -> None:
    text = _tco_text(tco_pdf)
    wording = load_wording().tco
    recommendation = text.index(_flat(tco_result.recommendation))
    assert recommendation < text.index(wording.chart_title) < text.index(wording.npv_title)
    assert text.index(wording.recommendation_title.upper()) < recommendation
    assert _flat(tco_result.verdict) in text


def test_npv_table_shows_formatted_figures_probability_and_breakeven(tco_pdf: bytes, tco_result: TcoResult) -> None:
    text = _tco_text(tco_pdf)
    wording = load_wording().tco
    for label in (wording.mean, wording.p50, wording.p10, wording.p90):
        assert wording.amount_header.format(label=label, currency="EUR") in text
    expected = {option.id: option.expected_total for option in tco_result.headline.options}
    for option in tco_result.options:
        figures = [f"{round(value):,}" for value in (expected[option.id], option.npv.p50, option.npv.p10,
                                                      option.npv.p90)]
        assert all(value >= 10_000 for value in (option.npv.p10, option.npv.p50))  # so separators show
        assert f"{option.title} {' '.join(figures)}" in text
    chance = tco_result.headline.probability_built_to_last_cheaper
    error = f"{1.96 * chance.standard_error * 100:.1f}".rstrip("0").rstrip(".")
    assert wording.probability_value.format(percent=round(chance.value * 100), error=error,
                                            horizon="3 years") in text
    if tco_result.headline.too_close_to_call:
        assert wording.breakeven_close in text
    elif tco_result.breakeven_year is not None:
        assert wording.breakeven_value.format(year=tco_result.breakeven_year) in text
    else:
        assert wording.breakeven_none.format(horizon="3 years") in text


def test_breakeven_and_its_absence_are_both_worded(tco_result: TcoResult) -> None:
    wording = load_wording().tco

    def with_breakeven(year: int | None, close: bool = False) -> str:
        headline = tco_result.headline.model_copy(update={"breakeven_year": year, "too_close_to_call": close})
        return _tco_text(render_pdf(_with_tco(tco_result.model_copy(update={"headline": headline}))))

    assert wording.breakeven_value.format(year=2) in with_breakeven(2)
    assert wording.breakeven_none.format(horizon="3 years") in with_breakeven(None)
    assert wording.breakeven_close in with_breakeven(None, close=True)


def test_yearly_costs_show_every_line_with_totals_and_mark_the_chargeback(tco_pdf: bytes,
                                                                           tco_result: TcoResult) -> None:
    text = _tco_text(tco_pdf)
    wording = load_wording().tco
    assert _flat(wording.chargeback_note) in text
    for option in tco_result.options:
        assert wording.lines_option.format(option=option.title) in text
        deterministic = option.deterministic
        totals = [f"{round(value):,}" for value in deterministic.by_year]
        assert f"{wording.total} {' '.join(totals)} {round(sum(deterministic.by_year)):,} " \
               f"{round(deterministic.npv):,}" in text
    internal = next(line for line in tco_result.options[0].deterministic.lines if line.id == "internal")
    assert text.count(f"{internal.title} *") == 2  # both options' tables
    assert wording.chargeback_title in text
    assert load_wording().tco.roles["it_engineer"] in text


def test_internal_hours_are_charged_back_in_bold(tco_pdf: bytes, tco_result: TcoResult) -> None:
    """The chargeback line's label is set in the bold font (the mark a reader sees first)."""
    internal = next(line for line in tco_result.options[0].deterministic.lines if line.id == "internal")
    bold: list[str] = []

    def visitor(text: str, cm: object, tm: object, font: dict[str, object] | None, size: float) -> None:
        if font is not None and "Bold" in str(font.get("/BaseFont", "")) and text.strip():
            bold.append(text)

    for page in _reader(tco_pdf).pages:
        page.extract_text(visitor_text=visitor)
    assert any(internal.title.split()[0] in text for text in bold)


def test_sensitivity_lists_what_moves_the_decision_with_its_effect(tco_pdf: bytes, tco_result: TcoResult) -> None:
    text = _tco_text(tco_pdf)
    wording = load_wording().tco
    assert tco_result.tornado.rows
    for row in tco_result.tornado.rows[:6]:
        assert _flat(row.title)[:30] in text
        assert wording.probability_low_high.format(low=round(row.probability_at_low * 100),
                                                   high=round(row.probability_at_high * 100)) in text
        assert f"{round(row.difference_at_low):,}" in text


def test_assumptions_table_lists_every_assumption_and_repeats_its_header(tco_pdf: bytes,
                                                                         tco_result: TcoResult) -> None:
    wording = load_wording().tco
    text = _tco_text(tco_pdf)
    for item in tco_result.assumptions:
        assert item.id.replace(" ", "") in text.replace(" ", "")
    header = f"{wording.name} {wording.value} {wording.unit} {wording.source}"
    pages = [_flat(page.extract_text()) for page in _reader(tco_pdf).pages]
    assert sum(header in page for page in pages) >= 2


def test_summary_names_both_costs_and_the_recommendation(tco_pdf: bytes, tco_result: TcoResult) -> None:
    summary = _summary_text(tco_pdf)
    wording = load_wording().summary
    assert wording.cost_title in summary
    totals = {option.id: f"EUR {round(option.expected_total):,}" for option in tco_result.headline.options}
    assert wording.cost.format(horizon="3 years", good_enough=totals["good_enough"],
                               built_to_last=totals["built_to_last"]) in summary
    assert _flat(tco_result.headline.recommendation) in summary


def test_marketing_gets_one_page_of_cost_in_plain_words(tco_result: TcoResult) -> None:
    sections = load_wording().sections
    data = render_pdf(_with_tco(tco_result), audience="marketing")
    titles = _outline_titles(data)
    assert sections["tco"] not in titles and titles.index(sections["conditions"]) < titles.index(sections["cost"])
    pages = [_flat(page.extract_text()) for page in _reader(data).pages]
    cost = [page for page in pages if sections["cost"] in page]
    assert len(cost) == 1, "one page"
    headline = tco_result.headline
    for option in headline.options:
        assert f"EUR {round(option.expected_total):,}" in cost[0]
    assert _flat(headline.recommendation) in cost[0]
    for jargon in ("P10", "P50", "P90", "PERT", "NPV", "present value", "Monte Carlo"):
        assert jargon not in cost[0], jargon
    for audience in ("full", "compliance"):
        assert "tco" in load_wording().audience(audience).sections
    assert "tco" not in load_wording().audience("it").sections


def test_without_a_tco_result_the_section_says_so_in_one_sentence(full_pdf: bytes) -> None:
    wording = load_wording()
    text = _flat(_text(full_pdf))
    assert _flat(wording.tco.none) in text
    assert wording.tco.chart_title not in text
    assert wording.summary.cost_none in _summary_text(full_pdf)


def test_tco_renders_deterministically(tco_pdf: bytes, tco_result: TcoResult) -> None:
    assert render_pdf(_with_tco(tco_result)) == tco_pdf


def test_a_long_horizon_continues_the_year_columns_in_a_second_table() -> None:
    tco = total_cost_of_ownership(make_inputs(horizon_years=10), load_assumptions(), trials=500, seed=3)
    text = _tco_text(render_pdf(_with_tco(tco)))
    wording = load_wording().tco
    first = " ".join(wording.year.format(year=year) for year in range(1, 6))
    second = " ".join(wording.year.format(year=year) for year in range(6, 11))
    line = wording.amount_header.format(label=wording.line, currency="EUR")
    assert text.count(f"{line} {first} Licences") == 2  # each option: years 1 to 5, no totals yet
    assert text.count(f"{line} {second} {wording.total} {wording.present_value}") == 2  # then 6 to 10, totals


def test_text_in_the_tco_result_renders_literally(tco_result: TcoResult) -> None:
    options = list(tco_result.options)
    options[0] = options[0].model_copy(update={"title": "Good <b>enough</b> & co", "summary": HOSTILE_MARKUP})
    assumptions = (tco_result.assumptions[0].model_copy(update={"source": "see <i>this</i> & that"}),
                   *tco_result.assumptions[1:])
    hostile = tco_result.model_copy(update={"options": tuple(options), "assumptions": assumptions,
                                            "recommendation": "Pick <font color=\"red\">this</font> one."})
    text = _flat(_text(render_pdf(_with_tco(hostile))))
    assert "Good <b>enough</b> & co" in text
    assert HOSTILE_MARKUP in text
    assert "see <i>this</i> & that" in text
    assert "Pick <font color=\"red\">this</font> one." in text


def test_tco_wording_with_an_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    shipped = data_path("templates", "report.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "report.yaml"
    broken.write_text(shipped.replace('breakeven: "Breakeven: year {year}"', 'breakeven: "Breakeven: {when}"'),
                      encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_wording(broken)
    assert "unknown placeholder {when}" in caught.value.problems[0].message


# --- sign-off and glossary ---


def test_scorecard_glossary_and_signoff_come_between_evidence_and_appendix(full_pdf: bytes) -> None:
    sections = load_wording().sections
    lines = [line.strip() for line in _text(full_pdf).splitlines()]
    order = [lines.index(sections[section])
             for section in ("evidence", "scorecard", "glossary", "inputs", "signoff", "appendix")]
    assert order == sorted(order)
    titles = _outline_titles(full_pdf)
    assert titles.index(sections["glossary"]) + 2 == titles.index(sections["signoff"])


def test_signoff_names_the_assessment_and_has_a_block_per_role(full_pdf: bytes) -> None:
    wording = load_wording()
    text = _section_text(full_pdf, "signoff", f"{wording.sections['appendix']} ")
    intro = wording.signoff.intro.format(assessment_id="RA-20261124-0A1B2C3D4E", date="24 November 2026")
    assert _flat(intro) in text
    for role in ("it", "marketing", "compliance"):
        assert wording.signoff.block_title.format(role=wording.owners[role]) in text
    signoff = wording.signoff
    for label in (signoff.name, signoff.decision, signoff.approve, signoff.reject, signoff.date,
                  signoff.conditions_accepted, signoff.signature):
        assert text.count(label) >= 3, label


def test_glossary_lists_the_shared_terms_sorted() -> None:
    data = render_pdf(make_assessment(), audience="compliance")
    wording = load_wording()
    text = _flat(_text(data))
    glossary = text[text.index(f"{wording.sections['glossary']} {_flat(wording.glossary.intro)}"):]
    assert "DMARC" in glossary
    assert _flat(next(entry.meaning for entry in load_glossary().terms if entry.term == "DMARC")) in glossary
    rows = {entry.term: f"{entry.term} {entry.meaning.split()[0]}" for entry in load_glossary().terms}
    positions = [glossary.index(rows[term]) for term in ("API", "CDP", "DMARC", "iPaaS", "SSO", "WHOIS")]
    assert positions == sorted(positions)


def test_every_audience_signs_and_the_short_ones_go_without_the_glossary() -> None:
    wording = load_wording()
    for audience in ("full", "compliance", "marketing", "it"):
        assert "signoff" in wording.audience(audience).sections
    for audience in ("full", "compliance"):
        assert "glossary" in wording.audience(audience).sections
    for audience in ("marketing", "it"):
        assert "glossary" not in wording.audience(audience).sections


def test_glossary_out_of_order_or_duplicated_is_refused(tmp_path: Path) -> None:
    shipped = data_path("templates", "glossary.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "glossary.yaml"
    broken.write_text(shipped.replace("  - term: API\n", "  - term: WHOIS\n"), encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_glossary(broken)
    messages = " ".join(problem.message for problem in caught.value.problems)
    assert "'WHOIS' appears twice" in messages
    assert "must come before 'WHOIS'" in messages


SCRIPTS = {
    "latin, greek, cyrillic": "Ærøskøbing Łódź Ελληνικά Привет",
    "hebrew": "שלום עולם",
    "arabic": "مرحبا بالعالم",
    "chinese, japanese, korean": "中文 日本語 テスト 한국어",
    "emoji and symbols": "🚀 ✅ ❤ → ↔ ≥ € ₹",
}


@pytest.mark.parametrize("text", SCRIPTS.values(), ids=SCRIPTS.keys())
def test_every_character_users_type_has_a_glyph(text: str) -> None:
    from reportlab.pdfbase import pdfmetrics

    from riskengine.report.fonts import FONT, font_for, register_fonts, visual_order

    register_fonts()
    for character in visual_order(text).replace(" ", ""):
        font = pdfmetrics.getFont(font_for(character, FONT))
        assert ord(character) in font.face.charToGlyph, (character, font.fontName)


def test_scripts_are_embedded_and_extractable() -> None:
    answers = tuple(AnsweredQuestion(question_id=f"SEC-{index:02d}", section="Scripts", question=name, answer=text,
                                     place=f"Security!D{index}") for index, (name, text) in enumerate(SCRIPTS.items()))
    data = render_pdf(make_assessment(answers=answers, legal_name="株式会社 Acme"))
    fonts = {str(font["/BaseFont"]).split("+")[-1] for page in pypdf.PdfReader(io.BytesIO(data)).pages
             for font in page["/Resources"]["/Font"].values()}
    assert {"DejaVuSans", "DejaVuSans-Bold", "DroidSansFallback", "Symbola"} <= fonts
    text = _text(data)
    assert "株式会社 Acme" in text  # the running header
    for script in ("Ærøskøbing Łódź Ελληνικά Привет", "中文 日本語 テスト 한국어", "🚀 ✅ ❤ → ↔ ≥ € ₹",
                   "שלום עולם"):  # the reader puts the Hebrew drawn right to left back in reading order
        assert script in text
    assert "ﻣﺮﺣﺒﺎ ﺑﺎﻟﻌﺎﻟﻢ" in text  # Arabic letters joined: initial, medial and final forms


def test_joint_scorecard_puts_it_and_marketing_kpis_side_by_side(full_pdf: bytes) -> None:
    from riskengine.report.scorecard import load_scorecard

    spec = load_scorecard()
    text = _section_text(full_pdf, "scorecard", f"{load_wording().sections['glossary']} ")
    assert text.index(spec.title_it) < text.index(spec.title_marketing)
    for kpi in spec.kpis:
        assert f"{kpi.title} " in text, kpi.id
    assert "Time to value" in text and "First campaign live within 8 weeks of signature" in text
