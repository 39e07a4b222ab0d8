"""The question bank: sections, questions and answer types, loaded from ``questionnaires/*.yaml``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from riskengine.conditions import Condition, fact_tests
from riskengine.datafile import load_yaml_model
from riskengine.resources import data_path

AnswerType = Literal["choice", "yes_no", "multi_choice", "number", "date", "text"]

YES_NO_OPTIONS = ("Yes", "No", "Partial", "N/A")
"""The options of every ``yes_no`` answer: Partial and N/A are allowed so vendors need not lie."""
NOT_APPLICABLE = "N/A"

QUESTION_ID = re.compile(r"^[A-Z]{2,5}-\d{2,3}$")
EXCEL_SHEET_TITLE = re.compile(r"^[^\[\]:*?/\\]{1,31}$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AnswerSpec(_Frozen):
    """How an answer is typed and checked; shared by questions and table columns."""

    type: AnswerType
    options: tuple[str, ...] = ()
    """Allowed values of ``choice`` and ``multi_choice`` answers, in the order shown."""
    vocabulary: str | None = None
    """Name of a vocabulary in the bank whose terms are the options (instead of listing them)."""
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    not_future: bool = False
    """A date that cannot lie in the future (last audit, founded)."""
    not_past: bool = False
    """A date that cannot lie in the past (certificate expiry)."""
    max_length: int = Field(default=2000, gt=0)
    required: bool = True

    def choices(self, vocabularies: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
        """The allowed values of this answer, resolving a vocabulary reference."""
        if self.type == "yes_no":
            return YES_NO_OPTIONS
        if self.vocabulary is not None:
            return vocabularies[self.vocabulary]
        return self.options

    def describe(self, vocabularies: dict[str, tuple[str, ...]]) -> str:
        """What a vendor should enter, in one short line (shown in the template's Format column)."""
        if self.type in ("choice", "yes_no"):
            return "Pick one: " + " / ".join(self.choices(vocabularies))
        if self.type == "multi_choice":
            return "One or more, separated by commas: " + ", ".join(self.choices(vocabularies))
        if self.type == "number":
            bounds = []
            if self.minimum is not None:
                bounds.append(f"min {self.minimum:g}")
            if self.maximum is not None:
                bounds.append(f"max {self.maximum:g}")
            kind = "Whole number" if self.integer else "Number"
            unit = f" in {self.unit}" if self.unit else ""
            return f"{kind}{unit}" + (f" ({', '.join(bounds)})" if bounds else "")
        if self.type == "date":
            return "Date (YYYY-MM-DD)"
        return f"Text (up to {self.max_length} characters)"

    @model_validator(mode="after")
    def _consistent(self) -> AnswerSpec:
        if self.type in ("choice", "multi_choice") and not (self.options or self.vocabulary):
            raise ValueError(f"a {self.type} answer needs options or a vocabulary")
        if self.type not in ("choice", "multi_choice") and (self.options or self.vocabulary):
            raise ValueError(f"options are only for choice answers, not {self.type}")
        if self.type != "number" and (self.unit or self.minimum is not None or self.maximum is not None):
            raise ValueError("unit, minimum and maximum are only for number answers")
        if self.type == "number" and (self.minimum is None or self.maximum is None):
            raise ValueError("a number answer needs a minimum and a maximum: every figure a vendor gives has a "
                             "sane range, and nothing outside it reaches the arithmetic")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("minimum is greater than maximum")
        if self.type != "date" and (self.not_future or self.not_past):
            raise ValueError("not_future and not_past are only for date answers")
        return self


class NotApplicableRule(_Frozen):
    """When N/A is an acceptable answer to a yes/no question. It always needs the vendor's reason (the Comment
    column); without ``when`` any reasoned N/A is accepted, with it only while the condition holds."""

    when: Condition | None = None
    """A condition on this bank's answers (``answer.DAT-01``...), evaluated in three-valued logic: an unanswered
    question it reads makes it unknown, and an unknown condition does not accept the N/A."""
    because: str
    """The situation in plain words, for the warning when the N/A is refused ("the tool holds no personal
    data (DAT-01 is No)")."""


class Column(AnswerSpec):
    """One column of a table question (for example the Integrations rows)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    help: str = ""
    width: float = 18


class Question(AnswerSpec):
    """One question: a stable id, the text a vendor reads, help, and its answer type.

    A question with ``columns`` is a table: one row per item (integrations, sub-processors).
    """

    id: str
    text: str
    help: str = ""
    columns: tuple[Column, ...] = ()
    rows: int = Field(default=0, ge=0, le=500)
    """Blank rows the template offers for a table question."""
    role: str | None = Field(default=None, pattern=r"^[a-z]+(\.[a-z_]+)*$")
    """What the pipeline uses this answer for (``vendor.domain``, ``integrations``): code asks for roles,
    never for question ids, so renumbering questions is a data change only."""
    type: AnswerType | Literal["table"] = "text"  # type: ignore[assignment]
    na_allowed: NotApplicableRule | None = None
    """When N/A is accepted (yes/no questions only); without it the section's rule applies, and without
    either N/A is never accepted: it counts as unanswered."""

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not QUESTION_ID.match(value):
            raise ValueError(f"question id {value!r} must look like SEC-04 (2-5 capitals, dash, 2-3 digits)")
        return value

    @model_validator(mode="after")
    def _table_shape(self) -> Question:
        if (self.type == "table") != bool(self.columns):
            raise ValueError("a table question needs columns, and only a table question has them")
        if self.type == "table" and self.rows == 0:
            raise ValueError("a table question needs rows > 0 (blank rows offered in the template)")
        if self.na_allowed is not None and self.type != "yes_no":
            raise ValueError("na_allowed is only for yes_no questions (N/A is one of their options)")
        ids = [column.id for column in self.columns]
        if len(set(ids)) != len(ids):
            raise ValueError("table column ids must be unique")
        return self

    @property
    def is_table(self) -> bool:
        return self.type == "table"


class Section(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    sheet: str
    """The worksheet title (31 characters at most, no ``[]:*?/\\``)."""
    title: str
    intro: str = ""
    na_allowed: NotApplicableRule | None = None
    """When N/A is accepted for the section's yes/no questions that have no rule of their own."""
    questions: tuple[Question, ...] = Field(min_length=1)

    @field_validator("sheet")
    @classmethod
    def _sheet_title(cls, value: str) -> str:
        if not EXCEL_SHEET_TITLE.match(value) or value.lower() == "instructions":
            raise ValueError(f"{value!r} cannot be a worksheet title")
        return value


class QuestionBank(_Frozen):
    """A whole questionnaire; the template is generated from it and the reader is driven by it."""

    id: str
    version: str
    title: str
    instructions: tuple[str, ...] = ()
    vocabularies: dict[str, tuple[str, ...]] = {}
    sections: tuple[Section, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> QuestionBank:
        seen: set[str] = set()
        sheets: set[str] = set()
        roles: set[str] = set()
        for section in self.sections:
            if section.sheet.lower() in sheets:
                raise ValueError(f"sheet {section.sheet!r} appears twice")
            sheets.add(section.sheet.lower())
            for question in section.questions:
                if question.id in seen:
                    raise ValueError(f"question id {question.id} appears twice")
                seen.add(question.id)
                if question.role is not None:
                    if question.role in roles:
                        raise ValueError(f"{question.id}: role {question.role!r} is already taken")
                    roles.add(question.role)
                for spec in (question, *question.columns):
                    if spec.vocabulary is not None and spec.vocabulary not in self.vocabularies:
                        raise ValueError(
                            f"{question.id}: unknown vocabulary {spec.vocabulary!r}; known: "
                            f"{', '.join(sorted(self.vocabularies))}"
                        )
        answers = {f"answer.{question}" for question in seen}
        for section in self.sections:
            for owner, rule in ((section.id, section.na_allowed),
                                *((question.id, question.na_allowed) for question in section.questions)):
                unknown = sorted({test.fact for test in fact_tests(rule.when)} - answers) \
                    if rule is not None and rule.when is not None else []
                if unknown:
                    raise ValueError(f"{owner}: na_allowed reads {', '.join(unknown)}, which is not an answer of "
                                     "this bank (write answer.<question id>)")
        return self

    def questions(self) -> list[tuple[Section, Question]]:
        """Every question with its section, in bank order."""
        return [(section, question) for section in self.sections for question in section.questions]

    def na_rule(self, question_id: str) -> NotApplicableRule | None:
        """When N/A is accepted for this question (its own rule, else its section's), or None: never."""
        for section in self.sections:
            for question in section.questions:
                if question.id == question_id:
                    if question.type != "yes_no":
                        return None
                    return question.na_allowed or section.na_allowed
        raise KeyError(question_id)

    def by_role(self, role: str) -> Question | None:
        """The question that plays ``role`` (see ``Question.role``), if the bank has one."""
        return next((question for _, question in self.questions() if question.role == role), None)

    def question(self, question_id: str) -> Question:
        for _, question in self.questions():
            if question.id == question_id:
                return question
        raise KeyError(question_id)


DEFAULT_BANK = "martech-v1.yaml"


@cache
def load_bank(path: Path | None = None) -> QuestionBank:
    """Load and validate a question bank; the default is the shipped ``martech-v1``."""
    return load_yaml_model(path or data_path("questionnaires", DEFAULT_BANK), QuestionBank)
