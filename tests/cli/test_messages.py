"""Messages that point the way: a file of the wrong kind is named as what it is, with the command or option that
takes it, and a mistyped rule id is an error naming the closest ids (not "did not apply")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from riskengine.cli import main
from tests.conftest import EPOCH, ROOT, SAMPLES

ENV = {"SOURCE_DATE_EPOCH": EPOCH, "RISKENGINE_OFFLINE": "1", "RISKENGINE_CONFIG": ""}


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=ENV, terminal_width=200)


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real report and its JSON result: northwind-mail, assessed offline into a register of its own."""
    folder = tmp_path_factory.mktemp("assessed")
    result = _run("assess", str(SAMPLES / "northwind-mail.xlsx"), "--inventory", str(SAMPLES / "inventory.yaml"),
                  "--org", str(SAMPLES / "org-profile.yaml"), "--db", str(folder / "register.db"),
                  "-o", str(folder / "northwind.pdf"))
    assert result.exit_code == 0, result.output
    return folder


KINDS = [
    (SAMPLES / "inventory.yaml", "this is a YAML inventory, not an Excel workbook; did you mean "
                                 "`riskengine inventory check {path}`, or --inventory {path}?"),
    (SAMPLES / "org-profile.yaml", "this is an organisation profile, not an Excel workbook; give it with --org {path}"),
    (ROOT / "scoring" / "default.yaml", "this is a scoring profile, not an Excel workbook; give it with --profile "
                                        "{path}"),
    (SAMPLES / "northwind-offers.yaml", "this is an offers file, not an Excel workbook; give it to `riskengine tco "
                                        "QUESTIONNAIRE --offer {path}`"),
    (ROOT / "questionnaires" / "mappings" / "example-oneoff.yaml",
     "this is a questionnaire mapping, not an Excel workbook; give it with --mapping {path}"),
]


@pytest.mark.parametrize("command", ["validate", "assess"])
@pytest.mark.parametrize(("path", "message"), KINDS, ids=lambda value: getattr(value, "name", None))
def test_a_data_file_given_as_the_questionnaire_is_named_as_what_it_is(command: str, path: Path, message: str,
                                                                       tmp_path: Path) -> None:
    extra = ["-o", str(tmp_path / "r.pdf"), "--db", str(tmp_path / "r.db")] if command == "assess" else []
    result = _run(command, str(path), *extra)
    assert result.exit_code == 2, result.output
    assert f"error: {path}: {message.format(path=path)}" in result.stderr
    assert "save it as an Excel Workbook" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_report_given_as_the_questionnaire_is_named_a_pdf(assessed: Path) -> None:
    pdf = assessed / "northwind.pdf"
    result = _run("validate", str(pdf))
    assert result.exit_code == 2
    assert result.stderr == (f"error: {pdf}: this is a PDF (a report?), not an Excel workbook; `riskengine verify "
                             f"{pdf}` says whether it is a report the register knows\n")


def test_a_json_result_given_as_the_questionnaire_points_to_explain(assessed: Path) -> None:
    """JSON is read as a VSAQ questionnaire; a riskengine result is not one, and is named."""
    result_json = assessed / "northwind.json"
    result = _run("validate", str(result_json))
    assert result.exit_code == 2
    assert (f"{result_json}: this is a riskengine JSON result (what assess writes), not a questionnaire; did you "
            f"mean `riskengine explain {result_json}`?") in result.stderr


def test_explain_given_the_pdf_names_the_json_beside_it(assessed: Path, tmp_path: Path) -> None:
    pdf = assessed / "northwind.pdf"
    result = _run("explain", str(pdf))
    assert result.exit_code == 2
    assert result.stderr == (f"error: {pdf}: this is a PDF (a report?), not a riskengine JSON result; the JSON result "
                             f"written with it is {assessed / 'northwind.json'}\n")
    alone = tmp_path / "copy.pdf"
    shutil.copy(pdf, alone)
    lone = _run("explain", str(alone))
    assert lone.exit_code == 2
    assert "not a riskengine JSON result; the JSON result is the file assess writes with the report (--json" \
        in lone.stderr
    assert "Invalid JSON" not in lone.stderr


def test_explain_given_the_questionnaire_says_assess_writes_the_result() -> None:
    questionnaire = SAMPLES / "northwind-mail.xlsx"
    result = _run("explain", str(questionnaire))
    assert result.exit_code == 2
    assert (f"{questionnaire}: this is an Excel workbook (a questionnaire?), not a riskengine JSON result; "
            f"`riskengine assess {questionnaire}` assesses it and writes the JSON result") in result.stderr


def test_a_mistyped_rule_id_is_an_error_with_the_closest_ids(assessed: Path) -> None:
    result = _run("explain", str(assessed / "northwind.json"), "--rule", "IAM-SCMI")
    assert result.exit_code == 2
    assert result.stderr == ("error: --rule IAM-SCMI: no rule has this id in scoring profile default@2.0.0; closest: "
                             "IAM-SCIM\n")
    assert result.stdout == ""


def test_a_rule_that_did_not_apply_still_says_so_with_exit_0(assessed: Path) -> None:
    """KO-NO-DPA is a knockout of the shipped profile: northwind has a DPA, so it did not apply."""
    result = _run("explain", str(assessed / "northwind.json"), "--rule", "KO-NO-DPA")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("KO-NO-DPA: did not apply to this assessment (not applicable, or its condition did not "
                             "hold)\n")
    met = _run("explain", str(assessed / "northwind.json"), "--rule", "IAM-SCIM")
    assert met.exit_code == 0 and met.stdout.startswith("IAM-SCIM: met, 1 / 1 in Security")
