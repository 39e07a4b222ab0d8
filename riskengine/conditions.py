"""The condition language of rules: ``all``, ``any``, ``not``, and tests on one fact.

Parsed into pydantic models and evaluated by walking them: no ``eval``, nothing else to run. It sits in the
kernel beside ``facts`` because two kinds of data use it: the question bank (when N/A is an acceptable answer)
and the scoring profile (derived facts, controls, knockouts, requirements).

A condition answers in two ways:

- ``holds(facts)``: true or false. A fact that is absent or blank passes no test except ``exists: false``, so
  ``not`` of a test on a blank holds. Scoring uses this for controls and inherent-risk factors, where a blank
  counts as a gap.
- ``evaluate(facts)``: true, false or ``None`` (unknown), in Kleene's three-valued logic: a test on a blank is
  unknown, ``all`` is false as soon as one part is false, ``any`` true as soon as one part is true, ``not`` of
  unknown is unknown. Knockouts and derived facts use this, so that a missing answer is never read as a pass:
  ``unknowns(facts)`` names the facts an unknown result waits for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from riskengine.facts import FactSet, FactValue

ASSESSMENT_DATE = "assessment.date"
"""The fact that holds the assessment's date: age tests (``age_days``, ``age_years``) count from it, so no rule
ever names a fixed year and goes stale."""

Truth = bool | None
"""A three-valued truth: ``None`` is unknown (a fact the result depends on is blank or absent)."""


class _Condition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class AgeRange(_Condition):
    """Bounds on an age counted back from the assessment's date; at least one is given."""

    gte: float | None = None
    lte: float | None = None

    @model_validator(mode="after")
    def _bounded(self) -> AgeRange:
        if self.gte is None and self.lte is None:
            raise ValueError("an age range needs gte, lte or both")
        return self

    def contains(self, age: float) -> bool:
        return (self.gte is None or age >= self.gte) and (self.lte is None or age <= self.lte)


class FactTest(_Condition):
    """A test on one fact.

    ``age_days`` and ``age_years`` compare the time from the fact (a date, or a year as a whole number) to the
    assessment's date (``assessment.date``): ``{fact: answer.VEN-05, age_years: {gte: 5}}`` reads "founded at
    least 5 years before the assessment". A date in the future has a negative age.
    """

    fact: str
    equals: str | int | float | bool | None = None
    in_: tuple[str | int | float, ...] | None = Field(default=None, alias="in")
    gte: float | None = None
    lte: float | None = None
    is_: bool | None = Field(default=None, alias="is")
    exists: bool | None = None
    contains: str | None = None
    """For list facts (multi-choice answers): the list holds this item."""
    age_days: AgeRange | None = None
    age_years: AgeRange | None = None

    @model_validator(mode="after")
    def _one_test(self) -> FactTest:
        tests = [name for name in ("equals", "in_", "gte", "lte", "is_", "exists", "contains", "age_days",
                                   "age_years") if getattr(self, name) is not None]
        if not tests:
            raise ValueError(f"condition on {self.fact} needs a test: equals, in, gte, lte, is, exists, contains, "
                             "age_days or age_years")
        if len(tests) > 1 and set(tests) != {"gte", "lte"}:
            raise ValueError(f"condition on {self.fact} has several tests ({', '.join(tests)}); use all:")
        return self

    def holds(self, facts: FactSet) -> bool:
        value = facts.value(self.fact)
        if self.exists is not None:
            return (value is not None) == self.exists
        return value is not None and self._test(value, facts) is True

    def evaluate(self, facts: FactSet) -> Truth:
        value = facts.value(self.fact)
        if self.exists is not None:
            return (value is not None) == self.exists
        return None if value is None else self._test(value, facts)

    def unknowns(self, facts: FactSet) -> set[str]:
        if self.evaluate(facts) is not None:
            return set()
        return {self.fact} if facts.value(self.fact) is None else {ASSESSMENT_DATE}

    def _test(self, value: Any, facts: FactSet) -> Truth:
        if self.is_ is not None:
            return bool(value is self.is_ or value == self.is_)
        if self.equals is not None:
            return _same(value, self.equals)
        if self.in_ is not None:
            return any(_same(value, option) for option in self.in_)
        if self.contains is not None:
            return isinstance(value, tuple) and any(_same(item, self.contains) for item in value)
        if self.age_days is not None or self.age_years is not None:
            return _age_test(value, facts, self.age_days, self.age_years)
        number = _number(value)
        if number is None:
            return False
        return (self.gte is None or number >= self.gte) and (self.lte is None or number <= self.lte)

    def tested_values(self) -> tuple[Any, ...]:
        """The literal values this test compares a fact against (for load-time checks of choices)."""
        if self.equals is not None:
            return (self.equals,)
        if self.in_ is not None:
            return self.in_
        if self.contains is not None:
            return (self.contains,)
        return ()


class AllOf(_Condition):
    all: tuple[Condition, ...] = Field(min_length=1)

    def holds(self, facts: FactSet) -> bool:
        return all(part.holds(facts) for part in self.all)

    def evaluate(self, facts: FactSet) -> Truth:
        return _kleene(self.all, facts, deciding=False)

    def unknowns(self, facts: FactSet) -> set[str]:
        return _unknowns(self, self.all, facts)


class AnyOf(_Condition):
    any: tuple[Condition, ...] = Field(min_length=1)

    def holds(self, facts: FactSet) -> bool:
        return any(part.holds(facts) for part in self.any)

    def evaluate(self, facts: FactSet) -> Truth:
        return _kleene(self.any, facts, deciding=True)

    def unknowns(self, facts: FactSet) -> set[str]:
        return _unknowns(self, self.any, facts)


def _kleene(parts: tuple[Condition, ...], facts: FactSet, *, deciding: bool) -> Truth:
    """Kleene's "and" (a false part decides) or "or" (a true part decides); otherwise unknown if any part is."""
    result: Truth = not deciding
    for part in parts:
        value = part.evaluate(facts)
        if value is deciding:
            return deciding
        if value is None:
            result = None
    return result


def _unknowns(condition: AllOf | AnyOf, parts: tuple[Condition, ...], facts: FactSet) -> set[str]:
    if condition.evaluate(facts) is not None:
        return set()
    return {fact for part in parts for fact in part.unknowns(facts)}


class NotOf(_Condition):
    not_: Condition = Field(alias="not")

    def holds(self, facts: FactSet) -> bool:
        return not self.not_.holds(facts)

    def evaluate(self, facts: FactSet) -> Truth:
        value = self.not_.evaluate(facts)
        return None if value is None else not value

    def unknowns(self, facts: FactSet) -> set[str]:
        return self.not_.unknowns(facts)


Condition = FactTest | AllOf | AnyOf | NotOf
for _model in (AllOf, AnyOf, NotOf):
    _model.model_rebuild()


def fact_tests(condition: Condition) -> Iterator[FactTest]:
    """Every fact test inside a condition, depth first."""
    if isinstance(condition, FactTest):
        yield condition
    elif isinstance(condition, AllOf):
        for part in condition.all:
            yield from fact_tests(part)
    elif isinstance(condition, AnyOf):
        for part in condition.any:
            yield from fact_tests(part)
    else:
        yield from fact_tests(condition.not_)


def facts_read(condition: Condition) -> tuple[str, ...]:
    """The facts a condition reads, in reading order, without repeats (an age test also reads the date)."""
    names: dict[str, None] = {}
    for test in fact_tests(condition):
        names[test.fact] = None
        if test.age_days is not None or test.age_years is not None:
            names[ASSESSMENT_DATE] = None
    return tuple(names)


def _age_test(value: Any, facts: FactSet, days: AgeRange | None, years: AgeRange | None) -> Truth:
    today = facts.value(ASSESSMENT_DATE)
    if not isinstance(today, dt.date):
        return None
    if isinstance(value, dt.date):
        start = value
    elif isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 9999:
        start = dt.date(value, 1, 1)  # a year: its first day, so "founded 2021" is 5 years old in 2026
    else:
        return False
    if days is not None:
        return days.contains((today - start).days)
    assert years is not None
    whole_years = today.year - start.year - ((today.month, today.day) < (start.month, start.day))
    if isinstance(value, int):
        whole_years = today.year - value  # a bare year has no month: count calendar years
    return years.contains(whole_years)


def _same(value: FactValue, expected: Any) -> bool:
    if isinstance(value, str) and isinstance(expected, str):
        return value.casefold() == expected.casefold()
    if isinstance(value, bool) or isinstance(expected, bool):
        return value is expected
    return bool(value == expected)


def _number(value: FactValue) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.date):
        return float(value.toordinal())
    if isinstance(value, tuple):
        return float(len(value))
    return None
