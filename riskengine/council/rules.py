"""The council's working rules (``templates/council.yaml``) and the conditions of an approval they give: taken from
the assessment's own conditions (``RiskResult.conditions``, the same list as the report's), each with a due date.

A condition is tracked for an assessment whose decision is "approve with conditions". The ids are ``C1``,
``C2``, ... in the report's order, so the same assessment always gives the same ids.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from riskengine.council.store import TRACKED_DECISION, ConditionRecord
from riskengine.datafile import load_yaml_model
from riskengine.resources import data_path
from riskengine.score.profile import Due

if TYPE_CHECKING:
    from riskengine.score.result import RiskResult


class CouncilRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    condition_due_days: dict[Due, int]
    """Days from the assessment's date to the due date of a condition with this due point; ``at-renewal`` is due
    on the reassessment date when it is not listed."""


@cache
def council_rules() -> CouncilRules:
    """The shipped ``templates/council.yaml``, validated on load."""
    return load_yaml_model(data_path("templates", "council.yaml"), CouncilRules)


def condition_due_date(created: dt.date, due_point: str, reassess_by: str, rules: CouncilRules | None = None) -> str:
    """The ISO due date of a condition with ``due_point``, for an assessment made on ``created``."""
    days = (rules or council_rules()).condition_due_days
    if due_point in days:
        return (created + dt.timedelta(days=days[due_point])).isoformat()
    return reassess_by or (created + dt.timedelta(days=365)).isoformat()


def tracked_conditions(assessment_id: str, created: dt.date, risk: RiskResult,
                       vendor_key: str) -> list[ConditionRecord]:
    """The open conditions to track for an assessment made on ``created`` with ``risk`` (none unless it is
    approved with conditions), in the report's order."""
    if risk.decision != TRACKED_DECISION:
        return []
    records: list[ConditionRecord] = []
    for group in risk.conditions:
        for condition in group.conditions:
            records.append(ConditionRecord(
                assessment_id=assessment_id, condition_id=f"C{len(records) + 1}", vendor_key=vendor_key,
                action=condition.action, owner=condition.owner, due_point=condition.due, severity=condition.severity,
                state="open", due_date=condition_due_date(created, condition.due, risk.reassess_by),
                evidence_file="", evidence_name="", evidence_sha256="", evidence_link="", note="", changed_by="",
                changed_at=""))
    return records


