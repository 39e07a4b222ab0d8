"""The riskengine database: the evidence store, the register and the council, in one SQLite file or one PostgreSQL
database.

Where it is (``--db``, ``RISKENGINE_DB``, ``db`` in riskengine.toml: ``riskengine.settings``): a path names a SQLite
file (by default ``riskengine.db`` in the user's data folder); a URL names a database: ``sqlite:///path/to/file.db``,
or ``postgresql://user@host:port/name`` for a team's shared register (the ``postgres`` extra installs its driver,
psycopg 3).

``connect`` opens it as a ``Database``, the one interface the register and the evidence store run their SQL
through. That SQL is written once, in what SQLite and PostgreSQL both speak: named parameters (``:name``),
``INSERT ... ON CONFLICT``, row values. Two transports carry it:

- **a path**: the standard library's ``sqlite3``, as riskengine always did. SQLAlchemy is not imported on this
  path: importing it costs 0.18 s of CPU (its whole expression language, asyncio and ssl come with it), more than
  twice all of a ``history`` (0.07 s), and ``history`` and ``due`` must answer in well under 0.2 s, start-up
  included (figures in docs/database.md).
- **a URL**: SQLAlchemy Core: an ``Engine`` (no pool: one connection per ``Database``), ``text()`` statements,
  and for SQLite a ``connect`` event that sets each connection up as the path transport does.

Each part of riskengine that keeps tables is a *component* (``evidence``, ``register``, ``council``) with its own
numbered migrations, and ``schema_migrations(component, version, applied_at)`` says how far each has come. On SQLite,
``PRAGMA user_version`` names the layout of the file itself: 0 a new file, 1 the first evidence store (whose
schema version *was* user_version: its tables are adopted as ``evidence`` version 1), 2 components versioned in
``schema_migrations``; a PostgreSQL database has only ``schema_migrations``. A database from a newer riskengine
(a higher layout, or a component version we do not know) is refused, never changed.

Every change happens in a ``transaction``, which takes the write lock up front: two writers queue instead of
failing half-way, and what a writer read inside its transaction (the head of the register's hash chain) is still
the truth when it commits, so two writers never fork the chain.

- SQLite: WAL, so readers never wait for a writer (a ``history`` while a batch records), and ``BEGIN
  IMMEDIATE``; a second writer waits on the busy timeout. Through SQLAlchemy the connection is in autocommit,
  which switches pysqlite's own implicit ``BEGIN`` off (the first half of SQLAlchemy's documented pysqlite
  recipe), and ``transaction`` emits ``BEGIN IMMEDIATE`` itself (the recipe's second half, without the event:
  reads stay outside any transaction, as on the path transport).
- PostgreSQL: ``BEGIN`` then ``pg_advisory_xact_lock(WRITE_LOCK)``: one riskengine writer at a time in the
  database, released at commit or rollback. Readers never wait (MVCC), and every statement after the lock sees
  all that earlier writers committed (READ COMMITTED), the chain's head included.

``snapshot`` is a read-only transaction that sees one state throughout (the chain check walks the whole register
while a batch records). A driver's error is raised as ``DatabaseError`` naming the database.

This module imports no pydantic: ``history`` and ``due`` must answer in well under 0.2 s, start-up included.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.sql.elements import TextClause

    from riskengine.errors import DatabaseError

Location = Path | str
"""Where the database is: a SQLite file's path, or a database URL (``locate`` tells them apart)."""
Parameters = Mapping[str, Any]
"""A statement's named parameters (``:name`` in the SQL)."""

LAYOUT = 2
"""``PRAGMA user_version`` of a SQLite file whose components are versioned in ``schema_migrations``."""
LEGACY_EVIDENCE_LAYOUT = 1
"""The first evidence store kept its schema version in ``user_version``; such a file holds evidence v1."""
BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another's transaction before giving up (a batch commits in milliseconds)."""
WRITE_LOCK = 0x7269736B
"""The PostgreSQL advisory lock every riskengine writer takes (the bytes of ``risk``); other applications sharing
the database would have to choose another key."""
URL_SCHEMES = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg", "postgresql+psycopg": "postgresql+psycopg",
               "postgres": "postgresql+psycopg"}
"""The URL schemes riskengine runs on, and the SQLAlchemy dialect and driver each opens: psycopg 3 for PostgreSQL
(SQLAlchemy's default there is psycopg2), pysqlite for SQLite."""

_BEGIN_WRITING = {"sqlite": ("BEGIN IMMEDIATE",),
                  "postgresql": ("BEGIN", f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")}
_BEGIN_READING = {"sqlite": "BEGIN", "postgresql": "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"}
_STREAMED_ROWS = 1_000
"""Rows a PostgreSQL server-side cursor sends at a time (``Database.stream``)."""


class Rows(Protocol):
    """What a statement gives back: ``sqlite3.Cursor`` or SQLAlchemy's ``CursorResult``; rows are sequences."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Sequence[Any]: ...

    def fetchmany(self, size: int = ...) -> Sequence[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Migration:
    """One step of a component's schema: applied in order, each in the same transaction as its version bump.

    ``statements`` run first, on every backend: DDL both SQLite and PostgreSQL accept (TEXT, INTEGER, BIGINT,
    DOUBLE PRECISION, ``IF NOT EXISTS``). Where the two differ (BLOB and BYTEA, SQLite's rowid and an identity
    column, trigger syntax), ``postgresql`` holds the statements PostgreSQL runs instead. Then ``run``, when a step
    must compute what SQL alone cannot (the register's hash chain over the rows an older riskengine recorded), on
    the same ``Database`` and in the same transaction.
    """

    version: int
    description: str
    statements: tuple[str, ...]
    run: Callable[[Database], None] | None = None
    postgresql: tuple[str, ...] | None = None

    def statements_for(self, dialect: str) -> tuple[str, ...]:
        return self.postgresql if dialect == "postgresql" and self.postgresql is not None else self.statements


class Database:
    """An open riskengine database: SQL in, rows out, transactions that take the write lock up front.

    ``dialect`` is ``sqlite`` or ``postgresql``; ``name`` is how messages call it (the path, or the URL without its
    password); ``file`` the SQLite file, None for a server's database.
    """

    dialect: str
    name: str
    file: Path | None

    def execute(self, sql: str, parameters: Parameters | None = None) -> Rows:
        """Run one statement with named parameters (``:name``); its rows, if it has any."""
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Parameters]) -> None:
        """Run one statement for each set of parameters."""
        raise NotImplementedError

    def stream(self, sql: str, parameters: Parameters | None = None) -> Rows:
        """``execute``, for a read of a whole table inside ``snapshot``: PostgreSQL sends the rows as they are
        read (a server-side cursor) instead of all at once; SQLite always does."""
        return self.execute(sql, parameters)

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """The write lock first, then everything inside committed together, or rolled back on any error."""
        for statement in _BEGIN_WRITING[self.dialect]:
            self._control(statement)
        try:
            yield self
        except BaseException:
            with suppress(Exception):  # a connection that broke has rolled back already
                self._control("ROLLBACK")
            raise
        self._control("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[Database]:
        """A read-only transaction: every read inside it sees the database as it was at the first one."""
        self._control(_BEGIN_READING[self.dialect])
        try:
            yield self
        finally:
            with suppress(Exception):  # ending a read that failed (PostgreSQL rolls an aborted one back)
                self._control("COMMIT")

    def _control(self, statement: str) -> None:
        self.execute(statement)

    def _failure(self, exc: BaseException) -> DatabaseError:
        from riskengine.errors import DatabaseError

        message = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        return DatabaseError(f"{self.name}: {message[0] if message else type(exc).__name__}")


class _SqliteFile(Database):
    """A SQLite file through the standard library's ``sqlite3`` (in autocommit: transactions are ours)."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.name, self.file = str(path), path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            _refuse(f"{path}: cannot open the riskengine database ({getattr(exc, 'strerror', None) or exc})", exc)
        try:
            _prepare_sqlite(connection)
        except sqlite3.DatabaseError as exc:
            connection.close()
            _refuse(f"{path}: not a usable riskengine database ({exc})", exc)
        self._connection = connection

    def execute(self, sql: str, parameters: Parameters | None = None) -> Rows:
        try:
            return self._connection.execute(sql, parameters or ())
        except sqlite3.Error as exc:
            raise self._failure(exc) from exc

    def executemany(self, sql: str, rows: Iterable[Parameters]) -> None:
        try:
            self._connection.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise self._failure(exc) from exc

    def close(self) -> None:
        self._connection.close()


class _Engine(Database):
    """A database named by URL, through SQLAlchemy Core: one connection, in autocommit (transactions are ours)."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, event, exc, text
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        self.name = display_name(url)
        scheme = url.split("://", 1)[0].lower()
        if scheme not in URL_SCHEMES:
            _refuse(f"{self.name}: riskengine runs on SQLite (a path, or sqlite:///PATH) or PostgreSQL "
                    f"(postgresql://USER@HOST:PORT/NAME), not on a database named by {scheme}://")
        self._errors = exc.SQLAlchemyError
        self._text = text
        self._statements: dict[str, TextClause] = {}
        target = make_url(url).set(drivername=URL_SCHEMES[scheme])
        self.dialect = target.get_backend_name()
        self.file = database_file(url)
        options: dict[str, Any] = {}
        if self.file is not None:
            try:
                self.file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                _refuse(f"{self.name}: cannot open the riskengine database ({error.strerror or error})", error)
            options["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
        try:
            engine = create_engine(target, poolclass=NullPool, isolation_level="AUTOCOMMIT", **options)
        except ModuleNotFoundError as missing:
            _refuse(f"{self.name}: riskengine needs the {missing.name} driver for this database: "
                    "pip install 'riskengine[postgres]'", missing)
        if self.dialect == "sqlite":
            event.listen(engine, "connect", lambda connection, _: _prepare_sqlite(connection))
        try:
            self._connection: Connection = engine.connect()
        except exc.SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            usable = "not a usable riskengine database" if self.dialect == "sqlite" else "cannot open the database"
            _refuse(f"{self.name}: {usable} ({reason})", error)

    def _statement(self, sql: str) -> TextClause:
        statement = self._statements.get(sql)
        if statement is None:
            statement = self._statements[sql] = self._text(sql)
        return statement

    def execute(self, sql: str, parameters: Parameters | None = None) -> Rows:
        try:
            return self._connection.execute(self._statement(sql), dict(parameters or {}))
        except self._errors as exc:
            raise self._failure(exc) from exc

    def executemany(self, sql: str, rows: Iterable[Parameters]) -> None:
        many = [dict(row) for row in rows]
        if not many:
            return
        try:
            self._connection.execute(self._statement(sql), many)
        except self._errors as exc:
            raise self._failure(exc) from exc

    def stream(self, sql: str, parameters: Parameters | None = None) -> Rows:
        try:
            return self._connection.execute(self._statement(sql), dict(parameters or {}), execution_options={
                "stream_results": True, "yield_per": _STREAMED_ROWS})
        except self._errors as exc:
            raise self._failure(exc) from exc

    def _control(self, statement: str) -> None:
        # Sent as it is: the connection is in autocommit, so SQLAlchemy neither opens nor ends transactions.
        try:
            self._connection.exec_driver_sql(statement)
        except self._errors as exc:
            raise self._failure(exc) from exc

    def close(self) -> None:
        engine = self._connection.engine
        self._connection.close()
        engine.dispose()


def _prepare_sqlite(connection: sqlite3.Connection) -> None:
    """What every SQLite connection needs, on either transport: the busy timeout, WAL, foreign keys."""
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    _enable_wal(connection)
    connection.execute("PRAGMA foreign_keys=ON")


def _enable_wal(connection: sqlite3.Connection) -> None:
    """Switch to WAL. Changing the journal mode of a new file needs it alone for a moment, and SQLite does not
    always wait on the busy timeout for that, so processes opening a new file together retry here."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def locate(value: str | os.PathLike[str]) -> Location:
    """What ``--db`` or ``RISKENGINE_DB`` names: a URL (``scheme://...``) as text, anything else as a path."""
    if isinstance(value, str) and "://" in value:
        return value
    return Path(value)


def database_file(location: Location) -> Path | None:
    """The SQLite file ``location`` names (a path, or a ``sqlite:///`` URL); None for a server's database."""
    if isinstance(location, Path):
        return location
    if not location.lower().startswith("sqlite:"):
        return None
    from sqlalchemy.engine import make_url

    database = make_url(location).database
    if not database or database == ":memory:":
        _refuse(f"{location}: a SQLite URL names a file: sqlite:///relative/path.db or sqlite:////absolute/path.db")
    return Path(database)


def display_name(location: Location) -> str:
    """How messages call the database: the path, or the URL with its password hidden."""
    text = str(location)
    if isinstance(location, Path) or "@" not in text:
        return text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text)
    except ArgumentError:
        return text
    return text if url.password is None else url.render_as_string(hide_password=True)


def connect(location: str | os.PathLike[str]) -> Database:
    """Open (creating a SQLite file and its folder if need be) the database at ``location`` (see ``locate``).

    Raises ``DatabaseError`` when it cannot be opened, or is not a database.
    """
    where = locate(location)
    return _SqliteFile(where) if isinstance(where, Path) else _Engine(where)


def default_path() -> Path:
    """``riskengine.db`` in the user's data folder (platformdirs): where the database is when no setting names one
    (``--db``, ``RISKENGINE_DB``, ``db`` in riskengine.toml: ``riskengine.settings``)."""
    from platformdirs import user_data_path

    return user_data_path("riskengine", appauthor=False) / "riskengine.db"


def migrate(db: Database, component: str, migrations: Sequence[Migration]) -> None:
    """Bring ``component``'s tables to the last of ``migrations``; refuse a database a newer riskengine made.

    Cheap when nothing is to do (two reads, no lock). Otherwise the check and every step run in one
    transaction, so processes that open a new database together migrate it exactly once.
    """
    known = migrations[-1].version
    current = component_version(db, component)
    if current == known:
        return
    _refuse_newer(db, component, current, known)
    with db.transaction():
        _adopt_layout(db)
        current = component_version(db, component)
        _refuse_newer(db, component, current, known)
        for step in migrations:
            if step.version > current:
                for statement in step.statements_for(db.dialect):
                    db.execute(statement)
                if step.run is not None:
                    step.run(db)
                db.execute("INSERT INTO schema_migrations (component, version, applied_at) "
                           "VALUES (:component, :version, :applied_at) ON CONFLICT (component) DO UPDATE "
                           "SET version = excluded.version, applied_at = excluded.applied_at",
                           {"component": component, "version": step.version, "applied_at": _applied_at()})


def component_version(db: Database, component: str) -> int:
    """The schema version of ``component`` in this database: 0 when it has none yet."""
    if db.dialect == "sqlite":
        layout = _layout(db)
        if layout > LAYOUT:
            _refuse(f"{db.name}: made by a newer riskengine (database layout {layout}, this one knows {LAYOUT}); "
                    "upgrade riskengine to use it")
        if layout == LEGACY_EVIDENCE_LAYOUT:
            return 1 if component == "evidence" else 0
        if layout < LAYOUT:
            return 0
    elif not _has_migrations(db):
        return 0
    row = db.execute("SELECT version FROM schema_migrations WHERE component = :component",
                     {"component": component}).fetchone()
    return int(row[0]) if row else 0


def component_versions(db: Database) -> dict[str, int]:
    """Every component's schema version (empty for a database of an older layout, or a new one)."""
    if (db.dialect == "sqlite" and _layout(db) != LAYOUT) or (db.dialect != "sqlite" and not _has_migrations(db)):
        return {}
    return {name: int(version) for name, version in db.execute("SELECT component, version FROM schema_migrations")}


def _layout(db: Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _has_migrations(db: Database) -> bool:
    return bool(db.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()[0])


def _adopt_layout(db: Database) -> None:
    """Give the database ``schema_migrations``, moving a SQLite file of an older layout to it (inside the
    caller's transaction)."""
    layout = _layout(db) if db.dialect == "sqlite" else None  # PostgreSQL: no layout, only the table
    if layout is not None and layout >= LAYOUT:
        return
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT PRIMARY KEY, "
               "version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
    if layout == LEGACY_EVIDENCE_LAYOUT:
        db.execute("INSERT INTO schema_migrations VALUES ('evidence', 1, :applied_at) ON CONFLICT DO NOTHING",
                   {"applied_at": _applied_at()})
    if layout is not None:
        db.execute(f"PRAGMA user_version = {LAYOUT}")


def _refuse_newer(db: Database, component: str, current: int, known: int) -> None:
    if current > known:
        _refuse(f"{db.name}: made by a newer riskengine ({component} schema {current}, this one knows {known}); "
                "upgrade riskengine to use it")


def _applied_at() -> str:
    # When a migration ran is bookkeeping of the database, not of any assessment: the wall clock is right here.
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _refuse(message: str, cause: BaseException | None = None) -> NoReturn:
    # Imported here: riskengine.errors brings pydantic, which the fast read-only commands never need.
    from riskengine.errors import DatabaseError

    raise DatabaseError(message) from cause
