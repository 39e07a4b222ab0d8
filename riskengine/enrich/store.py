"""The evidence store: every observation kept with its time, hash and raw bytes, for reuse and replay.

Reuse follows time-to-live rules (registration 7 days, DNS the record's TTL up to a day, web 1 day); a
run records which evidence it used, so ``--replay`` can score again from exactly that evidence. The store
shares its database (a SQLite file, or PostgreSQL) with the register: ``riskengine.database`` opens it and
migrates each part.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable

from riskengine.database import Migration, connect, migrate
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
"""The evidence component's schema, step by step (see ``riskengine.database``): every column text, so the same
statements run on SQLite and PostgreSQL. Version 1 is the layout the first store created under ``PRAGMA
user_version = 1``; such files are adopted as they are."""
SCHEMA_VERSION = MIGRATIONS[-1].version


class StoreError(DatabaseError):
    """The evidence store cannot be opened, is not one of ours, or lacks what a replay asks for."""


class EvidenceStore:
    """The evidence store in the database at ``location`` (a SQLite file's path or a database URL)."""

    def __init__(self, location: str | os.PathLike[str]) -> None:
        try:
            self._db = connect(location)
        except DatabaseError as exc:
            raise StoreError(str(exc)) from exc
        self.path = self._db.name
        try:
            migrate(self._db, "evidence", MIGRATIONS)
        except DatabaseError as exc:
            self._db.close()
            raise StoreError(str(exc)) from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> EvidenceStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def save(self, domain: str, items: Iterable[Evidence]) -> None:
        """Keep new evidence; ``unknown`` results are kept too (they explain a run) but never reused."""
        rows = [{"id": item.id, "domain": domain, "kind": item.kind, "checkname": item.check, "status": item.status,
                 "fetched_at": item.fetched_at.isoformat(), "expires_at": _expiry(item).isoformat(),
                 "record": item.model_dump_json()} for item in items]
        with self._db.transaction() as db:
            db.executemany("INSERT INTO evidence (id, domain, kind, checkname, status, fetched_at, expires_at, record) "
                           "VALUES (:id, :domain, :kind, :checkname, :status, :fetched_at, :expires_at, :record) "
                           "ON CONFLICT DO NOTHING", rows)

    def fresh(self, domain: str, now: dt.datetime) -> dict[str, Evidence]:
        """The newest still-fresh, known evidence per check for ``domain`` (a network state is never reused)."""
        rows = self._db.execute(
            "SELECT checkname, record FROM evidence WHERE domain = :domain AND status != 'unknown' "
            "AND checkname != :network AND expires_at > :now ORDER BY fetched_at",
            {"domain": domain, "network": NETWORK_CHECK, "now": now.isoformat()}).fetchall()
        return {check: Evidence.model_validate_json(record) for check, record in rows}

    def latest(self, domain: str) -> dict[str, Evidence]:
        """The newest known evidence per check whatever its age (offline mode)."""
        rows = self._db.execute(
            "SELECT checkname, record FROM evidence WHERE domain = :domain AND status != 'unknown' "
            "AND checkname != :network ORDER BY fetched_at", {"domain": domain, "network": NETWORK_CHECK}).fetchall()
        return {check: Evidence.model_validate_json(record) for check, record in rows}

    def record_run(self, assessment_id: str, domain: str, created: dt.datetime, items: Iterable[Evidence]) -> None:
        """Remember which evidence an assessment used (unknown results included), for ``--replay``."""
        items = list(items)
        self.save(domain, items)
        ids = sorted(item.id for item in items)
        with self._db.transaction() as db:
            db.execute("INSERT INTO evidence_runs (assessment_id, domain, created, evidence_ids) "
                       "VALUES (:assessment_id, :domain, :created, :evidence_ids) ON CONFLICT (assessment_id) "
                       "DO UPDATE SET domain = excluded.domain, created = excluded.created, "
                       "evidence_ids = excluded.evidence_ids",
                       {"assessment_id": assessment_id, "domain": domain, "created": created.isoformat(),
                        "evidence_ids": json.dumps(ids)})

    def run(self, assessment_id: str) -> tuple[str, dt.datetime, list[Evidence]]:
        """The domain, clock and evidence of a past assessment, for replay."""
        row = self._db.execute("SELECT domain, created, evidence_ids FROM evidence_runs WHERE assessment_id = :id",
                               {"id": assessment_id}).fetchone()
        if row is None:
            raise StoreError(f"no assessment {assessment_id} in {self.path}")
        ids = json.loads(row[2])
        wanted = {f"id{number}": record_id for number, record_id in enumerate(ids)}
        found = {record_id: Evidence.model_validate_json(record) for record_id, record in self._db.execute(
            f"SELECT id, record FROM evidence WHERE id IN ({', '.join(':' + name for name in wanted) or 'NULL'})",
            wanted).fetchall()}
        missing = [record_id for record_id in ids if record_id not in found]
        if missing:
            raise StoreError(f"evidence {', '.join(missing)} of {assessment_id} is missing from {self.path}")
        return row[0], dt.datetime.fromisoformat(row[1]), [found[record_id] for record_id in ids]


def _expiry(item: Evidence) -> dt.datetime:
    seconds = TTL_SECONDS[item.kind]
    if item.kind == "dns" and item.ttl is not None:
        seconds = min(seconds, max(0, item.ttl))
    return item.fetched_at + dt.timedelta(seconds=seconds)
