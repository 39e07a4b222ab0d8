"""What changed between two assessments of a vendor: answers, evidence, findings, knockouts and the score."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from riskengine.assessment import AnsweredQuestion, Assessment
from riskengine.score.result import Finding


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class AnswerChange(_Frozen):
    question_id: str
    question: str
    before: str | None
    """The older answer; None when the question was not answered (or the table row did not exist)."""
    after: str | None


class EvidenceChange(_Frozen):
    check: str
    before: str | None
    """``status`` or ``status: value`` in the older assessment; None when it had no such check."""
    after: str | None


class FindingChange(_Frozen):
    rule_id: str
    title: str
    severity: str


class ScoreChange(_Frozen):
    name: str
    """``residual``, ``inherent`` or ``control_effectiveness``."""
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before


class AssessmentDiff(_Frozen):
    """From ``older`` to ``newer``; empty tuples where nothing changed."""

    older: str
    newer: str
    older_created: str
    newer_created: str
    tier: tuple[str, str]
    decision: tuple[str, str]
    scores: tuple[ScoreChange, ...]
    answers: tuple[AnswerChange, ...]
    evidence: tuple[EvidenceChange, ...]
    findings_added: tuple[FindingChange, ...]
    findings_removed: tuple[FindingChange, ...]
    knockouts_added: tuple[str, ...]
    knockouts_removed: tuple[str, ...]
    inputs_changed: tuple[str, ...]
    """Roles of the inputs whose sha256 differs (questionnaire, inventory, profile, ...)."""


def diff_assessments(older: Assessment, newer: Assessment) -> AssessmentDiff:
    """The changes from ``older`` to ``newer`` (any two assessments; usually of one vendor, oldest first)."""
    old_answers = {answer.question_id: answer for answer in older.answers}
    new_answers = {answer.question_id: answer for answer in newer.answers}
    answers = []
    for question_id in sorted(old_answers.keys() | new_answers.keys(), key=_question_order):
        before, after = old_answers.get(question_id), new_answers.get(question_id)
        before_text, after_text = _answer_text(before), _answer_text(after)
        if before_text != after_text:
            question = next(answer.question for answer in (after, before) if answer is not None)
            answers.append(AnswerChange(question_id=question_id, question=question, before=before_text,
                                        after=after_text))
    old_evidence, new_evidence = _evidence(older), _evidence(newer)
    evidence = [EvidenceChange(check=check, before=old_evidence.get(check), after=new_evidence.get(check))
                for check in sorted(old_evidence.keys() | new_evidence.keys())
                if old_evidence.get(check) != new_evidence.get(check)]
    old_findings = {finding.rule_id: finding for finding in older.findings}
    new_findings = {finding.rule_id: finding for finding in newer.findings}
    old_knockouts = {hit.rule_id for hit in older.risk.knockouts}
    new_knockouts = {hit.rule_id for hit in newer.risk.knockouts}
    old_inputs = {item.role: item.sha256 for item in older.inputs}
    new_inputs = {item.role: item.sha256 for item in newer.inputs}
    return AssessmentDiff(
        older=older.assessment_id, newer=newer.assessment_id,
        older_created=older.created.isoformat(), newer_created=newer.created.isoformat(),
        tier=(older.risk.tier, newer.risk.tier), decision=(older.risk.decision, newer.risk.decision),
        scores=tuple(ScoreChange(name=name, before=getattr(older.risk, name), after=getattr(newer.risk, name))
                     for name in ("residual", "inherent", "control_effectiveness")),
        answers=tuple(answers), evidence=tuple(evidence),
        findings_added=tuple(_finding(new_findings[rule])
                             for rule in sorted(new_findings.keys() - old_findings.keys())),
        findings_removed=tuple(_finding(old_findings[rule])
                               for rule in sorted(old_findings.keys() - new_findings.keys())),
        knockouts_added=tuple(sorted(new_knockouts - old_knockouts)),
        knockouts_removed=tuple(sorted(old_knockouts - new_knockouts)),
        inputs_changed=tuple(sorted(role for role in old_inputs.keys() | new_inputs.keys()
                                    if old_inputs.get(role) != new_inputs.get(role))),
    )


def _question_order(question_id: str) -> tuple[str, int]:
    """``SEC-2`` before ``SEC-10``; table rows (``INT-01.3``) by their number."""
    stem, _, number = question_id.rpartition(".")
    return (stem, int(number)) if stem and number.isdigit() else (question_id, 0)


def _answer_text(answer: AnsweredQuestion | None) -> str | None:
    if answer is None:
        return None
    return f"{answer.answer} ({answer.comment})" if answer.comment else answer.answer


def _evidence(assessment: Assessment) -> dict[str, str]:
    if assessment.evidence is None:
        return {}
    return {item.check: item.status if item.value is None else f"{item.status}: {item.value}"
            for item in assessment.evidence.items}


def _finding(finding: Finding) -> FindingChange:
    return FindingChange(rule_id=finding.rule_id, title=finding.title, severity=finding.severity)
