"""The evidence store: every observation kept in SQLite with its time, hash and raw bytes, for reuse and replay.

Reuse follows time-to-live rules (registration 7 days, DNS the record's TTL up to a day, web 1 day); a
run records which evidence it used, so ``--replay`` can score again from exactly that evidence. The store
shares its SQLite file with the register: ``riskengine.database`` opens it and migrates each part.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path

from riskengine.database import Migration, connect, migrate, transaction
from riskengine.enrich.checks import NETWORK_CHECK
from riskengine.enrich.evidence import Evidence
from riskengine.errors import DatabaseError

TTL_SECONDS = {"registration": 7 * 86400, "dns": 86400, "web": 86400}
"""How long evidence of each kind stays fresh; DNS is further capped by the record's own TTL."""
MIGRATIONS = (
    Migration(1, "evidence records and the evidence each assessment used", (
        "CREATE TABLE IF NOT EXISTS evidence (id TEXT PRIMARY KEY, domain TEXT NOT NULL, kind TEXT NOT NULL, "
        "checkname TEXT NOT NULL, status TEXT NOT NULL, fetched_at TEXT NOT NULL, expires_at TEXT NOT NULL, "
        "record TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS evidence_lookup ON evidence (domain, checkname, fetched_at)",
        "CREATE TABLE IF NOT EXISTS evidence_runs (assessment_id TEXT PRIMARY KEY, domain TEXT NOT NULL, "
        "created TEXT NOT NULL, evidence_ids TEXT NOT NULL)",
    )),
)
"""The evidence component's schema, step by step (see ``riskengine.database``). Version 1 is the
layout the first store created under ``PRAGMA user_version = 1``; such files are adopted as they are."""
SCHEMA_VERSION = MIGRATIONS[-1].version


class StoreError(DatabaseError):
    """The evidence store cannot be opened, is not one of ours, or lacks what a replay asks for."""


class EvidenceStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = connect(path)
            migrate(self._db, path, "evidence", MIGRATIONS)
        except DatabaseError as exc:
            raise StoreError(str(exc)) from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> EvidenceStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db)

    def save(self, domain: str, items: Iterable[Evidence]) -> None:
        """Keep new evidence; ``unknown`` results are kept too (they explain a run) but never reused."""
        rows = [(item.id, domain, item.kind, item.check, item.status, item.fetched_at.isoformat(),
                 _expiry(item).isoformat(), item.model_dump_json()) for item in items]
        with self._transaction() as db:
            db.executemany("INSERT OR IGNORE INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def fresh(self, domain: str, now: dt.datetime) -> dict[str, Evidence]:
        """The newest still-fresh, known evidence per check for ``domain`` (a network state is never reused)."""
        rows = self._db.execute(
            "SELECT checkname, record FROM evidence WHERE domain = ? AND status != 'unknown' AND checkname != ? "
            "AND expires_at > ? ORDER BY fetched_at", (domain, NETWORK_CHECK, now.isoformat())).fetchall()
        return {check: Evidence.model_validate_json(record) for check, record in rows}

    def latest(self, domain: str) -> dict[str, Evidence]:
        """The newest known evidence per check whatever its age (offline mode)."""
        rows = self._db.execute(
            "SELECT checkname, record FROM evidence WHERE domain = ? AND status != 'unknown' AND checkname != ? "
            "ORDER BY fetched_at", (domain, NETWORK_CHECK)).fetchall()
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
