"""Does the register prove its own history? ``register check``, and what ``verify`` rests on.

``check_chain`` walks the hash chain (``riskengine.register.chain``) from its first record, reading each
chained table in the order its rows were inserted beside it, and stops at the first record that does not
hold: a row changed (with the columns that differ), deleted, deleted and inserted again (moved), inserted
without riskengine (a row the chain does not hold), or a chain record that does not follow from the one
before it. It then recomputes ``vendors`` (each vendor's latest assessment, what ``due`` and ``history`` list)
from the assessments and compares. It reads only, in one snapshot, and needs no trigger: it is meant for a copy
of the file whose triggers were dropped.

What a hash chain cannot show alone: a writer who rewrites the rows *and* recomputes every chain record after
them. Keep the head a check prints (``head``) somewhere the writer cannot reach; a later check that no longer
holds that hash shows the rewrite.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from riskengine.errors import DatabaseError
from riskengine.register.chain import (
    CHAINED_TABLES,
    FIRST_CHAINED,
    GENESIS,
    ChainedTable,
    canonical,
    changed_columns,
    link,
)

if TYPE_CHECKING:
    from riskengine.database import Database, Rows

ProblemKind = Literal["altered", "deleted", "inserted", "moved", "chain", "listing"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ChainProblem(_Frozen):
    """The first record of the register that is not as riskengine recorded it."""

    kind: ProblemKind
    """``altered`` a row's values changed; ``deleted``; ``moved`` deleted and inserted again; ``inserted`` a row
    the chain does not hold; ``chain`` the chain's own records were changed; ``listing`` the ``vendors`` row
    disagrees with the vendor's assessments."""
    table: str
    key: str
    """The row's key in ``table``: assessment id, output sha256, sign-off id, vendor key, chain position."""
    assessment_id: str | None = None
    position: int | None = None
    """The chain record the row was appended as, when the chain holds it."""
    detail: str
    """What differs, in words."""

    def __str__(self) -> str:
        name = f"#{self.key}" if self.table in ("signoffs", "chain") else self.key
        of = f" of {self.assessment_id}" if self.assessment_id and self.assessment_id != self.key else ""
        at = f", chain record {self.position}" if self.position is not None and self.table != "chain" else ""
        return f"{self.table} {name}{of}{at}: {self.detail}"


class ChainReport(_Frozen):
    """The outcome of ``check_chain``: how many records hold, and the first problem if any."""

    path: str
    records: int
    """Chain records verified (all of them when the register is intact)."""
    tables: dict[str, int]
    """Verified records per chained table."""
    head: str
    """The hash of the last verified record (64 zeros for an empty register): keep it to detect a rewrite."""
    problem: ChainProblem | None = None
    scope: tuple[str, ...] = ()
    """The assessments whose records were checked (``check_records``); empty: the whole register."""

    @property
    def intact(self) -> bool:
        return self.problem is None

    @property
    def status(self) -> str:
        """``intact (12 records chained)``, ``intact (4 records of RA-... chained)`` or ``altered: <the problem>``."""
        if self.problem is not None:
            return f"altered: {self.problem}"
        return f"intact ({self.records} records{' of ' + ', '.join(self.scope) if self.scope else ''} chained)"

    def summary(self) -> str:
        """``intact: 12 records chained (...), head 3fa9...`` or ``ALTERED: <the first problem>``."""
        if self.problem is not None:
            return f"ALTERED: {self.problem}"
        # the tables of version 1 always; a later table (sign-off proofs) once it holds a record
        counts = ", ".join(f"{count} {name}" for name, count in self.tables.items()
                           if count or name in FIRST_CHAINED)
        return f"intact: {self.records} records chained ({counts}), head {self.head}"


def check_chain(db: Database, head: str | None = None) -> ChainReport:
    """Verify the register's chain and its vendor listing; read-only, in one snapshot, O(rows).

    ``head``: a head an earlier check printed, kept away from the file; the chain must still hold it, or it
    was rewritten after that check.
    """
    with db.snapshot():  # a batch recording meanwhile changes nothing of what is read
        return _Walk(db, head).run()


def check_records(db: Database, assessment_ids: Sequence[str]) -> ChainReport:
    """Verify the chain records of these assessments only (what ``verify`` rests on), in a few indexed reads.

    Each record of theirs must hold its row as it was, follow from the record before it, and lead to the one
    after it; every row of theirs must be chained for them, in order. A change elsewhere in the register is
    left to ``check_chain``.
    """
    with db.snapshot():
        return _Records(db, tuple(dict.fromkeys(assessment_ids))).run()


class _Walk:
    """One pass over the chain beside a cursor per chained table, both in append order."""

    def __init__(self, db: Database, kept_head: str | None = None) -> None:
        self.db, self.kept_head = db, kept_head
        self.tables = dict.fromkeys(CHAINED_TABLES, 0)
        self.records, self.head = 0, GENESIS
        self._cursors: dict[str, Rows] = {}
        self._next: dict[str, tuple[Any, ...] | None] = {}

    def run(self) -> ChainReport:
        try:
            problem = self._chain() or self._unchained() or self._vendors() or self._kept()
        except DatabaseError as exc:
            problem = ChainProblem(kind="chain", table="chain", key=str(self.records + 1),
                                   detail=f"the register cannot be read as riskengine made it ({exc})")
        finally:
            for cursor in self._cursors.values():
                cursor.close()
        return ChainReport(path=self.db.name, records=self.records, tables=self.tables, head=self.head,
                           problem=problem)

    def _kept(self) -> ChainProblem | None:
        """The head kept from an earlier check must still be in the chain."""
        if self.kept_head is None or self.kept_head.lower() in (GENESIS, self.head):
            return None
        held = self.db.execute("SELECT seq FROM chain WHERE hash = :hash", {"hash": self.kept_head.lower()}).fetchone()
        if held is not None:
            return None
        return ChainProblem(kind="chain", table="chain", key=str(self.records),
                            detail=f"the head kept from an earlier check ({self.kept_head}) is no longer in the chain: "
                                   "it was rewritten since")

    def _peek(self, table: ChainedTable) -> tuple[Any, ...] | None:
        if table.name not in self._cursors:
            self._cursors[table.name] = self.db.stream(f"{table.select()} ORDER BY {table.order}")
        if table.name not in self._next:
            self._next[table.name] = self._cursors[table.name].fetchone()
        return self._next[table.name]

    def _chain(self) -> ChainProblem | None:
        records = self.db.stream("SELECT seq, record_table, record_key, assessment_id, fields, hash FROM chain "
                                 "ORDER BY seq")
        try:
            for seq, table_name, key, assessment_id, fields, stored in records:
                expected = self.records + 1
                if seq != expected:
                    return ChainProblem(kind="chain", table="chain", key=str(expected), position=expected,
                                        detail=f"chain record {expected} is missing (the next is {seq!r}): "
                                               "the chain itself was altered")
                table = CHAINED_TABLES.get(table_name) if isinstance(table_name, str) else None
                if table is None or not all(isinstance(text, str) for text in (key, fields, stored)):
                    return ChainProblem(kind="chain", table="chain", key=str(seq), position=seq,
                                        detail=f"chain record {seq} is not one riskengine wrote "
                                               f"(table {table_name!r}, key {key!r})")
                values = self._peek(table)
                if values is None or table.key_of(values) != key:
                    return self._misplaced(table, key, assessment_id, seq, values)
                del self._next[table.name]
                if link(self.head, canonical(table, values)) != stored:
                    return self._differs(table, key, assessment_id, seq, fields, values)
                self.records, self.head = seq, stored
                self.tables[table.name] += 1
        finally:
            records.close()
        return None

    @staticmethod
    def _differs(table: ChainedTable, key: str, assessment_id: str, seq: int, fields: str,
                 values: tuple[Any, ...]) -> ChainProblem:
        changed = changed_columns(table, fields, values)
        if not changed:
            return ChainProblem(kind="chain", table="chain", key=str(seq), position=seq, assessment_id=assessment_id,
                                detail=f"chain record {seq} ({table.name} {key}) does not follow from the one "
                                       "before it: the chain itself was altered")
        shown = ", ".join(f"{column} (now {_shown(values[table.columns.index(column)])})" for column in changed)
        return ChainProblem(kind="altered", table=table.name, key=key, assessment_id=assessment_id, position=seq,
                            detail=f"changed since it was recorded: {shown}")

    def _misplaced(self, table: ChainedTable, key: str, assessment_id: str, seq: int,
                   here: tuple[Any, ...] | None) -> ChainProblem:
        """The row the chain names next is not the next row of its table: say why."""
        found = self.db.execute(table.by_key(), {"key": table.key_parameter(key)}).fetchone()
        here_key = table.key_of(here) if here is not None else None
        here_chained = here_key is not None and _is_chained(self.db, table, here_key)
        if here is not None and not here_chained:
            if found is None:
                return ChainProblem(kind="altered", table=table.name, key=key, assessment_id=assessment_id,
                                    position=seq, detail=f"changed or replaced: the row in its place has "
                                                         f"{table.key} {here_key}, which the chain does not hold")
            return self._inserted(table, here)
        if found is None:
            return ChainProblem(kind="deleted", table=table.name, key=key, assessment_id=assessment_id,
                                position=seq, detail="deleted: the chain holds it, the table no longer does")
        return ChainProblem(kind="moved", table=table.name, key=key, assessment_id=assessment_id, position=seq,
                            detail="deleted and inserted again: it no longer comes where the chain recorded it")

    @staticmethod
    def _inserted(table: ChainedTable, values: tuple[Any, ...]) -> ChainProblem:
        what = ""
        if table.name == "signoffs":
            row = dict(zip(table.columns, values, strict=True))
            what = f" ({row['role']} {row['decision']} by {row['signed_by']})"
        return ChainProblem(kind="inserted", table=table.name, key=table.key_of(values),
                            assessment_id=str(table.assessment_of(values)),
                            detail=f"not in the chain{what}: inserted without riskengine")

    def _unchained(self) -> ChainProblem | None:
        """Rows after the last chained one of their table were inserted without riskengine."""
        for table in CHAINED_TABLES.values():
            values = self._peek(table)
            if values is not None:
                return self._inserted(table, values)
        return None

    def _vendors(self) -> ChainProblem | None:
        """``vendors`` must be each vendor's latest assessment and count, as ``record`` keeps it."""
        expected: dict[str, tuple[Any, ...]] = {}
        counts: dict[str, int] = {}
        for row in self.db.execute(
                "SELECT vendor_key, vendor_name, product, domain, assessment_id, created, tier, decision, residual, "
                "reassess_by FROM assessments ORDER BY vendor_key, created, assessment_id"):
            expected[row[0]] = row[1:]
            counts[row[0]] = counts.get(row[0], 0) + 1
        columns = ("name", "product", "domain", "latest_assessment", "latest_created", "tier", "decision", "residual",
                   "reassess_by", "assessments")
        listed = set()
        for row in self.db.execute(f"SELECT vendor_key, {', '.join(columns)} FROM vendors ORDER BY vendor_key"):
            vendor, values = row[0], row[1:]
            listed.add(vendor)
            if vendor not in expected:
                return ChainProblem(kind="listing", table="vendors", key=str(vendor),
                                    detail="listed, but the register holds no assessment of this vendor")
            should = (*expected[vendor], counts[vendor])
            for column, value, right in zip(columns, values, should, strict=True):
                if value != right:
                    return ChainProblem(kind="listing", table="vendors", key=str(vendor),
                                        assessment_id=str(expected[vendor][3]),
                                        detail=f"{column} is {_shown(value)}, but the vendor's assessments say "
                                               f"{_shown(right)} (what history and due list was changed)")
        missing = sorted(expected.keys() - listed, key=str)
        if missing:
            vendor = missing[0]
            return ChainProblem(kind="listing", table="vendors", key=str(vendor),
                                assessment_id=str(expected[vendor][3]),
                                detail=f"missing: the vendor has {counts[vendor]} assessments but history and due "
                                       "no longer list it")
        return None


class _Records:
    """The records of a few assessments, each checked against its neighbours in the chain."""

    def __init__(self, db: Database, assessment_ids: tuple[str, ...]) -> None:
        self.db, self.scope = db, assessment_ids
        self.tables = dict.fromkeys(CHAINED_TABLES, 0)
        self.records, self.head = 0, GENESIS

    def run(self) -> ChainReport:
        try:
            problem = next(filter(None, (self._assessment(assessment_id) for assessment_id in self.scope)), None)
        except DatabaseError as exc:
            problem = ChainProblem(kind="chain", table="chain", key="1",
                                   detail=f"the register cannot be read as riskengine made it ({exc})")
        return ChainReport(path=self.db.name, records=self.records, tables=self.tables, head=self.head,
                           problem=problem, scope=self.scope)

    def _row(self, table: ChainedTable, key: str) -> tuple[Any, tuple[Any, ...]] | None:
        """(the row's place in its table's order, its values), or None when the table has no such row."""
        found = self.db.execute(f"SELECT {table.order}, {', '.join(table.columns)} FROM {table.name} "
                                f"WHERE {table.key} = :key", {"key": table.key_parameter(key)}).fetchone()
        return (found[0], tuple(found[1:])) if found is not None else None

    def _record(self, seq: int) -> tuple[str, str, str, str, str] | None:
        found = self.db.execute("SELECT record_table, record_key, assessment_id, fields, hash FROM chain "
                                "WHERE seq = :seq", {"seq": seq}).fetchone()
        return tuple(found) if found is not None else None

    def _holds(self, seq: int, previous: str, record: tuple[str, str, str, str, str]) -> ChainProblem | None:
        """Does chain record ``seq`` hold its row, following from ``previous``?"""
        table_name, key, assessment_id, fields, stored = record
        table = CHAINED_TABLES.get(table_name) if isinstance(table_name, str) else None
        if table is None or not all(isinstance(text, str) for text in (key, fields, stored)):
            return ChainProblem(kind="chain", table="chain", key=str(seq), position=seq,
                                detail=f"chain record {seq} is not one riskengine wrote "
                                       f"(table {table_name!r}, key {key!r})")
        found = self._row(table, key)
        if found is None:
            for values in self.db.execute(f"{table.select(' WHERE assessment_id = :id')} ORDER BY {table.order}",
                                          {"id": assessment_id}).fetchall():
                other = table.key_of(values)
                if not _is_chained(self.db, table, other):
                    return ChainProblem(kind="altered", table=table.name, key=key, assessment_id=assessment_id,
                                        position=seq, detail=f"changed or replaced: a row of {assessment_id} has "
                                                             f"{table.key} {other}, which the chain does not hold")
            return ChainProblem(kind="deleted", table=table.name, key=key, assessment_id=assessment_id,
                                position=seq, detail="deleted: the chain holds it, the table no longer does")
        if link(previous, canonical(table, found[1])) != stored:
            return _Walk._differs(table, key, assessment_id, seq, fields, found[1])
        return None

    def _assessment(self, assessment_id: str) -> ChainProblem | None:
        records = self.db.execute("SELECT seq, record_table, record_key, assessment_id, fields, hash FROM chain "
                                  "WHERE assessment_id = :id ORDER BY seq", {"id": assessment_id}).fetchall()
        chained: set[tuple[str, str]] = set()
        places: dict[str, Any] = {}
        for seq, table_name, key, _, fields, stored in records:
            before = GENESIS if seq == 1 else self._record(seq - 1)
            if before is None:
                return ChainProblem(kind="chain", table="chain", key=str(seq - 1), position=seq - 1,
                                    detail=f"chain record {seq - 1} is missing (the next is {seq}): the chain "
                                           "itself was altered")
            previous = before if isinstance(before, str) else before[4]
            if not isinstance(previous, str):
                return ChainProblem(kind="chain", table="chain", key=str(seq - 1), position=seq - 1,
                                    detail=f"chain record {seq - 1} is not one riskengine wrote (hash {previous!r})")
            problem = self._holds(seq, previous, (table_name, key, assessment_id, fields, stored))
            if problem is not None:
                return problem
            table = CHAINED_TABLES[table_name]
            found = self._row(table, key)
            assert found is not None  # _holds found it
            if table.name in places and found[0] < places[table.name]:
                return ChainProblem(kind="moved", table=table.name, key=key, assessment_id=assessment_id,
                                    position=seq, detail="deleted and inserted again: it no longer comes where "
                                                         "the chain recorded it")
            places[table.name] = found[0]
            after = self._record(seq + 1)
            if after is not None:
                problem = self._holds(seq + 1, stored, after)
                if problem is not None:
                    return problem
            chained.add((table_name, key))
            self.records, self.head = self.records + 1, stored
            self.tables[table_name] += 1
        for table in CHAINED_TABLES.values():
            for values in self.db.execute(f"{table.select(' WHERE assessment_id = :id')} ORDER BY {table.order}",
                                          {"id": assessment_id}).fetchall():
                key = table.key_of(values)
                if (table.name, key) in chained:
                    continue
                elsewhere = self.db.execute("SELECT seq, assessment_id FROM chain WHERE record_table = :table AND "
                                            "record_key = :key", {"table": table.name, "key": key}).fetchone()
                if elsewhere is None:
                    return _Walk._inserted(table, values)
                return ChainProblem(kind="altered", table=table.name, key=key, assessment_id=assessment_id,
                                    position=elsewhere[0],
                                    detail=f"changed since it was recorded: assessment_id (the chain records it "
                                           f"for {elsewhere[1]})")
        return None


def _is_chained(db: Database, table: ChainedTable, key: str) -> bool:
    return db.execute("SELECT 1 FROM chain WHERE record_table = :table AND record_key = :key",
                      {"table": table.name, "key": key}).fetchone() is not None


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"
