"""The register: every assessment recorded with its result, input hashes, outputs' sha256 and evidence ids,
and the sign-offs given on it, in the riskengine database (SQLite, shared with the evidence store).

Rows come back as small frozen dataclasses, not pydantic models, so that ``history`` and ``due`` start and
answer in well under 0.2 s (importing pydantic alone takes longer). ``load`` gives the full ``Assessment``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NoReturn

from riskengine.register.approvals import ROLES, Role, SignOff, SignOffDecision, signoff_refusal
from riskengine.register.database import connect, migrate, transaction
from riskengine.register.schema import MIGRATIONS

if TYPE_CHECKING:
    from riskengine.assessment import Assessment

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
    """The register in the database at ``path`` (created and migrated on first use); a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db = connect(self.path)
        try:
            migrate(self._db, self.path, "register", MIGRATIONS)
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
        with transaction(self._db) as db:
            for entry, outputs in entries:
                added += self._insert(db, entry, outputs, recorded_at)
        return added

    def _insert(self, db: sqlite3.Connection, entry: Entry, outputs: Sequence[Output], recorded_at: str) -> int:
        cursor = db.execute(
            f"INSERT OR IGNORE INTO assessments ({_ASSESSMENT_COLUMNS}, inputs, evidence_ids) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.assessment_id, entry.vendor_key, entry.vendor_name, entry.product, entry.domain, entry.created,
             recorded_at, entry.tier, entry.decision, entry.inherent, entry.control_effectiveness, entry.residual,
             entry.reassess_by, entry.findings, entry.knockouts, entry.questionnaire_sha256, entry.run_key,
             entry.engine, entry.inputs, entry.evidence_ids))
        new = cursor.rowcount == 1
        if new:
            db.execute("INSERT INTO results VALUES (?, ?, ?)",
                       (entry.assessment_id, RESULT_ENCODING, zlib.compress(entry.result, 6)))
            self._update_vendor(db, entry)
        db.executemany(
            "INSERT OR IGNORE INTO outputs VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(output.sha256, entry.assessment_id, output.kind, output.audience, output.path, output.size,
              recorded_at) for output in outputs])
        return int(new)

    @staticmethod
    def _update_vendor(db: sqlite3.Connection, entry: Entry) -> None:
        row = db.execute("SELECT latest_created, latest_assessment, assessments FROM vendors WHERE vendor_key = ?",
                         (entry.vendor_key,)).fetchone()
        count = (row[2] if row else 0) + 1
        if row is not None and (row[0], row[1]) > (entry.created, entry.assessment_id):
            db.execute("UPDATE vendors SET assessments = ? WHERE vendor_key = ?", (count, entry.vendor_key))
            return
        db.execute(f"INSERT OR REPLACE INTO vendors ({_VENDOR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (entry.vendor_key, entry.vendor_name, entry.product, entry.domain, entry.assessment_id,
                    entry.created, entry.tier, entry.decision, entry.residual, entry.reassess_by, count))

    # --- reading --------------------------------------------------------------------------------------------

    def assessment(self, assessment_id: str) -> AssessmentRow:
        """The recorded assessment ``assessment_id``; ``RegisterError`` when the register has none."""
        row = self._db.execute(f"SELECT {_ASSESSMENT_COLUMNS} FROM assessments WHERE assessment_id = ?",
                               (assessment_id,)).fetchone()
        if row is None:
            _fail(f"no assessment {assessment_id} in the register {self.path}")
        return AssessmentRow(*row)

    def result(self, assessment_id: str) -> bytes:
        """The JSON result of ``assessment_id``, byte for byte as written."""
        row = self._db.execute("SELECT encoding, body FROM results WHERE assessment_id = ?",
                               (assessment_id,)).fetchone()
        if row is None:
            _fail(f"no assessment {assessment_id} in the register {self.path}")
        return zlib.decompress(row[1])

    def load(self, assessment_id: str) -> Assessment:
        """The full ``Assessment`` recorded as ``assessment_id``."""
        from riskengine.assessment import Assessment

        return Assessment.model_validate_json(self.result(assessment_id))

    def vendors(self) -> list[VendorRow]:
        """Every vendor with its latest assessment, by name."""
        rows = self._db.execute(f"SELECT {_VENDOR_COLUMNS} FROM vendors ORDER BY name COLLATE NOCASE, vendor_key")
        return [VendorRow(*row) for row in rows]

    def find_vendors(self, query: str) -> list[VendorRow]:
        """Vendors whose key, domain or legal name is ``query`` (any case); else whose name or domain holds it."""
        text = " ".join(query.split())
        exact = self._db.execute(
            f"SELECT {_VENDOR_COLUMNS} FROM vendors WHERE vendor_key = ? OR name = ? COLLATE NOCASE "
            "OR domain = ? COLLATE NOCASE OR product = ? COLLATE NOCASE ORDER BY name COLLATE NOCASE",
            (vendor_key(text, text), text, text, text)).fetchall()
        if exact:
            return [VendorRow(*row) for row in exact]
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._db.execute(
            f"SELECT {_VENDOR_COLUMNS} FROM vendors WHERE name LIKE ? ESCAPE '\\' OR domain LIKE ? ESCAPE '\\' "
            "OR product LIKE ? ESCAPE '\\' ORDER BY name COLLATE NOCASE", (pattern, pattern, pattern))
        return [VendorRow(*row) for row in rows]

    def history(self, vendor: str) -> list[AssessmentRow]:
        """Every assessment of the vendor with key ``vendor``, oldest first."""
        rows = self._db.execute(f"SELECT {_ASSESSMENT_COLUMNS} FROM assessments WHERE vendor_key = ? "
                                "ORDER BY created, assessment_id", (vendor,))
        return [AssessmentRow(*row) for row in rows]

    def previous(self, assessment_id: str) -> AssessmentRow | None:
        """The assessment of the same vendor just before ``assessment_id``, if any."""
        this = self.assessment(assessment_id)
        row = self._db.execute(
            f"SELECT {_ASSESSMENT_COLUMNS} FROM assessments WHERE vendor_key = ? AND (created, assessment_id) < (?, ?) "
            "ORDER BY created DESC, assessment_id DESC LIMIT 1",
            (this.vendor_key, this.created, this.assessment_id)).fetchone()
        return AssessmentRow(*row) if row else None

    def due(self, until: dt.date) -> list[VendorRow]:
        """Vendors whose latest assessment is due for reassessment on or before ``until``, soonest first."""
        rows = self._db.execute(
            f"SELECT {_VENDOR_COLUMNS} FROM vendors WHERE reassess_by != '' AND reassess_by <= ? "
            "ORDER BY reassess_by, name COLLATE NOCASE", (until.isoformat(),))
        return [VendorRow(*row) for row in rows]

    def by_run_key(self, key: str) -> list[AssessmentRow]:
        """Assessments recorded with run key ``key``, newest first (what a batch resumes by)."""
        rows = self._db.execute(f"SELECT {_ASSESSMENT_COLUMNS} FROM assessments WHERE run_key = ? "
                                "ORDER BY created DESC, assessment_id DESC", (key,))
        return [AssessmentRow(*row) for row in rows]

    def outputs(self, assessment_id: str) -> list[RecordedOutput]:
        """The files recorded for ``assessment_id``, oldest first."""
        rows = self._db.execute("SELECT sha256, assessment_id, kind, audience, path, size, recorded_at FROM outputs "
                                "WHERE assessment_id = ? ORDER BY recorded_at, rowid", (assessment_id,))
        return [RecordedOutput(*row) for row in rows]

    def output(self, sha256: str) -> RecordedOutput | None:
        """The recorded output with these bytes' sha256, if the register knows it."""
        row = self._db.execute("SELECT sha256, assessment_id, kind, audience, path, size, recorded_at FROM outputs "
                               "WHERE sha256 = ?", (sha256,)).fetchone()
        return RecordedOutput(*row) if row else None

    def known_assessment(self, assessment_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM assessments WHERE assessment_id = ?",
                                (assessment_id,)).fetchone() is not None

    # --- sign-offs ------------------------------------------------------------------------------------------

    def signoffs(self, assessment_id: str) -> list[SignOff]:
        """The sign-offs of ``assessment_id`` in the order they were given."""
        return self.signoffs_of([assessment_id]).get(assessment_id, [])

    def signoffs_of(self, assessment_ids: Sequence[str]) -> dict[str, list[SignOff]]:
        """Sign-offs of several assessments at once (for listings)."""
        found: dict[str, list[SignOff]] = {}
        for start in range(0, len(assessment_ids), 500):
            chunk = list(assessment_ids[start:start + 500])
            rows = self._db.execute(
                "SELECT assessment_id, report_sha256, role, signed_by, decision, note, signed_at FROM signoffs "
                f"WHERE assessment_id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk)
            for row in rows:
                found.setdefault(row[0], []).append(SignOff(*row))
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
        with transaction(self._db) as db:
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
                              signed_by=signed_by, decision=decision, note=note.strip(), signed_at=_iso(now))
            db.execute("INSERT INTO signoffs (assessment_id, report_sha256, role, signed_by, decision, note, "
                       "signed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (signoff.assessment_id, signoff.report_sha256, signoff.role, signoff.signed_by,
                        signoff.decision, signoff.note, signoff.signed_at))
        return signoff


def _iso(moment: dt.datetime) -> str:
    """UTC, whole seconds, ISO 8601: sorts as text in time order."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _fail(message: str) -> NoReturn:
    from riskengine.register.errors import RegisterError

    raise RegisterError(message)


def run_settings(*, offline: bool, audience: str) -> dict[str, str]:
    """The settings that go into a run key besides the inputs: what shapes the outputs, never the clock."""
    from riskengine import __version__

    return {"engine": __version__, "offline": "yes" if offline else "no", "audience": audience}
