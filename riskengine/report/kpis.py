"""The joint scorecard of one assessment: each KPI of the scorecard's specification with its target filled in from
the vendor's answer, the graph or the TCO, and what the target rests on."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from riskengine.assessment import Assessment
from riskengine.report.scorecard import KpiSource, ScorecardSpec, Side
from riskengine.tco.result import OptionHeadline, TcoHeadline


class Kpi(BaseModel):
    """One KPI with its target filled in for this assessment, and what the target rests on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    side: Side
    title: str
    measure: str
    target: str
    basis: str


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
