"""The register's hash chain: every recorded row bound, in the order it was appended, to all rows before it.

Each row of ``assessments``, ``results``, ``outputs`` and ``signoffs`` is appended to ``chain`` in the
transaction that inserts it, as record ``seq`` (1, 2, 3, ...) with::

    hash = sha256(previous record's hash + canonical form of the row)      (the first record's "previous" is 64 zeros)

The canonical form is the JSON of ``{"row": {column: value, ...}, "table": name}`` with sorted keys, no
whitespace, ASCII only, the values as the database returns them (text, integer, real as Python writes it:
``40.0``, null; SQLite and PostgreSQL give the same) and bytes as ``{"hex": "..."}``. So the chain proves what
each row held and in which order rows came: a row changed, deleted, moved or inserted without riskengine breaks
it at the first such row (``riskengine register check``, ``riskengine.register.integrity``). A chain record
also keeps the CRC-32 of each column's JSON value (``fields``, 8 hex digits a column), which only serves to say
*which* columns of a changed row differ: the proof is ``hash``.

Appending costs one sha256 and one insert a row. This module imports no pydantic: ``store`` needs it
on every write, and ``history`` and ``due`` import ``store``.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from riskengine.database import Database

GENESIS = "0" * 64
"""What the first chain record's hash follows."""
FIELD_DIGEST_LENGTH = 8
"""Hex digits kept per column in ``fields`` (a CRC-32): enough to name the changed column; the proof is ``hash``."""


@dataclass(frozen=True, slots=True)
class ChainedTable:
    """A table whose rows are chained: its key, the columns its canonical form holds, how rows are ordered."""

    name: str
    key: str
    """The column naming a record (``chain.record_key`` holds it as text)."""
    columns: tuple[str, ...]
    """Every column, sorted: the content of the canonical form and the order of ``fields``."""
    order: str
    """The SQL ordering the rows as they were inserted: ``rowid`` (SQLite's own; on PostgreSQL an identity column
    of that name), sign-offs by their id."""
    _keys: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _suffix: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if list(self.columns) != sorted(self.columns):
            raise ValueError(f"{self.name}: the columns of a canonical form are sorted")
        object.__setattr__(self, "_keys", tuple(encode_basestring_ascii(column) + ":" for column in self.columns))
        object.__setattr__(self, "_suffix", '},"table":' + encode_basestring_ascii(self.name) + "}")

    def select(self, where: str = "") -> str:
        return f"SELECT {', '.join(self.columns)} FROM {self.name}{where}"

    def by_key(self) -> str:
        """The row whose key is the parameter ``:key``."""
        return self.select(f" WHERE {self.key} = :key")

    def key_of(self, values: Sequence[Any]) -> str:
        return str(values[self.columns.index(self.key)])

    def assessment_of(self, values: Sequence[Any]) -> str:
        return str(values[self.columns.index("assessment_id")])

    def key_parameter(self, key: str) -> str | int:
        """``key`` as the key column holds it (sign-off ids are integers)."""
        return int(key) if self.name in ("signoffs", "signoff_proofs") and key.isdigit() else key


CHAINED_TABLES: dict[str, ChainedTable] = {table.name: table for table in (
    ChainedTable("assessments", "assessment_id", tuple(sorted((
        "assessment_id", "vendor_key", "vendor_name", "product", "domain", "created", "recorded_at", "tier",
        "decision", "inherent", "control_effectiveness", "residual", "reassess_by", "findings", "knockouts",
        "questionnaire_sha256", "inputs", "run_key", "evidence_ids", "engine"))), "rowid"),
    ChainedTable("results", "assessment_id", ("assessment_id", "body", "encoding"), "rowid"),
    ChainedTable("outputs", "sha256", ("assessment_id", "audience", "kind", "path", "recorded_at", "sha256",
                                       "size"), "rowid"),
    ChainedTable("signoffs", "id", ("assessment_id", "decision", "id", "note", "report_sha256", "role",
                                    "signed_at", "signed_by"), "id"),
    ChainedTable("signoff_proofs", "signoff_id", ("assessment_id", "certificate", "method", "signature",
                                                  "signoff_id", "subject"), "signoff_id"),
)}
"""The chained tables, in the order a migration chains an older register's rows. ``vendors`` is not chained:
it is derived from ``assessments`` (each vendor's latest), and ``register check`` recomputes it."""


def _value_json(value: Any) -> str:
    """One value as ``json.dumps(value, sort_keys=True, separators=(",", ":"))`` writes it, bytes as
    ``{"hex": ...}``; written out because this runs for every column of every row appended or checked, and
    ``json.dumps`` with options builds an encoder on each call (a test checks the two agree)."""
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return '{"hex":"' + bytes(value).hex() + '"}'
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _form(table: ChainedTable, encoded: Sequence[str]) -> bytes:
    return ('{"row":{' + ",".join(key + value for key, value in zip(table._keys, encoded, strict=True))
            + table._suffix).encode("ascii")


def canonical(table: ChainedTable, values: Sequence[Any]) -> bytes:
    """The canonical form of a row of ``table`` (``values`` in ``table.columns`` order): the JSON of
    ``{"row": {column: value}, "table": name}``, sorted keys, no whitespace, ASCII, bytes as ``{"hex": ...}``."""
    return _form(table, [_value_json(value) for value in values])


def link(previous: str, form: bytes) -> str:
    """The hash of a chain record: sha256 of the previous record's hash (hex) followed by the canonical form."""
    return hashlib.sha256(previous.encode("ascii") + form).hexdigest()


def _digests(encoded: Sequence[str]) -> str:
    return "".join(f"{zlib.crc32(value.encode('ascii')):08x}" for value in encoded)


def field_digests(values: Sequence[Any]) -> str:
    """The CRC-32 of each value's JSON, 8 hex digits each, in column order (to say which columns changed)."""
    return _digests([_value_json(value) for value in values])


def changed_columns(table: ChainedTable, fields: str, values: Sequence[Any]) -> list[str]:
    """The columns of ``table`` whose value no longer matches the digest the chain recorded."""
    now = field_digests(values)
    size = FIELD_DIGEST_LENGTH
    return [column for index, column in enumerate(table.columns)
            if fields[index * size:(index + 1) * size] != now[index * size:(index + 1) * size]]


class ChainWriter:
    """Appends rows to the chain inside the caller's transaction, which holds the write lock.

    Made at the start of the transaction, it reads the head once and then keeps it: one transaction may
    append thousands of rows (a bulk import) without reading the chain again.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        row = db.execute("SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
        self.seq: int = int(row[0]) if row else 0
        self.head: str = str(row[1]) if row else GENESIS

    def append(self, table_name: str, key: str | int) -> None:
        """Append the row of ``table_name`` whose key is ``key``, as the database now holds it."""
        table = CHAINED_TABLES[table_name]
        values = self._db.execute(table.by_key(), {"key": key}).fetchone()
        if values is None:
            raise LookupError(f"no {table_name} row {key!r} to chain")
        self.append_row(table, values)

    def append_mapping(self, table_name: str, row: Mapping[str, Any]) -> None:
        """Append a row just inserted, from the values it was inserted with (every column, as stored)."""
        table = CHAINED_TABLES[table_name]
        self.append_row(table, [row[column] for column in table.columns])

    def append_row(self, table: ChainedTable, values: Sequence[Any]) -> None:
        encoded = [_value_json(value) for value in values]
        self.seq += 1
        self.head = link(self.head, _form(table, encoded))
        self._db.execute("INSERT INTO chain (seq, record_table, record_key, assessment_id, fields, hash) "
                         "VALUES (:seq, :record_table, :record_key, :assessment_id, :fields, :hash)",
                         {"seq": self.seq, "record_table": table.name, "record_key": table.key_of(values),
                          "assessment_id": table.assessment_of(values), "fields": _digests(encoded),
                          "hash": self.head})


FIRST_CHAINED = ("assessments", "results", "outputs", "signoffs")
"""The tables of version 1, which the migration creating the chain chains (later tables start empty, chained)."""


def chain_existing_rows(db: Database) -> None:
    """Chain the rows a register made before the chain holds: table by table (assessments, results, outputs,
    sign-offs), each in the order its rows were inserted. Run by the migration that creates the chain."""
    writer = ChainWriter(db)
    for table in (CHAINED_TABLES[name] for name in FIRST_CHAINED):
        for values in db.execute(f"{table.select()} ORDER BY {table.order}"):
            writer.append_row(table, values)
