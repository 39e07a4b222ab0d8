"""The council's tables, as numbered migrations of the ``council`` component (see ``riskengine.database``).

Portable DDL only (TEXT, INTEGER and BIGINT columns, keys made in Python, no AUTOINCREMENT, no triggers), so the
same statements run on SQLite and on PostgreSQL. The audit log is append-only by construction: ``Council`` has
no method that changes or deletes an event, and each event carries its place in the log (``seq``), so a gap
shows a deletion.
"""

from __future__ import annotations

from riskengine.database import Migration

MIGRATIONS = (
    Migration(1, "council users, sessions, login attempts, audit log, condition states", (
        """CREATE TABLE council_users (
            user_id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('it', 'marketing', 'compliance', 'admin')),
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            active INTEGER NOT NULL)""",
        """CREATE TABLE council_sessions (
            token_sha256 TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES council_users (user_id),
            csrf_token TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            remote TEXT NOT NULL)""",
        "CREATE INDEX council_sessions_user ON council_sessions (user_id)",
        """CREATE TABLE council_login_failures (
            failure_id TEXT PRIMARY KEY,
            subject TEXT NOT NULL,
            at BIGINT NOT NULL)""",
        "CREATE INDEX council_login_failures_subject ON council_login_failures (subject, at)",
        """CREATE TABLE council_audit (
            seq BIGINT PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            role TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            detail TEXT NOT NULL,
            remote TEXT NOT NULL)""",
        "CREATE INDEX council_audit_target ON council_audit (target, seq)",
        """CREATE TABLE council_conditions (
            assessment_id TEXT NOT NULL,
            condition_id TEXT NOT NULL,
            vendor_key TEXT NOT NULL,
            action TEXT NOT NULL,
            owner TEXT NOT NULL,
            due_point TEXT NOT NULL,
            severity TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('open', 'done', 'waived')),
            due_date TEXT NOT NULL,
            evidence_file TEXT NOT NULL,
            evidence_name TEXT NOT NULL,
            evidence_sha256 TEXT NOT NULL,
            evidence_link TEXT NOT NULL,
            note TEXT NOT NULL,
            changed_by TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            PRIMARY KEY (assessment_id, condition_id))""",
        "CREATE INDEX council_conditions_due ON council_conditions (state, due_date)",
    )),
    Migration(2, "council: which assessments' conditions were read, those with none included", (
        """CREATE TABLE council_tracked (
            assessment_id TEXT PRIMARY KEY,
            conditions INTEGER NOT NULL)""",
        """INSERT INTO council_tracked (assessment_id, conditions)
            SELECT assessment_id, COUNT(*) FROM council_conditions GROUP BY assessment_id""",
    )),
    Migration(3, "vendor requests (invitations with their token), their evidence documents, reminders sent", (
        """CREATE TABLE council_vendor_requests (
            request_id TEXT PRIMARY KEY,
            vendor TEXT NOT NULL,
            email TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('unsent', 'sent', 'opened', 'in_progress', 'submitted',
                                                 'changes_requested', 'closed')),
            token_sha256 TEXT NOT NULL UNIQUE,
            csrf_token TEXT NOT NULL,
            reason TEXT NOT NULL,
            due_date TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            revoked INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            draft TEXT NOT NULL,
            questionnaire_file TEXT NOT NULL,
            questionnaire_name TEXT NOT NULL,
            questionnaire_sha256 TEXT NOT NULL,
            team_note TEXT NOT NULL,
            assessment_id TEXT NOT NULL)""",
        "CREATE INDEX council_vendor_requests_state ON council_vendor_requests (state, due_date)",
        """CREATE TABLE council_vendor_documents (
            document_id TEXT PRIMARY KEY,
            request_id TEXT NOT NULL REFERENCES council_vendor_requests (request_id),
            vendor TEXT NOT NULL,
            kind TEXT NOT NULL,
            file TEXT NOT NULL,
            name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            expires_on TEXT NOT NULL,
            uploaded_at TEXT NOT NULL)""",
        "CREATE INDEX council_vendor_documents_expiry ON council_vendor_documents (expires_on)",
        "ALTER TABLE council_users ADD COLUMN email TEXT NOT NULL DEFAULT ''",
        """CREATE TABLE council_reminders (
            reminder_key TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            target TEXT NOT NULL,
            recipient TEXT NOT NULL,
            sent_at TEXT NOT NULL)""",
    )),
)
