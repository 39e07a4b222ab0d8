"""What a vendor answered, typed and placed: the output of every questionnaire reader."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict

from riskengine.errors import Problem
from riskengine.facts import Fact, Provenance

AnswerValue = str | int | float | dt.date | tuple[str, ...]


class Answer(BaseModel):
    """One answer, typed by its question, with the cell it came from."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    value: AnswerValue | None
    """None when left blank. Choices are canonical option text; multi-choices a tuple in option order."""
    place: str
    """``Security!D14``"""
    comment: str = ""
    reason: str = ""
    """The vendor's own words behind the answer (the Comment cell of our template; a foreign questionnaire's
    remark or description): what makes an N/A a reasoned one."""


class TableRow(BaseModel):
    """One row of a table question (an integration, a sub-processor)."""

    model_config = ConfigDict(frozen=True)

    place: str
    """``Integrations!B12:G12``"""
    values: dict[str, AnswerValue | None]
    places: dict[str, str]


class UnparsedAnswer(BaseModel):
    """An answer in a foreign questionnaire that is not clearly an answer: kept for the analyst, never guessed."""

    model_config = ConfigDict(frozen=True)

    their_id: str
    place: str
    """``CAIQv4.0.3!C41`` or ``answers.json:$.answers.network_vpn``"""
    text: str
    """What the vendor wrote, as written."""
    reason: str


class VendorEvidence(BaseModel):
    """A vendor's own free-text description behind one of our answers (CAIQ implementation description,
    HECVAT additional information), kept in their words."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    """Ours."""
    their_id: str
    place: str
    text: str


class ImportFlag(BaseModel):
    """A warning the foreign questionnaire itself raises on the vendor's answers (a VSAQ tip whose condition
    holds)."""

    model_config = ConfigDict(frozen=True)

    their_id: str
    severity: str
    text: str
    place: str
    response: str = ""
    """The vendor's explanation, where the questionnaire asked for one."""


class ImportedFact(BaseModel):
    """A value a mapping publishes as a fact (``import.hosting``) rather than as an answer of ours."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: str | int | float | bool | tuple[str, ...]
    place: str


OwnVerdict = Literal["met", "partial", "gap", "unclear", "unanswered", "not_applicable"]
"""What one of the vendor's own answers says of its control: in place (``met``), partly, not in place (``gap``),
an answer that is not clearly Yes, No or N/A (``unclear``), no answer, or not applicable (routed out by the
questionnaire itself, or answered N/A)."""
OWN_POINTS: dict[str, Fraction] = {"met": Fraction(1), "partial": Fraction(1, 2), "gap": Fraction(0),
                                   "unclear": Fraction(0), "unanswered": Fraction(0)}
"""What each verdict earns of one question's share; ``not_applicable`` is left out of the count."""


class OwnAnswer(BaseModel):
    """One of the vendor's answers to its own questionnaire's questions that no question of ours takes: it
    counts in our category's share of the vendor's controls in place (``import.own.<category>``)."""

    model_config = ConfigDict(frozen=True)

    their_id: str
    category: str
    """Ours (``security``)."""
    place: str
    answer: str
    """As given, shortened ('' when unanswered); for VSAQ the option id picked."""
    verdict: OwnVerdict
    expected: str = "Yes"
    """The answer that shows the control in place (``No`` for a HECVAT question asked the other way round)."""


class Coverage(BaseModel):
    """How a questionnaire in a foreign format (CAIQ, HECVAT, VSAQ, a one-off) covers our bank.

    Our questions it does not answer stay unanswered and are listed in ``not_covered``: the gap shows in the
    report instead of being scored as compliant.
    """

    model_config = ConfigDict(frozen=True)

    format: str
    """``caiq``, ``hecvat3``, ``hecvat4``, ``vsaq`` or ``mapped``."""
    format_version: str
    mapping: str
    """The mapping used, as ``id@version``."""
    source_sha256: str
    """Of the vendor's file as read; the file itself is never written to."""
    related_files: dict[str, str] = {}
    """Other files the reading needed (a VSAQ answers file's definition), name -> sha256."""
    questions_read: int
    """Their questions found in the file."""
    questions_answered: int
    """Of those, the ones with an answer."""
    questions_total: int
    """Our questions (the bank's size): coverage is ``answers_mapped`` of these."""
    answers_mapped: int
    """Our questions answered through the mapping."""
    not_covered: tuple[str, ...]
    """Our question ids with no answer from the foreign questionnaire, in bank order."""
    not_applicable: tuple[str, ...] = ()
    """Their question ids that the questionnaire's own routing made not applicable (HECVAT 4)."""
    sources: dict[str, tuple[str, ...]] = {}
    """Our question id -> their question ids its answer was made from."""
    unparsed: tuple[UnparsedAnswer, ...] = ()
    vendor_evidence: tuple[VendorEvidence, ...] = ()
    flags: tuple[ImportFlag, ...] = ()
    facts: tuple[ImportedFact, ...] = ()
    own_answers: tuple[OwnAnswer, ...] = ()
    """Their scored questions that answer none of ours, each with our category and what it says (see the
    mapping's ``own_answers``), in file order."""

    @property
    def percent(self) -> float:
        """Share of our questions answered, 0-100."""
        return 100.0 * self.answers_mapped / self.questions_total if self.questions_total else 0.0

    def evidence_for(self, question_id: str) -> tuple[VendorEvidence, ...]:
        return tuple(item for item in self.vendor_evidence if item.question_id == question_id)

    def own_categories(self) -> dict[str, tuple[OwnAnswer, ...]]:
        """The vendor's own scored answers by our category, categories in order of first appearance."""
        grouped: dict[str, list[OwnAnswer]] = {}
        for answer in self.own_answers:
            grouped.setdefault(answer.category, []).append(answer)
        return {category: tuple(answers) for category, answers in grouped.items()}


class Submission(BaseModel):
    """A vendor's whole questionnaire, valid against its bank; warnings travel with it."""

    model_config = ConfigDict(frozen=True)

    bank_id: str
    bank_version: str
    source: str
    answers: dict[str, Answer]
    tables: dict[str, tuple[TableRow, ...]]
    warnings: tuple[Problem, ...] = ()
    coverage: Coverage | None = None
    """Set when the questionnaire came in a foreign format; None for our own template."""
    refused_not_applicable: dict[str, str] = {}
    """Question id -> why its N/A is not accepted (not allowed there, or no reason given): such an answer is
    shown as given but scored as unanswered. See ``riskengine.questionnaire.not_applicable``."""

    def value(self, question_id: str) -> AnswerValue | None:
        answer = self.answers.get(question_id)
        return answer.value if answer is not None else None

    def text(self, question_id: str, default: str = "") -> str:
        value = self.value(question_id)
        if value is None:
            return default
        if isinstance(value, tuple):
            return ", ".join(value)
        return value.isoformat() if isinstance(value, dt.date) else str(value)


def answer_facts(submission: Submission) -> list[Fact]:
    """One ``answer.<ID>`` fact per question, sourced from its cell; a table's fact is its row count.

    An N/A the questionnaire does not accept (``refused_not_applicable``) is published as unanswered (None),
    its source saying why, so that it can neither pass a knockout nor drop a control from the score."""
    refused = submission.refused_not_applicable
    facts = [
        Fact(name=f"answer.{answer.question_id}", value=None, sources=(
            Provenance(kind="cell", ref=answer.place, detail=f"N/A not accepted: {refused[answer.question_id]}"),))
        if answer.question_id in refused else
        Fact(name=f"answer.{answer.question_id}", value=answer.value,
             sources=(Provenance(kind="cell", ref=answer.place),))
        for answer in submission.answers.values()
    ]
    for question_id, rows in submission.tables.items():
        facts.append(Fact(name=f"answer.{question_id}", value=len(rows),
                          sources=tuple(Provenance(kind="cell", ref=row.place) for row in rows)))
    return facts


IMPORT_FACTS: dict[str, str] = {
    "import.format": "the questionnaire's foreign format (caiq, hecvat3, hecvat4, vsaq, mapped); absent for ours",
    "import.coverage": "percent of our questions a foreign questionnaire answers through its mapping",
    "import.not_covered": "how many of our questions a foreign questionnaire does not answer",
    "import.unparsed": "answers in a foreign questionnaire that are not clearly answers",
    "import.flags": "warnings the foreign questionnaire itself raised on the vendor's answers",
    "import.flag.critical": "of those, critical",
    "import.flag.high": "of those, high",
    "import.flag.medium": "of those, medium",
    "import.flag.low": "of those, low",
    "import.answered_share": "percent of a foreign questionnaire's own scored questions the vendor answered",
}
"""The facts ``import_facts`` and ``own_answer_facts`` publish for a questionnaire in a foreign format (besides
``import.own.<category>``, one per category of the scoring profile)."""
IMPORT_SEVERITIES = ("critical", "high", "medium", "low")


def import_facts(submission: Submission) -> list[Fact]:
    """Facts about a foreign questionnaire, for rules that want them: ``import.format``, ``import.coverage``
    (percent of our questions answered), ``import.not_covered`` (how many are not), ``import.unparsed``,
    ``import.flags`` and ``import.flag.<severity>`` (the questionnaire's own warnings that fired), and every
    ``import.*`` fact the mapping publishes. None for our own template."""
    coverage = submission.coverage
    if coverage is None:
        return []
    source = (Provenance(kind="derived", ref="import", detail=f"{coverage.format} {coverage.format_version} "
                                                              f"through {coverage.mapping}"),)
    facts = [
        Fact(name="import.format", value=coverage.format, sources=source),
        Fact(name="import.coverage", value=round(coverage.percent, 1), sources=source),
        Fact(name="import.not_covered", value=len(coverage.not_covered), sources=source),
        Fact(name="import.unparsed", value=len(coverage.unparsed), sources=source),
        Fact(name="import.flags", value=len(coverage.flags),
             sources=tuple(Provenance(kind="cell", ref=flag.place, detail=flag.their_id) for flag in coverage.flags)),
    ]
    for severity in IMPORT_SEVERITIES:
        fired = [flag for flag in coverage.flags if flag.severity == severity]
        facts.append(Fact(name=f"import.flag.{severity}", value=len(fired),
                          sources=tuple(Provenance(kind="cell", ref=flag.place, detail=flag.their_id)
                                        for flag in fired)))
    facts.extend(Fact(name=fact.name, value=fact.value, sources=(Provenance(kind="cell", ref=fact.place),))
                 for fact in coverage.facts)
    facts.extend(own_answer_facts(coverage))
    return facts


FORMAT_NAMES = {"caiq": "CAIQ", "hecvat3": "HECVAT", "hecvat4": "HECVAT", "vsaq": "VSAQ", "mapped": "vendor's"}
"""How a format names itself to a reader (``CAIQ IAM-14.1: No``)."""


class OwnCategory(BaseModel):
    """The vendor's own scored answers of one of our categories, counted: the figures the report shows and the
    share the score reads (``import.own.<category>``), worked out once here."""

    model_config = ConfigDict(frozen=True)

    category: str
    counts: dict[str, int]
    """Verdict -> how many (every verdict present, zeros included)."""
    share: float | None
    """In place, 0-1, in thousandths rounded down (Partial half; unanswered and unclear none); None when every
    answer is N/A."""
    short: tuple[OwnAnswer, ...]
    """The answers not in place (gap, partial, unclear, unanswered), in file order."""


def own_summary(coverage: Coverage) -> tuple[OwnCategory, ...]:
    """The vendor's own scored answers by our category, in order of first appearance."""
    summaries: list[OwnCategory] = []
    for category, answers in coverage.own_categories().items():
        counted = [answer for answer in answers if answer.verdict != "not_applicable"]
        counts = {verdict: 0 for verdict in OWN_POINTS} | {"not_applicable": 0}
        for answer in answers:
            counts[answer.verdict] += 1
        share = None
        if counted:
            earned = sum((OWN_POINTS[answer.verdict] for answer in counted), Fraction(0))
            share = int(1000 * earned / len(counted)) / 1000
        summaries.append(OwnCategory(category=category, counts=counts, share=share,
                                     short=tuple(answer for answer in counted if answer.verdict != "met")))
    return tuple(summaries)


def own_answered(coverage: Coverage) -> tuple[int, int]:
    """How many of the vendor's own scored questions it answered, of how many were put to it: a question its own
    questionnaire took out (a HECVAT section routed away, a VSAQ question hidden by an earlier answer) and left
    blank was not put to it; an N/A the vendor gave is an answer."""
    asked = [answer for answer in coverage.own_answers if answer.answer or answer.verdict != "not_applicable"]
    return sum(1 for answer in asked if answer.verdict != "unanswered"), len(asked)


def own_answer_facts(coverage: Coverage) -> list[Fact]:
    """``import.own.<category>``: the share of the vendor's own scored questions of a category whose answers
    show the control in place (see ``OwnCategory.share``; "N/A" when all are N/A), sourced from every answer not
    in place. ``import.answered_share``: the percent (one decimal, rounded down) of its scored questions put to
    the vendor that it answered (``own_answered``)."""
    if not coverage.own_answers:
        return []
    label = FORMAT_NAMES.get(coverage.format, coverage.format)
    facts: list[Fact] = []
    for summary in own_summary(coverage):
        sources = tuple(Provenance(kind="cell", ref=answer.place,
                                   detail=f"{label} {answer.their_id}: {answer.answer or 'no answer'}")
                        for answer in summary.short) or (
            Provenance(kind="derived", ref=f"import.own.{summary.category}",
                       detail=f"every scored {label} answer of the category in place or N/A"),)
        facts.append(Fact(name=f"import.own.{summary.category}",
                          value="N/A" if summary.share is None else summary.share, sources=sources))
    answered, total = own_answered(coverage)
    if not total:
        return facts
    facts.append(Fact(name="import.answered_share", value=int(1000 * answered / total) / 10,
                      sources=(Provenance(kind="derived", ref="import.answered_share",
                                          detail=f"{answered} of {total} scored {label} questions answered"),)))
    return facts
