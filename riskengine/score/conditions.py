"""The condition language of scoring rules: ``all``, ``any``, ``not``, and tests on one fact.

Parsed into pydantic models and evaluated by walking them: no ``eval``, nothing else to run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from riskengine.facts import FactSet, FactValue


class _Condition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class FactTest(_Condition):
    """A test on one fact; a fact that is absent or blank passes no test except ``exists: false``."""

    fact: str
    equals: str | int | float | bool | None = None
    in_: tuple[str | int | float, ...] | None = Field(default=None, alias="in")
    gte: float | None = None
    lte: float | None = None
    is_: bool | None = Field(default=None, alias="is")
    exists: bool | None = None
    contains: str | None = None
    """For list facts (multi-choice answers): the list holds this item."""

    @model_validator(mode="after")
    def _one_test(self) -> FactTest:
        tests = [name for name in ("equals", "in_", "gte", "lte", "is_", "exists", "contains")
                 if getattr(self, name) is not None]
        if not tests:
            raise ValueError(f"condition on {self.fact} needs a test: equals, in, gte, lte, is, exists or contains")
        if len(tests) > 1 and set(tests) != {"gte", "lte"}:
            raise ValueError(f"condition on {self.fact} has several tests ({', '.join(tests)}); use all:")
        return self

    def holds(self, facts: FactSet) -> bool:
        value = facts.value(self.fact)
        if self.exists is not None:
            return (value is not None) == self.exists
        if value is None:
            return False
        if self.is_ is not None:
            return bool(value is self.is_ or value == self.is_)
        if self.equals is not None:
            return _same(value, self.equals)
        if self.in_ is not None:
            return any(_same(value, option) for option in self.in_)
        if self.contains is not None:
            return isinstance(value, tuple) and any(_same(item, self.contains) for item in value)
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


class AnyOf(_Condition):
    any: tuple[Condition, ...] = Field(min_length=1)

    def holds(self, facts: FactSet) -> bool:
        return any(part.holds(facts) for part in self.any)


class NotOf(_Condition):
    not_: Condition = Field(alias="not")

    def holds(self, facts: FactSet) -> bool:
        return not self.not_.holds(facts)


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
