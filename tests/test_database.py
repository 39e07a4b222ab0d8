"""The database layer (``riskengine.database``) on each of its transports, and the evidence store on each backend.

Three ways to the same SQL: a SQLite path (the standard library's sqlite3), a ``sqlite:///`` URL (SQLAlchemy Core
over pysqlite) and a ``postgresql://`` URL (SQLAlchemy Core over psycopg), the last against the session's server.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from riskengine.database import (
    Migration,
    component_version,
    component_versions,
    connect,
    database_file,
    display_name,
    locate,
    migrate,
)
from riskengine.enrich.evidence import Evidence, make_evidence
from riskengine.enrich.store import EvidenceStore, StoreError
from riskengine.errors import DatabaseError
from tests.conftest import NOW, run_cli
from tests.databases import PostgresServer, Raw

TRANSPORTS = ("sqlite", "sqlite-url", "postgresql")
TABLE = "CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL, size BIGINT, score DOUBLE PRECISION)"
NOTES = (Migration(1, "notes", (TABLE,)),
         Migration(2, "attachments, in each backend's type for bytes", (
             "CREATE TABLE attachments (id TEXT PRIMARY KEY, data BLOB NOT NULL)",),
             postgresql=("CREATE TABLE attachments (id TEXT PRIMARY KEY, data BYTEA NOT NULL)",)),
         Migration(3, "a note the migration computes", (), run=lambda db: db.execute(
             "INSERT INTO notes (id, body) VALUES ('computed', :body)", {"body": f"made on {db.dialect}"})))
"""A component of the tests' own, as a new part of riskengine would add one: portable DDL, a step whose DDL
differs by backend, and a step that computes."""


@pytest.fixture(params=TRANSPORTS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """Where a new database is, for each transport."""
    if request.param == "sqlite":
        yield tmp_path / "data" / "riskengine.db"
    elif request.param == "sqlite-url":
        yield f"sqlite:///{tmp_path / 'data' / 'riskengine.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgresql_server")
        url = server.take()
        yield url
        server.give_back(url)


def test_each_transport_speaks_the_same_sql_and_gives_back_the_same_values(location: Path | str) -> None:
    with connect(location) as db:
        assert db.dialect == ("postgresql" if "postgresql" in str(location) else "sqlite")
        assert db.name == str(location)
        assert db.file == (None if db.dialect == "postgresql" else database_file(location))
        migrate(db, "notes", NOTES)
        with db.transaction():
            db.executemany("INSERT INTO notes (id, body, size, score) VALUES (:id, :body, :size, :score)",
                           [{"id": "a", "body": "50% off", "size": 2**40, "score": 40.0},
                            {"id": "b", "body": "né", "size": None, "score": 0.1}])
            db.execute("INSERT INTO attachments VALUES (:id, :data)", {"id": "a", "data": b"\x00\xff"})
            inserted = db.execute("INSERT INTO notes (id, body) VALUES (:id, 'again') ON CONFLICT DO NOTHING",
                                  {"id": "a"}).rowcount
        rows = db.execute("SELECT id, body, size, score FROM notes ORDER BY id").fetchall()
        data = db.execute("SELECT data FROM attachments WHERE id = :id", {"id": "a"}).fetchone()[0]
        assert component_versions(db) == {"notes": 3}
    assert inserted == 0
    assert [tuple(row) for row in rows] == [("a", "50% off", 2**40, 40.0), ("b", "né", None, 0.1),
                                            ("computed", f"made on {db.dialect}", None, None)]
    assert [type(value) for value in rows[0]] == [str, str, int, float]
    assert data == b"\x00\xff"


def test_a_transaction_is_all_or_nothing(location: Path | str) -> None:
    with connect(location) as db:
        migrate(db, "notes", NOTES)
        with pytest.raises(ZeroDivisionError), db.transaction():
            db.execute("INSERT INTO notes (id, body) VALUES ('half', 'written')")
            _ = 1 / 0
        with pytest.raises(DatabaseError, match=f"^{re.escape(db.name)}: .*(UNIQUE|unique|duplicate)"), \
                db.transaction():
            db.execute("INSERT INTO notes (id, body) VALUES ('x', 'first')")
            db.execute("INSERT INTO notes (id, body) VALUES ('x', 'second')")
        assert db.execute("SELECT id FROM notes WHERE id != 'computed'").fetchall() == []


def test_a_writer_takes_the_write_lock_up_front_and_a_second_writer_waits(location: Path | str) -> None:
    """What keeps two writers from forking the register's chain: the second one's transaction starts only once the
    first has committed, so what it reads inside (the chain's head) is the first one's last write."""
    with connect(location) as first:
        migrate(first, "notes", NOTES)
        entered = threading.Event()
        seen: list[int] = []

        def write() -> None:
            with connect(location) as second, second.transaction():
                entered.set()
                seen.append(int(second.execute("SELECT COUNT(*) FROM notes").fetchone()[0]))
                second.execute("INSERT INTO notes (id, body) VALUES ('second', 'after the first')")

        with first.transaction():
            first.execute("INSERT INTO notes (id, body) VALUES ('first', 'holds the lock')")
            waiting = threading.Thread(target=write)
            waiting.start()
            assert not entered.wait(0.5), "the second writer got in while the first held the write lock"
        waiting.join(timeout=30)
        assert entered.is_set()
        assert seen == [2], "the second writer saw the first one's commit when its transaction began"
        rows = first.execute("SELECT id FROM notes ORDER BY id").fetchall()
    assert [row[0] for row in rows] == ["computed", "first", "second"]


def test_readers_never_wait_for_a_writer_and_a_snapshot_holds_still(location: Path | str) -> None:
    with connect(location) as writer, connect(location) as reader:
        migrate(writer, "notes", NOTES)
        with writer.transaction():
            writer.execute("INSERT INTO notes (id, body) VALUES ('uncommitted', 'not yet')")
            started = time.monotonic()
            assert reader.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 1
            assert time.monotonic() - started < 1.0
        with reader.snapshot():
            before = reader.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
            with writer.transaction():
                writer.execute("INSERT INTO notes (id, body) VALUES ('meanwhile', 'committed')")
            during = reader.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
        after = reader.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
    assert (before, during, after) == (2, 2, 3)


def test_a_database_from_a_newer_riskengine_is_refused_on_every_transport(location: Path | str) -> None:
    with connect(location) as db:
        migrate(db, "notes", NOTES)
        db.execute("UPDATE schema_migrations SET version = 7 WHERE component = 'notes'")
        with pytest.raises(DatabaseError, match=rf"^{re.escape(db.name)}: made by a newer riskengine \(notes schema "
                                                r"7, this one knows 3\); upgrade riskengine to use it$"):
            migrate(db, "notes", NOTES)
        assert component_version(db, "notes") == 7
        assert component_version(db, "other") == 0


def test_migrating_twice_runs_each_step_once(location: Path | str) -> None:
    with connect(location) as db:
        migrate(db, "notes", NOTES[:1])
        assert component_versions(db) == {"notes": 1}
        migrate(db, "notes", NOTES)
        migrate(db, "notes", NOTES)
        assert db.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 1


def test_where_a_database_is_and_how_messages_name_it(tmp_path: Path) -> None:
    assert locate("register.db") == Path("register.db")
    assert locate(tmp_path / "r.db") == tmp_path / "r.db"
    assert locate("postgresql://me@db.example:5432/risk") == "postgresql://me@db.example:5432/risk"
    assert database_file("sqlite:////var/lib/riskengine/r.db") == Path("/var/lib/riskengine/r.db")
    assert database_file("sqlite:///relative/r.db") == Path("relative/r.db")
    assert database_file("postgresql://me@db.example/risk") is None
    assert display_name("postgresql://me:s3cret@db.example:5432/risk") == "postgresql://me:***@db.example:5432/risk"
    assert display_name("postgresql://me@db.example/risk") == "postgresql://me@db.example/risk"
    with pytest.raises(DatabaseError, match=r"^mysql://me@db.example/risk: riskengine runs on SQLite \(a path, or "
                                            r"sqlite:///PATH\) or PostgreSQL"):
        connect("mysql://me@db.example/risk")
    with pytest.raises(DatabaseError, match="a SQLite URL names a file"):
        connect("sqlite://")


def test_a_server_that_does_not_answer_is_a_database_error_naming_it_without_its_password() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DatabaseError) as refused:
        connect(f"postgresql://riskengine:s3cret@127.0.0.1:{port}/register")
    message = str(refused.value)
    assert message.startswith(f"postgresql://riskengine:***@127.0.0.1:{port}/register: cannot open the database (")
    assert "s3cret" not in message


def test_the_cli_names_a_server_database_without_its_password(postgresql_server: PostgresServer) -> None:
    url = postgresql_server.take()
    try:
        with_password = url.replace("riskengine@", "riskengine:s3cret@")  # the test server trusts 127.0.0.1
        empty = run_cli("history", "--db", with_password)
        assert empty.returncode == 0, empty.stderr
        assert "the register holds no assessment yet" in empty.stdout
        unknown = run_cli("history", "nobody.example", "--db", with_password)
        assert unknown.returncode == 2
        masked = with_password.replace("s3cret", "***")
        assert unknown.stderr == f"error: no vendor matching 'nobody.example' in the register {masked}\n"
    finally:
        postgresql_server.give_back(url)


@pytest.mark.parametrize("arguments", [["history"], ["due", "--as-of", "2026-11-24"]], ids=["history", "due"])
def test_the_quick_commands_on_a_sqlite_file_import_no_sqlalchemy(arguments: list[str], tmp_path: Path) -> None:
    """SQLAlchemy's import costs three times a whole ``history``: a SQLite path never loads it."""
    code = ("import sys\nfrom riskengine.cli import main\n"
            f"main.main({[*arguments, '--db', str(tmp_path / 'r.db')]!r}, standalone_mode=False)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'psycopg', 'pydantic'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[]"


# --- the evidence store, on SQLite and PostgreSQL ------------------------------------------------------------------

def _hsts(fetched_at: dt.datetime, value: bool, raw: bytes = b"") -> Evidence:
    return make_evidence(kind="web", check="web.hsts", status="pass" if value else "fail", reason="test",
                         value=value, query="https://acme.example/", fetched_at=fetched_at, tool="test",
                         raw=raw or str(value).encode())


def test_the_evidence_store_keeps_reuses_and_replays_evidence(db: Path | str) -> None:
    older, newer = _hsts(NOW - dt.timedelta(days=3), False), _hsts(NOW, True)
    with EvidenceStore(db) as store:
        store.save("acme.example", [older])
        store.record_run("RA-20261124-0000000001", "acme.example", NOW, [older, newer])
        store.save("acme.example", [newer])  # kept once
        assert store.fresh("acme.example", NOW + dt.timedelta(hours=1))["web.hsts"].value is True
        assert store.fresh("acme.example", NOW + dt.timedelta(days=2)) == {}
        assert store.latest("acme.example")["web.hsts"].value is True
        domain, created, items = store.run("RA-20261124-0000000001")
        store.record_run("RA-20261124-0000000001", "acme.example", NOW, [newer])  # a run recorded again
        _, _, replaced = store.run("RA-20261124-0000000001")
        with pytest.raises(StoreError, match=f"no assessment RA-20261124-0000000009 in {re.escape(store.path)}"):
            store.run("RA-20261124-0000000009")
    assert (domain, created) == ("acme.example", NOW)
    assert sorted(item.id for item in items) == sorted([older.id, newer.id])
    assert [item.id for item in replaced] == [newer.id]
    with Raw(db) as raw:
        assert raw.value("SELECT COUNT(*) FROM evidence") == 2
        raw.execute("DELETE FROM evidence WHERE id = :id", {"id": newer.id})
    with EvidenceStore(db) as store, pytest.raises(
            StoreError, match=f"evidence {newer.id} of RA-20261124-0000000001 is missing from {re.escape(store.path)}"):
        store.run("RA-20261124-0000000001")


def test_an_evidence_store_that_cannot_be_opened_is_a_store_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError, match=f"^{re.escape(str(junk))}: not a usable riskengine database"):
        EvidenceStore(junk)


def test_the_same_records_hash_the_same_on_both_backends(tmp_path: Path, postgresql_server: PostgresServer) -> None:
    """The chain's canonical form is the values as either backend gives them back (floats, integers, the
    compressed result's bytes): the same entries recorded at the same time leave the same head."""
    from riskengine.register.store import Register
    from tests.register.conftest import entry, pdf_output

    url = postgresql_server.take()
    try:
        heads = []
        for location in (tmp_path / "register.db", url):
            with Register(location) as register:
                for number in range(3):
                    created = NOW + dt.timedelta(days=number)
                    assessment_id = f"RA-20261124-000000000{number}"
                    register.record_entries([(entry(assessment_id, residual=40.0 + number / 3, created=created,
                                                    reassess_by=created.date()), [pdf_output(assessment_id)])],
                                            now=created)
                register.sign("RA-20261124-0000000002", role="it", signed_by="Ada Admin", decision="approve", now=NOW)
                report = register.check_chain()
            assert report.intact and report.records == 10
            heads.append(report.head)
    finally:
        postgresql_server.give_back(url)
    assert heads[0] == heads[1]
