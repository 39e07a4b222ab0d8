"""The report's sections, each a module whose ``build(ctx)`` returns its flowables, registered here by the id
``templates/report.yaml`` uses (``SectionId``). A new section is a module, a line in ``SECTIONS`` and its id in
``SectionId`` and the wording."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Flowable

from riskengine.report.context import ReportContext
from riskengine.report.sections import (
    appendix,
    conditions,
    cost,
    cover,
    dependencies,
    evidence,
    findings,
    glossary,
    inputs,
    scorecard,
    scores,
    signoff,
    summary,
    tco,
)
from riskengine.report.wording import SectionId

SectionBuilder = Callable[[ReportContext], list[Flowable]]

SECTIONS: dict[SectionId, SectionBuilder] = {
    "cover": cover.build,
    "summary": summary.build,
    "scores": scores.build,
    "findings": findings.build,
    "conditions": conditions.build,
    "dependencies": dependencies.build,
    "tco": tco.build,
    "cost": cost.build,
    "evidence": evidence.build,
    "scorecard": scorecard.build,
    "glossary": glossary.build,
    "inputs": inputs.build,
    "signoff": signoff.build,
    "appendix": appendix.build,
}
"""Every section the wording can name, by its id."""

__all__ = ["SECTIONS", "SectionBuilder"]
