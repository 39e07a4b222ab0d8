"""A foreign questionnaire is judged on what the vendor answered: every scored question of its own that answers
none of ours counts in our category (``import.own.<category>``), a mostly blank one decides nothing, and the
findings name the vendor's own ids.

The category shares of the real corpus are counted here independently of the importers, straight from the
cells: CAIQ's answer column, and for HECVAT the hidden Questions sheet, where the template itself sets each
question's compliant answer beside the vendor's (cached) answer. Only the mapping's data (which prefix is which
category, what is not scored, the routing) is shared with the code under test.
"""

from __future__ import annotations

import json
import re
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from openpyxl.utils import column_index_from_string

from riskengine.importers import read_questionnaire
from riskengine.pipeline import assess
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.submission import own_answer_facts
from riskengine.resources import data_path
from tests.conftest import NOW, TODAY
from tests.importers.builders import CORPUS

pytestmark = [
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}"),
    # The test reads the real workbooks with openpyxl itself, which warns of the Excel extensions it drops.
    pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning"),
]

QUESTIONNAIRES = CORPUS / "questionnaires"
CAIQ = QUESTIONNAIRES / "instructure-caiq-v4.0.3.xlsx"
HECVAT_FULL_304 = QUESTIONNAIRES / "instructure-canvas-lms-hecvat-full-v3.04.xlsx"
HECVAT_FULL_306 = QUESTIONNAIRES / "instructure-impact-hecvat-full-v3.06.xlsx"
HECVAT_LITE = QUESTIONNAIRES / "instructure-canvas-studio-hecvat-lite-v3.04.xlsx"
HECVAT_4_BLANK = QUESTIONNAIRES / "educause-hecvat-v4.1.4-blank.xlsx"
YES_NO = re.compile(r"^\s*(?:\d+\)\s*)?(yes|no|n/?a)\b", re.IGNORECASE)


def _mapping(name: str) -> dict[str, Any]:
    with data_path("questionnaires", "mappings", name).open() as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def _category(own: dict[str, Any], their_id: str) -> str | None:
    if their_id in own.get("not_scored", ()):
        return None
    prefixes = [prefix for prefix in own["categories"] if their_id.startswith(prefix)]
    return own["categories"][max(prefixes, key=len)] if prefixes else None


def _feeding(mapping: dict[str, Any]) -> set[str]:
    return {source.lstrip("!") for rule in mapping["map"] if "ours" in rule for source in rule["from"]}


def _shares(answers: dict[str, tuple[str, str]], mapping: dict[str, Any]) -> dict[str, float | str]:
    """Share in place per category from (answer token, compliant token) by id: Yes/No/NA tokens, '' blank, '?'
    anything else; rounded down to thousandths as the score reads it."""
    own, feeding = mapping["own_answers"], _feeding(mapping)
    routed = {prefix for their_id, prefixes in mapping.get("routing", {}).items()
              if answers.get(their_id, ("", ""))[0] == "no" for prefix in prefixes}
    points: dict[str, list[Fraction]] = {}
    seen: set[str] = set()
    for their_id, (answer, compliant) in answers.items():
        category = _category(own, their_id)
        if category is None or their_id in feeding:
            continue
        seen.add(category)
        if their_id.startswith(tuple(routed)) or answer == "na":
            continue
        points.setdefault(category, []).append(Fraction(1) if answer == compliant else Fraction(0))
    return {category: int(1000 * sum(points[category], Fraction(0)) / len(points[category])) / 1000
            if points.get(category) else "N/A" for category in seen}


def _token(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()) or value == 0:
        return ""
    match = YES_NO.match(str(value))
    return match.group(1).lower().replace("/", "") if match else "?"


def _open(path: Path) -> Any:
    return openpyxl.load_workbook(path, read_only=True, data_only=True)


def caiq_cells(path: Path) -> dict[str, tuple[str, str]]:
    """CAIQ: every question's answer token from its answer column; Yes shows every control in place."""
    sheet = _open(path)["CAIQv4.0.3"]
    rows = list(sheet.iter_rows(max_col=12, values_only=True))
    header = next(index for index, row in enumerate(rows) if "Question ID" in row)
    id_column, answer_column = rows[header].index("Question ID"), rows[header].index("CSP CAIQ Answer")
    return {str(row[id_column]): (_token(row[answer_column]), "yes") for row in rows[header + 1:]
            if isinstance(row[id_column], str) and re.match(r"^[A-Z&]{2,4}-\d{2}\.\d{1,2}$", row[id_column])}


def hecvat_cells(path: Path) -> dict[str, tuple[str, str]]:
    """HECVAT 3: the vendor's answer from the response sheet (id in column A, answer in column C), and the
    template's compliant answer and Required flag from its hidden Questions sheet. (The Questions sheet's own
    copy of the answer is a cached VLOOKUP that Excel does not always refresh: 3.04's DATA-16 reads '.' there,
    'No' in its cell.)"""
    workbook = _open(path)
    response = next(title for title in workbook.sheetnames if "Vendor Response" in title)
    answers = {str(row[0]).strip(): _token(row[2]) for row in workbook[response].iter_rows(max_col=3, values_only=True)
               if isinstance(row[0], str) and re.match(r"^[A-Z]{4}-\d{2}$", row[0].strip())}
    rows = list(workbook["Questions"].iter_rows(max_col=20, values_only=True))
    compliant = next(index for index, label in enumerate(rows[1]) if label in ("C_Answer", "Compliant Answer"))
    required = rows[1].index("Required")  # 0: the template itself takes the question out for this vendor
    return {their_id: ("na" if row[required] == 0 else answers[their_id], _token(row[compliant]))
            for row in rows[2:] if (their_id := str(row[1])) in answers}


CASES = [
    pytest.param(CAIQ, caiq_cells, "caiq-v4.yaml", id="caiq-4.0.3"),
    pytest.param(HECVAT_FULL_304, hecvat_cells, "hecvat-3-full.yaml", id="hecvat-3.04-full"),
    pytest.param(HECVAT_FULL_306, hecvat_cells, "hecvat-3-full.yaml", id="hecvat-3.06-full"),
    pytest.param(HECVAT_LITE, hecvat_cells, "hecvat-3-lite.yaml", id="hecvat-3.04-lite"),
]


@pytest.mark.parametrize(("path", "cells", "mapping"), CASES)
def test_category_shares_are_what_the_cells_say(path: Path, cells: Any, mapping: str, bank: QuestionBank) -> None:
    submission = read_questionnaire(path, bank, today=TODAY)
    assert submission.coverage is not None
    facts = {fact.name: fact.value for fact in own_answer_facts(submission.coverage)}
    expected = _shares(cells(path), _mapping(mapping))
    assert {name.removeprefix("import.own."): value for name, value in facts.items()
            if name.startswith("import.own.")} == expected
    assert len(expected) >= 4, "a real questionnaire speaks to most of our categories"


def test_the_mature_caiq_is_in_place_almost_everywhere_and_its_two_no_answers_are_named(bank: QuestionBank) -> None:
    assessment = assess(CAIQ, now=NOW, tco_trials=200)
    own = {finding.rule_id: finding for finding in assessment.findings if finding.rule_id.startswith("OWN-")}
    named = {source.detail for finding in own.values() for source in finding.provenance}
    no_answers = {their_id for their_id, (answer, _) in caiq_cells(CAIQ).items() if answer == "no"}
    assert len(no_answers) == 2
    assert named == {f"CAIQ {their_id}: No" for their_id in no_answers}
    assert all(source.ref.startswith("CAIQv4.0.3!C") for finding in own.values() for source in finding.provenance)
    assert not [summary for summary in assessment.risk.missing if summary.rule_ids == ("EV-OWN-ANSWERED",)]


def _rewritten(source: Path, target: Path, change: dict[str, str], sheet: str, id_column: int,
               answer_column: int) -> Path:
    workbook = openpyxl.load_workbook(source)
    found = 0
    for row in workbook[sheet].iter_rows(min_row=1):
        their_id = row[id_column - 1].value
        if isinstance(their_id, str) and their_id.strip() in change:
            row[answer_column - 1].value = change[their_id.strip()]
            found += 1
    assert found == len(change)
    workbook.save(target)
    return target


def _effectiveness(path: Path) -> tuple[dict[str, float | None], float]:
    assessment = assess(path, now=NOW, tco_trials=200)
    return {category.id: category.effectiveness for category in assessment.risk.categories}, assessment.risk.residual


def test_more_no_answers_in_a_category_score_lower_in_it(tmp_path: Path) -> None:
    """Twenty of CAIQ's identity and logging questions (security) answered No instead of Yes: security falls,
    every other category stays, the residual rises."""
    cells = caiq_cells(CAIQ)
    feeding = _feeding(_mapping("caiq-v4.yaml"))
    flipped = [their_id for their_id, (answer, _) in cells.items()
               if their_id.startswith(("IAM-", "LOG-")) and answer == "yes" and their_id not in feeding][:20]
    weak = _rewritten(CAIQ, tmp_path / "weak-caiq.xlsx", dict.fromkeys(flipped, "No"), "CAIQv4.0.3", 1, 3)
    strong_scores, strong_residual = _effectiveness(CAIQ)
    weak_scores, weak_residual = _effectiveness(weak)
    strong_security, weak_security = strong_scores.pop("security"), weak_scores.pop("security")
    assert strong_security is not None and weak_security is not None
    assert weak_security < strong_security - 5
    assert weak_scores == strong_scores
    assert weak_residual > strong_residual


def test_a_hecvat_with_more_no_answers_in_data_scores_lower_in_data_governance(tmp_path: Path,
                                                                                bank: QuestionBank) -> None:
    feeding = _feeding(_mapping("hecvat-3-full.yaml"))
    submission = read_questionnaire(HECVAT_FULL_304, bank, today=TODAY)
    assert submission.coverage is not None
    met = [answer for answer in submission.coverage.own_answers
           if answer.their_id.startswith("DATA-") and answer.verdict == "met" and answer.their_id not in feeding]
    change = {answer.their_id: "No" if answer.expected == "Yes" else "Yes" for answer in met[:6]}
    sheet, cell = met[0].place.split("!")
    column = column_index_from_string(re.sub(r"\d", "", cell))
    # Both saved by openpyxl, which drops Excel's cached values (HECVAT's Required column among them): the two
    # differ in the six answers only.
    same = _rewritten(HECVAT_FULL_304, tmp_path / "same-hecvat.xlsx", {}, sheet, 1, column)
    weak = _rewritten(HECVAT_FULL_304, tmp_path / "weak-hecvat.xlsx", change, sheet, 1, column)
    strong, weakened = (read_questionnaire(path, bank, today=TODAY).coverage for path in (same, weak))
    assert strong is not None and weakened is not None
    before = {fact.name: fact.value for fact in own_answer_facts(strong)}
    after = {fact.name: fact.value for fact in own_answer_facts(weakened)}
    before_share, after_share = before["import.own.data_governance"], after["import.own.data_governance"]
    assert isinstance(before_share, float) and isinstance(after_share, float) and after_share < before_share
    assert {name: value for name, value in after.items() if name != "import.own.data_governance"} == {
        name: value for name, value in before.items() if name != "import.own.data_governance"}


@pytest.fixture
def blank_caiq(tmp_path: Path) -> Path:
    return _rewritten(CAIQ, tmp_path / "blank-caiq.xlsx", dict.fromkeys(caiq_cells(CAIQ), ""), "CAIQv4.0.3", 1, 3)


@pytest.fixture
def vsaq_definition(tmp_path: Path) -> Path:
    return Path(shutil.copy(CORPUS / "vsaq" / "webapp.json", tmp_path / "webapp.json"))


BLANKS = [
    pytest.param(lambda request: HECVAT_4_BLANK, id="hecvat-4.1.4-blank"),
    pytest.param(lambda request: request.getfixturevalue("blank_caiq"), id="caiq-cleared"),
    pytest.param(lambda request: request.getfixturevalue("vsaq_definition"), id="vsaq-definition"),
]


@pytest.mark.parametrize("blank", BLANKS)
def test_a_blank_questionnaire_of_any_format_is_never_approved(blank: Any, request: pytest.FixtureRequest) -> None:
    assessment = assess(blank(request), now=NOW, tco_trials=200)
    assert assessment.risk.decision == "more_information_needed"
    evidence = [item for item in assessment.risk.missing if item.rule_ids == ("EV-OWN-ANSWERED",)]
    assert len(evidence) == 1
    assert evidence[0].fact == "import.answered_share" and evidence[0].why.startswith("0 of ")
    assert not assessment.risk.reassess_by


def test_vsaq_judges_a_question_by_its_own_warnings(tmp_path: Path, bank: QuestionBank) -> None:
    shutil.copy(CORPUS / "vsaq" / "webapp.json", tmp_path / "webapp.json")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"questionnaire": "webapp.json", "answers": {
        "application_ssl_exclusively": "checked", "application_ssl_mixedcontent_no": "checked",
        "application_xss_dombased_yes": "checked", "application_auth_cookies_httponly_no": "checked"}}))
    coverage = read_questionnaire(answers, bank, today=TODAY).coverage
    assert coverage is not None
    verdicts = {answer.their_id: answer.verdict for answer in coverage.own_answers}
    assert verdicts["application_ssl_mixedcontent"] == "gap", "its warning tip fires"
    assert verdicts["application_xss_dombased"] == "met", "the warning on No does not fire"
    assert "application_ssl" not in verdicts, "it answers one of ours (SEC-07): scored there only"
    assert verdicts["application_auth_cookies_httponly"] == "not_applicable", "hidden: no custom cookies ticked"
    assert "unanswered" in set(verdicts.values())
    assert {answer.category for answer in coverage.own_answers} >= {"security"}
