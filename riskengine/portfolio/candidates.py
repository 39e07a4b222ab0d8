"""The candidates of a comparison: each questionnaire assessed as ``assess`` does, every problem reported at once.

What ``riskengine compare`` runs before ``riskengine.portfolio.compare.compare``::

    now, source = evidence_source(store, NetworkSettings(offline=True), run_clock())
    assessments = assess_candidates([Path("a.xlsx"), Path("b.xlsx")], now=now, evidence_source=source)
    comparison = compare(assessments)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from riskengine.assessment import Assessment
from riskengine.errors import InputError, Problem
from riskengine.pipeline import EvidenceSource, assess
from riskengine.policy import Policy


def assess_candidates(questionnaires: Sequence[Path], *, now: dt.datetime, inventory: Path | None = None,
                      org_profile: Path | None = None, policy: Policy | None = None,
                      evidence_source: EvidenceSource | None = None) -> list[Assessment]:
    """Assess every questionnaire, in order, with the same clock, inventory, organisation, policy and evidence
    source.

    A questionnaire with problems does not stop the others: the problems of all of them are raised together as one
    ``InputError`` whose source lists the failed files, each problem placed in its file (``a.xlsx Security!D14``).
    Without ``evidence_source`` no outside evidence is used at all.
    """
    assessments: list[Assessment] = []
    problems: dict[tuple[str, str, str], Problem] = {}
    failed: list[str] = []
    for path in questionnaires:
        try:
            assessments.append(assess(path, now=now, inventory=inventory, org_profile=org_profile, policy=policy,
                                      evidence_source=evidence_source))
        except InputError as exc:
            failed.append(str(path))
            for problem in exc.problems:
                placed = problem
                if exc.source == str(path) and not problem.place.startswith(str(path)):
                    placed = problem.model_copy(update={"place": f"{path} {problem.place}"})
                problems.setdefault((placed.place, placed.message, placed.severity), placed)
    if failed:
        raise InputError(", ".join(failed), list(problems.values()))
    return assessments
