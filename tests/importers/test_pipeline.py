"""The pipeline reads every format through the importers and publishes facts about a foreign questionnaire."""

from __future__ import annotations

from pathlib import Path

from riskengine.facts import FactSet
from riskengine.pipeline import assess
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.submission import (
    Coverage,
    ImportFlag,
    Submission,
    import_facts,
)
from riskengine.resources import data_path
from riskengine.validation import validate
from tests.conftest import NOW, SAMPLES
from tests.importers.builders import caiq_workbook
from tests.importers.test_oneoff import one_off


def test_our_own_template_has_no_coverage_and_no_import_facts() -> None:
    submission = validate(SAMPLES / "northwind-mail.xlsx", now=NOW)
    assert submission.coverage is None
    assert import_facts(submission) == []


def test_validate_and_assess_take_format_and_mapping(tmp_path: Path) -> None:
    path = one_off(tmp_path / "acme.xlsx")
    mapping = data_path("questionnaires", "mappings", "example-oneoff.yaml")
    submission = validate(path, now=NOW, mapping=mapping)
    assert submission.coverage is not None and submission.coverage.format == "mapped"
    assessment = assess(path, now=NOW, mapping=mapping, format="mapped", tco_trials=1_000)
    assert assessment.coverage == submission.coverage
    assert assessment.vendor.legal_name == "Acme Widgets GmbH" and assessment.vendor.domain == "acme.example"
    assert any(answer.question_id == "SEC-02" and answer.answer == "SAML, OIDC" for answer in assessment.answers)


def test_import_facts_count_coverage_and_flags(bank: QuestionBank, tmp_path: Path) -> None:
    coverage = Coverage(format="vsaq", format_version="webapp", mapping="vsaq@1.0.0", source_sha256="0" * 64,
                        questions_read=73, questions_answered=10, questions_total=164, answers_mapped=41,
                        not_covered=("VEN-01",) * 123, flags=(
                            ImportFlag(their_id="warn_a", severity="high", text="A", place="a.json:$.answers.x"),
                            ImportFlag(their_id="warn_b", severity="high", text="B", place="a.json:$.answers.y"),
                            ImportFlag(their_id="warn_c", severity="critical", text="C", place="a.json:$.answers.z")))
    submission = Submission(bank_id=bank.id, bank_version=bank.version, source="a.json", answers={}, tables={},
                            coverage=coverage)
    facts = FactSet().with_facts(*import_facts(submission))
    assert facts.value("import.format") == "vsaq"
    assert facts.value("import.coverage") == 25.0
    assert facts.value("import.not_covered") == 123
    assert (facts.value("import.flags"), facts.value("import.flag.high"), facts.value("import.flag.critical"),
            facts.value("import.flag.low")) == (3, 2, 1, 0)
    high = facts.get("import.flag.high")
    assert high is not None and [source.ref for source in high.sources] == ["a.json:$.answers.x", "a.json:$.answers.y"]


def test_mapped_facts_reach_the_assessment_facts(tmp_path: Path, bank: QuestionBank) -> None:
    path = caiq_workbook(tmp_path / "vendor.xlsx", [("CEK-08.1", "No", ""), ("BCR-10.1", "Yes", "")])
    submission = validate(path, now=NOW)
    facts = FactSet().with_facts(*import_facts(submission))
    assert facts.value("import.customer_managed_keys") == "No"
    source = facts.get("import.customer_managed_keys")
    assert source is not None and source.sources[0].ref == "CAIQv4.0.3!C3"
