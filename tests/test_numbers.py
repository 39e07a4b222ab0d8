"""Numbers in range: every figure a user gives has a finite, sane domain, refused with its place outside it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from riskengine.errors import InputError
from riskengine.organisation import load_org_profile
from riskengine.questionnaire.bank import load_bank
from riskengine.questionnaire.reader import read_submission
from tests.conftest import SAMPLES, TODAY, FillFactory, run_cli

ORG = yaml.safe_load((SAMPLES / "org-profile.yaml").read_text(encoding="utf-8"))
HOSTILE = [".inf", "-.inf", ".nan", "1e308", "-1"]
"""As YAML spells them: infinities, not-a-number, the largest double, and a negative."""


def _org_with(tmp_path: Path, dotted: str, raw: str) -> Path:
    """The sample org profile with one field's value replaced by ``raw`` YAML text."""
    content = yaml.safe_load((SAMPLES / "org-profile.yaml").read_text(encoding="utf-8"))
    target = content
    *parents, last = dotted.split(".")
    for key in parents:
        target = target[key]
    target[last] = "@@"
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False).replace("'@@'", raw), encoding="utf-8")
    return path


FIELDS = ["annual_turnover", "discount_rate", "horizon_years", "exchange_rates.USD", "roles.it_engineer.salary",
          "roles.it_engineer.load_factor", "roles.it_engineer.productive_hours"]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("raw", HOSTILE)
def test_every_number_of_the_org_profile_is_finite_and_bounded(tmp_path: Path, field: str, raw: str) -> None:
    path = _org_with(tmp_path, field, raw)
    with pytest.raises(InputError) as caught:
        load_org_profile(path)
    problem = caught.value.problems[0]
    assert problem.place.startswith(f"{path}:") and field.split(".")[-1] in problem.message


def test_a_salary_of_infinity_is_exit_2_with_its_line(tmp_path: Path, filled: FillFactory) -> None:
    path = _org_with(tmp_path, "roles.it_engineer.salary", ".inf")
    result = run_cli("assess", str(filled()), "--org", str(path), "-o", str(tmp_path / "r.pdf"),
                     env={"RISKENGINE_DB": str(tmp_path / "db.sqlite")})
    assert result.returncode == 2, result.stderr
    assert f"{path}:" in result.stderr and "finite number" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_every_number_question_has_a_range() -> None:
    for _, question in load_bank().questions():
        for spec in (question, *question.columns):
            if spec.type == "number":
                assert spec.minimum is not None and spec.maximum is not None, question.id


@pytest.mark.parametrize("question_id", ["CST-03", "CST-04", "CST-05", "CST-06", "CST-07", "CST-09", "CST-13",
                                         "DAT-07", "RES-01"])
def test_a_huge_figure_in_the_questionnaire_is_refused_with_its_cell(filled: FillFactory, question_id: str) -> None:
    path = filled(**{question_id.replace("-", "_"): 1e308})
    with pytest.raises(InputError) as caught:
        read_submission(path, load_bank(), today=TODAY)
    messages = [str(problem) for problem in caught.value.errors]
    assert len(messages) == 1 and f"({question_id}): 1e+308 is above the maximum of" in messages[0]
