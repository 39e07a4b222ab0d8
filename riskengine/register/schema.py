"""The register's tables, as numbered migrations (see ``riskengine.database``).

``vendors`` holds one row per vendor with its latest assessment, kept in the same transaction as each new
assessment, so ``due`` is one indexed range read and ``history`` one indexed lookup whatever the size of the
register. The JSON result lives apart (``results``, zlib-compressed) so that listing never reads it.
Sign-offs and assessments cannot be changed or deleted: triggers refuse it, as an audit trail must. From
version 2 results, outputs and the chain are refused changes the same way, and every row of assessments,
results, outputs and signoffs is hash-chained (``riskengine.register.chain``), so that a change made around
the triggers (in a copy of the file without them) is still found by ``riskengine register check``. Version 3
adds ``signoff_proofs``: who made a sign-off, the web app's account or a user's key and its signature over the
sign-off (``riskengine.register.approvals.signoff_statement``), chained like the sign-off itself.

PostgreSQL gets the same tables with its own types (DOUBLE PRECISION for REAL, BYTEA for BLOB, BIGINT where
SQLite's INTEGER is 64-bit), one trigger function for every refusal (raised as an integrity violation, as
SQLite's ``RAISE(ABORT)`` is), and two things SQLite has built in: a ``rowid`` column (an identity, always
generated) in each table whose rows are chained in the order they were inserted, so that the same ``ORDER BY
rowid`` reads them in that order on both; and a case-insensitive collation named ``nocase`` (ICU, Unicode case
folding where SQLite's NOCASE folds ASCII), so that ``COLLATE NOCASE`` reads the same on both.
"""

from __future__ import annotations

from riskengine.database import Migration
from riskengine.register.chain import chain_existing_rows


def _refused(table: str, what: str) -> tuple[str, ...]:
    """PostgreSQL's triggers refusing every update, delete and truncate of ``table``, saying ``what`` cannot be."""
    return tuple(
        f"CREATE TRIGGER {table}_refuses_{event} BEFORE {event.upper()} ON {table} FOR EACH {each} "
        f"EXECUTE FUNCTION riskengine_refuse('{what} cannot be {verb}')"
        for event, each, verb in (("update", "ROW", "changed"), ("delete", "ROW", "deleted"),
                                  ("truncate", "STATEMENT", "deleted")))


POSTGRESQL_V1 = (
    "CREATE COLLATION IF NOT EXISTS nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
    """CREATE OR REPLACE FUNCTION riskengine_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
        END $$""",
    """CREATE TABLE assessments (
        assessment_id TEXT PRIMARY KEY,
        vendor_key TEXT NOT NULL,
        vendor_name TEXT NOT NULL,
        product TEXT NOT NULL,
        domain TEXT NOT NULL,
        created TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        tier TEXT NOT NULL,
        decision TEXT NOT NULL,
        inherent DOUBLE PRECISION NOT NULL,
        control_effectiveness DOUBLE PRECISION NOT NULL,
        residual DOUBLE PRECISION NOT NULL,
        reassess_by TEXT NOT NULL,
        findings INTEGER NOT NULL,
        knockouts INTEGER NOT NULL,
        questionnaire_sha256 TEXT NOT NULL,
        inputs TEXT NOT NULL,
        run_key TEXT NOT NULL,
        evidence_ids TEXT NOT NULL,
        engine TEXT NOT NULL,
        rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE)""",
    "CREATE INDEX assessments_vendor ON assessments (vendor_key, created)",
    "CREATE INDEX assessments_run_key ON assessments (run_key, created)",
    """CREATE TABLE results (
        assessment_id TEXT PRIMARY KEY REFERENCES assessments (assessment_id),
        encoding TEXT NOT NULL,
        body BYTEA NOT NULL,
        rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE)""",
    """CREATE TABLE outputs (
        sha256 TEXT PRIMARY KEY,
        assessment_id TEXT NOT NULL REFERENCES assessments (assessment_id),
        kind TEXT NOT NULL CHECK (kind IN ('pdf', 'json')),
        audience TEXT NOT NULL,
        path TEXT NOT NULL,
        size BIGINT NOT NULL,
        recorded_at TEXT NOT NULL,
        rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE)""",
    "CREATE INDEX outputs_assessment ON outputs (assessment_id, kind)",
    """CREATE TABLE vendors (
        vendor_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        product TEXT NOT NULL,
        domain TEXT NOT NULL,
        latest_assessment TEXT NOT NULL REFERENCES assessments (assessment_id),
        latest_created TEXT NOT NULL,
        tier TEXT NOT NULL,
        decision TEXT NOT NULL,
        residual DOUBLE PRECISION NOT NULL,
        reassess_by TEXT NOT NULL,
        assessments INTEGER NOT NULL)""",
    "CREATE INDEX vendors_due ON vendors (reassess_by)",
    "CREATE INDEX vendors_name ON vendors (name COLLATE nocase)",
    "CREATE INDEX vendors_domain ON vendors (domain COLLATE nocase)",
    """CREATE TABLE signoffs (
        id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        assessment_id TEXT NOT NULL REFERENCES assessments (assessment_id),
        report_sha256 TEXT NOT NULL REFERENCES outputs (sha256),
        role TEXT NOT NULL CHECK (role IN ('it', 'marketing', 'compliance')),
        signed_by TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
        note TEXT NOT NULL,
        signed_at TEXT NOT NULL,
        UNIQUE (assessment_id, role))""",
    *_refused("signoffs", "sign-offs"),
    *_refused("assessments", "recorded assessments"),
)
POSTGRESQL_V2 = (
    """CREATE TABLE chain (
        seq BIGINT PRIMARY KEY,
        record_table TEXT NOT NULL,
        record_key TEXT NOT NULL,
        assessment_id TEXT NOT NULL,
        fields TEXT NOT NULL,
        hash TEXT NOT NULL)""",
    "CREATE INDEX chain_assessment ON chain (assessment_id, seq)",
    *_refused("results", "recorded results"),
    *_refused("outputs", "recorded outputs"),
    *_refused("chain", "chain records"),
)
POSTGRESQL_V3 = (
    """CREATE TABLE signoff_proofs (
        signoff_id BIGINT PRIMARY KEY REFERENCES signoffs (id),
        assessment_id TEXT NOT NULL REFERENCES assessments (assessment_id),
        method TEXT NOT NULL CHECK (method IN ('account', 'key')),
        subject TEXT NOT NULL,
        certificate TEXT NOT NULL,
        signature TEXT NOT NULL)""",
    *_refused("signoff_proofs", "sign-off proofs"),
)

MIGRATIONS = (
    Migration(1, "assessments, their results and outputs, vendors, sign-offs", (
        """CREATE TABLE assessments (
            assessment_id TEXT PRIMARY KEY,
            vendor_key TEXT NOT NULL,
            vendor_name TEXT NOT NULL,
            product TEXT NOT NULL,
            domain TEXT NOT NULL,
            created TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            tier TEXT NOT NULL,
            decision TEXT NOT NULL,
            inherent REAL NOT NULL,
            control_effectiveness REAL NOT NULL,
            residual REAL NOT NULL,
            reassess_by TEXT NOT NULL,
            findings INTEGER NOT NULL,
            knockouts INTEGER NOT NULL,
            questionnaire_sha256 TEXT NOT NULL,
            inputs TEXT NOT NULL,
            run_key TEXT NOT NULL,
            evidence_ids TEXT NOT NULL,
            engine TEXT NOT NULL)""",
        "CREATE INDEX assessments_vendor ON assessments (vendor_key, created)",
        "CREATE INDEX assessments_run_key ON assessments (run_key, created)",
        """CREATE TABLE results (
            assessment_id TEXT PRIMARY KEY REFERENCES assessments (assessment_id),
            encoding TEXT NOT NULL,
            body BLOB NOT NULL)""",
        """CREATE TABLE outputs (
            sha256 TEXT PRIMARY KEY,
            assessment_id TEXT NOT NULL REFERENCES assessments (assessment_id),
            kind TEXT NOT NULL CHECK (kind IN ('pdf', 'json')),
            audience TEXT NOT NULL,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            recorded_at TEXT NOT NULL)""",
        "CREATE INDEX outputs_assessment ON outputs (assessment_id, kind)",
        """CREATE TABLE vendors (
            vendor_key TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            product TEXT NOT NULL,
            domain TEXT NOT NULL,
            latest_assessment TEXT NOT NULL REFERENCES assessments (assessment_id),
            latest_created TEXT NOT NULL,
            tier TEXT NOT NULL,
            decision TEXT NOT NULL,
            residual REAL NOT NULL,
            reassess_by TEXT NOT NULL,
            assessments INTEGER NOT NULL)""",
        "CREATE INDEX vendors_due ON vendors (reassess_by)",
        "CREATE INDEX vendors_name ON vendors (name COLLATE NOCASE)",
        "CREATE INDEX vendors_domain ON vendors (domain COLLATE NOCASE)",
        """CREATE TABLE signoffs (
            id INTEGER PRIMARY KEY,
            assessment_id TEXT NOT NULL REFERENCES assessments (assessment_id),
            report_sha256 TEXT NOT NULL REFERENCES outputs (sha256),
            role TEXT NOT NULL CHECK (role IN ('it', 'marketing', 'compliance')),
            signed_by TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
            note TEXT NOT NULL,
            signed_at TEXT NOT NULL,
            UNIQUE (assessment_id, role))""",
        """CREATE TRIGGER signoffs_are_final_update BEFORE UPDATE ON signoffs
            BEGIN SELECT RAISE(ABORT, 'sign-offs cannot be changed'); END""",
        """CREATE TRIGGER signoffs_are_final_delete BEFORE DELETE ON signoffs
            BEGIN SELECT RAISE(ABORT, 'sign-offs cannot be deleted'); END""",
        """CREATE TRIGGER assessments_are_final_update BEFORE UPDATE ON assessments
            BEGIN SELECT RAISE(ABORT, 'recorded assessments cannot be changed'); END""",
        """CREATE TRIGGER assessments_are_final_delete BEFORE DELETE ON assessments
            BEGIN SELECT RAISE(ABORT, 'recorded assessments cannot be deleted'); END""",
    ), postgresql=POSTGRESQL_V1),
    Migration(2, "the hash chain over assessments, results, outputs and sign-offs; existing rows chained", (
        """CREATE TABLE chain (
            seq INTEGER PRIMARY KEY,
            record_table TEXT NOT NULL,
            record_key TEXT NOT NULL,
            assessment_id TEXT NOT NULL,
            fields TEXT NOT NULL,
            hash TEXT NOT NULL)""",
        "CREATE INDEX chain_assessment ON chain (assessment_id, seq)",
        """CREATE TRIGGER results_are_final_update BEFORE UPDATE ON results
            BEGIN SELECT RAISE(ABORT, 'recorded results cannot be changed'); END""",
        """CREATE TRIGGER results_are_final_delete BEFORE DELETE ON results
            BEGIN SELECT RAISE(ABORT, 'recorded results cannot be deleted'); END""",
        """CREATE TRIGGER outputs_are_final_update BEFORE UPDATE ON outputs
            BEGIN SELECT RAISE(ABORT, 'recorded outputs cannot be changed'); END""",
        """CREATE TRIGGER outputs_are_final_delete BEFORE DELETE ON outputs
            BEGIN SELECT RAISE(ABORT, 'recorded outputs cannot be deleted'); END""",
        """CREATE TRIGGER chain_is_final_update BEFORE UPDATE ON chain
            BEGIN SELECT RAISE(ABORT, 'chain records cannot be changed'); END""",
        """CREATE TRIGGER chain_is_final_delete BEFORE DELETE ON chain
            BEGIN SELECT RAISE(ABORT, 'chain records cannot be deleted'); END""",
    ), run=chain_existing_rows, postgresql=POSTGRESQL_V2),
    Migration(3, "who made each sign-off: the web app's account or the user's key, chained", (
        """CREATE TABLE signoff_proofs (
            signoff_id INTEGER PRIMARY KEY REFERENCES signoffs (id),
            assessment_id TEXT NOT NULL REFERENCES assessments (assessment_id),
            method TEXT NOT NULL CHECK (method IN ('account', 'key')),
            subject TEXT NOT NULL,
            certificate TEXT NOT NULL,
            signature TEXT NOT NULL)""",
        """CREATE TRIGGER signoff_proofs_are_final_update BEFORE UPDATE ON signoff_proofs
            BEGIN SELECT RAISE(ABORT, 'sign-off proofs cannot be changed'); END""",
        """CREATE TRIGGER signoff_proofs_are_final_delete BEFORE DELETE ON signoff_proofs
            BEGIN SELECT RAISE(ABORT, 'sign-off proofs cannot be deleted'); END""",
    ), postgresql=POSTGRESQL_V3),
)
"""The register component's schema; append a Migration to change it, never edit a released one."""
SCHEMA_VERSION = MIGRATIONS[-1].version
