"""The register proves its own history: every row hash-chained, and ``register check`` names the first one changed
outside riskengine, in a copy of the file whose triggers were dropped."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from pathlib import Path
from typing import Any

import pytest

from riskengine.register.chain import CHAINED_TABLES, GENESIS, canonical, field_digests, link
from riskengine.register.errors import RegisterError
from riskengine.register.store import Output, Register
from tests.conftest import NOW
from tests.databases import Raw, rows, tamper
from tests.register.conftest import cli, entry, pdf_output

A1, A2, B1 = "RA-20261001-00000000A1", "RA-20261124-00000000A2", "RA-20261125-00000000B1"
RECORDS = 14
"""3 assessments, 3 results, 6 outputs (a PDF and a JSON each), 2 sign-offs."""


def _json_output(assessment_id: str) -> Output:
    data = json.dumps({"assessment_id": assessment_id}).encode()
    return Output(kind="json", sha256=hashlib.sha256(data).hexdigest(), path=f"/reports/{assessment_id}.json",
                  size=len(data))


@pytest.fixture
def register_db(db: Path | str) -> Path | str:
    """Acme assessed twice (the second approved by IT and compliance, waiting for marketing), Beta once: 14 chained
    records."""
    with Register(db) as register:
        for assessment_id, domain, day in ((A1, "acme.example", 1), (A2, "acme.example", 2),
                                           (B1, "beta.example", 3)):
            created = NOW + dt.timedelta(days=day)
            register.record_entries([(entry(assessment_id, domain=domain, vendor=domain.split(".")[0].title(),
                                            created=created, reassess_by=created.date() + dt.timedelta(days=180)),
                                      [pdf_output(assessment_id), _json_output(assessment_id)])], now=created)
        for role in ("it", "compliance"):
            register.sign(A2, role=role, signed_by=f"{role} lead", decision="approve", now=NOW)  # type: ignore[arg-type]
    return db


def _chain(db: Path | str) -> list[tuple[Any, ...]]:
    return rows(db, "SELECT seq, record_table, record_key, assessment_id, hash FROM chain ORDER BY seq")


def _check(db: Path | str) -> Any:
    with Register(db) as register:
        return register.check_chain()


def test_every_row_is_chained_in_the_order_it_was_written(register_db: Path | str) -> None:
    chain = _chain(register_db)
    assert [(seq, table, key) for seq, table, key, _, _ in chain[:4]] == [
        (1, "assessments", A1), (2, "results", A1), (3, "outputs", pdf_output(A1).sha256),
        (4, "outputs", _json_output(A1).sha256)]
    assert [(table, assessment) for _, table, _, assessment, _ in chain[-2:]] == [("signoffs", A2), ("signoffs", A2)]
    assert len(chain) == RECORDS
    assert len({record[4] for record in chain}) == RECORDS


def test_each_record_hashes_the_previous_hash_and_the_canonical_json_of_its_row(register_db: Path | str) -> None:
    """The documented form, computed here without riskengine: anyone can re-verify the chain with SQL and json."""
    with Raw(register_db) as raw:
        assessment = raw.mapping("SELECT * FROM assessments WHERE assessment_id = :id", {"id": A1})
        result = raw.mapping("SELECT * FROM results WHERE assessment_id = :id", {"id": A1})
        hashes = [row[0] for row in raw.execute("SELECT hash FROM chain ORDER BY seq LIMIT 2")]
    result["body"] = {"hex": result["body"].hex()}

    def form(table: str, row: dict[str, Any]) -> bytes:
        return json.dumps({"row": row, "table": table}, sort_keys=True, separators=(",", ":")).encode()

    first = hashlib.sha256(b"0" * 64 + form("assessments", assessment)).hexdigest()
    assert hashes[0] == first
    assert hashes[1] == hashlib.sha256(first.encode() + form("results", result)).hexdigest()
    assert assessment["residual"] == 40.0 and '"residual":40.0' in form("assessments", assessment).decode()


def test_an_intact_register_checks_with_its_count_and_head(register_db: Path | str) -> None:
    report = _check(register_db)
    assert report.intact
    assert (report.records, report.tables) == (RECORDS, {"assessments": 3, "results": 3, "outputs": 6,
                                                 "signoffs": 2, "signoff_proofs": 0})
    assert report.head == _chain(register_db)[-1][4]

    result = cli(register_db, "register", "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"{register_db}: intact: {RECORDS} records chained (3 assessments, 3 results, "
                             f"6 outputs, 2 signoffs), head {report.head}\n")


def test_an_empty_register_is_intact(db: Path | str) -> None:
    report = _check(db)
    assert (report.intact, report.records, report.head) == (True, 0, GENESIS)


ASSESSMENT_COLUMNS = ", ".join(CHAINED_TABLES["assessments"].columns)
TAMPERING: list[tuple[str, tuple[str, ...], dict[str, Any], str, str]] = [
    ("a sign-off inserted after the final one",
     ("INSERT INTO signoffs (assessment_id, report_sha256, role, signed_by, decision, note, signed_at) "
      "VALUES (:id, :sha256, 'marketing', 'Mallory', 'reject', '', '2026-11-30T09:00:00+00:00')",),
     {"id": A2, "sha256": pdf_output(A2).sha256}, "inserted",
     f"signoffs #3 of {A2}: not in the chain (marketing reject by Mallory): inserted without riskengine"),
    ("a result changed",
     ("UPDATE results SET body = :body WHERE assessment_id = :id",),
     {"id": A1, "body": zlib.compress(json.dumps({"assessment_id": A1, "risk": "low"}).encode())}, "altered",
     f"results {A1}, chain record 2: changed since it was recorded: body (now "),
    ("an output deleted",
     ("DELETE FROM outputs WHERE sha256 = :sha256",), {"sha256": _json_output(B1).sha256}, "deleted",
     f"outputs {_json_output(B1).sha256} of {B1}, chain record 12: deleted: the chain holds it, the table no "
     "longer does"),
    ("an assessment's tier changed",
     ("UPDATE assessments SET tier = 'low' WHERE assessment_id = :id",), {"id": A2}, "altered",
     f"assessments {A2}, chain record 5: changed since it was recorded: tier (now 'low')"),
    ("an assessment deleted and inserted again",
     (f"CREATE TEMP TABLE moved AS SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE assessment_id = :id",
      "DELETE FROM assessments WHERE assessment_id = :id",
      f"INSERT INTO assessments ({ASSESSMENT_COLUMNS}) SELECT {ASSESSMENT_COLUMNS} FROM moved"),
     {"id": A1}, "moved",
     f"assessments {A1}, chain record 1: deleted and inserted again: it no longer comes where the chain recorded it"),
    ("an output's sha256 replaced",
     ("UPDATE outputs SET sha256 = :forged WHERE sha256 = :sha256",),
     {"sha256": pdf_output(A2).sha256, "forged": "f" * 64}, "altered",
     f"outputs {pdf_output(A2).sha256} of {A2}, chain record 7: changed or replaced: the row in its place has "
     f"sha256 {'f' * 64}, which the chain does not hold"),
    ("a chain record deleted with its row",
     ("DELETE FROM signoffs WHERE role = 'it'", "DELETE FROM chain WHERE seq = 13"), {}, "chain",
     "chain #13: chain record 13 is missing (the next is 14): the chain itself was altered"),
    ("the vendor listing changed, hiding a vendor from due",
     ("UPDATE vendors SET reassess_by = '2099-01-01' WHERE vendor_key = 'beta.example'",), {}, "listing",
     f"vendors beta.example of {B1}: reassess_by is '2099-01-01', but the vendor's assessments say '2027-05-"),
]


@pytest.mark.parametrize(("change", "statements", "parameters", "kind", "message"), TAMPERING,
                         ids=[case[0] for case in TAMPERING])
def test_a_change_made_around_the_triggers_is_named_by_register_check(
        register_db: Path | str, change: str, statements: tuple[str, ...], parameters: dict[str, Any], kind: str,
        message: str) -> None:
    assert _check(register_db).intact
    tamper(register_db, *statements, parameters=parameters)

    report = _check(register_db)
    assert report.problem is not None, change
    assert report.problem.kind == kind
    assert str(report.problem).startswith(message)
    result = cli(register_db, "register", "check")
    assert result.returncode == 4
    assert result.stdout == ""
    assert result.stderr.startswith(f"{register_db}: ALTERED: {message}")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("change", ["a sign-off inserted after the final one", "a result changed", "an output deleted",
                                    "an assessment's tier changed", "an output's sha256 replaced",
                                    "a chain record deleted with its row"])
def test_the_records_of_one_assessment_are_checked_without_walking_the_chain(register_db: Path | str,
                                                                             change: str) -> None:
    """What verify uses: the records of one assessment and their links, found by index, on any size of register."""
    _, statements, parameters, _, message = next(case for case in TAMPERING if case[0] == change)
    tamper(register_db, *statements, parameters=parameters)
    report = _check(register_db)
    assert report.problem is not None
    affected = report.problem.assessment_id or A2
    with Register(register_db) as register:
        scoped = register.check_records([affected])
    assert scoped.problem is not None
    assert (scoped.problem.kind, scoped.problem.table, scoped.problem.key, scoped.problem.position) == (
        report.problem.kind, report.problem.table, report.problem.key, report.problem.position)
    assert str(scoped.problem).startswith(message.split(": ")[0])
    assert scoped.scope == (affected,)


def test_checking_the_records_of_an_intact_assessment_counts_them(register_db: Path | str) -> None:
    with Register(register_db) as register:
        report = register.check_records([A2])
    assert (report.intact, report.records, report.tables) == (
        True, 6, {"assessments": 1, "results": 1, "outputs": 2,
                                                 "signoffs": 2, "signoff_proofs": 0})
    assert report.status == f"intact (6 records of {A2} chained)"


def test_the_inserted_signoff_would_have_rejected_an_approved_assessment(register_db: Path | str) -> None:
    """Why it matters: without the chain, the forged sign-off reads as genuine."""
    tamper(register_db, "INSERT INTO signoffs (assessment_id, report_sha256, role, signed_by, decision, note, "
                        "signed_at) VALUES (:id, :sha256, 'marketing', 'Mallory', 'reject', '', :at)",
           parameters={"id": A2, "sha256": pdf_output(A2).sha256, "at": NOW.isoformat()})
    with Register(register_db) as register:
        assert [signoff.signed_by for signoff in register.signoffs(A2)] == ["it lead", "compliance lead", "Mallory"]
        assert not register.check_chain().intact


def test_the_first_problem_in_chain_order_is_the_one_reported(register_db: Path | str) -> None:
    tamper(register_db, "UPDATE assessments SET residual = 1.0 WHERE assessment_id = :late",
           "UPDATE outputs SET path = '/elsewhere.pdf' WHERE sha256 = :early",
           parameters={"late": B1, "early": pdf_output(A1).sha256})
    problem = _check(register_db).problem
    assert problem is not None
    assert (problem.table, problem.position, problem.detail) == (
        "outputs", 3, "changed since it was recorded: path (now '/elsewhere.pdf')")


def test_check_json_reports_the_problem_as_data(register_db: Path | str) -> None:
    tamper(register_db, "UPDATE assessments SET decision = 'approve', residual = 5.0 WHERE assessment_id = :id",
           parameters={"id": B1})
    result = cli(register_db, "register", "check", "--json")
    assert result.returncode == 4
    report = json.loads(result.stdout)
    assert report["problem"] == {"kind": "altered", "table": "assessments", "key": B1, "assessment_id": B1,
                                 "position": 9, "detail": "changed since it was recorded: decision (now 'approve'), "
                                                          "residual (now 5.0)"}
    assert report["records"] == 8


def test_the_triggers_still_refuse_changes_to_results_outputs_and_the_chain(register_db: Path | str) -> None:
    with Raw(register_db) as raw:
        for statement, refusal in (("UPDATE results SET encoding = 'x'", "recorded results cannot be changed"),
                                   ("DELETE FROM outputs", "recorded outputs cannot be deleted"),
                                   ("UPDATE chain SET hash = ''", "chain records cannot be changed"),
                                   ("DELETE FROM chain", "chain records cannot be deleted")):
            with pytest.raises(raw.IntegrityError, match=refusal):
                raw.execute(statement)
        assert raw.value("SELECT COUNT(*) FROM chain") == RECORDS


def test_a_refused_signoff_appends_nothing_and_a_recorded_one_appends_one(register_db: Path | str) -> None:
    with Register(register_db) as register:
        with pytest.raises(RegisterError, match="it has already signed off"):
            register.sign(A2, role="it", signed_by="Mo", decision="reject", now=NOW)
        assert len(_chain(register_db)) == RECORDS
        register.sign(B1, role="it", signed_by="Ada", decision="approve", now=NOW)
        register.record_entries([(entry(A1, created=NOW), [pdf_output(A1), pdf_output(A1, b"%PDF again")])], now=NOW)
        report = register.check_chain()
    assert report.intact
    assert report.tables == {"assessments": 3, "results": 3, "outputs": 7, "signoffs": 3, "signoff_proofs": 0}
    assert _chain(register_db)[-1][1:4] == ("outputs", pdf_output(A1, b"%PDF again").sha256, A1)


def test_a_rewrite_that_recomputes_the_chain_changes_its_head(register_db: Path | str) -> None:
    """The limit of a chain kept beside the rows: a writer who recomputes every record after a change leaves it
    intact. The head a previous check printed is then no longer the head (nor anywhere in the chain)."""
    head = _check(register_db).head
    tamper(register_db, "UPDATE assessments SET tier = 'low' WHERE assessment_id = :id",
           "UPDATE vendors SET tier = 'low' WHERE latest_assessment = :id", parameters={"id": B1})
    with Raw(register_db) as raw:
        previous = raw.value("SELECT hash FROM chain WHERE seq = 8")
        for seq, table_name, key in raw.execute("SELECT seq, record_table, record_key FROM chain WHERE seq > 8 "
                                                "ORDER BY seq"):
            table = CHAINED_TABLES[table_name]
            (values,) = raw.execute(table.select(f" WHERE {table.key} = :key"), {"key": table.key_parameter(key)})
            previous = link(previous, canonical(table, values))
            raw.execute("UPDATE chain SET hash = :hash, fields = :fields WHERE seq = :seq",
                        {"hash": previous, "fields": field_digests(values), "seq": seq})

    report = _check(register_db)
    assert report.intact
    assert report.head != head
    assert head not in {record[4] for record in _chain(register_db)}
    result = cli(register_db, "register", "check", "--head", head)
    assert result.returncode == 4
    assert result.stderr.startswith(f"{register_db}: ALTERED: chain #14: the head kept from an earlier check "
                                    f"({head}) is no longer in the chain: it was rewritten since")


def test_a_head_kept_from_an_earlier_check_is_still_held_as_the_register_grows(register_db: Path | str) -> None:
    head = _check(register_db).head
    with Register(register_db) as register:
        register.sign(B1, role="it", signed_by="Ada", decision="approve", now=NOW)
        assert register.check_chain(head).intact
        assert register.check_chain(head).head != head
        assert register.check_chain(head.upper()).intact
    assert cli(register_db, "register", "check", "--head", head).returncode == 0
