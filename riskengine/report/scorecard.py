"""The joint scorecard: the KPIs IT and marketing agree on at approval, with targets from the assessment.

The KPIs are data (``templates/scorecard.yaml``); a target takes its figure from the vendor's answer, the
graph or the TCO, so each target traces to a cell or a computation, named in the KPI's basis.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from riskengine.assessment import Assessment
from riskengine.datafile import load_yaml_model
from riskengine.resources import data_path
from riskengine.tco.result import OptionHeadline, TcoHeadline

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


class Kpi(_Frozen):
    """One KPI with its target filled in for this assessment, and what the target rests on."""

    id: str
    side: Side
    title: str
    measure: str
    target: str
    basis: str


@cache
def load_scorecard(path: Path | None = None) -> ScorecardSpec:
    """Load and validate the scorecard (default: the shipped ``templates/scorecard.yaml``)."""
    return load_yaml_model(path or data_path("templates", SCORECARD_TEMPLATE), ScorecardSpec)


def joint_scorecard(assessment: Assessment, spec: ScorecardSpec) -> tuple[Kpi, ...]:
    """The KPIs of ``spec`` with their targets for ``assessment``, IT's first, each in the file's order."""
    kpis = []
    for side in ("it", "marketing"):
        for kpi in spec.kpis:
            if kpi.side != side:
                continue
            value, basis = _figure(assessment, kpi.source) if kpi.source is not None else (None, kpi.basis)
            target = kpi.target.format(value=value) if value is not None else kpi.otherwise or kpi.target
            kpis.append(Kpi(id=kpi.id, side=kpi.side, title=kpi.title, measure=kpi.measure, target=target,
                            basis=basis))
    return tuple(kpis)


def _figure(assessment: Assessment, source: KpiSource) -> tuple[str | None, str]:
    """The figure a target quotes, and its basis (the cell, the graph or the TCO computation)."""
    if source.answer is not None:
        answer = next((item for item in assessment.answers if item.question_id == source.answer), None)
        value = answer.answer.strip() if answer is not None else ""
        if answer is None or value in ("", "0"):
            return None, f"{source.answer}: not committed"
        return value, f"{source.answer} ({answer.place})"
    if source.graph is not None:
        if assessment.graph is None:
            return None, "graph: no inventory given"
        count = len(assessment.graph.connections)
        return (str(count) if count else None), f"graph: {count} connection{'s' if count != 1 else ''}"
    tco = assessment.tco
    if tco is None:
        return None, "TCO: not priced"
    option = _recommended(tco.headline)
    year_one = option.expected_year_one
    seats = tco.inputs.units
    if source.tco in ("seats", "cost_per_seat") and tco.inputs.pricing_model != "per seat":
        return None, f"cost.pricing_model: {tco.inputs.pricing_model}, not per seat"
    if source.tco == "seats":
        return (_number(seats) if seats else None), "cost.units (the quote)"
    if source.tco == "cost_per_seat":
        if not seats:
            return None, "TCO: no seats quoted"
        basis = f"TCO: {option.title}, expected year-1 spend / {_number(seats)} seats"
        return f"{tco.currency} {_number(year_one / seats)}", basis
    return f"{tco.currency} {_number(year_one)}", f"TCO: {option.title}, expected year-1 spend"


def _recommended(headline: TcoHeadline) -> OptionHeadline:
    """The option the headline recommends (built to last when too close to call: the year-1 target is then the
    dearer start, which a budget must cover)."""
    wanted = "good_enough" if headline.choice == "good_enough" else "built_to_last"
    return next(option for option in headline.options if option.id == wanted)


def _number(value: float) -> str:
    """``1,250`` for whole amounts; money is rounded to whole units."""
    return f"{round(value):,}"
