"""The evidence store: every observation kept in SQLite with its time, hash and raw bytes, for reuse and replay.

Reuse follows time-to-live rules (registration 7 days, DNS the record's TTL up to a day, web 1 day); a
run records which evidence it used, so ``--replay`` can score again from exactly that evidence.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from riskengine.enrich.evidence import Evidence
from riskengine.errors import RiskEngineError

TTL_SECONDS = {"registration": 7 * 86400, "dns": 86400, "web": 86400}
"""How long evidence of each kind stays fresh; DNS is further capped by the record's own TTL."""
SCHEMA_VERSION = 1


class StoreError(RiskEngineError):
    """The evidence store cannot be opened or is not one of ours."""


def default_store_path() -> Path:
    """``RISKENGINE_DB`` if set, else ``riskengine.db`` in the user's data folder (platformdirs)."""
    configured = os.environ.get("RISKENGINE_DB")
    if configured:
        return Path(configured)
    from platformdirs import user_data_path

    return user_data_path("riskengine", appauthor=False) / "riskengine.db"


class EvidenceStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=30000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a usable riskengine database ({exc})") from exc
        except OSError as exc:
            raise StoreError(f"{path}: cannot open the evidence store ({exc.strerror or exc})") from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> EvidenceStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: made by a newer riskengine (schema {version})")
        if version < 1:
            # executescript commits any open transaction first, so the migration carries its own BEGIN.
            self._db.executescript("""
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
                """)

    def save(self, domain: str, items: Iterable[Evidence]) -> None:
        """Keep new evidence; ``unknown`` results are kept too (they explain a run) but never reused."""
        rows = [(item.id, domain, item.kind, item.check, item.status, item.fetched_at.isoformat(),
                 _expiry(item).isoformat(), item.model_dump_json()) for item in items]
        with self._transaction() as db:
            db.executemany("INSERT OR IGNORE INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def fresh(self, domain: str, now: dt.datetime) -> dict[str, Evidence]:
        """The newest still-fresh, known evidence per check for ``domain``."""
        rows = self._db.execute(
            "SELECT checkname, record FROM evidence WHERE domain = ? AND status != 'unknown' AND expires_at > ? "
            "ORDER BY fetched_at", (domain, now.isoformat())).fetchall()
        return {check: Evidence.model_validate_json(record) for check, record in rows}

    def latest(self, domain: str) -> dict[str, Evidence]:
        """The newest known evidence per check whatever its age (offline mode)."""
        rows = self._db.execute(
            "SELECT checkname, record FROM evidence WHERE domain = ? AND status != 'unknown' ORDER BY fetched_at",
            (domain,)).fetchall()
        return {check: Evidence.model_validate_json(record) for check, record in rows}

    def record_run(self, assessment_id: str, domain: str, created: dt.datetime, items: Iterable[Evidence]) -> None:
        """Remember which evidence an assessment used (unknown results included), for ``--replay``."""
        items = list(items)
        self.save(domain, items)
        ids = sorted(item.id for item in items)
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO evidence_runs VALUES (?, ?, ?, ?)",
                       (assessment_id, domain, created.isoformat(), json.dumps(ids)))

    def run(self, assessment_id: str) -> tuple[str, dt.datetime, list[Evidence]]:
        """The domain, clock and evidence of a past assessment, for replay."""
        row = self._db.execute("SELECT domain, created, evidence_ids FROM evidence_runs WHERE assessment_id = ?",
                               (assessment_id,)).fetchone()
        if row is None:
            raise StoreError(f"no assessment {assessment_id} in {self.path}")
        ids = json.loads(row[2])
        found = {record_id: Evidence.model_validate_json(record) for record_id, record in self._db.execute(
            f"SELECT id, record FROM evidence WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall()}
        missing = [record_id for record_id in ids if record_id not in found]
        if missing:
            raise StoreError(f"evidence {', '.join(missing)} of {assessment_id} is missing from {self.path}")
        return row[0], dt.datetime.fromisoformat(row[1]), [found[record_id] for record_id in ids]


def _expiry(item: Evidence) -> dt.datetime:
    seconds = TTL_SECONDS[item.kind]
    if item.kind == "dns" and item.ttl is not None:
        seconds = min(seconds, max(0, item.ttl))
    return item.fetched_at + dt.timedelta(seconds=seconds)
