"""``riskengine import``: a foreign questionnaire converted into ours, pre-filled, the vendor's file untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner

from riskengine.cli import main
from riskengine.errors import InputError
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.layout import COMMENT_COLUMN
from riskengine.questionnaire.reader import read_submission
from tests.conftest import EPOCH, ROOT, TODAY
from tests.importers.builders import caiq_workbook

ROWS = [("CEK-03.1", "Yes", "AES-256"), ("BCR-08.2", "Yes", ""), ("HRS-01.1", "No", ""), ("TVM-06.1", "Maybe", "")]


@pytest.fixture
def cli() -> click.Group:
    """riskengine's own command group, which maps errors to exit codes."""
    return main


def run(cli: click.Group, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": EPOCH})
    return result.exit_code, result.stdout, result.stderr


def test_import_writes_our_template_prefilled_and_summarises(cli: click.Group, tmp_path: Path,
                                                             bank: QuestionBank) -> None:
    vendor = caiq_workbook(tmp_path / "vendor.xlsx", ROWS)
    before = (hashlib.sha256(vendor.read_bytes()).hexdigest(), vendor.stat().st_mtime_ns)
    out = tmp_path / "out" / "questionnaire.xlsx"
    code, stdout, stderr = run(cli, "import", str(vendor), "-o", str(out))
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert lines[0] == f"{vendor}: caiq 4.0.3 (mapping caiq-v4@1.0.0)"
    assert "  questions read   4 (4 answered)" in lines
    assert f"  answers mapped   4 of {len(bank.questions())} (2.4 % coverage)" in lines
    assert "  unparsed         1" in lines
    assert any(line.startswith("  unparsed CAIQv4.0.3!C6 (TVM-06.1): not one of Yes") for line in lines)
    assert lines[-1] == f"wrote {out}: 4 answers pre-filled; the vendor completes the other {len(bank.questions()) - 4}"
    assert (hashlib.sha256(vendor.read_bytes()).hexdigest(), vendor.stat().st_mtime_ns) == before
    with pytest.raises(InputError) as caught:
        read_submission(out, bank, today=TODAY)  # the gaps are still to fill: our reader says which
    assert any(problem.question_id == "VEN-01" and problem.message == "required answer is missing"
               for problem in caught.value.errors)
    assert not any(problem.question_id in ("SEC-05", "DAT-11", "SEC-17") for problem in caught.value.errors)
    workbook = openpyxl.load_workbook(out)
    sheet = workbook["Security"]
    row = next(cell.row for (cell,) in sheet.iter_rows(min_col=1, max_col=1) if cell.value == "SEC-05")
    assert sheet.cell(row=row, column=4).value == "Yes"
    assert sheet.cell(row=row, column=COMMENT_COLUMN).value == (
        "Pre-filled from your CAIQ 4.0.3 answers (CAIQ CEK-03.1: Yes [CSP-owned]); please check it.")
    data = workbook["Data handled"]
    row = next(cell.row for (cell,) in data.iter_rows(min_col=1, max_col=1) if cell.value == "DAT-11")
    assert data.cell(row=row, column=4).value == "Yes"


def test_the_prefilled_answers_read_back_as_the_same_values(cli: click.Group, tmp_path: Path,
                                                            bank: QuestionBank) -> None:
    from riskengine.importers import read_questionnaire

    vendor = caiq_workbook(tmp_path / "vendor.xlsx", ROWS)
    out = tmp_path / "questionnaire.xlsx"
    assert run(cli, "import", str(vendor), "-o", str(out))[0] == 0
    imported = read_questionnaire(vendor, bank, today=TODAY)
    workbook = openpyxl.load_workbook(out, read_only=True)
    written = {row[0]: row[3] for sheet in workbook.worksheets for row in sheet.iter_rows(max_col=4, values_only=True)
               if row and row[0] in imported.answers}
    assert written == {question_id: answer.value for question_id, answer in imported.answers.items()}


def test_the_vendors_file_is_never_the_output(cli: click.Group, tmp_path: Path) -> None:
    vendor = caiq_workbook(tmp_path / "vendor.xlsx", ROWS)
    before = vendor.read_bytes()
    code, _, stderr = run(cli, "import", str(vendor), "-o", str(tmp_path / "." / "vendor.xlsx"), "--force")
    assert code == 2
    assert f"that is the vendor's questionnaire {vendor}, which this run reads" in stderr
    assert vendor.read_bytes() == before


def test_an_existing_file_riskengine_did_not_write_needs_force(cli: click.Group, tmp_path: Path) -> None:
    vendor = caiq_workbook(tmp_path / "vendor.xlsx", ROWS)
    other = caiq_workbook(tmp_path / "other.xlsx", ROWS)  # someone else's workbook
    before = other.read_bytes()
    code, _, stderr = run(cli, "import", str(vendor), "-o", str(other))
    assert code == 2
    assert f"refusing to replace {other} with the pre-filled questionnaire: the file exists and is not a workbook " \
           "riskengine wrote; choose another path, or give --force to replace it" in stderr
    assert other.read_bytes() == before
    code, _, stderr = run(cli, "import", str(vendor), "-o", str(other), "--force")
    assert code == 0, stderr
    assert openpyxl.load_workbook(other, read_only=True).properties.creator == "riskengine"
    code, _, stderr = run(cli, "import", str(vendor), "-o", str(other))  # now ours: replaced without --force
    assert code == 0, stderr


def test_text_that_looks_like_a_formula_is_written_as_text(cli: click.Group, tmp_path: Path,
                                                           bank: QuestionBank) -> None:
    from riskengine.importers import read_questionnaire

    formula = '=HYPERLINK("http://evil.example","click")'
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Security questions"
    for column, label in enumerate(("Ref", "Question", "Response", "Comments"), start=1):
        sheet.cell(row=4, column=column, value=label)
    for row, (ref, question, response) in enumerate((("SQ-001", "Company legal name", formula),
                                                     ("SQ-002", "Company website", "@acme.example")), start=5):
        sheet.cell(row=row, column=1, value=ref)
        sheet.cell(row=row, column=2, value=question)
        sheet.cell(row=row, column=3, value=response).data_type = "s"  # text in the vendor's file, not a formula
    workbook.save(tmp_path / "vendor.xlsx")
    out = tmp_path / "ours.xlsx"
    code, _, stderr = run(cli, "import", str(tmp_path / "vendor.xlsx"), "--mapping",
                          str(ROOT / "questionnaires" / "mappings" / "example-oneoff.yaml"), "-o", str(out))
    assert code == 0, stderr
    written = openpyxl.load_workbook(out)["Vendor profile"]
    row = next(cell.row for (cell,) in written.iter_rows(min_col=1, max_col=1) if cell.value == "VEN-01")
    answer, comment = written.cell(row=row, column=4), written.cell(row=row, column=COMMENT_COLUMN)
    assert (answer.data_type, answer.value) == ("s", formula)
    assert comment.data_type == "s" and comment.value.startswith("Pre-filled from your MAPPED")
    assert not any(cell.data_type == "f" for sheet in openpyxl.load_workbook(out).worksheets
                   for cells in sheet.iter_rows() for cell in cells)
    assert read_questionnaire(out, bank, today=TODAY, require_answers=False).value("VEN-01") == formula


def test_bad_input_is_exit_2_with_the_problem_and_nothing_written(cli: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text('{"questionnaire": "../etc.json", "answers": {}}', encoding="utf-8")
    out = tmp_path / "out.xlsx"
    code, _, stderr = run(cli, "import", str(path), "-o", str(out))
    assert code == 2
    assert "must be named by its file name" in stderr
    assert "Traceback" not in stderr
    assert not out.exists()

