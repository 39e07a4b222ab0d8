"""docs/importers.md stays true: its worked example is a valid mapping that reads the workbook it describes, and
the refusal it shows is the one riskengine prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from riskengine.errors import InputError
from riskengine.importers import load_mapping, read_questionnaire
from riskengine.importers.mapping import DEFAULT_MAPPINGS
from riskengine.importers.recognition import EXAMPLE_MAPPING, ONE_OFF_DOCS
from riskengine.questionnaire.bank import QuestionBank
from tests.conftest import ROOT, TODAY, run_cli
from tests.importers.builders import hecvat3_workbook
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


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces as dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_refusal_points_at_a_section_the_doc_has() -> None:
    document, anchor = ONE_OFF_DOCS.split("#")
    text = (ROOT / document).read_text(encoding="utf-8")
    anchors = {_slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}
    assert anchor in anchors
    assert (ROOT / EXAMPLE_MAPPING).is_file()


def test_the_docs_refusal_is_the_one_riskengine_prints(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("refused in at most four lines"):]
    shown = re.search(r"```text\n(.*?)```", section, re.DOTALL)
    assert shown is not None
    hecvat3_workbook(tmp_path / "vendor-k12.xlsx", {"Documentation": [("DOCU-01", "Yes", ""), ("DOCU-02", "No", ""),
                                                                        ("DOCU-03", "Yes", "")]},
                     sheet_title="Vendor Response", title_text="K12CVAT - Vendor Response", version="Version 1.0")
    result = run_cli("validate", "vendor-k12.xlsx", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == shown.group(1)
