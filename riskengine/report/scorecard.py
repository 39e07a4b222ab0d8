"""The joint scorecard's specification (``templates/scorecard.yaml``): the KPIs IT and marketing agree on at approval.

A target takes its figure from the vendor's answer, the graph or the TCO, so each target traces to a cell or a
computation, named in the KPI's basis; ``riskengine.report.kpis`` fills the targets in for one assessment.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from riskengine.datafile import load_yaml_model
from riskengine.resources import data_path

SCORECARD_TEMPLATE = "scorecard.yaml"
Side = Literal["it", "marketing"]
GraphFigure = Literal["connections"]
TcoFigure = Literal["year_one_cost", "cost_per_seat", "seats"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class KpiSource(_Frozen):
    """Where a target's ``{value}`` comes from: exactly one of an answer, a graph figure or a TCO figure."""

    answer: str | None = Field(default=None, pattern=r"^[A-Z]{2,5}-\d{2,3}$")
    graph: GraphFigure | None = None
    tco: TcoFigure | None = None

    @model_validator(mode="after")
    def _one(self) -> KpiSource:
        if sum(value is not None for value in (self.answer, self.graph, self.tco)) != 1:
            raise ValueError("name exactly one source: answer, graph or tco")
        return self


class KpiSpec(_Frozen):
    id: str = Field(pattern=r"^[A-Z]+(-[A-Z0-9]+)+$")
    side: Side
    title: str = Field(min_length=1)
    measure: str = Field(min_length=1)
    source: KpiSource | None = Field(default=None, alias="from")
    target: str = Field(min_length=1)
    otherwise: str = ""
    """The target when the source has no value; required with ``from``."""
    basis: str = ""
    """Where a fixed target (one without ``from``) comes from; required then."""

    @model_validator(mode="after")
    def _consistent(self) -> KpiSpec:
        fields = {name for _, name, _, _ in string.Formatter().parse(self.target) if name is not None}
        if self.source is not None:
            if fields != {"value"}:
                raise ValueError("a target with `from` must use {value}, and nothing else")
            if not self.otherwise:
                raise ValueError("a target with `from` needs `otherwise`, printed when the source has no value")
        elif fields:
            raise ValueError("a fixed target (no `from`) cannot use placeholders")
        elif not self.basis:
            raise ValueError("a fixed target (no `from`) needs a `basis` saying where it comes from")
        return self


class ScorecardSpec(_Frozen):
    title_it: str
    title_marketing: str
    intro: str
    kpi: str
    measure: str
    target: str
    basis: str
    kpis: tuple[KpiSpec, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ScorecardSpec:
        ids = [kpi.id for kpi in self.kpis]
        duplicates = sorted({kpi_id for kpi_id in ids if ids.count(kpi_id) > 1})
        if duplicates:
            raise ValueError(f"kpis: duplicate ids {', '.join(duplicates)}")
        return self


@cache
def load_scorecard(path: Path | None = None) -> ScorecardSpec:
    """Load and validate the scorecard (default: the shipped ``templates/scorecard.yaml``)."""
    return load_yaml_model(path or data_path("templates", SCORECARD_TEMPLATE), ScorecardSpec)
