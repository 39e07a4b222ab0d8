"""history: a vendor's assessments over time, and what changed between two of them; assess records each run."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from riskengine.enrich.evidence import make_evidence
from riskengine.enrich.store import EvidenceStore
from riskengine.questionnaire.bank import load_bank
from riskengine.questionnaire.template import write_template
from tests.conftest import sample_answers
from tests.databases import Databases, Raw
from tests.register.conftest import cli, epoch_of

FIRST_DAY, SECOND_DAY = dt.date(2026, 10, 1), dt.date(2026, 11, 24)
DOMAIN = "northwindmail.example"


def _questionnaire(path: Path, **changes: Any) -> Path:
    content = sample_answers("northwind-mail")
    write_template(load_bank(), path, answers={**content["answers"], **changes}, tables=content.get("tables", {}))
    return path


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> dict[str, Any]:
    """Northwind assessed twice: in October as sent, in November with SEC-03 answered No and an HSTS check on file."""
    folder = tmp_path_factory.mktemp("history")
    db = databases.new()
    first = cli(db, "assess", str(_questionnaire(folder / "may.xlsx")), "--offline", "-o", str(folder / "may.pdf"),
                epoch=epoch_of(FIRST_DAY))
    assert first.returncode == 0, first.stderr
    with EvidenceStore(db) as store:
        store.save(DOMAIN, [make_evidence(
            kind="web", check="web.hsts", status="pass", reason="Strict-Transport-Security max-age=31536000",
            value=True, query=f"https://{DOMAIN}/", fetched_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
            tool="riskengine-https/1", raw=b"strict-transport-security: max-age=31536000")])
    second = cli(db, "assess", str(_questionnaire(folder / "nov.xlsx", **{"SEC-03": "No"})), "--offline",
                 "-o", str(folder / "nov.pdf"), epoch=epoch_of(SECOND_DAY))
    assert second.returncode == 0, second.stderr
    return {"db": db, "may": json.loads((folder / "may.json").read_text()),
            "nov": json.loads((folder / "nov.json").read_text())}


def test_every_assess_is_recorded_with_its_hashes_and_evidence(history: dict[str, Any]) -> None:
    may, nov = history["may"], history["nov"]
    with Raw(history["db"]) as db:
        rows = db.execute("SELECT assessment_id, tier, residual, questionnaire_sha256, evidence_ids FROM assessments "
                          "ORDER BY created")
        outputs = db.execute("SELECT assessment_id, kind FROM outputs ORDER BY assessment_id, kind")
    questionnaire = next(item["sha256"] for item in nov["inputs"] if item["role"] == "questionnaire")
    assert [row[0] for row in rows] == [may["assessment_id"], nov["assessment_id"]]
    assert rows[1][1:4] == (nov["risk"]["tier"], nov["risk"]["residual"], questionnaire)
    assert json.loads(rows[1][4]) == sorted(item["id"] for item in nov["evidence"]["items"])
    assert outputs == sorted([(may["assessment_id"], "json"), (may["assessment_id"], "pdf"),
                              (nov["assessment_id"], "json"), (nov["assessment_id"], "pdf")])


def test_history_lists_a_vendors_assessments_with_tier_score_and_delta(history: dict[str, Any]) -> None:
    may, nov = history["may"], history["nov"]
    result = cli(history["db"], "history", "northwind MAILWORKS b.v.")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Northwind Mailworks B.V. ({DOMAIN}): 2 assessments"
    assert lines[2].startswith(f"  2026-10-01 09:00  {may['assessment_id']}  {may['risk']['tier']:<8}")
    delta = nov["risk"]["residual"] - may["risk"]["residual"]
    assert f"{nov['risk']['residual']:.1f} ({delta:+.1f})" in lines[3]
    assert lines[3].rstrip().endswith("not signed")
    by_part = cli(history["db"], "history", "mailworks")
    assert by_part.stdout == result.stdout
    unknown = cli(history["db"], "history", "nobody.example")
    assert unknown.returncode == 2
    assert "no vendor matching 'nobody.example'" in unknown.stderr


def test_history_diff_shows_answers_evidence_findings_and_score(history: dict[str, Any]) -> None:
    may, nov = history["may"], history["nov"]
    result = cli(history["db"], "history", "--diff", DOMAIN, "--json")
    assert result.returncode == 0, result.stderr
    changes = json.loads(result.stdout)
    assert (changes["older"], changes["newer"]) == (may["assessment_id"], nov["assessment_id"])
    assert [(a["question_id"], a["before"], a["after"]) for a in changes["answers"]] == [("SEC-03", "Yes", "No")]
    assert {"check": "web.hsts", "before": "unknown", "after": "pass: True"} in changes["evidence"]
    added = sorted({f["rule_id"] for f in nov["findings"]} - {f["rule_id"] for f in may["findings"]})
    removed = sorted({f["rule_id"] for f in may["findings"]} - {f["rule_id"] for f in nov["findings"]})
    assert added, "answering SEC-03 No must raise a finding"
    assert [f["rule_id"] for f in changes["findings_added"]] == added
    assert [f["rule_id"] for f in changes["findings_removed"]] == removed
    residual = next(score for score in changes["scores"] if score["name"] == "residual")
    assert (residual["before"], residual["after"]) == (may["risk"]["residual"], nov["risk"]["residual"])
    assert changes["inputs_changed"] == ["questionnaire"]

    text = cli(history["db"], "history", "--diff", may["assessment_id"], nov["assessment_id"])
    assert text.returncode == 0, text.stderr
    assert f"residual               {may['risk']['residual']:.1f} -> {nov['risk']['residual']:.1f} " \
           f"({nov['risk']['residual'] - may['risk']['residual']:+.1f})" in text.stdout
    assert '"Yes" -> "No"' in text.stdout
    assert "web.hsts                 unknown -> pass: True" in text.stdout
    assert f"findings added ({len(added)})" in text.stdout
    assert cli(history["db"], "history", "--diff", nov["assessment_id"]).stdout == text.stdout


def test_history_without_a_vendor_lists_each_vendor_once(history: dict[str, Any]) -> None:
    result = cli(history["db"], "history", "--json")
    vendors = json.loads(result.stdout)
    assert [(v["vendor_key"], v["assessments"], v["latest_assessment"]) for v in vendors] == [
        (DOMAIN, 2, history["nov"]["assessment_id"])]
    assert vendors[0]["reassess_by"] == history["nov"]["risk"]["reassess_by"]


def test_diff_of_a_first_assessment_says_there_is_nothing_before(history: dict[str, Any]) -> None:
    result = cli(history["db"], "history", "--diff", history["may"]["assessment_id"])
    assert result.returncode == 2
    assert "is the first assessment of its vendor" in result.stderr


def test_the_library_picks_the_pair_to_diff_from_a_selection(history: dict[str, Any]) -> None:
    """``diff_pair``: a vendor's latest two, the one before an id, or two ids as given; the same ``diff_selection``
    that ``history --diff`` prints."""
    from riskengine.register.errors import RegisterError
    from riskengine.register.history import diff_pair, diff_selection, find_vendor, vendor_history
    from riskengine.register.store import Register

    may, nov = history["may"]["assessment_id"], history["nov"]["assessment_id"]
    with Register(history["db"]) as register:
        assert diff_pair(register, ["mailworks"]) == (may, nov)
        assert diff_pair(register, [nov]) == (may, nov)
        assert diff_pair(register, [nov, may]) == (nov, may)
        with pytest.raises(RegisterError, match="is the first assessment of its vendor"):
            diff_pair(register, [may])
        with pytest.raises(RegisterError, match="no assessment RA-00000000-0000000000"):
            diff_pair(register, [may, "RA-00000000-0000000000"])
        with pytest.raises(ValueError, match="one or two"):
            diff_pair(register, [])
        changes = diff_selection(register, [DOMAIN])
        listing = vendor_history(register, may)
        assert find_vendor(register, nov) == listing.vendor
    assert (changes.vendor_name, changes.changes.older, changes.changes.newer) == ("Northwind Mailworks B.V.", may, nov)
    assert [answer.question_id for answer in changes.changes.answers] == ["SEC-03"]
    assert [row.assessment_id for row in listing.assessments] == [may, nov] and listing.signoffs == {}
    printed = cli(history["db"], "history", "--diff", "--json", DOMAIN)
    assert printed.stdout == changes.changes.model_dump_json(indent=2) + "\n"


def test_a_vendor_with_one_assessment_or_a_name_matching_several_is_refused(db: Path | str) -> None:
    from riskengine.register.errors import RegisterError
    from riskengine.register.history import diff_pair, find_vendor
    from riskengine.register.store import Register
    from tests.register.conftest import entry

    day = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)
    with Register(db) as register:
        register.record_entries([(entry("RA-20261124-AAAAAAAAAA", vendor="Acme Mail", domain="acme.example",
                                        created=day), []),
                                 (entry("RA-20261124-BBBBBBBBBB", vendor="Acme Analytics", domain="acme-a.example",
                                        created=day), [])], now=day)
        with pytest.raises(RegisterError, match=re.escape(
                "'acme' matches 2 vendors: Acme Analytics (acme-a.example); Acme Mail (acme.example); give the "
                "domain")):
            find_vendor(register, "acme")
        with pytest.raises(RegisterError, match=re.escape("acme.example: only one assessment in the register")):
            diff_pair(register, ["acme.example"])
        with pytest.raises(RegisterError, match="no vendor matching 'nobody'"):
            find_vendor(register, "nobody")
