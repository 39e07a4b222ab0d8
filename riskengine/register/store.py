"""The register: every assessment recorded with its result, input hashes, outputs' sha256 and evidence ids,
and the sign-offs given on it, in the riskengine database (SQLite or PostgreSQL, shared with the evidence store:
``riskengine.database``).

Rows come back as small frozen dataclasses, not pydantic models, so that ``history`` and ``due`` start and
answer in well under 0.2 s (importing pydantic alone takes longer). ``load`` gives the full ``Assessment``.
Every row read is checked for the types riskengine wrote: a row changed outside riskengine (a null, a word
where a number was, a result that is not an assessment) raises ``CorruptRecordError`` naming the assessment,
never an internal error later. Every row written is appended to the hash chain in the same transaction
(``riskengine.register.chain``); ``check_chain`` verifies it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from riskengine.database import Database, connect, migrate
from riskengine.register.approvals import ROLES, Role, SignOff, SignOffDecision, signoff_refusal
from riskengine.register.chain import ChainWriter
from riskengine.register.schema import MIGRATIONS

if TYPE_CHECKING:
    from riskengine.assessment import Assessment
    from riskengine.register.integrity import ChainReport

OutputKind = Literal["pdf", "json"]
RESULT_ENCODING = "json+zlib"


@dataclass(frozen=True, slots=True)
class Output:
    """A file written for an assessment: the PDF report or the JSON result, by the sha256 of its bytes."""

    kind: OutputKind
    sha256: str
    path: str
    size: int
    audience: str = "full"

    @classmethod
    def of(cls, kind: OutputKind, path: Path, data: bytes, audience: str = "full") -> Output:
        return cls(kind=kind, sha256=hashlib.sha256(data).hexdigest(), path=str(Path(path).resolve()),
                   size=len(data), audience=audience)


@dataclass(frozen=True, slots=True)
class RecordedOutput:
    sha256: str
    assessment_id: str
    kind: OutputKind
    audience: str
    path: str
    size: int
    recorded_at: str


@dataclass(frozen=True, slots=True)
class Entry:
    """Everything the register keeps of one assessment; ``entry_of`` makes it from an ``Assessment``."""

    assessment_id: str
    vendor_key: str
    vendor_name: str
    product: str
    domain: str
    created: str
    tier: str
    decision: str
    inherent: float
    control_effectiveness: float
    residual: float
    reassess_by: str
    findings: int
    knockouts: int
    questionnaire_sha256: str
    inputs: str
    """JSON list of [role, name, sha256] for every input."""
    run_key: str
    evidence_ids: str
    """JSON list of the evidence ids the assessment used."""
    engine: str
    result: bytes
    """The JSON result, exactly as written to the .json file."""


@dataclass(frozen=True, slots=True)
class AssessmentRow:
    assessment_id: str
    vendor_key: str
    vendor_name: str
    product: str
    domain: str
    created: str
    recorded_at: str
    tier: str
    decision: str
    inherent: float
    control_effectiveness: float
    residual: float
    reassess_by: str
    findings: int
    knockouts: int
    questionnaire_sha256: str
    run_key: str
    engine: str


@dataclass(frozen=True, slots=True)
class VendorRow:
    vendor_key: str
    name: str
    product: str
    domain: str
    latest_assessment: str
    latest_created: str
    tier: str
    decision: str
    residual: float
    reassess_by: str
    assessments: int


_ASSESSMENT_COLUMNS = ("assessment_id, vendor_key, vendor_name, product, domain, created, recorded_at, tier, "
                       "decision, inherent, control_effectiveness, residual, reassess_by, findings, knockouts, "
                       "questionnaire_sha256, run_key, engine")
_VENDOR_COLUMNS = ("vendor_key, name, product, domain, latest_assessment, latest_created, tier, decision, residual, "
                   "reassess_by, assessments")
_OUTPUT_COLUMNS = "sha256, assessment_id, kind, audience, path, size, recorded_at"
_SIGNOFF_COLUMNS = "assessment_id, report_sha256, role, signed_by, decision, note, signed_at"
_SIGNED_COLUMNS = ("signoffs.assessment_id, report_sha256, role, signed_by, decision, note, signed_at, "
                   "COALESCE(outputs.audience, '')")
"""A sign-off as read: its columns and the audience of the report it names (kept by ``outputs``)."""
_VENDOR_UPSERT = (f"INSERT INTO vendors ({_VENDOR_COLUMNS}) "
                  f"VALUES ({', '.join(':' + column for column in _VENDOR_COLUMNS.split(', '))}) "
                  "ON CONFLICT (vendor_key) DO UPDATE SET "
                  + ", ".join(f"{column} = excluded.{column}" for column in _VENDOR_COLUMNS.split(", ")[1:]))
"""A vendor's row, inserted or replaced by its latest assessment."""

# What each column of a row must hold, in the order of the columns above: t text, n number, i integer,
# d a day (YYYY-MM-DD) or empty, r a council role, v approve or reject. Checked on every read (microseconds).
_ASSESSMENT_KINDS = "tttttttttnnndiittt"
_VENDOR_KINDS = "ttttttttndi"
_OUTPUT_KINDS = "tttttit"
_SIGNOFF_KINDS = "ttrtvttt"


def vendor_key(domain: str, legal_name: str) -> str:
    """Who a vendor is across assessments: its domain, else its legal name, lower-cased."""
    return (domain.strip().lower().rstrip(".") or " ".join(legal_name.split()).casefold())


def run_key(input_hashes: Iterable[tuple[str, str]], settings: Mapping[str, str]) -> str:
    """The sha256 of every input's (role, sha256) and the settings that shape the outputs (not the clock).

    Two runs with the same key would assess the same files the same way: a batch resumes by it.
    """
    material = json.dumps({"inputs": sorted(input_hashes), "settings": dict(sorted(settings.items()))},
                          separators=(",", ":")).encode()
    return hashlib.sha256(material).hexdigest()


def entry_of(assessment: Assessment, *, run_key: str, result: bytes) -> Entry:
    """The register's entry for ``assessment``; ``result`` is its JSON bytes as written."""
    risk, vendor = assessment.risk, assessment.vendor
    questionnaire = next((item.sha256 for item in assessment.inputs if item.role == "questionnaire"), "")
    evidence = sorted(item.id for item in assessment.evidence.items) if assessment.evidence else []
    return Entry(
        assessment_id=assessment.assessment_id, vendor_key=vendor_key(vendor.domain, vendor.legal_name),
        vendor_name=vendor.legal_name, product=vendor.product, domain=vendor.domain,
        created=_iso(assessment.created), tier=risk.tier, decision=risk.decision, inherent=risk.inherent,
        control_effectiveness=risk.control_effectiveness, residual=risk.residual, reassess_by=risk.reassess_by,
        findings=len(assessment.findings), knockouts=len(risk.knockouts), questionnaire_sha256=questionnaire,
        inputs=json.dumps([[item.role, item.name, item.sha256] for item in assessment.inputs]), run_key=run_key,
        evidence_ids=json.dumps(evidence), engine=assessment.versions.engine, result=result)


class Register:
    """The register in the database at ``location`` (a SQLite file's path or a database URL: see
    ``riskengine.database``), created and migrated on first use; a context manager."""

    def __init__(self, location: str | os.PathLike[str]) -> None:
        self._db = connect(location)
        self.path = self._db.name
        """Where the register is, as messages name it: the file, or the URL without its password."""
        self.file = self._db.file
        """The SQLite file, None for a server's database."""
        try:
            migrate(self._db, "register", MIGRATIONS)
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- recording ------------------------------------------------------------------------------------------

    def record(self, assessment: Assessment, *, outputs: Sequence[Output], run_key: str, result: bytes,
               now: dt.datetime) -> bool:
        """Record ``assessment`` and the files written for it, in one transaction.

        Recording the same assessment again (the same id: same inputs, clock and evidence) adds only outputs
        not yet known, never a second row. Returns whether the assessment was new.
        """
        return self.record_entries([(entry_of(assessment, run_key=run_key, result=result), outputs)], now=now) == 1

    def record_entries(self, entries: Iterable[tuple[Entry, Sequence[Output]]], *, now: dt.datetime) -> int:
        """Record many entries in one transaction (imports, benchmarks); returns how many were new."""
        recorded_at = _iso(now)
        added = 0
        with self._db.transaction() as db:
            chain = ChainWriter(db)
            for entry, outputs in entries:
                added += self._insert(db, chain, entry, outputs, recorded_at)
        return added

    def _insert(self, db: Database, chain: ChainWriter, entry: Entry, outputs: Sequence[Output],
                recorded_at: str) -> int:
        # The chain hashes the values as a read gives them back, so they go in as the database keeps them: scores
        # as floats (an integer score would come back as a float), counts as integers, the rest as text.
        row = _stored({"assessment_id": entry.assessment_id, "vendor_key": entry.vendor_key,
                       "vendor_name": entry.vendor_name, "product": entry.product, "domain": entry.domain,
                       "created": entry.created, "recorded_at": recorded_at, "tier": entry.tier,
                       "decision": entry.decision, "inherent": float(entry.inherent),
                       "control_effectiveness": float(entry.control_effectiveness),
                       "residual": float(entry.residual), "reassess_by": entry.reassess_by,
                       "findings": int(entry.findings), "knockouts": int(entry.knockouts),
                       "questionnaire_sha256": entry.questionnaire_sha256, "run_key": entry.run_key,
                       "engine": entry.engine, "inputs": entry.inputs, "evidence_ids": entry.evidence_ids})
        new = db.execute(_insert_new("assessments", row), row).rowcount == 1
        if new:
            chain.append_mapping("assessments", row)
            result = {"assessment_id": entry.assessment_id, "encoding": RESULT_ENCODING,
                      "body": zlib.compress(entry.result, 6)}
            db.execute("INSERT INTO results (assessment_id, encoding, body) VALUES (:assessment_id, :encoding, :body)",
                       result)
            chain.append_mapping("results", result)
            self._update_vendor(db, entry)
        for output in outputs:
            self._insert_output(db, chain, entry.assessment_id, output, recorded_at)
        return int(new)

    @staticmethod
    def _insert_output(db: Database, chain: ChainWriter, assessment_id: str, output: Output,
                       recorded_at: str) -> bool:
        """Add ``output`` to the outputs of ``assessment_id`` and to the chain, unless its sha256 is known."""
        recorded = _stored({"sha256": output.sha256, "assessment_id": assessment_id, "kind": output.kind,
                            "audience": output.audience, "path": output.path, "size": int(output.size),
                            "recorded_at": recorded_at})
        if db.execute(_insert_new("outputs", recorded), recorded).rowcount != 1:
            return False
        chain.append_mapping("outputs", recorded)
        return True

    def record_output(self, assessment_id: str, output: Output, *, now: dt.datetime) -> bool:
        """Record one more file written for the recorded assessment ``assessment_id`` (a report rendered again,
        for another audience or with its sign-offs), chained like every output.

        Returns whether it was new: a file with the same sha256 is recorded once. ``RegisterError`` when the
        register does not hold the assessment.
        """
        with self._db.transaction() as db:
            self.assessment(assessment_id)
            return self._insert_output(db, ChainWriter(db), assessment_id, output, _iso(now))

    @staticmethod
    def _update_vendor(db: Database, entry: Entry) -> None:
        row = db.execute("SELECT latest_created, latest_assessment, assessments FROM vendors WHERE vendor_key = :key",
                         {"key": entry.vendor_key}).fetchone()
        count = (row[2] if row else 0) + 1
        if row is not None and (row[0], row[1]) > (entry.created, entry.assessment_id):
            db.execute("UPDATE vendors SET assessments = :count WHERE vendor_key = :key",
                       {"count": count, "key": entry.vendor_key})
            return
        db.execute(_VENDOR_UPSERT, {
            "vendor_key": entry.vendor_key, "name": entry.vendor_name, "product": entry.product,
            "domain": entry.domain, "latest_assessment": entry.assessment_id, "latest_created": entry.created,
            "tier": entry.tier, "decision": entry.decision, "residual": entry.residual,
            "reassess_by": entry.reassess_by, "assessments": count})

    # --- reading --------------------------------------------------------------------------------------------

    def assessment(self, assessment_id: str) -> AssessmentRow:
        """The recorded assessment ``assessment_id``; ``RegisterError`` when the register has none."""
        row = self._db.execute(f"SELECT {_ASSESSMENT_COLUMNS} FROM assessments WHERE assessment_id = :id",
                               {"id": assessment_id}).fetchone()
        if row is None:
            _fail(f"no assessment {assessment_id} in the register {self.path}")
        return _assessment_row(row)

    def result(self, assessment_id: str) -> bytes:
        """The JSON result of ``assessment_id``, byte for byte as written.

        ``RegisterError`` when the register has none; ``CorruptRecordError`` when the stored bytes cannot be
        decompressed.
        """
        row = self._db.execute("SELECT encoding, body FROM results WHERE assessment_id = :id",
                               {"id": assessment_id}).fetchone()
        if row is None:
            _fail(f"no assessment {assessment_id} in the register {self.path}")
        encoding, body = row
        if encoding != RESULT_ENCODING or not isinstance(body, bytes):
            _corrupt(assessment_id, f"its stored result is not {RESULT_ENCODING} (encoding {_shown(encoding)}, "
                                    f"body {_shown(body)})")
        try:
            return zlib.decompress(body)
        except zlib.error as exc:
            _corrupt(assessment_id, f"its stored result cannot be decompressed ({exc})")

    def load(self, assessment_id: str) -> Assessment:
        """The full ``Assessment`` recorded as ``assessment_id``.

        ``CorruptRecordError`` (naming the assessment) when the stored result is not JSON, not a valid
        assessment, or the assessment of another id.
        """
        from pydantic import ValidationError

        from riskengine.assessment import Assessment

        data = self.result(assessment_id)
        try:
            assessment = Assessment.model_validate_json(data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            first = errors[0]
            if first["type"] == "json_invalid":
                _corrupt(assessment_id, f"its stored result is not valid JSON ({first['msg']})")
            place = ".".join(str(part) for part in first["loc"]) or "(the whole result)"
            more = f" and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''}" if len(errors) > 1 else ""
            _corrupt(assessment_id, f"its stored result is not a valid assessment: {place}: {first['msg']}{more}")
        if assessment.assessment_id != assessment_id:
            _corrupt(assessment_id, f"its stored result is the assessment {assessment.assessment_id}")
        return assessment

    def head(self) -> tuple[int, str]:
        """The last record of the hash chain, (seq, hash), or (0, "") for an empty register: it changes with every
        assessment, output and sign-off recorded."""
        row = self._db.execute("SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
        return (int(row[0]), str(row[1])) if row else (0, "")

    def vendors(self) -> list[VendorRow]:
        """Every vendor with its latest assessment, by name."""
        rows = self._db.execute(f"SELECT {_VENDOR_COLUMNS} FROM vendors ORDER BY name COLLATE NOCASE, vendor_key")
        return [_vendor_row(row) for row in rows]

    def latest_assessments(self, decision: str) -> list[str]:
        """The latest assessment of every vendor whose latest decision is ``decision``."""
        rows = self._db.execute("SELECT latest_assessment FROM vendors WHERE decision = :decision "
                                "ORDER BY latest_assessment", {"decision": decision})
        return [str(row[0]) for row in rows]

    def vendor_names(self, assessment_ids: Sequence[str]) -> dict[str, str]:
        """The vendor's name of each of these assessments (the register's name: its latest assessment's)."""
        names: dict[str, str] = {}
        unique = sorted(set(assessment_ids))
        for start in range(0, len(unique), 500):
            chunk = {f"a{index}": value for index, value in enumerate(unique[start:start + 500])}
            names.update((str(row[0]), str(row[1])) for row in self._db.execute(
                "SELECT assessments.assessment_id, vendors.name FROM assessments JOIN vendors "
                "ON vendors.vendor_key = assessments.vendor_key WHERE assessments.assessment_id IN "
                f"({', '.join(':' + name for name in chunk)})", chunk))
        return names

    def find_vendors(self, query: str) -> list[VendorRow]:
        """Vendors whose key, domain or legal name is ``query`` (any case); else whose name or domain holds it."""
        text = " ".join(query.split())
        exact = self._db.execute(
            f"SELECT {_VENDOR_COLUMNS} FROM vendors WHERE vendor_key = :key OR name = :text COLLATE NOCASE "
            "OR domain = :text COLLATE NOCASE OR product = :text COLLATE NOCASE ORDER BY name COLLATE NOCASE",
            {"key": vendor_key(text, text), "text": text}).fetchall()
        if exact:
            return [_vendor_row(row) for row in exact]
        # lower() on both sides: SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's does not.
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._db.execute(
            f"SELECT {_VENDOR_COLUMNS} FROM vendors WHERE lower(name) LIKE lower(:pattern) ESCAPE '\\' "
            "OR lower(domain) LIKE lower(:pattern) ESCAPE '\\' OR lower(product) LIKE lower(:pattern) ESCAPE '\\' "
            "ORDER BY name COLLATE NOCASE", {"pattern": pattern})
        return [_vendor_row(row) for row in rows]

    def history(self, vendor: str) -> list[AssessmentRow]:
        """Every assessment of the vendor with key ``vendor``, oldest first."""
        rows = self._db.execute(f"SELECT {_ASSESSMENT_COLUMNS} FROM assessments WHERE vendor_key = :vendor "
                                "ORDER BY created, assessment_id", {"vendor": vendor})
        return [_assessment_row(row) for row in rows]

    def previous(self, assessment_id: str) -> AssessmentRow | None:
        """The assessment of the same vendor just before ``assessment_id``, if any."""
        this = self.assessment(assessment_id)
        row = self._db.execute(
            f"SELECT {_ASSESSMENT_COLUMNS} FROM assessments WHERE vendor_key = :vendor "
            "AND (created, assessment_id) < (:created, :id) ORDER BY created DESC, assessment_id DESC LIMIT 1",
            {"vendor": this.vendor_key, "created": this.created, "id": this.assessment_id}).fetchone()
        return _assessment_row(row) if row else None

    def due(self, until: dt.date) -> list[VendorRow]:
        """Vendors whose latest assessment is due for reassessment on or before ``until``, soonest first."""
        rows = self._db.execute(
            f"SELECT {_VENDOR_COLUMNS} FROM vendors WHERE reassess_by != '' AND reassess_by <= :until "
            "ORDER BY reassess_by, name COLLATE NOCASE", {"until": until.isoformat()})
        return [_vendor_row(row) for row in rows]

    def by_run_key(self, key: str) -> list[AssessmentRow]:
        """Assessments recorded with run key ``key``, newest first (what a batch resumes by)."""
        rows = self._db.execute(f"SELECT {_ASSESSMENT_COLUMNS} FROM assessments WHERE run_key = :key "
                                "ORDER BY created DESC, assessment_id DESC", {"key": key})
        return [_assessment_row(row) for row in rows]

    def outputs(self, assessment_id: str) -> list[RecordedOutput]:
        """The files recorded for ``assessment_id``, oldest first."""
        rows = self._db.execute(f"SELECT {_OUTPUT_COLUMNS} FROM outputs WHERE assessment_id = :id "
                                "ORDER BY recorded_at, rowid", {"id": assessment_id})
        return [_output_row(row) for row in rows]

    def output(self, sha256: str) -> RecordedOutput | None:
        """The recorded output with these bytes' sha256, if the register knows it."""
        row = self._db.execute(f"SELECT {_OUTPUT_COLUMNS} FROM outputs WHERE sha256 = :sha256",
                               {"sha256": sha256}).fetchone()
        return _output_row(row) if row else None

    def known_assessment(self, assessment_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM assessments WHERE assessment_id = :id",
                                {"id": assessment_id}).fetchone() is not None

    # --- sign-offs ------------------------------------------------------------------------------------------

    def signoffs(self, assessment_id: str) -> list[SignOff]:
        """The sign-offs of ``assessment_id`` in the order they were given."""
        return self.signoffs_of([assessment_id]).get(assessment_id, [])

    def signoffs_of(self, assessment_ids: Sequence[str]) -> dict[str, list[SignOff]]:
        """Sign-offs of several assessments at once (for listings)."""
        found: dict[str, list[SignOff]] = {}
        for start in range(0, len(assessment_ids), 500):
            chunk = {f"id{number}": assessment_id for number, assessment_id in
                     enumerate(assessment_ids[start:start + 500])}
            rows = self._db.execute(
                f"SELECT {_SIGNED_COLUMNS} FROM signoffs LEFT JOIN outputs ON outputs.sha256 = report_sha256 "
                f"WHERE signoffs.assessment_id IN ({', '.join(':' + name for name in chunk)}) ORDER BY id", chunk)
            for row in rows:
                found.setdefault(row[0], []).append(_signoff_row(row))
        return found

    def sign(self, assessment_id: str, *, role: Role, signed_by: str, decision: SignOffDecision, now: dt.datetime,
             note: str = "", report_sha256: str | None = None) -> SignOff:
        """Record ``role``'s sign-off of ``assessment_id``, bound to the sha256 of one of its PDF reports.

        Without ``report_sha256`` the assessment's latest recorded PDF is the one signed. Raises
        ``RegisterError`` for an unknown assessment or report, a role that signed already, an outcome that
        is final (see ``riskengine.register.approvals``), or an empty name.
        """
        if role not in ROLES:
            _fail(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")
        if decision not in ("approve", "reject"):
            _fail(f"unknown decision {decision!r}: expected approve or reject")
        signed_by = " ".join(signed_by.split())
        if not signed_by:
            _fail("a sign-off needs the name of who signs (--by)")
        with self._db.transaction() as db:
            self.assessment(assessment_id)
            reports = [output for output in self.outputs(assessment_id) if output.kind == "pdf"]
            if report_sha256 is None:
                if not reports:
                    _fail(f"{assessment_id} has no recorded PDF report to sign")
                report_sha256 = reports[-1].sha256
            elif report_sha256 not in {output.sha256 for output in reports}:
                _fail(f"that file (sha256 {report_sha256[:16]}…) is not a recorded report of {assessment_id}: "
                      "it was changed, or belongs to another assessment")
            refusal = signoff_refusal(self.signoffs(assessment_id), role)
            if refusal is not None:
                _fail(f"{assessment_id}: {refusal}")
            signoff = SignOff(assessment_id=assessment_id, report_sha256=report_sha256, role=role,
                              signed_by=signed_by, decision=decision, note=note.strip(), signed_at=_iso(now),
                              report_audience=next(output.audience for output in reports
                                                   if output.sha256 == report_sha256))
            db.execute(f"INSERT INTO signoffs ({_SIGNOFF_COLUMNS}) VALUES (:assessment_id, :report_sha256, :role, "
                       ":signed_by, :decision, :note, :signed_at)",
                       {"assessment_id": signoff.assessment_id, "report_sha256": signoff.report_sha256,
                        "role": signoff.role, "signed_by": signoff.signed_by, "decision": signoff.decision,
                        "note": signoff.note, "signed_at": signoff.signed_at})
            (signoff_id,) = db.execute("SELECT id FROM signoffs WHERE assessment_id = :id AND role = :role",
                                       {"id": assessment_id, "role": role}).fetchone()
            ChainWriter(db).append("signoffs", signoff_id)
        return signoff

    # --- integrity ------------------------------------------------------------------------------------------

    def check_chain(self, head: str | None = None) -> ChainReport:
        """Verify the whole hash chain and the vendor listing derived from it; O(rows), read-only.

        The report names the first record changed, deleted, inserted or moved outside riskengine (see
        ``riskengine.register.integrity``); it works on a copy of the file whose triggers were dropped. ``head``,
        a head an earlier check printed, must still be in the chain (else the chain was rewritten since).
        """
        from riskengine.register.integrity import check_chain

        return check_chain(self._db, head)

    def check_records(self, assessment_ids: Sequence[str]) -> ChainReport:
        """Verify the chain records of these assessments only (their rows, their links to the records around
        them, no row of theirs left out of the chain): what ``verify`` rests on, in a few indexed reads."""
        from riskengine.register.integrity import check_records

        return check_records(self._db, assessment_ids)

    def chained_output(self, sha256: str) -> str | None:
        """The assessment whose output with this sha256 the chain recorded, even if its row is gone."""
        row = self._db.execute("SELECT assessment_id FROM chain WHERE record_table = 'outputs' AND "
                               "record_key = :sha256", {"sha256": sha256}).fetchone()
        return str(row[0]) if row else None


def _insert_new(table: str, row: Mapping[str, Any]) -> str:
    """The ``INSERT`` of ``row`` into ``table`` that inserts nothing when its key is there already."""
    return (f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + column for column in row)}) "
            "ON CONFLICT DO NOTHING")


def _iso(moment: dt.datetime) -> str:
    """UTC, whole seconds, ISO 8601: sorts as text in time order."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _fail(message: str) -> NoReturn:
    from riskengine.register.errors import RegisterError

    raise RegisterError(message)


def _corrupt(assessment_id: str, what: str) -> NoReturn:
    from riskengine.register.errors import CorruptRecordError

    raise CorruptRecordError(assessment_id, f"the register's record of {assessment_id} is corrupted: {what}; "
                                            "run 'riskengine register check' to see what else was changed")


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    """``row``, refused unless its text columns hold text: SQLite would store anything else as it sees fit (a
    float as ``'40.0'``; PostgreSQL would refuse it), and the chain, which hashes what was given, would then call
    the row changed."""
    for column, value in row.items():
        if not isinstance(value, str | int | float) or (isinstance(value, int | float) and column not in _NUMBERS):
            raise TypeError(f"{row.get('assessment_id')}: {column} must be text, got {type(value).__name__}")
    return row


_NUMBERS = frozenset({"inherent", "control_effectiveness", "residual", "findings", "knockouts", "size"})


def _is_day(value: object) -> bool:
    if not isinstance(value, str):
        return False
    if value == "":
        return True
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


_KINDS: dict[str, tuple[Callable[[object], bool], str]] = {
    "t": (lambda value: isinstance(value, str), "text"),
    # bool is no SQLite type; NaN (which SQLite stores as NULL anyway) is not a score.
    "n": (lambda value: isinstance(value, int | float) and value == value, "a number"),
    "i": (lambda value: isinstance(value, int), "a whole number"),
    "d": (_is_day, "a day (YYYY-MM-DD) or empty"),
    "r": (lambda value: value in ROLES, f"one of {', '.join(ROLES)}"),
    "v": (lambda value: value in ("approve", "reject"), "approve or reject"),
}


def _checked(row: Sequence[Any], columns: str, kinds: str, table: str, assessment_id: object, of: str = "") -> None:
    """Raise ``CorruptRecordError`` unless every value of ``row`` is of the kind its column must hold."""
    for index, (value, kind) in enumerate(zip(row, kinds, strict=True)):
        fits, expected = _KINDS[kind]
        if not fits(value):
            column = columns.split(", ")[index]
            _corrupt(str(assessment_id), f"{table}.{column}{of} is {_shown(value)}, expected {expected}")


def _types(kinds: str) -> tuple[type, ...]:
    return tuple({"n": float, "i": int}.get(kind, str) for kind in kinds)


# The types a row riskengine wrote comes back with (SQLite returns REAL columns as float): one comparison in C
# lets the usual row through; only a row that differs is examined column by column (and may still pass: an
# integer score is a number).
_ASSESSMENT_TYPES, _VENDOR_TYPES = _types(_ASSESSMENT_KINDS), _types(_VENDOR_KINDS)
_OUTPUT_TYPES, _SIGNOFF_TYPES = _types(_OUTPUT_KINDS), _types(_SIGNOFF_KINDS)
_DECISIONS = ("approve", "reject")


def _assessment_row(row: Sequence[Any]) -> AssessmentRow:
    if tuple(map(type, row)) != _ASSESSMENT_TYPES or not _is_day(row[12]):
        _checked(row, _ASSESSMENT_COLUMNS, _ASSESSMENT_KINDS, "assessments", row[0])
    return AssessmentRow(*row)


def _vendor_row(row: Sequence[Any]) -> VendorRow:
    if tuple(map(type, row)) != _VENDOR_TYPES or not _is_day(row[9]):
        _checked(row, _VENDOR_COLUMNS, _VENDOR_KINDS, "vendors", row[4], of=f" of {row[0]}")
    return VendorRow(*row)


def _output_row(row: Sequence[Any]) -> RecordedOutput:
    if tuple(map(type, row)) != _OUTPUT_TYPES:
        _checked(row, _OUTPUT_COLUMNS, _OUTPUT_KINDS, "outputs", row[1])
    return RecordedOutput(*row)


def _signoff_row(row: Sequence[Any]) -> SignOff:
    if tuple(map(type, row)) != _SIGNOFF_TYPES or row[2] not in ROLES or row[4] not in _DECISIONS:
        _checked(row, f"{_SIGNOFF_COLUMNS}, report_audience", _SIGNOFF_KINDS, "signoffs", row[0])
    return SignOff(*row)


def run_settings(*, offline: bool, audience: str) -> dict[str, str]:
    """The settings that go into a run key besides the inputs: what shapes the outputs, never the clock."""
    from riskengine import __version__

    return {"engine": __version__, "offline": "yes" if offline else "no", "audience": audience}
