"""A vendor's answers given in the browser: kept as a draft, checked exactly as a returned workbook is, and turned
into the workbook that is assessed.

The check does not repeat the reader's rules: the draft is written into our template (``build_workbook``) and read
back by the same reader as an upload (``read_questionnaire``), so the form, the workbook and ``riskengine
validate`` can never disagree. Each problem keeps its question id, which names the form's field.

A draft is JSON: ``{"answers": {question id: text}, "comments": {question id: text}, "tables": {question id:
[{column id: text}, ...]}}``; a multiple choice is its options joined by ", ", as the workbook's cell holds it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from riskengine.errors import Problem
    from riskengine.questionnaire.bank import QuestionBank
    from riskengine.questionnaire.submission import Submission

MAX_FIELD_CHARS = 10_000
"""A form field longer than this is cut: the longest answer the bank allows is 2,000 characters (its reader warns
past that), and a field should not carry a megabyte into the draft."""
EXTRA_TABLE_ROWS = 3
"""Blank rows the form offers under a table's filled ones (saving the draft offers more)."""
MIN_TABLE_ROWS = 8
"""Rows a table of the form has at least: most vendors list fewer integrations or sub-processors."""


def empty_draft() -> dict[str, Any]:
    return {"answers": {}, "comments": {}, "tables": {}}


def draft_from_form(bank: QuestionBank, fields: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """The draft a submitted form holds: ``answer.ID`` (a multiple choice repeated, one per ticked option),
    ``comment.ID`` and ``table.ID.ROW.COLUMN``; fields of questions not in the bank are ignored."""
    questions = {question.id: question for _, question in bank.questions()}
    answers: dict[str, list[str]] = {}
    comments: dict[str, str] = {}
    rows: dict[str, dict[int, dict[str, str]]] = {}
    for name, raw in fields:
        if not isinstance(raw, str):
            continue
        value = raw.strip()[:MAX_FIELD_CHARS]
        kind, _, rest = name.partition(".")
        if kind == "answer" and rest in questions and value:
            answers.setdefault(rest, []).append(value)
        elif kind == "comment" and rest in questions and value:
            comments[rest] = value
        elif kind == "table":
            question_id, _, place = rest.partition(".")
            index, _, column = place.partition(".")
            question = questions.get(question_id)
            if (question is None or not index.isdigit() or int(index) > 1000
                    or column not in {spec.id for spec in question.columns}):
                continue
            if value:
                rows.setdefault(question_id, {}).setdefault(int(index), {})[column] = value
    return {"answers": {key: ", ".join(values) for key, values in sorted(answers.items())},
            "comments": dict(sorted(comments.items())),
            "tables": {key: [found[index] for index in sorted(found)] for key, found in sorted(rows.items())}}


def draft_from_submission(submission: Submission) -> dict[str, Any]:
    """A draft holding what a submission answered (a vendor's earlier questionnaire, ours or imported)."""
    def text(value: Any) -> str:
        if isinstance(value, tuple):
            return ", ".join(str(item) for item in value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return {"answers": {key: text(answer.value) for key, answer in sorted(submission.answers.items())
                        if answer.value is not None},
            "comments": {key: answer.comment for key, answer in sorted(submission.answers.items()) if answer.comment},
            "tables": {key: [{column: text(value) for column, value in row.values.items() if value is not None}
                             for row in rows] for key, rows in sorted(submission.tables.items())}}


def draft_workbook(bank: QuestionBank, draft: Mapping[str, Any], *, now: dt.datetime) -> bytes:
    """Our template for ``bank`` filled with ``draft``: the workbook a vendor could have uploaded."""
    from riskengine.questionnaire.template import build_workbook

    known = {question.id for _, question in bank.questions()}
    answers = {key: value for key, value in dict(draft.get("answers", {})).items() if key in known}
    comments = {key: value for key, value in dict(draft.get("comments", {})).items() if key in known}
    tables = {key: value for key, value in dict(draft.get("tables", {})).items() if key in known}
    workbook = build_workbook(bank, answers=answers, tables=tables, comments=comments, now=now)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def check_draft(bank: QuestionBank, draft: Mapping[str, Any], *, now: dt.datetime,
                folder: Path) -> tuple[Submission | None, list[Problem]]:
    """Read ``draft`` as its workbook would be read: the submission (None when any problem is an error) and every
    problem, each with its question id. ``folder`` holds the workbook while it is read."""
    from riskengine.errors import InputError
    from riskengine.importers.reading import read_questionnaire

    data = draft_workbook(bank, draft, now=now)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".xlsx") as handle:
        handle.write(data)
        handle.flush()
        try:
            submission = read_questionnaire(Path(handle.name), bank, today=now.date())
        except InputError as exc:
            return None, [_placed(problem, handle.name) for problem in exc.problems]
    return submission, [_placed(problem, handle.name) for problem in submission.warnings]


def _placed(problem: Problem, stored: str) -> Problem:
    return problem.model_copy(update={"place": problem.place.replace(stored, "the form"),
                                      "message": problem.message.replace(stored, "the form")})


def dump_draft(draft: Mapping[str, Any]) -> str:
    return json.dumps(draft, sort_keys=True, ensure_ascii=False)


def form_rows(bank: QuestionBank, draft: Mapping[str, Any]) -> dict[str, list[dict[str, str]]]:
    """Each table question's rows for the form: the draft's, then blank ones (``EXTRA_TABLE_ROWS``, and at least
    ``MIN_TABLE_ROWS`` rows in all)."""
    tables = dict(draft.get("tables", {}))
    rows: dict[str, list[dict[str, str]]] = {}
    for _, question in bank.questions():
        if question.is_table:
            filled = list(tables.get(question.id, []))
            blank = max(EXTRA_TABLE_ROWS, MIN_TABLE_ROWS - len(filled))
            rows[question.id] = [*filled, *({} for _ in range(blank))]
    return rows
