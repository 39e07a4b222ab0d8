"""N/A must be earned: accepted only where the bank says it can apply, and only with a reason; missing answers
are the intake check's errors, but only the decision's business when assessing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from riskengine.errors import ConfigurationError
from riskengine.facts import FactSet
from riskengine.importers.reading import read_questionnaire
from riskengine.questionnaire.bank import QuestionBank, load_bank
from riskengine.questionnaire.submission import Submission, answer_facts
from riskengine.questionnaire.template import write_template
from tests.conftest import ROOT, SAMPLES, TODAY, run_cli, sample_answers


def write(path: Path, *, answers: dict[str, Any] | None = None, comments: dict[str, str] | None = None,
          base: str = "northwind-mail") -> Path:
    content = sample_answers(base)
    merged = {**content["answers"], **(answers or {})}
    notes = {**content.get("comments", {}), **(comments or {})}
    write_template(load_bank(), path, answers={k: v for k, v in merged.items() if v is not None},
                   comments={k: v for k, v in notes.items() if v}, tables=content["tables"])
    return path


def read(path: Path, bank: QuestionBank) -> Submission:
    return read_questionnaire(path, bank, today=TODAY)


def warning_for(submission: Submission, question_id: str) -> str:
    return next(str(problem) for problem in submission.warnings if problem.question_id == question_id)


def test_n_a_where_the_bank_never_accepts_it_is_refused_with_its_cell(tmp_path: Path, bank: QuestionBank) -> None:
    submission = read(write(tmp_path / "q.xlsx", answers={"SEC-04": "N/A"},
                            comments={"SEC-04": "Admins are managed by the customer."}), bank)
    assert submission.value("SEC-04") == "N/A", "shown as the vendor gave it"
    assert submission.refused_not_applicable == {"SEC-04": "N/A is not an accepted answer to this question"}
    assert warning_for(submission, "SEC-04") == (
        "Security!D8 (SEC-04): N/A is not an accepted answer to this question; it counts as unanswered")
    fact = FactSet().with_facts(*answer_facts(submission)).get("answer.SEC-04")
    assert fact is not None and fact.value is None, "scored as unanswered"
    assert fact.sources[0].detail == "N/A not accepted: N/A is not an accepted answer to this question"


def test_n_a_on_the_dpa_is_accepted_only_without_personal_data(tmp_path: Path, bank: QuestionBank) -> None:
    reason = {"PRV-01": "The tool only ever sees product data."}
    holds = read(write(tmp_path / "holds.xlsx", answers={"PRV-01": "N/A"}, comments=reason), bank)
    assert holds.refused_not_applicable["PRV-01"] == (
        "N/A is accepted only when the tool holds no personal data (DAT-01 is No)")
    none = read(write(tmp_path / "none.xlsx", answers={"PRV-01": "N/A", "DAT-01": "No"}, comments=reason), bank)
    assert "PRV-01" not in none.refused_not_applicable
    unknown = read_questionnaire(write(tmp_path / "unknown.xlsx", answers={"PRV-01": "N/A", "DAT-01": None},
                                       comments=reason), bank, today=TODAY, require_answers=False)
    assert "PRV-01" in unknown.refused_not_applicable, "an unanswered condition does not accept the N/A"


def test_an_accepted_n_a_still_needs_its_reason(tmp_path: Path, bank: QuestionBank) -> None:
    submission = read(write(tmp_path / "q.xlsx", answers={"INT-03": "N/A"}, comments={"INT-03": ""}), bank)
    assert submission.refused_not_applicable == {"INT-03": "N/A needs the reason in the Comment column"}
    reasoned = read(write(tmp_path / "r.xlsx", answers={"INT-03": "N/A"},
                          comments={"INT-03": "We send no webhooks; integrations poll our API."}), bank)
    assert not reasoned.refused_not_applicable


def test_the_template_says_where_n_a_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    write_template(load_bank(), path)
    workbook = openpyxl.load_workbook(path)
    formats = {sheet.cell(row=row, column=1).value: sheet.cell(row=row, column=5).value
               for sheet in workbook.worksheets for row in range(5, sheet.max_row + 1)}
    assert formats["SEC-04"].endswith("N/A is not accepted here")
    assert formats["PRV-01"].endswith("N/A only if the tool holds no personal data (DAT-01 is No), with the reason")
    assert workbook["Security"].cell(row=4, column=6).value == "Comments (reason for Partial or N/A)"
    instructions = " ".join(str(cell.value) for cell in workbook["Instructions"]["A"] if cell.value)
    assert 'the outcome is "more information needed" until you answer it' in instructions


def test_validate_lists_refused_n_a_and_missing_answers_assess_decides_on_them(tmp_path: Path) -> None:
    path = write(tmp_path / "returned.xlsx", answers={"PRV-01": None, "SEC-04": "N/A"},
                 comments={"SEC-04": "Not relevant."})
    validated = run_cli("validate", str(path))
    assert validated.returncode == 2
    assert "error   Privacy and compliance!D5 (PRV-01): required answer is missing" in validated.stderr
    assert ("warning Security!D8 (SEC-04): N/A is not an accepted answer to this question; it counts as unanswered"
            in validated.stderr)
    assessed = run_cli("assess", str(path), "-o", str(tmp_path / "r.pdf"),
                       env={"RISKENGINE_DB": str(tmp_path / "db.sqlite")})
    assert assessed.returncode == 5, assessed.stderr
    assert assessed.stdout.startswith("Northwind Mailworks B.V.: more information needed")
    assert "missing SEC-04 (Security!D8): N/A not accepted: N/A is not an accepted answer" in assessed.stderr
    assert "missing PRV-01 (Privacy and compliance!D5): left blank; needed by KO-NO-DPA, PRV-DPA" in assessed.stderr
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["risk"]["decision"] == "more_information_needed" and result["risk"]["reassess_by"] == ""
    assert [item["question_id"] for item in result["risk"]["missing"]] == ["SEC-04", "PRV-01"]
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_an_older_questionnaire_without_a_new_question_is_assessed_and_asked_for_it(tmp_path: Path) -> None:
    path = write(tmp_path / "older.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Data handled"]
    row = next(cell.row for cell in sheet["A"] if cell.value == "DAT-17")
    sheet.delete_rows(row)
    workbook.save(path)
    validated = run_cli("validate", str(path))
    assert validated.returncode == 2
    assert "Data handled (DAT-17): question DAT-17 not found" in validated.stderr
    assessed = run_cli("assess", str(path), "-o", str(tmp_path / "r.pdf"),
                       env={"RISKENGINE_DB": str(tmp_path / "db.sqlite")})
    assert assessed.returncode == 5, assessed.stderr
    assert "missing DAT-17: not answered; needed by PRV-ART9-TERMS" in assessed.stderr


@pytest.mark.parametrize(("change", "message"), [
    ({"na_allowed": {"because": "never mind"}}, "na_allowed is only for yes_no questions"),
    ({"type": "yes_no", "na_allowed": {"when": {"fact": "data.personal", "is": False}, "because": "x"}},
     "na_allowed reads data.personal, which is not an answer of this bank"),
])
def test_the_bank_checks_its_n_a_rules(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    content = yaml.safe_load((ROOT / "questionnaires" / "martech-v1.yaml").read_text(encoding="utf-8"))
    question = content["sections"][0]["questions"][0]  # VEN-01, a text question
    question.update(change)
    if question["type"] == "yes_no":
        question.pop("max_length", None)
        question.pop("role", None)
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_bank.__wrapped__(path)
    assert message in "; ".join(str(problem) for problem in caught.value.problems)


def test_every_sample_gives_its_reasons(bank: QuestionBank) -> None:
    for name in ("northwind-mail", "pixelpath-analytics", "glowup-loyalty"):
        assert not read(SAMPLES / f"{name}.xlsx", bank).refused_not_applicable, name
