"""The database's versioned migrations: a new database, a file of the first evidence store, a database from the
future; on SQLite and PostgreSQL where both have the case (a SQLite file's layout and journal are its own)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zlib
from pathlib import Path

import pytest

from riskengine.database import LAYOUT, component_versions, connect, migrate
from riskengine.enrich.evidence import make_evidence
from riskengine.enrich.store import EvidenceStore, StoreError
from riskengine.register.errors import DatabaseError
from riskengine.register.schema import MIGRATIONS
from riskengine.register.schema import SCHEMA_VERSION as REGISTER_VERSION
from riskengine.register.store import Register
from tests.conftest import NOW
from tests.databases import Raw, rows, tamper
from tests.register.conftest import cli, entry

# The schema exactly as the first evidence store (user_version 1, no register) created it.
EVIDENCE_ONLY_V1 = """
    BEGIN IMMEDIATE;
    CREATE TABLE IF NOT EXISTS evidence (
        id TEXT PRIMARY KEY, domain TEXT NOT NULL, kind TEXT NOT NULL, checkname TEXT NOT NULL,
        status TEXT NOT NULL, fetched_at TEXT NOT NULL, expires_at TEXT NOT NULL,
        record TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS evidence_lookup ON evidence (domain, checkname, fetched_at);
    CREATE TABLE IF NOT EXISTS evidence_runs (
        assessment_id TEXT PRIMARY KEY, domain TEXT NOT NULL, created TEXT NOT NULL,
        evidence_ids TEXT NOT NULL);
    PRAGMA user_version = 1;
    COMMIT;
"""


def _versions(db: Path | str) -> tuple[int | None, dict[str, int]]:
    """The SQLite file's layout (None on PostgreSQL, which has none) and its components' versions."""
    with connect(db) as database:
        layout = database.execute("PRAGMA user_version").fetchone()[0] if isinstance(db, Path) else None
        return layout, component_versions(database)


def _old_evidence_database(path: Path) -> str:
    """A database the first evidence store wrote: one evidence record and the run that used it."""
    hsts = make_evidence(kind="web", check="web.hsts", status="pass", reason="max-age=31536000", value=True,
                         query="https://acme.example/", fetched_at=NOW, tool="riskengine-https/1", raw=b"hsts")
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(EVIDENCE_ONLY_V1)
    db.execute("INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (hsts.id, "acme.example", "web", "web.hsts", "pass", NOW.isoformat(),
                (NOW + dt.timedelta(days=1)).isoformat(), hsts.model_dump_json()))
    db.execute("INSERT INTO evidence_runs VALUES (?, ?, ?, ?)",
               ("RA-20261124-0000000001", "acme.example", NOW.isoformat(), f'["{hsts.id}"]'))
    db.close()
    return hsts.id


def test_a_new_database_gets_both_components_at_their_latest_version(db: Path | str) -> None:
    with Register(db), EvidenceStore(db):
        pass
    layout = LAYOUT if isinstance(db, Path) else None
    assert _versions(db) == (layout, {"evidence": 1, "register": REGISTER_VERSION})
    journal = rows(db, "PRAGMA journal_mode") if isinstance(db, Path) else [("wal",)]
    assert journal == [("wal",)]


def test_an_evidence_only_v1_database_is_adopted_and_keeps_its_evidence(tmp_path: Path) -> None:
    db = tmp_path / "register.db"
    evidence_id = _old_evidence_database(db)
    assert _versions(db) == (1, {})

    with Register(db) as register:
        register.record_entries([(entry("RA-20261124-0000000002", created=NOW), [])], now=NOW)

    assert _versions(db) == (LAYOUT, {"evidence": 1, "register": REGISTER_VERSION})
    with EvidenceStore(db) as store:
        domain, created, items = store.run("RA-20261124-0000000001")
        assert (domain, created, [item.id for item in items]) == ("acme.example", NOW, [evidence_id])
        assert store.latest("acme.example")["web.hsts"].value is True
    with Register(db) as register:
        assert [row.assessment_id for row in register.history("acme.example")] == ["RA-20261124-0000000002"]


def test_the_cli_migrates_an_old_database_on_first_use(tmp_path: Path) -> None:
    db = tmp_path / "register.db"
    _old_evidence_database(db)
    result = cli(db, "history")
    assert result.returncode == 0, result.stderr
    assert "the register holds no assessment yet" in result.stdout
    assert _versions(db)[1]["register"] == REGISTER_VERSION


def _contents(db: Path | str) -> object:
    """All a database holds, to show it was left alone: a SQLite file's bytes, PostgreSQL's tables and versions."""
    if isinstance(db, Path):
        return db.read_bytes()
    return (rows(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"),
            rows(db, "SELECT * FROM schema_migrations ORDER BY component"))


def test_a_component_version_from_a_newer_riskengine_is_refused_and_the_database_left_alone(db: Path | str) -> None:
    with Register(db):
        pass
    rows(db, "UPDATE schema_migrations SET version = 99 WHERE component = 'register'")
    before = _contents(db)

    refusal = rf"newer riskengine \(register schema 99, this one knows {REGISTER_VERSION}\)"
    with pytest.raises(DatabaseError, match=refusal):
        Register(db)
    assert _contents(db) == before
    result = cli(db, "due")
    assert result.returncode == 2
    assert "made by a newer riskengine (register schema 99" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_newer_database_layout_is_refused_by_the_register_and_the_evidence_store(tmp_path: Path) -> None:
    db = tmp_path / "register.db"
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA user_version = 7")
    with pytest.raises(DatabaseError, match="database layout 7, this one knows 2"):
        Register(db)
    with pytest.raises(StoreError, match="database layout 7"):
        EvidenceStore(db)
    assert _versions(db) == (7, {})


def test_a_file_that_is_not_a_database_is_an_input_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(DatabaseError, match="not a usable riskengine database"):
        Register(junk)
    result = cli(junk, "history")
    assert result.returncode == 2
    assert "not a usable riskengine database" in result.stderr


def test_recorded_assessments_and_signoffs_cannot_be_rewritten(db: Path | str) -> None:
    with Register(db) as register:
        register.record_entries([(entry("RA-20261124-0000000003", created=NOW), [])], now=NOW)
    with Raw(db) as raw:
        with pytest.raises(raw.IntegrityError, match="recorded assessments cannot be changed"):
            raw.execute("UPDATE assessments SET tier = 'low'")
        with pytest.raises(raw.IntegrityError, match="recorded assessments cannot be deleted"):
            raw.execute("DELETE FROM assessments")
        if raw.backend == "postgresql":  # TRUNCATE skips row triggers: a statement trigger refuses it
            with pytest.raises(raw.IntegrityError, match="recorded assessments cannot be deleted"):
                raw.execute("TRUNCATE assessments CASCADE")
        assert raw.value("SELECT tier FROM assessments") == "medium"


# Rows as the register before the chain (register schema 1) wrote them: two assessments of one vendor, their
# results and outputs, the vendor row, and one sign-off.
PRE_CHAIN_ROWS = (
    """INSERT INTO assessments (assessment_id, vendor_key, vendor_name, product, domain, created, recorded_at, tier,
        decision, inherent, control_effectiveness, residual, reassess_by, findings, knockouts, questionnaire_sha256,
        run_key, engine, inputs, evidence_ids) VALUES
        ('RA-20260501-0000000001', 'acme.example', 'Acme', '', 'acme.example', '2026-05-01T09:00:00+00:00',
         '2026-05-01T09:00:00+00:00', 'high', 'approve_with_conditions', 60.0, 40.0, 45.5, '2026-11-01', 12, 0,
         'q1', 'k1', '0.1.0', '[]', '[]'),
        ('RA-20261101-0000000002', 'acme.example', 'Acme', '', 'acme.example', '2026-11-01T09:00:00+00:00',
         '2026-11-01T09:00:00+00:00', 'medium', 'approve', 60.0, 55.0, 30.25, '2027-11-01', 7, 0, 'q2', 'k2',
         '0.1.0', '[]', '[]')""",
    """INSERT INTO results VALUES ('RA-20260501-0000000001', 'json+zlib', :first),
                                  ('RA-20261101-0000000002', 'json+zlib', :second)""",
    """INSERT INTO outputs VALUES
        ('aa', 'RA-20260501-0000000001', 'pdf', 'full', '/r/may.pdf', 100, '2026-05-01T09:00:00+00:00'),
        ('bb', 'RA-20261101-0000000002', 'pdf', 'full', '/r/nov.pdf', 120, '2026-11-01T09:00:00+00:00'),
        ('cc', 'RA-20261101-0000000002', 'json', 'full', '/r/nov.json', 90, '2026-11-01T09:00:00+00:00')""",
    """INSERT INTO vendors VALUES ('acme.example', 'Acme', '', 'acme.example', 'RA-20261101-0000000002',
        '2026-11-01T09:00:00+00:00', 'medium', 'approve', 30.25, '2027-11-01', 2)""",
    """INSERT INTO signoffs (assessment_id, report_sha256, role, signed_by, decision, note, signed_at) VALUES
        ('RA-20261101-0000000002', 'bb', 'compliance', 'Dana Ruiz', 'approve', '', '2026-11-02T10:00:00+00:00')""",
)


def _register_before_the_chain(db: Path | str) -> None:
    with connect(db) as database:
        migrate(database, "register", MIGRATIONS[:1])
        with database.transaction():
            for statement in PRE_CHAIN_ROWS:
                database.execute(statement, {
                    "first": zlib.compress(b'{"assessment_id": "RA-20260501-0000000001"}'),
                    "second": zlib.compress(b'{"assessment_id": "RA-20261101-0000000002"}')})


def test_a_register_made_before_the_chain_gets_its_rows_chained_in_their_order(db: Path | str) -> None:
    _register_before_the_chain(db)
    layout = LAYOUT if isinstance(db, Path) else None
    assert _versions(db) == (layout, {"register": 1})

    with Register(db) as register:
        report = register.check_chain()
    assert _versions(db) == (layout, {"register": REGISTER_VERSION})
    assert report.intact
    assert (report.records, report.tables) == (8, {"assessments": 2, "results": 2, "outputs": 3,
                                          "signoffs": 1, "signoff_proofs": 0})
    chained = rows(db, "SELECT record_table, record_key FROM chain ORDER BY seq")
    assert chained == [("assessments", "RA-20260501-0000000001"), ("assessments", "RA-20261101-0000000002"),
                       ("results", "RA-20260501-0000000001"), ("results", "RA-20261101-0000000002"),
                       ("outputs", "aa"), ("outputs", "bb"), ("outputs", "cc"), ("signoffs", "1")]
    result = cli(db, "register", "check")
    assert result.returncode == 0, result.stderr
    assert f"{db}: intact: 8 records chained (2 assessments, 2 results, 3 outputs, 1 signoffs)" in result.stdout


def test_rows_chained_by_the_migration_are_bound_and_new_rows_follow_them(db: Path | str) -> None:
    _register_before_the_chain(db)
    with Register(db) as register:
        register.record_entries([(entry("RA-20261124-0000000003", created=NOW), [])], now=NOW)
        assert register.check_chain().records == 10
    tamper(db, "UPDATE signoffs SET decision = 'reject'")

    result = cli(db, "register", "check")
    assert result.returncode == 4
    assert result.stderr.startswith(f"{db}: ALTERED: signoffs #1 of RA-20261101-0000000002, chain record 8: "
                                    "changed since it was recorded: decision (now 'reject')")
