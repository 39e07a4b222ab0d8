"""Our questionnaire, pre-filled from a vendor's answers in another format, so the vendor completes only the gaps.

The vendor's own file is never written to (saving a workbook with openpyxl drops its dropdowns and macros):
this writes a new workbook of our template, with each pre-filled answer's Comments cell saying where it came
from, to a temporary name first and then renamed. The vendor's text is written as text, never as a formula
(``riskengine.cells``): an answer ``=HYPERLINK(...)`` stays those characters, not a live link.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from riskengine.cells import put_text
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.layout import COMMENT_COLUMN
from riskengine.questionnaire.submission import AnswerValue, Submission

_MAX_COMMENT = 1000


def prefill_template(submission: Submission, bank: QuestionBank, output: Path, *, now: dt.datetime | None = None,
                     source: Path | None = None) -> int:
    """Write our template for ``bank`` to ``output``, pre-filled with ``submission``'s answers; return how many.

    ``source`` is the vendor's file: writing over it is refused. ``now`` fixes the workbook's timestamps.
    """
    if source is not None:
        check_output(source, output)
    from riskengine.atomic import atomic_write
    from riskengine.questionnaire.template import build_workbook

    answers = {question_id: _cell(answer.value) for question_id, answer in submission.answers.items()
               if answer.value is not None}
    tables = {question_id: [{column: _cell(value) for column, value in row.values.items()} for row in rows]
              for question_id, rows in submission.tables.items()}
    workbook = build_workbook(bank, answers=answers, tables=tables, now=now)
    if submission.coverage is not None:
        _write_provenance(workbook, submission)
    with atomic_write(output) as handle:
        workbook.save(handle)
    return len(answers)


def _write_provenance(workbook: Any, submission: Submission) -> None:
    """Each pre-filled answer's Comments cell: which of their questions it came from, and a request to check."""
    coverage = submission.coverage
    assert coverage is not None
    for sheet in workbook.worksheets:
        for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
            answer = submission.answers.get(str(cell.value)) if isinstance(cell.value, str) else None
            if answer is None:
                continue
            text = (f"Pre-filled from your {coverage.format.upper()} {coverage.format_version} answers "
                    f"({answer.comment}); please check it.")
            put_text(sheet.cell(row=cell.row, column=COMMENT_COLUMN), text[:_MAX_COMMENT])


def _cell(value: AnswerValue | None) -> Any:
    if isinstance(value, tuple):
        return ", ".join(value)
    return value


def check_output(source: Path, output: Path) -> None:
    """Refuse an output path that is the vendor's own file, by path, symbolic link or hard link (raises
    ``PathConflictError``, a ``UsageError``). The command checks every file of its run (``riskengine.runfiles``);
    this keeps the library call itself from ever writing over its source."""
    from riskengine.runfiles import RunFiles, check_run_files

    check_run_files(RunFiles.of(inputs=[("vendor's questionnaire", source)],
                                outputs=[("pre-filled questionnaire", output, "workbook")], force=True))
