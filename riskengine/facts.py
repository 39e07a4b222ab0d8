"""Facts: named, typed values with provenance, the only way stages speak to the scoring engine."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

FactValue = str | int | float | bool | dt.date | tuple[str, ...] | None


class Provenance(BaseModel):
    """Where a value came from: a cell, a derivation, a graph computation or an evidence record."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["cell", "derived", "graph", "evidence", "profile"]
    ref: str
    """``Security!D14``; a rule id; ``graph:reach``; an evidence record id."""
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.ref} ({self.detail})" if self.detail else self.ref


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    value: FactValue
    sources: tuple[Provenance, ...] = ()


class FactSet(BaseModel):
    """Every fact an assessment knows, by name."""

    model_config = ConfigDict(frozen=True)

    facts: dict[str, Fact] = {}

    def get(self, name: str) -> Fact | None:
        return self.facts.get(name)

    def value(self, name: str) -> FactValue:
        fact = self.facts.get(name)
        return fact.value if fact is not None else None

    def with_facts(self, *facts: Fact) -> FactSet:
        merged = dict(self.facts)
        merged.update({fact.name: fact for fact in facts})
        return FactSet.model_construct(facts=merged)  # every value is a Fact already: nothing to validate
