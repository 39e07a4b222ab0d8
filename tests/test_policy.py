"""The policy: shipped data, overridden file by file from a folder, hashed, and the only way stages get their data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from riskengine.enrich.gather import all_checks
from riskengine.errors import ConfigurationError, InputError
from riskengine.inventory.analysis import GRAPH_FACTS
from riskengine.pipeline import assess, default_policy, fact_catalogue, load_policy, stage_facts
from riskengine.policy import PARTS
from riskengine.questionnaire.submission import IMPORT_FACTS
from riskengine.resources import data_path
from riskengine.tco.inputs import PRICE_FACTS
from tests.conftest import NOW, SAMPLES, run_cli

SHIPPED_PROFILE = data_path("scoring", "default.yaml")


def _folder(tmp_path: Path, relative: str, text: str) -> Path:
    folder = tmp_path / "policy"
    (folder / relative).parent.mkdir(parents=True, exist_ok=True)
    (folder / relative).write_text(text, encoding="utf-8")
    return folder


def test_the_shipped_policy_names_every_file_it_read() -> None:
    policy = default_policy()
    assert {item.part for item in policy.files} == set(PARTS)
    assert all(item.origin == "shipped" for item in policy.files)
    assert policy.overridden == ()
    assert len(policy.digest) == 64


def test_a_file_in_the_folder_replaces_its_namesake_and_changes_the_digest(tmp_path: Path) -> None:
    text = SHIPPED_PROFILE.read_text(encoding="utf-8").replace("title: Default martech vendor profile",
                                                               "title: Fernhill's own profile")
    folder = _folder(tmp_path, "scoring/default.yaml", text)
    policy = load_policy(folder)
    assert policy.profile.title == "Fernhill's own profile"
    assert [(item.part, item.origin) for item in policy.overridden] == [("profile", "override")]
    assert policy.overridden[0].label == "scoring profile"
    assert policy.name == "shipped, overridden: scoring/default.yaml"
    both = load_policy(profile=folder / "scoring" / "default.yaml", bank=data_path("questionnaires", "martech-v1.yaml"))
    assert both.name == "shipped, overridden: questionnaires/martech-v1.yaml, scoring/default.yaml"
    assert policy.digest != default_policy().digest
    assert policy.wording == default_policy().wording  # what the folder does not hold stays shipped


def test_a_comment_changes_no_digest_but_any_change_of_substance_does(tmp_path: Path) -> None:
    commented = _folder(tmp_path, "scoring/default.yaml", "# our copy\n" + SHIPPED_PROFILE.read_text(encoding="utf-8"))
    assert load_policy(commented).digest == default_policy().digest
    changed = SHIPPED_PROFILE.read_text(encoding="utf-8").replace("borderline_margin: 2", "borderline_margin: 3")
    assert changed != SHIPPED_PROFILE.read_text(encoding="utf-8")
    assert load_policy(_folder(tmp_path / "b", "scoring/default.yaml", changed)).digest != default_policy().digest


def test_a_profile_in_the_folder_may_extend_the_default(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "scoring/default.yaml", "extends: default\nborderline_margin: 5\n")
    policy = load_policy(folder)
    assert policy.profile.borderline_margin == 5
    assert policy.profile.controls == default_policy().profile.controls


def test_a_file_that_is_no_part_of_the_policy_is_named_with_what_is_expected(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "scoring/defaults.yaml", "id: typo\n")
    (folder / "templates").mkdir()
    (folder / "templates" / "reports.yaml").write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_policy(folder)
    messages = [str(problem) for problem in caught.value.problems]
    assert len(messages) == 2  # every problem at once
    assert any("defaults.yaml: not a policy file" in text and "scoring/default.yaml" in text for text in messages)
    assert any("reports.yaml: not a policy file" in text and "templates/report.yaml" in text for text in messages)


def test_a_missing_or_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not a folder"):
        load_policy(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigurationError, match="holds no policy file"):
        load_policy(tmp_path / "empty")


def test_a_bad_override_is_placed_at_its_file_and_line(tmp_path: Path) -> None:
    text = SHIPPED_PROFILE.read_text(encoding="utf-8").replace("{fact: answer.PRV-01,", "{fact: answer.PRV-99,", 1)
    assert "answer.PRV-99" in text
    folder = _folder(tmp_path, "scoring/default.yaml", text)
    with pytest.raises(InputError) as caught:
        load_policy(folder)
    assert any("unknown fact 'answer.PRV-99'" in str(problem) for problem in caught.value.problems)


def test_the_profile_is_checked_against_the_catalogue_the_stages_declare(tmp_path: Path) -> None:
    catalogue = fact_catalogue()
    for declared in (GRAPH_FACTS, IMPORT_FACTS, PRICE_FACTS):
        assert declared.keys() <= catalogue.keys()
    assert all_checks().keys() <= catalogue.keys()
    assert not stage_facts().keys() & all_checks().keys()
    folder = _folder(tmp_path, "scoring/default.yaml",
                     "extends: default\nknockouts:\n  - id: KO-NO-DPA\n"
                     "    when: {fact: graph.reach.criticall, gte: 1}\n")
    with pytest.raises(InputError) as caught:
        load_policy(folder)
    assert "unknown fact 'graph.reach.criticall'; did you mean graph.reach.critical?" in str(caught.value.problems)


def test_an_override_changes_the_assessment_and_its_recorded_inputs(tmp_path: Path) -> None:
    questionnaire = tmp_path / "northwind.xlsx"
    shutil.copy(SAMPLES / "northwind-mail.xlsx", questionnaire)
    shipped = assess(questionnaire, now=NOW)
    strict = load_policy(_folder(tmp_path, "scoring/default.yaml",
                                 "extends: default\ntiers:\n  - {id: low, below: 5}\n  - {id: medium, below: 10}\n"
                                 "  - {id: high, below: 15}\n  - {id: critical}\n"))
    judged = assess(questionnaire, now=NOW, policy=strict)
    assert shipped.risk.residual == judged.risk.residual
    assert (shipped.risk.tier, judged.risk.tier) == ("low", "critical")
    assert shipped.assessment_id != judged.assessment_id


def test_the_commands_take_a_policy_folder_and_never_write_over_it(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "scoring/default.yaml",
                     "extends: default\ntiers:\n  - {id: low, below: 5}\n  - {id: medium, below: 10}\n"
                     "  - {id: high, below: 15}\n  - {id: critical}\n")
    env = {"RISKENGINE_DB": str(tmp_path / "riskengine.db")}
    judged = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), "--policy", str(folder),
                     "-o", str(tmp_path / "report.pdf"), env=env)
    assert judged.returncode == 0, judged.stderr
    assert "tier critical" in judged.stdout
    policy_file = folder / "scoring" / "default.yaml"
    before = policy_file.read_bytes()
    refused = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), "--policy", str(folder),
                      "-o", str(tmp_path / "other.pdf"), "--json", str(policy_file), "--force", env=env)
    assert refused.returncode == 2
    assert "policy file (scoring profile)" in refused.stderr
    assert policy_file.read_bytes() == before
    typo = _folder(tmp_path / "typo", "templates/reports.yaml", "x: 1\n")
    stopped = run_cli("validate", str(SAMPLES / "northwind-mail.xlsx"), "--policy", str(typo), env=env)
    assert stopped.returncode == 2
    assert "reports.yaml: not a policy file" in stopped.stderr and "Traceback" not in stopped.stderr


def test_the_portfolio_pages_are_worded_by_the_policy(tmp_path: Path) -> None:
    import io

    import pypdf

    from riskengine.portfolio import portfolio_pdf

    questionnaire = tmp_path / "northwind.xlsx"
    shutil.copy(SAMPLES / "northwind-mail.xlsx", questionnaire)
    assessment = assess(questionnaire, now=NOW)
    shipped = default_policy()
    own = shipped.model_copy(update={"portfolio": shipped.portfolio.model_copy(update={
        "portfolio": shipped.portfolio.portfolio.model_copy(update={"title": "Fernhill vendor register"})})})
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(portfolio_pdf([assessment], own))).pages)
    assert "Fernhill vendor register" in text
    assert shipped.portfolio.portfolio.title not in text
