"""The conditions the council tracks, kept in its tables: started for each recorded assessment approved with
conditions (``riskengine.council.rules`` gives them and their due dates), and listed when due.

Imports no pydantic unless an assessment's conditions are to be tracked: ``riskengine due`` answers at once.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING

from riskengine.council.store import TRACKED_DECISION, ConditionRecord, Council

if TYPE_CHECKING:
    from riskengine.register.store import Register

_TRACKING = threading.Lock()
"""One tracking at a time in a process: the web app's threads asking for the same page of a register whose
conditions were never read would each read every result (20 clients on a cold Due page of 10,000 vendors: 20
times 0.5 s of CPU); waiting here, the others find them tracked."""


def track_assessments(council: Council, register: Register, assessment_ids: list[str]) -> None:
    """Start tracking the conditions of these recorded assessments, those approved with conditions and not
    tracked yet."""
    if not council.untracked(assessment_ids):
        return
    with _TRACKING:
        fresh = council.untracked(assessment_ids)
        council.track(fresh, recorded_conditions(register, fresh))


def recorded_conditions(register: Register, assessment_ids: list[str]) -> list[ConditionRecord]:
    """The conditions to track of these recorded assessments (those approved with conditions), all open, read
    from their recorded results; only the risk result is validated, not the whole assessment (a listing may need
    dozens). Nothing is written."""
    records: list[ConditionRecord] = []
    for assessment_id in assessment_ids:
        row = register.assessment(assessment_id)
        if row.decision != TRACKED_DECISION:
            continue
        import json

        from riskengine.council.rules import tracked_conditions  # pydantic: only when there is one to track
        from riskengine.score.result import RiskResult

        try:
            risk = RiskResult.model_validate(json.loads(register.result(assessment_id))["risk"])
        except (ValueError, KeyError, TypeError):
            # No conditions can be read from a result that is not an assessment's: nothing is tracked for it
            # (``register check`` and every page that loads the assessment report the damaged record).
            continue
        records += tracked_conditions(assessment_id, dt.date.fromisoformat(row.created[:10]), risk, row.vendor_key)
    return records


def conditions_due(register: Register, council: Council, until: dt.date) -> list[ConditionRecord]:
    """The open conditions of every vendor's latest assessment due on or before ``until``, soonest first (what
    ``riskengine due`` and the web's Due page list; those before today are overdue)."""
    latest = set(register.latest_assessments(TRACKED_DECISION))
    track_assessments(council, register, sorted(latest))
    return [record for record in council.open_conditions_due(until) if record.assessment_id in latest]
