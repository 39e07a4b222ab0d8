"""Mappings are data, validated on load against the bank with file:line, and hold no standard's question text."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from riskengine.errors import ConfigurationError, InputError
from riskengine.importers.mapping import DEFAULT_MAPPINGS, default_mapping, load_mapping
from riskengine.questionnaire.bank import QuestionBank
from riskengine.resources import data_path
from tests.importers.builders import CORPUS

MAPPINGS = data_path("questionnaires", "mappings")

GOOD = """id: test-map
version: 1.0.0
title: Test
format: caiq
bank: martech-v1
map:
  - ours: SEC-05
    from: [CEK-03.1]
"""


def problems_of(tmp_path: Path, bank: QuestionBank, text: str) -> list[str]:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(path, bank)
    return [str(problem) for problem in caught.value.problems]


def test_every_shipped_mapping_loads_against_the_bank(bank: QuestionBank) -> None:
    names = sorted(path.name for path in MAPPINGS.glob("*.yaml"))
    assert names == sorted([*(name for files in DEFAULT_MAPPINGS.values() for name in files), "example-oneoff.yaml"])
    for name in names:
        mapping = load_mapping(MAPPINGS / name, bank, user_file=False)
        assert mapping.rules, name
        assert all(rule.why for rule in mapping.rules), f"{name}: every entry says why, in our words"
    assert default_mapping("hecvat3", bank, "Lite")[0].id == "hecvat-3-lite"
    assert default_mapping("caiq", bank, "v3") == (load_mapping(MAPPINGS / "caiq-v3.yaml", bank, user_file=False), True)
    assert default_mapping("caiq", bank, "v4")[0].id == "caiq-v4", "v3.1 and v4 ids mean different things"
    assert default_mapping("hecvat3", bank, "On-Premise") == (default_mapping("hecvat3", bank)[0], False)


def test_a_valid_user_mapping_loads(tmp_path: Path, bank: QuestionBank) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(GOOD, encoding="utf-8")
    mapping = load_mapping(path, bank)
    assert (mapping.label, mapping.rules[0].sources) == ("test-map@1.0.0", ("CEK-03.1",))


@pytest.mark.parametrize(("change", "expected"), [
    (("ours: SEC-05", "ours: SEC-99"), "mapping.yaml:7: unknown question 'SEC-99' of martech-v1"),
    (("from: [CEK-03.1]", "from: [CEK-3.1]"), "mapping.yaml:8: 'CEK-3.1' is not an id of the caiq format"),
    (("from: [CEK-03.1]", "from: [CEK-03.1]\n    values: {\"Yes\": \"Yep\"}"),
     "mapping.yaml:9: 'Yep' is not an answer of SEC-05; expected one of Yes, No, Partial, N/A"),
    (("from: [CEK-03.1]", "from: [CEK-03.1]\n  - ours: SEC-05\n    from: [CEK-03.2]"),
     "mapping.yaml:9: SEC-05 is already mapped (entry 1)"),
    (("ours: SEC-05", "ours: INT-01"), "mapping.yaml:7: INT-01 is a table"),
    (("bank: martech-v1", "bank: other-bank"), "mapping.yaml:5: this mapping answers bank 'other-bank'"),
    (("from: [CEK-03.1]", "from: [CEK-03.1]\n    transform: domain"), "mapping.yaml:9: transform applies to text"),
    (("from: [CEK-03.1]", "from: [CEK-03.1]\n    combine: join"), "mapping.yaml:9: SEC-05 is yes_no: combine with all"),
    (("format: caiq", "format: sig"), "mapping.yaml:4: format: Input should be"),
])
def test_broken_mappings_are_refused_with_file_and_line(tmp_path: Path, bank: QuestionBank,
                                                        change: tuple[str, str], expected: str) -> None:
    found = problems_of(tmp_path, bank, GOOD.replace(*change))
    assert any(expected in problem for problem in found), found


def test_a_broken_shipped_mapping_is_a_configuration_error(tmp_path: Path, bank: QuestionBank) -> None:
    path = tmp_path / "shipped.yaml"
    path.write_text(GOOD.replace("SEC-05", "SEC-99"), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="unknown question 'SEC-99'"):
        load_mapping(path, bank, user_file=False)


def _corpus_question_texts() -> set[str]:
    texts: set[str] = set()
    for path in sorted((CORPUS / "questionnaires").glob("*.xlsx")):
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                if sheet.title not in ("Questions", "CAIQv4.0.3"):
                    continue
                for row in sheet.iter_rows(max_col=3, values_only=True):
                    for value in row:
                        if isinstance(value, str) and len(value) > 40:
                            texts.add(" ".join(value.split()).lower())
        finally:
            workbook.close()
    return texts


def test_no_standards_question_text_is_shipped_in_a_mapping() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    texts = _corpus_question_texts()
    assert len(texts) > 500
    shipped = " ".join(" ".join(path.read_text(encoding="utf-8").split()).lower()
                       for path in MAPPINGS.glob("*.yaml"))
    copied = [text for text in texts if text[:60] in shipped]
    assert not copied, f"question text of a standard found in a shipped mapping: {copied[:3]}"
    words = re.findall(r"[a-z]+", shipped)
    assert len(words) > 500, "the check above ran on real mapping text"
