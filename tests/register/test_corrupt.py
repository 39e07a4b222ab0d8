"""A recorded row that is not what riskengine wrote (a result that is not JSON or not an assessment, a null or a word
where a value must be) is an error naming the assessment, exit 2, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLES
from tests.databases import Databases, rows, tamper
from tests.register.conftest import cli, epoch_of

DOMAIN = "pixelpath.example"


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> dict[str, Any]:
    """PixelPath assessed twice, in October and in November."""
    folder = tmp_path_factory.mktemp("corrupt")
    db = databases.new()
    ids = []
    for name, day in (("oct", dt.date(2026, 10, 1)), ("nov", dt.date(2026, 11, 24))):
        result = cli(db, "assess", str(SAMPLES / "pixelpath-analytics.xlsx"), "--offline",
                     "-o", str(folder / f"{name}.pdf"), epoch=epoch_of(day))
        assert result.returncode == 0, result.stderr
        ids.append(json.loads((folder / f"{name}.json").read_text())["assessment_id"])
    return {"db": db, "older": ids[0], "newer": ids[1], "report": folder / "nov.pdf"}


@pytest.fixture
def register_copy(assessed: dict[str, Any], copy_database: Callable[[Path | str], Path | str]) -> Path | str:
    return copy_database(assessed["db"])


def _refused(result: Any, assessment_id: str, what: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"error: the register's record of {assessment_id} is corrupted: {what}")
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize(("body", "what"), [
    (zlib.compress(b'{"assessment_id": "RA-'), "its stored result is not valid JSON ("),
    (zlib.compress(b'{"assessment_id": "RA-20261124-0000000000"}'), "its stored result is not a valid assessment: "),
    (b"not zlib at all", "its stored result cannot be decompressed ("),
], ids=["not JSON", "not an assessment", "not zlib"])
def test_a_corrupted_result_stops_history_diff_with_the_assessment_id(
        assessed: dict[str, Any], register_copy: Path | str, body: bytes, what: str) -> None:
    assert cli(register_copy, "history", "--diff", DOMAIN).returncode == 0
    tamper(register_copy, "UPDATE results SET body = :body WHERE assessment_id = :id",
           parameters={"body": body, "id": assessed["newer"]})

    result = cli(register_copy, "history", "--diff", DOMAIN)
    _refused(result, assessed["newer"], what)
    assert result.stdout == ""
    both = cli(register_copy, "history", "--diff", assessed["older"], assessed["newer"], "--json")
    _refused(both, assessed["newer"], what)


def test_a_result_of_another_assessment_is_corrupted(assessed: dict[str, Any], register_copy: Path | str) -> None:
    tamper(register_copy, "UPDATE results SET body = (SELECT body FROM results WHERE assessment_id = :older) "
                          "WHERE assessment_id = :newer", parameters=assessed)
    _refused(cli(register_copy, "history", "--diff", DOMAIN), assessed["newer"],
             f"its stored result is the assessment {assessed['older']}")


def test_a_corrupted_result_stops_verify_with_the_assessment_id(assessed: dict[str, Any],
                                                                register_copy: Path | str) -> None:
    tamper(register_copy, "UPDATE results SET body = :body WHERE assessment_id = :id",
           parameters={"body": zlib.compress(b"{]"), "id": assessed["newer"]})
    result = cli(register_copy, "verify", str(assessed["report"]))
    _refused(result, assessed["newer"], "its stored result is not valid JSON")


def _loosened(table: str, alteration: str) -> tuple[dict[str, str], ...]:
    """``table`` without one of its constraints: SQLite rebuilds it (it cannot drop one); PostgreSQL alters it."""
    return ({"sqlite": f"CREATE TABLE loose AS SELECT * FROM {table}"}, {"sqlite": f"DROP TABLE {table}"},
            {"sqlite": f"ALTER TABLE loose RENAME TO {table}", "postgresql": f"ALTER TABLE {table} {alteration}"})


def test_a_null_score_stops_history_with_the_assessment_id(assessed: dict[str, Any], register_copy: Path | str) -> None:
    """NOT NULL holds only while the table keeps its definition: rebuilt without it, a null gets in."""
    tamper(register_copy, *_loosened("assessments", "ALTER COLUMN residual DROP NOT NULL"),
           "UPDATE assessments SET residual = NULL WHERE assessment_id = :older", parameters=assessed)
    result = cli(register_copy, "history", DOMAIN)
    _refused(result, assessed["older"], "assessments.residual is None, expected a number")
    _refused(cli(register_copy, "history", "--diff", DOMAIN), assessed["older"], "assessments.residual is None")


def test_a_word_where_a_day_must_be_stops_due_and_the_listing(assessed: dict[str, Any],
                                                              register_copy: Path | str) -> None:
    tamper(register_copy, "UPDATE vendors SET reassess_by = '2026-13-45'")
    expected = "vendors.reassess_by of pixelpath.example is '2026-13-45', expected a day (YYYY-MM-DD) or empty"
    _refused(cli(register_copy, "due", "--as-of", "2027-01-01"), assessed["newer"], expected)
    _refused(cli(register_copy, "history"), assessed["newer"], expected)


def test_a_corrupted_output_stops_approve_and_records_nothing(assessed: dict[str, Any],
                                                             register_copy: Path | str) -> None:
    """SQLite keeps a word in an INTEGER column; PostgreSQL only once the column's type is changed to text."""
    tamper(register_copy, {"postgresql": "ALTER TABLE outputs ALTER COLUMN size TYPE TEXT"},
           "UPDATE outputs SET size = 'big' WHERE assessment_id = :newer AND kind = 'pdf'", parameters=assessed)
    result = cli(register_copy, "approve", assessed["newer"], "--role", "it", "--by", "Ada Admin",
                 "--decision", "approve")
    _refused(result, assessed["newer"], "outputs.size is 'big', expected a whole number")
    assert rows(register_copy, "SELECT COUNT(*) FROM signoffs") == [(0,)]


def test_an_unknown_role_stops_the_listing_of_signoffs(assessed: dict[str, Any], register_copy: Path | str) -> None:
    assert cli(register_copy, "approve", assessed["newer"], "--role", "it", "--by", "Ada Admin",
               "--decision", "approve").returncode == 0
    tamper(register_copy, *_loosened("signoffs", "DROP CONSTRAINT signoffs_role_check"),
           "UPDATE signoffs SET role = 'ceo'")
    _refused(cli(register_copy, "history", DOMAIN), assessed["newer"],
             "signoffs.role is 'ceo', expected one of it, marketing, compliance")
