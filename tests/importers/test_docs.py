"""docs/importers.md stays true: its worked example is a valid mapping that reads the workbook it describes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from riskengine.errors import InputError
from riskengine.importers import load_mapping, read_questionnaire
from riskengine.importers.mapping import DEFAULT_MAPPINGS
from riskengine.questionnaire.bank import QuestionBank
from tests.conftest import ROOT, TODAY
from tests.importers.test_oneoff import one_off

DOC = ROOT / "docs" / "importers.md"


def worked_example() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("### Worked example"):]
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


def test_the_worked_example_mapping_loads_and_reads_its_workbook(tmp_path: Path, bank: QuestionBank) -> None:
    mapping_path = tmp_path / "acme-security.yaml"
    mapping_path.write_text(worked_example(), encoding="utf-8")
    mapping = load_mapping(mapping_path, bank)
    assert mapping.label == "acme-security@1.0.0"
    submission = read_questionnaire(one_off(tmp_path / "acme-security.xlsx"), bank, today=TODAY,
                                    mapping=mapping_path)
    assert (submission.value("VEN-01"), submission.value("SEC-05"), submission.value("DAT-15")) == (
        "Acme Widgets GmbH", "Partial", "No")


def test_the_doc_names_every_shipped_mapping() -> None:
    text = DOC.read_text(encoding="utf-8")
    for names in DEFAULT_MAPPINGS.values():
        for name in names:
            assert f"`{name}`" in text


def test_the_docs_mapping_error_is_the_one_riskengine_reports(tmp_path: Path, bank: QuestionBank) -> None:
    mapping_path = tmp_path / "acme-security.yaml"
    mapping_path.write_text(worked_example().replace("ours: VEN-01", "ours: SEC-99"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(mapping_path, bank)
    reported = str(caught.value.problems[0]).replace(str(tmp_path) + "/", "")
    assert f"`{reported}`" in DOC.read_text(encoding="utf-8")
