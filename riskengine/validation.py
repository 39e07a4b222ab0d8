"""validate(): read and check a filled questionnaire, without what an assessment needs.

Kept apart from ``riskengine.pipeline`` so that ``riskengine validate`` loads only the readers: the
pipeline's imports (the assessment model, enrichment, scoring, pricing) took a third of its time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from riskengine.importers.reading import read_questionnaire
from riskengine.questionnaire.bank import load_bank
from riskengine.questionnaire.submission import Submission
from riskengine.runfiles import RunFiles, check_run_files

if TYPE_CHECKING:
    from riskengine.policy import Policy


def validate(questionnaire: Path, *, now: dt.datetime, inventory: Path | None = None, policy: Policy | None = None,
             format: str | None = None, mapping: Path | None = None) -> Submission:
    """Read and check a filled questionnaire (and its integration rows against ``inventory``) by the question bank
    and vocabularies of ``policy`` (``riskengine.pipeline.load_policy``; default: the shipped ones, of which only
    those two files are read).

    The questionnaire may be ours or a foreign format (CAIQ, HECVAT, VSAQ, a one-off with ``mapping``), detected
    by its content unless ``format`` forces it (see ``riskengine.importers``). Raises ``InputError`` with every
    problem (``UnreadableFileError`` for a file that is a pipe, a device or missing: checked before anything is
    opened, so a FIFO cannot make it wait forever); returns the submission, whose ``warnings`` may be non-empty.
    """
    check_run_files(RunFiles.of(inputs=[("questionnaire", questionnaire), ("mapping", mapping)],
                                folders=[("inventory", inventory)]))
    bank = policy.bank if policy is not None else load_bank()
    submission = read_questionnaire(questionnaire, bank, today=now.date(), format=format, mapping=mapping)
    if inventory is not None:
        from riskengine.inventory.analysis import match_warnings, resolve_connections
        from riskengine.inventory.loader import load_inventory
        from riskengine.inventory.matching import SystemMatcher
        from riskengine.inventory.vocabulary import load_vocabularies

        vocabularies = policy.vocabularies if policy is not None else load_vocabularies()
        matcher = SystemMatcher(load_inventory(inventory, vocabularies=vocabularies), vocabularies)
        submission = submission.model_copy(update={
            "warnings": (*submission.warnings, *match_warnings(*resolve_connections(submission, bank, matcher)))})
    return submission
