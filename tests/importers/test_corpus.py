"""The real corpus (../shared/corpus): every workbook and VSAQ definition is recognised, read, mapped and, end to
end, assessed into a PDF; the vendor's file is never touched. Files are read in place, never copied into the
project (their authors' and standards bodies' copyright)."""

from __future__ import annotations

import hashlib
import io
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pypdf
import pytest

from riskengine.assessment import assessment_json
from riskengine.importers import detect_format, read_questionnaire
from riskengine.outputs import render
from riskengine.pipeline import assess
from riskengine.questionnaire.bank import QuestionBank, load_bank
from tests.conftest import NOW, SAMPLES, TODAY
from tests.importers.builders import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")


@dataclass(frozen=True)
class Expected:
    name: str
    format: str
    version: str
    read: int
    answered: int
    mapped: int
    unparsed: int = 0
    tier: str = "critical"
    """With what a foreign questionnaire leaves unsaid counted against the vendor: the data classes it does not
    answer count as held (inherent risk 80-95), and its unanswered controls as gaps."""


WORKBOOKS = [
    # A mature CAIQ: its 241 own scored answers, Yes to all but two, lift each category (see test_own_answers).
    Expected("questionnaires/instructure-caiq-v4.0.3.xlsx", "caiq", "4.0.3", 261, 261, 20, tier="high"),
    Expected("questionnaires/instructure-canvas-lms-hecvat-full-v3.04.xlsx", "hecvat3", "3.04 Full", 255, 203, 24),
    Expected("questionnaires/instructure-canvas-studio-hecvat-lite-v3.04.xlsx", "hecvat3", "3.04 Lite", 94, 93, 17),
    Expected("questionnaires/educause-hecvat-v4.1.4-blank.xlsx", "hecvat4", "4.1.4", 331, 0, 0),
    Expected("questionnaires/instructure-impact-hecvat-full-v3.06.xlsx", "hecvat3", "3.06 Full", 255, 201, 24),
]
HECVAT3 = [expected for expected in WORKBOOKS if expected.format == "hecvat3"]
DEFINITIONS = [
    Expected("vsaq/webapp.json", "vsaq", "webapp", 73, 0, 0),
    Expected("vsaq/infrastructure.json", "vsaq", "infrastructure", 96, 0, 0),
    Expected("vsaq/security_privacy_programs.json", "vsaq", "security_privacy_programs", 46, 0, 0),
    Expected("vsaq/physical_and_datacenter.json", "vsaq", "physical_and_datacenter", 30, 0, 0),
    Expected("vsaq/test_template.json", "vsaq", "test_template v1", 3, 0, 0),
    Expected("vsaq/test_template_extension.json", "vsaq", "test_template_extension v1", 1, 0, 0),
]


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.mark.parametrize("expected", WORKBOOKS + DEFINITIONS, ids=lambda expected: Path(expected.name).name)
def test_every_corpus_file_is_recognised_and_read(expected: Expected, bank: QuestionBank) -> None:
    path = CORPUS / expected.name
    before = fingerprint(path)
    assert detect_format(path) == expected.format
    submission = read_questionnaire(path, bank, today=TODAY)
    coverage = submission.coverage
    assert coverage is not None
    assert (coverage.format, coverage.format_version) == (expected.format, expected.version)
    assert (coverage.questions_read, coverage.questions_answered) == (expected.read, expected.answered)
    assert coverage.answers_mapped == len(submission.answers) == expected.mapped
    assert len(coverage.unparsed) == expected.unparsed
    assert len(coverage.not_covered) == len(bank.questions()) - expected.mapped
    assert coverage.source_sha256 == before[0]
    assert fingerprint(path) == before, "the vendor's file is only ever read"
    for answer in submission.answers.values():
        sheet_places = answer.place.split(", ")
        assert all("!" in place and place.split("!")[1][0] == "C" for place in sheet_places), answer


def test_caiq_answers_cite_their_cells_and_keep_the_vendors_descriptions(bank: QuestionBank) -> None:
    submission = read_questionnaire(CORPUS / WORKBOOKS[0].name, bank, today=TODAY)
    assert submission.coverage is not None
    assert submission.answers["SEC-17"].place == "CAIQv4.0.3!C130"
    assert submission.answers["SEC-17"].comment == "CAIQ HRS-01.1: Yes [CSP-owned]"
    assert submission.coverage.sources["SEC-16"] == ("AIS-04.1", "AIS-05.1", "AIS-07.1", "TVM-05.1")
    evidence = submission.coverage.evidence_for("SEC-17")
    assert evidence and evidence[0].place == "CAIQv4.0.3!E130" and "background" in evidence[0].text
    facts = {fact.name: fact.value for fact in submission.coverage.facts}
    assert facts == {"import.customer_managed_keys": "No", "import.dr_plan_exercised": "Yes"}


def test_hecvat_full_fills_the_vendor_identity_and_lite_uses_its_own_mapping(bank: QuestionBank) -> None:
    full = read_questionnaire(CORPUS / WORKBOOKS[1].name, bank, today=TODAY)
    assert (full.value("VEN-01"), full.value("VEN-02"), full.value("VEN-03")) == ("Instructure", "Canvas LMS",
                                                                                   "inst.bid")
    assert full.answers["SEC-01"].comment == "HECVAT AAAI-01: 1) Yes"
    assert full.text("SEC-21").startswith("AWS; ")
    lite = read_questionnaire(CORPUS / WORKBOOKS[2].name, bank, today=TODAY)
    assert lite.coverage is not None and lite.coverage.mapping == "hecvat-3-lite@1.0.0"
    assert (lite.value("VEN-02"), lite.value("SEC-03")) == ("Canvas Studio", "No")


@pytest.mark.parametrize("expected", [*WORKBOOKS, DEFINITIONS[0]], ids=lambda expected: Path(expected.name).name)
def test_each_corpus_file_is_assessed_end_to_end_into_a_pdf(expected: Expected) -> None:
    path = CORPUS / expected.name
    before = fingerprint(path)
    assessment = assess(path, now=NOW, tco_trials=2_000)
    assert assessment.risk.tier == expected.tier
    # The questions it leaves open include what the knockouts need (personal data? a DPA?): no decision yet.
    assert assessment.risk.decision == "more_information_needed"
    assert {"DAT-01", "PRV-01"} <= {missing.question_id for missing in assessment.risk.missing}
    assert "VIA-QUESTIONNAIRE-COVERAGE" in {finding.rule_id for finding in assessment.findings}
    assert assessment.coverage is not None and assessment.coverage.answers_mapped == expected.mapped
    pdf, json_bytes = render(assessment)
    assert pdf.startswith(b"%PDF")
    result = json.loads(json_bytes)
    assert result["coverage"]["format"] == expected.format
    assert len(result["coverage"]["not_covered"]) == len(load_bank().questions()) - expected.mapped
    assert len(result["answers"]) == expected.mapped
    assert json.loads(assessment_json(assessment))["inputs"][0]["sha256"] == before[0]
    assert fingerprint(path) == before


def test_not_covered_questions_are_gaps_not_compliance(bank: QuestionBank) -> None:
    assessment = assess(CORPUS / WORKBOOKS[0].name, now=NOW, tco_trials=2_000)
    assert assessment.coverage is not None
    assert "IAM-01" in assessment.coverage.not_covered
    scim = next(finding for finding in assessment.findings if finding.rule_id == "IAM-SCIM")
    assert scim.answer is None and scim.provenance[0].detail == "no answer"
    security = next(category for category in assessment.risk.categories if category.id == "security")
    assert security.effectiveness is not None and security.effectiveness < 100


@pytest.fixture(scope="module")
def filled_hecvat4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real blank HECVAT 4.1.4 layout, answered by the test (saved to a temporary folder, never the corpus):
    openpyxl drops the cached values of every formula, so the tabs that copy START HERE read empty."""
    path = tmp_path_factory.mktemp("hecvat4") / "filled.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        workbook = openpyxl.load_workbook(CORPUS / WORKBOOKS[3].name)
    answers = {
        "START HERE": {"GNRL-01": "Acme Learning Inc.", "GNRL-02": "Acme Campus", "GNRL-08": "Ireland",
                       "REQU-01": "Yes", "REQU-04": "No", "REQU-06": "No", "REQU-08": "Yes"},
        "Organization": {"PPPR-06": "Yes", "PPPR-11": "Yes", "PPPR-12": "Partially"},
        "Product": {"AAAI-01": "Yes", "DATA-02": "Yes", "DATA-03": "Yes - AES-256 (see DATA-23)",
                    "DATA-14": "We think so"},
        "AI": {"AIGN-02": "Yes", "AISC-02": "Yes"},
        "Privacy": {"PRGN-02": "Yes", "PRGN-05": "https://www.acme.example/privacy", "PCOM-01": "No",
                    "DPAI-01": "Yes"},
    }
    for title, values in answers.items():
        sheet = workbook[title]
        for row in sheet.iter_rows(min_col=1, max_col=1, max_row=200):
            their_id = row[0].value
            if isinstance(their_id, str) and their_id in values:
                sheet.cell(row=row[0].row, column=3, value=values[their_id])
    workbook.save(path)
    return path


def test_the_real_hecvat4_layout_reads_once_per_id_and_routes(filled_hecvat4: Path, bank: QuestionBank) -> None:
    submission = read_questionnaire(filled_hecvat4, bank, today=TODAY)
    coverage = submission.coverage
    assert coverage is not None and coverage.format == "hecvat4"
    assert coverage.questions_read == 331
    assert submission.answers["VEN-01"].place == "START HERE!C13"
    assert (submission.value("VEN-02"), submission.value("VEN-04")) == ("Acme Campus", "Ireland")
    assert submission.value("VEN-03") == "acme.example"
    assert submission.value("SEC-01") == "Yes"
    assert submission.value("SEC-05") == "Yes"
    assert "see DATA-23" in submission.answers["SEC-05"].comment
    assert submission.value("SEC-18") == "Partial"
    assert submission.value("SEC-19") == "No"
    assert submission.value("DAT-01") == "Yes"
    assert submission.value("AI-01") == "No", "REQU-04 No: no AI features"
    assert "AI-09" not in submission.answers and "AI-03" not in submission.answers, "the AI tab does not apply"
    assert {"AIGN-02", "AISC-02", "DPAI-01"} <= set(coverage.not_applicable)
    assert [(item.their_id, item.text) for item in coverage.unparsed] == [("DATA-14", "We think so")]
    assessment = assess(filled_hecvat4, now=NOW, tco_trials=2_000)
    assert assessment.vendor.legal_name == "Acme Learning Inc." and assessment.vendor.country == "Ireland"
    # Personal data in scope, and the payment, health and credentials questions HECVAT leaves open count as held.
    assert assessment.risk.tier == "critical" and assessment.risk.decision == "more_information_needed"
    assert {"SEC-04", "PRV-01"} <= {missing.question_id for missing in assessment.risk.missing}
    assert render(assessment)[0].startswith(b"%PDF")


def test_what_a_foreign_questionnaire_leaves_unsaid_counts_against_the_vendor() -> None:
    assessment = assess(CORPUS / WORKBOOKS[0].name, now=NOW, tco_trials=2_000)
    factors = {factor.rule_id: factor for factor in assessment.risk.inherent_factors}
    # CAIQ says nothing of personal, payment or health data: each counts as held until the vendor says otherwise
    assert {"IR-PERSONAL", "IR-PAYMENT", "IR-HEALTH"} <= set(factors)
    assert factors["IR-PERSONAL"].reason == "Holds personal data (or does not say)"
    coverage = next(finding for finding in assessment.findings if finding.rule_id == "VIA-QUESTIONNAIRE-COVERAGE")
    assert coverage.severity == "high" and coverage.remediation.owner == "vendor"
    native = assess(SAMPLES / "northwind-mail.xlsx", now=NOW, tco_trials=2_000)
    assert not {finding.rule_id for finding in native.findings} & {"VIA-QUESTIONNAIRE-COVERAGE",
                                                                  "VIA-QUESTIONNAIRE-FLAGS"}


def test_the_analyst_names_a_vendor_its_questionnaire_does_not() -> None:
    identity = {"vendor.legal_name": "Instructure, Inc.", "vendor.domain": "instructure.com"}
    assessment = assess(CORPUS / WORKBOOKS[0].name, now=NOW, tco_trials=2_000, identity=identity)
    assert (assessment.vendor.legal_name, assessment.vendor.domain) == ("Instructure, Inc.", "instructure.com")
    assert assessment.coverage is not None
    assert not {"VEN-01", "VEN-03"} & set(assessment.coverage.not_covered)
    assert "VEN-02" in {question.question_id for question in assessment.not_covered}
    name = next(answer for answer in assessment.answers if answer.question_id == "VEN-01")
    assert name.place == "command line: vendor.legal_name"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(render(assessment)[0])).pages)
    assert "Not covered by the vendor's questionnaire" in text
    assert "(not covered by the vendor's questionnaire)" in text  # a finding's answer
    assert "CSA CAIQ 4.0.3, read through caiq-v4@" in text  # the cover


@pytest.mark.parametrize("expected", HECVAT3, ids=lambda expected: Path(expected.name).name)
def test_the_short_link_instructure_gives_for_its_privacy_notice_is_flagged(expected: Expected,
                                                                             bank: QuestionBank) -> None:
    """Instructure answers GNRL-04 with https://inst.bid/privacy: its own link shortener, not its website."""
    submission = read_questionnaire(CORPUS / expected.name, bank, today=TODAY)
    assert submission.value("VEN-03") == "inst.bid"
    flagged = [problem for problem in submission.warnings if problem.question_id == "VEN-03"]
    assert len(flagged) == 1 and "link shortener inst.bid's" in flagged[0].message
    assert "--vendor-domain" in flagged[0].message
    assert flagged[0].place == submission.answers["VEN-03"].place


def test_a_replaced_answer_is_a_warning() -> None:
    hecvat = CORPUS / WORKBOOKS[1].name
    assessment = assess(hecvat, now=NOW, tco_trials=2_000, identity={"vendor.domain": "instructure.com"})
    assert assessment.vendor.domain == "instructure.com"
    assert any("replaced by 'instructure.com'" in problem.message for problem in assessment.warnings)
