"""What a vendor answered, typed and placed: the output of every questionnaire reader."""

from __future__ import annotations

import datetime as dt

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


class TableRow(BaseModel):
    """One row of a table question (an integration, a sub-processor)."""

    model_config = ConfigDict(frozen=True)

    place: str
    """``Integrations!B12:G12``"""
    values: dict[str, AnswerValue | None]
    places: dict[str, str]


class Submission(BaseModel):
    """A vendor's whole questionnaire, valid against its bank; warnings travel with it."""

    model_config = ConfigDict(frozen=True)

    bank_id: str
    bank_version: str
    source: str
    answers: dict[str, Answer]
    tables: dict[str, tuple[TableRow, ...]]
    warnings: tuple[Problem, ...] = ()

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
    """One ``answer.<ID>`` fact per question, sourced from its cell; a table's fact is its row count."""
    facts = [
        Fact(name=f"answer.{answer.question_id}", value=answer.value,
             sources=(Provenance(kind="cell", ref=answer.place),))
        for answer in submission.answers.values()
    ]
    for question_id, rows in submission.tables.items():
        facts.append(Fact(name=f"answer.{question_id}", value=len(rows),
                          sources=tuple(Provenance(kind="cell", ref=row.place) for row in rows)))
    return facts
