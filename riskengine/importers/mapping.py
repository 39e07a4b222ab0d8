"""Mappings from a foreign questionnaire's ids onto our bank: data in ``questionnaires/mappings/*.yaml``.

A mapping says which of their questions answer which of ours, how their answers translate, and how several
of theirs combine into one of ours. It holds ids and our own wording only, never a standard's question text.
It is validated on load against the bank: an unknown question of ours, an answer our question does not
accept, or an id that cannot be one of theirs is an error with its ``file:line``. Format: docs/importers.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from riskengine.datafile import YamlPlaces, read_yaml, validate_data
from riskengine.errors import ConfigurationError, InputError, Problem
from riskengine.questionnaire.bank import YES_NO_OPTIONS, Question, QuestionBank
from riskengine.resources import data_path

Format = Literal["caiq", "hecvat3", "hecvat4", "vsaq", "mapped"]
Combine = Literal["all", "any", "first", "join", "union"]

THEIR_ID: dict[str, re.Pattern[str]] = {
    "caiq": re.compile(r"^[A-Z&]{2,4}-\d{2}\.\d{1,2}$"),  # v4 A&A-01.1, v3.1 IAM-12.10
    "hecvat3": re.compile(r"^[A-Z]{4}-\d{2}$"),
    "hecvat4": re.compile(r"^[A-Z]{4}-\d{2}$"),
    "vsaq": re.compile(r"^[A-Za-z][A-Za-z0-9_]*$"),
}
"""What their question ids look like, per format (the generic importer's comes from its mapping)."""

DEFAULT_MAPPINGS: dict[str, tuple[str, ...]] = {
    "caiq": ("caiq-v4.yaml", "caiq-v3.yaml"),
    "hecvat3": ("hecvat-3-full.yaml", "hecvat-3-lite.yaml"),
    "hecvat4": ("hecvat-4.yaml",),
    "vsaq": ("vsaq.yaml",),
}
"""The shipped mappings of each format, in ``questionnaires/mappings/``; the first is used for a variant that
none of them names (HECVAT 3 Full and Lite reuse ids with different meanings, so each has its own; so do CAIQ
v3.1 and v4, whose variants are ``v3`` and ``v4``)."""

COMBINES: dict[str, tuple[Combine, ...]] = {
    "yes_no": ("all", "any", "first"),
    "choice": ("first",),
    "multi_choice": ("union", "first"),
    "text": ("join", "first"),
    "number": ("first",),
    "date": ("first",),
}
"""How several of their answers may combine into one of ours, per answer type; the first is the default."""

_CATEGORY = re.compile(r"^[a-z][a-z_]*$")
_FACT = re.compile(r"^import\.[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class ColumnLetter(_Frozen):
    """A column given by its letter, for sheets without a header row."""

    letter: str = Field(pattern=r"^[A-Z]{1,3}$")


Column = str | ColumnLetter
"""A column given by its header label (case and spacing ignored) or by ``{letter: D}``."""


class SourceLayout(_Frozen):
    """Where the generic importer finds ids, questions and answers in a one-off workbook."""

    sheets: tuple[str, ...] = ()
    """Sheet titles to read; empty: every sheet that has the header row."""
    id_pattern: str
    """A regular expression every id of theirs matches (rows are found by it, never by row numbers)."""
    id_column: Column
    answer_column: Column
    question_column: Column | None = None
    evidence_column: Column | None = None

    @field_validator("id_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"id_pattern is not a valid regular expression: {exc}") from None
        return value


class Rule(_Frozen):
    """One of ours (or a fact) answered from one or more of theirs."""

    ours: str | None = None
    """Our question id."""
    fact: str | None = None
    """Or a fact to publish (``import.hosting``), for what has no question of ours."""
    sources: tuple[str, ...] = Field(alias="from", min_length=1)
    """Their question ids, in the order ``first`` tries them. ``!ID`` reads a question asked the other way
    round: its Yes counts as No and its No as Yes."""
    combine: Combine | None = None
    """How several answers combine; default by our answer type (see ``COMBINES``)."""
    values: dict[str, str | None] = {}
    """Their answer (a token such as Yes, an option's text, a choice id) -> our value. Yes / No / Partial / N/A
    translate to themselves for our yes/no questions unless listed; ``null`` says that answer tells nothing about
    ours (``No PHI`` is not ``no health data``): the question stays unanswered, and nothing is unparsed."""
    transform: Literal["domain"] | None = None
    """``domain``: keep only the host of a web address (for ``vendor.domain``)."""
    why: str = ""
    """In our own words, why their question answers ours."""


class OwnAnswers(_Frozen):
    """Which of their questions count in the vendor's own-questionnaire score, in which of our categories, and
    which answer shows the control in place. Their questions that answer one of ours (``map``) feed that
    question instead; the others feed a per-category term of the score (``import.own.<category>``)."""

    categories: dict[str, str] = Field(min_length=1)
    """Their id prefix (a CAIQ domain ``IAM-``, a HECVAT section ``HFIH-``, a VSAQ id prefix ``application_``)
    -> our category id (``security``). The longest matching prefix wins; an id no prefix matches is not scored
    (names, contacts, routing questions)."""
    compliant_no: tuple[str, ...] = ()
    """Their ids whose answer showing the control in place is No (HECVAT: "Have you had a breach ...?");
    for every other scored yes/no question it is Yes."""
    not_scored: tuple[str, ...] = ()
    """Their ids under a scored prefix that are not scored all the same (a question that asks for a name)."""

    def category(self, their_id: str) -> str | None:
        """Our category of one of their ids, or None when it is not scored."""
        if their_id in self.not_scored:
            return None
        matches = [prefix for prefix in self.categories if their_id.startswith(prefix)]
        return self.categories[max(matches, key=len)] if matches else None


class Mapping(_Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str
    title: str
    format: Format
    variants: tuple[str, ...] = ()
    """The variants of the format this mapping is for (HECVAT 3 ``Full``, ``Lite``; CAIQ ``v3``, ``v4``); empty:
    all of them."""
    bank: str
    """The id of the question bank the mapping answers."""
    answers: dict[str, str] = {}
    """Words of this format that mean Yes / No / N/A / Partial (``Y``, ``Not Applicable``), whole-cell."""
    routing: dict[str, tuple[str, ...]] = {}
    """Their id -> prefixes of their ids that do not apply when that question is answered No (HECVAT 4)."""
    source: SourceLayout | None = None
    """The layout of a one-off workbook; only for the ``mapped`` format."""
    own_answers: OwnAnswers | None = None
    """How the vendor's answers to their questions score by category (see ``OwnAnswers``); without it only
    the answers mapped onto ours count."""
    rules: tuple[Rule, ...] = Field(alias="map")

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version}"

    def id_pattern(self) -> re.Pattern[str]:
        if self.format == "mapped" and self.source is not None:
            return re.compile(self.source.id_pattern)
        return THEIR_ID[self.format]


_CACHE: dict[tuple[str, int, str, str, bool], Mapping] = {}


def load_mapping(path: Path, bank: QuestionBank, *, user_file: bool = True) -> Mapping:
    """Load and validate a mapping against ``bank``; a user's file raises ``InputError``, ours
    ``ConfigurationError``, each problem with its ``file:line``."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1
    key = (str(path.resolve()), stamp, bank.id, bank.version, user_file)
    if key not in _CACHE:
        data, text = read_yaml(path, user_file=user_file)
        places = YamlPlaces(str(path), text)
        mapping = validate_data(data, Mapping, places, user_file=user_file)
        problems = check_mapping(mapping, bank, places)
        if problems:
            raise (InputError if user_file else ConfigurationError)(str(path), problems)
        _CACHE[key] = mapping
    return _CACHE[key]


def default_mapping(format_name: str, bank: QuestionBank, variant: str = "") -> tuple[Mapping, bool]:
    """The shipped mapping of a format (and variant), and whether it is made for that variant."""
    mappings = [load_mapping(data_path("questionnaires", "mappings", name), bank, user_file=False)
                for name in DEFAULT_MAPPINGS[format_name]]
    for mapping in mappings:
        if fits(mapping, variant):
            return mapping, True
    return mappings[0], False


def fits(mapping: Mapping, variant: str) -> bool:
    """Whether ``mapping`` is made for a questionnaire of this variant."""
    return not mapping.variants or variant.casefold() in {name.casefold() for name in mapping.variants}


def source_id(source: str) -> tuple[str, bool]:
    """A ``from`` entry as (their id, negated)."""
    return (source[1:], True) if source.startswith("!") else (source, False)


def check_mapping(mapping: Mapping, bank: QuestionBank, places: YamlPlaces) -> list[Problem]:
    """Everything that makes a mapping unusable with ``bank``, each with its line."""
    problems: list[Problem] = []

    def problem(location: tuple[int | str, ...], message: str) -> None:
        problems.append(Problem(place=places.place(location), message=message))

    if mapping.bank != bank.id:
        problem(("bank",), f"this mapping answers bank {mapping.bank!r}, not {bank.id!r}")
    if (mapping.format == "mapped") != (mapping.source is not None):
        problem(("source",) if mapping.source else ("format",),
                "a 'source' layout is needed by, and only by, the generic format 'mapped'")
        return problems
    pattern = mapping.id_pattern()
    for their_id in mapping.routing:
        if not pattern.match(their_id):
            problem(("routing", their_id), f"{their_id!r} is not an id of the {mapping.format} format")
    if mapping.own_answers is not None:
        own = mapping.own_answers
        for prefix, category in own.categories.items():
            if not _CATEGORY.match(category):
                problem(("own_answers", "categories", prefix), f"{category!r} is not a category id (security, "
                                                               "privacy, ...)")
        for key in ("compliant_no", "not_scored"):
            for position, their_id in enumerate(getattr(own, key)):
                if not pattern.match(their_id):
                    problem(("own_answers", key, position), f"{their_id!r} is not an id of the {mapping.format} "
                                                            "format")
    questions = {question.id: question for _, question in bank.questions()}
    seen: dict[str, int] = {}
    vocabularies = dict(bank.vocabularies)
    for index, rule in enumerate(mapping.rules):
        where: tuple[int | str, ...] = ("map", index)
        for position, source in enumerate(rule.sources):
            their_id, _ = source_id(source)
            if not pattern.match(their_id):
                problem((*where, "from", position), f"{their_id!r} is not an id of the {mapping.format} format")
        if (rule.ours is None) == (rule.fact is None):
            problem(where, "each entry names either 'ours' (a question id) or 'fact', not both, not neither")
            continue
        if rule.fact is not None:
            if not _FACT.match(rule.fact):
                problem((*where, "fact"), f"fact {rule.fact!r} must look like import.hosting (import. and lowercase)")
            if rule.transform is not None or (rule.combine not in (None, "first", "join", "union")):
                problem(where, "a fact takes no transform, and combines with first, join or union only")
            continue
        assert rule.ours is not None
        question = questions.get(rule.ours)
        if question is None:
            problem((*where, "ours"), f"unknown question {rule.ours!r} of {bank.id}")
            continue
        if rule.ours in seen:
            problem((*where, "ours"), f"{rule.ours} is already mapped (entry {seen[rule.ours] + 1}); list every "
                                      "source in one entry's 'from'")
        seen.setdefault(rule.ours, index)
        problems.extend(Problem(place=places.place(location), message=message)
                        for location, message in _check_rule(rule, question, vocabularies, where))
    return problems


def _check_rule(rule: Rule, question: Question, vocabularies: dict[str, tuple[str, ...]],
                where: tuple[int | str, ...]) -> list[tuple[tuple[int | str, ...], str]]:
    found: list[tuple[tuple[int | str, ...], str]] = []
    if question.is_table:
        return [((*where, "ours"), f"{question.id} is a table; tables are not filled from foreign questionnaires")]
    allowed = COMBINES[question.type]
    if rule.combine is not None and rule.combine not in allowed:
        found.append(((*where, "combine"), f"{question.id} is {question.type}: combine with "
                                           f"{' or '.join(allowed)}, not {rule.combine}"))
    if rule.transform is not None and question.type != "text":
        found.append(((*where, "transform"), f"transform applies to text answers; {question.id} is {question.type}"))
    if rule.values and question.type not in ("yes_no", "choice", "multi_choice"):
        found.append(((*where, "values"), f"{question.id} is {question.type}: only yes/no and choice answers "
                                          "translate through 'values'"))
        return found
    options = {option.casefold() for option in question.choices(vocabularies)} if question.type in (
        "yes_no", "choice", "multi_choice") else set()
    for their, ours in rule.values.items():
        if ours is None:
            continue
        wanted = [part.strip() for part in ours.split(",")] if question.type == "multi_choice" else [ours]
        for value in wanted:
            if value.casefold() not in options:
                shown = YES_NO_OPTIONS if question.type == "yes_no" else question.choices(vocabularies)
                found.append(((*where, "values", their), f"{value!r} is not an answer of {question.id}; "
                                                         f"expected one of {', '.join(shown)}"))
    return found
