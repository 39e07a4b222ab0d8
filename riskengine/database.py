"""The riskengine database: one SQLite file shared by the evidence store and the register.

Each part of riskengine that keeps tables in it is a *component* (``evidence``, ``register``) with its own
numbered migrations, and ``schema_migrations(component, version, applied_at)`` says how far each has come.
``PRAGMA user_version`` names the layout of the file itself: 0 a new file, 1 the first evidence store (whose
schema version *was* user_version: its tables are adopted as ``evidence`` version 1), 2 components versioned
in ``schema_migrations``. A file from a newer riskengine (a higher layout, or a component version we do not
know) is refused, never changed.

Connections use WAL, so readers never wait for a writer (a ``history`` while a batch records), and every
change happens in ``BEGIN IMMEDIATE`` transactions, which take the write lock up front: two writers queue on
the busy timeout instead of failing half-way with "database is locked".

This module imports no pydantic: ``history`` and ``due`` must answer in well under 0.2 s, start-up included.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

LAYOUT = 2
"""``PRAGMA user_version`` of a file whose components are versioned in ``schema_migrations``."""
LEGACY_EVIDENCE_LAYOUT = 1
"""The first evidence store kept its schema version in ``user_version``; such a file holds evidence v1."""
BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another's transaction before giving up (a batch commits in milliseconds)."""


@dataclass(frozen=True)
class Migration:
    """One step of a component's schema: applied in order, each in the same transaction as its version bump.

    ``statements`` run first; then ``run``, when a step must compute what SQL alone cannot (the register's
    hash chain over the rows an older riskengine recorded), on the same connection and in the same transaction.
    """

    version: int
    description: str
    statements: tuple[str, ...]
    run: Callable[[sqlite3.Connection], None] | None = None


def default_path() -> Path:
    """``riskengine.db`` in the user's data folder (platformdirs): where the database is when no setting names one
    (``--db``, ``RISKENGINE_DB``, ``db`` in riskengine.toml: ``riskengine.settings``)."""
    from platformdirs import user_data_path

    return user_data_path("riskengine", appauthor=False) / "riskengine.db"


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating it and its folder if need be) the database at ``path`` in WAL mode, in autocommit.

    Raises ``DatabaseError`` when the file cannot be opened or is not a SQLite database.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        _refuse(f"{path}: cannot open the riskengine database ({getattr(exc, 'strerror', None) or exc})", exc)
    try:
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _enable_wal(db)
        db.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        db.close()
        _refuse(f"{path}: not a usable riskengine database ({exc})", exc)
    return db


def _enable_wal(db: sqlite3.Connection) -> None:
    """Switch to WAL. Changing the journal mode of a new file needs it alone for a moment, and SQLite does not
    always wait on the busy timeout for that, so processes opening a new file together retry here."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any error: all of it or nothing."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def migrate(db: sqlite3.Connection, path: Path, component: str, migrations: Sequence[Migration]) -> None:
    """Bring ``component``'s tables to the last of ``migrations``; refuse a file a newer riskengine made.

    Cheap when nothing is to do (two reads, no lock). Otherwise the check and every step run in one
    transaction, so processes that open a new file together migrate it exactly once.
    """
    known = migrations[-1].version
    try:
        current = component_version(db, path, component)
        if current == known:
            return
        _refuse_newer(path, component, current, known)
        with transaction(db):
            _adopt_layout(db, path)
            current = component_version(db, path, component)
            _refuse_newer(path, component, current, known)
            for step in migrations:
                if step.version > current:
                    for statement in step.statements:
                        db.execute(statement)
                    if step.run is not None:
                        step.run(db)
                    db.execute("INSERT INTO schema_migrations (component, version, applied_at) VALUES (?, ?, ?) "
                               "ON CONFLICT (component) DO UPDATE SET version = excluded.version, "
                               "applied_at = excluded.applied_at",
                               (component, step.version, _applied_at()))
    except sqlite3.DatabaseError as exc:
        _refuse(f"{path}: not a usable riskengine database ({exc})", exc)


def component_version(db: sqlite3.Connection, path: Path, component: str) -> int:
    """The schema version of ``component`` in this file: 0 when it has none yet."""
    layout = int(db.execute("PRAGMA user_version").fetchone()[0])
    if layout > LAYOUT:
        _refuse(f"{path}: made by a newer riskengine (database layout {layout}, this one knows {LAYOUT}); "
                "upgrade riskengine to use it")
    if layout == LEGACY_EVIDENCE_LAYOUT:
        return 1 if component == "evidence" else 0
    if layout < LAYOUT:
        return 0
    row = db.execute("SELECT version FROM schema_migrations WHERE component = ?", (component,)).fetchone()
    return int(row[0]) if row else 0


def component_versions(db: sqlite3.Connection) -> dict[str, int]:
    """Every component's schema version (empty for a file of an older layout)."""
    if int(db.execute("PRAGMA user_version").fetchone()[0]) != LAYOUT:
        return {}
    return {name: int(version) for name, version in db.execute("SELECT component, version FROM schema_migrations")}


def _adopt_layout(db: sqlite3.Connection, path: Path) -> None:
    """Move a file of an older layout to ``schema_migrations`` (inside the caller's transaction)."""
    layout = int(db.execute("PRAGMA user_version").fetchone()[0])
    if layout >= LAYOUT:
        return
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT PRIMARY KEY, "
               "version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
    if layout == LEGACY_EVIDENCE_LAYOUT:
        db.execute("INSERT OR IGNORE INTO schema_migrations VALUES ('evidence', 1, ?)", (_applied_at(),))
    db.execute(f"PRAGMA user_version = {LAYOUT}")


def _refuse_newer(path: Path, component: str, current: int, known: int) -> None:
    if current > known:
        _refuse(f"{path}: made by a newer riskengine ({component} schema {current}, this one knows {known}); "
                "upgrade riskengine to use it")


def _applied_at() -> str:
    # When a migration ran is bookkeeping of the file, not of any assessment: the wall clock is right here.
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _refuse(message: str, cause: BaseException | None = None) -> NoReturn:
    # Imported here: riskengine.errors brings pydantic, which the fast read-only commands never need.
    from riskengine.errors import DatabaseError

    raise DatabaseError(message) from cause
