"""The council's records in the riskengine database: users and their roles, sign-in sessions, failed sign-ins
(for the rate limit), the append-only audit log, and the state of each condition of an approval.

Every statement uses named parameters and portable SQL (no ``INSERT OR ...``, no ``RETURNING``), and every key
is made here in Python, so that the same code runs on the register's SQLite file and on PostgreSQL. Passwords
are kept as argon2 hashes (``riskengine.council.passwords``); a session's token is kept as its sha256, so a copy
of the database opens no session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NoReturn

from riskengine.council.schema import MIGRATIONS
from riskengine.database import Database, connect, migrate

CouncilRole = Literal["it", "marketing", "compliance", "admin"]
COUNCIL_ROLES: tuple[CouncilRole, ...] = ("it", "marketing", "compliance", "admin")
ConditionState = Literal["open", "done", "waived"]
TRACKED_DECISION = "approve_with_conditions"
"""Conditions are tracked for this decision only: the others have none to meet (or no approval yet)."""

SESSION_SECONDS = 8 * 3600
"""A working day: a session unused for longer must sign in again."""
LOGIN_FAILURES_ALLOWED = 5
LOGIN_WINDOW_SECONDS = 15 * 60
"""At most ``LOGIN_FAILURES_ALLOWED`` failed sign-ins per name and per address in this window (OWASP's
authentication cheat sheet: throttle by account and by source, so guessing one password for many accounts is
as slow as many passwords for one)."""


@dataclass(frozen=True, slots=True)
class User:
    user_id: str
    name: str
    display_name: str
    role: CouncilRole
    active: bool


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf_token: str
    expires_at: int


@dataclass(frozen=True, slots=True)
class AuditEvent:
    seq: int
    at: str
    actor: str
    role: str
    action: str
    target: str
    detail: str
    remote: str


@dataclass(frozen=True, slots=True)
class ConditionRecord:
    """One condition of an approval as the council tracks it: what is to be done, by whom and when (from the
    assessment, ``riskengine.council.conditions``), its state, and the evidence or the reason it was closed."""

    assessment_id: str
    condition_id: str
    vendor_key: str
    action: str
    owner: str
    due_point: str
    severity: str
    state: ConditionState
    due_date: str
    evidence_file: str
    """The stored file's random name in the upload folder (empty without a file)."""
    evidence_name: str
    """The file's name as uploaded (shown, never used as a path)."""
    evidence_sha256: str
    evidence_link: str
    note: str
    changed_by: str
    changed_at: str


_USER_COLUMNS = "user_id, name, display_name, role, active"
_CONDITION_COLUMNS = ("assessment_id, condition_id, vendor_key, action, owner, due_point, severity, state, due_date, "
                      "evidence_file, evidence_name, evidence_sha256, evidence_link, note, changed_by, changed_at")


def _user(row: Sequence[object]) -> User:
    user_id, name, display_name, role, active = row
    return User(str(user_id), str(name), str(display_name), role, bool(active))  # type: ignore[arg-type]


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Council:
    """The council's records in the database at ``location`` (a SQLite file's path or a database URL; created and
    migrated on first use); a context manager. ``path`` is how messages name it (a URL's password hidden)."""

    def __init__(self, location: str | os.PathLike[str]) -> None:
        self._db = connect(location)
        self.path = self._db.name
        try:
            migrate(self._db, "council", MIGRATIONS)
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        self._db.close()

    @property
    def database(self) -> Database:
        """The open database, for the council's other records (``riskengine.council.requests``)."""
        return self._db

    def __enter__(self) -> Council:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- users ----------------------------------------------------------------------------------------------

    def add_user(self, name: str, *, role: CouncilRole, password_hash: str, display_name: str = "",
                 now: dt.datetime, email: str = "") -> User:
        """A new user ``name`` (a sign-in name: no spaces) with ``role``; ``CouncilError`` when it is taken."""
        if role not in COUNCIL_ROLES:
            _refuse(f"unknown role {role!r}: expected one of {', '.join(COUNCIL_ROLES)}")
        if not name or any(character.isspace() for character in name) or len(name) > 64:
            _refuse(f"{name!r}: a user name is 1 to 64 characters without spaces")
        user = User(user_id=uuid.uuid4().hex, name=name, display_name=" ".join(display_name.split()) or name,
                    role=role, active=True)
        with self._db.transaction() as db:
            if self._user_row(db, name) is not None:
                _refuse(f"a user named {name!r} exists already")
            db.execute("INSERT INTO council_users (user_id, name, display_name, role, password_hash, created_at, "
                       "active, email) VALUES (:user_id, :name, :display_name, :role, :password_hash, :created_at, "
                       "1, :email)",
                       {"user_id": user.user_id, "name": name, "display_name": user.display_name, "role": role,
                        "password_hash": password_hash, "created_at": _iso(now), "email": email.strip()})
        return user

    def set_password(self, name: str, password_hash: str) -> None:
        with self._db.transaction() as db:
            if self._user_row(db, name) is None:
                _refuse(f"no user named {name!r}")
            db.execute("UPDATE council_users SET password_hash = :hash WHERE name = :name",
                       {"hash": password_hash, "name": name})
            db.execute("DELETE FROM council_sessions WHERE user_id = (SELECT user_id FROM council_users "
                       "WHERE name = :name)", {"name": name})

    def update_user(self, name: str, *, role: CouncilRole | None = None, active: bool | None = None) -> User:
        """Change ``name``'s role or whether it may sign in; either change ends the user's sessions (a session
        holds the role it was opened with). ``CouncilError`` for an unknown user or role, or when the change would
        leave no active administrator."""
        if role is not None and role not in COUNCIL_ROLES:
            _refuse(f"unknown role {role!r}: expected one of {', '.join(COUNCIL_ROLES)}")
        with self._db.transaction() as db:
            row = self._user_row(db, name)
            if row is None:
                _refuse(f"no user named {name!r}")
            before = _user(row)
            after = User(before.user_id, before.name, before.display_name, role or before.role,
                         before.active if active is None else active)
            if before.role == "admin" and before.active and not (after.role == "admin" and after.active):
                admins = db.execute("SELECT COUNT(*) FROM council_users WHERE role = 'admin' AND active = 1 "
                                    "AND name != :name", {"name": name}).fetchone()
                if not admins or int(admins[0]) == 0:
                    _refuse(f"{name!r} is the last active administrator: add another before changing this one")
            db.execute("UPDATE council_users SET role = :role, active = :active WHERE name = :name",
                       {"role": after.role, "active": int(after.active), "name": name})
            if after != before:
                db.execute("DELETE FROM council_sessions WHERE user_id = :user_id", {"user_id": before.user_id})
        return after

    def user(self, name: str) -> User | None:
        row = self._user_row(self._db, name)
        return _user(row) if row else None

    def users(self) -> list[User]:
        return [_user(row) for row in self._db.execute(f"SELECT {_USER_COLUMNS} FROM council_users ORDER BY name")]

    def emails_of_role(self, role: str) -> list[str]:
        """The mail addresses of the active users with ``role`` who gave one (reminders of their conditions)."""
        rows = self._db.execute("SELECT email FROM council_users WHERE role = :role AND active = 1 AND email <> '' "
                                "ORDER BY name", {"role": role})
        return [str(row[0]) for row in rows]

    def password_hash(self, name: str) -> str | None:
        row = self._db.execute("SELECT password_hash FROM council_users WHERE name = :name AND active = 1",
                               {"name": name}).fetchone()
        return str(row[0]) if row else None

    @staticmethod
    def _user_row(db: Database, name: str) -> tuple[object, ...] | None:
        row = db.execute(f"SELECT {_USER_COLUMNS} FROM council_users WHERE name = :name", {"name": name}).fetchone()
        return tuple(row) if row else None

    # --- sessions -------------------------------------------------------------------------------------------

    def open_session(self, user: User, *, remote: str) -> tuple[str, Session]:
        """A new session for ``user``: the token for its cookie (kept only as its sha256) and the session."""
        token, now = secrets.token_urlsafe(32), int(time.time())
        session = Session(user=user, csrf_token=secrets.token_urlsafe(32), expires_at=now + SESSION_SECONDS)
        with self._db.transaction() as db:
            db.execute("DELETE FROM council_sessions WHERE expires_at < :now", {"now": now})
            db.execute("INSERT INTO council_sessions (token_sha256, user_id, csrf_token, created_at, expires_at, "
                       "remote) VALUES (:token, :user_id, :csrf, :created, :expires, :remote)",
                       {"token": token_sha256(token), "user_id": user.user_id, "csrf": session.csrf_token,
                        "created": now, "expires": session.expires_at, "remote": remote})
        return token, session

    def session(self, token: str) -> Session | None:
        """The live session of this cookie token, or None (unknown, expired, or its user made inactive)."""
        row = self._db.execute(
            f"SELECT {', '.join('u.' + c for c in _USER_COLUMNS.split(', '))}, s.csrf_token, s.expires_at "
            "FROM council_sessions s JOIN council_users u ON u.user_id = s.user_id "
            "WHERE s.token_sha256 = :token AND s.expires_at >= :now AND u.active = 1",
            {"token": token_sha256(token), "now": int(time.time())}).fetchone()
        if row is None:
            return None
        return Session(user=_user(row[:5]), csrf_token=str(row[5]), expires_at=int(row[6]))

    def close_session(self, token: str) -> None:
        with self._db.transaction() as db:
            db.execute("DELETE FROM council_sessions WHERE token_sha256 = :token", {"token": token_sha256(token)})

    # --- sign-in rate limit ---------------------------------------------------------------------------------

    def login_blocked_for(self, subjects: Sequence[str]) -> int:
        """Seconds until a sign-in for these subjects (``name:dana``, ``addr:10.0.0.1``) may be tried again; 0 when
        none has reached ``LOGIN_FAILURES_ALLOWED`` failures in the window."""
        now = int(time.time())
        wait = 0
        for subject in subjects:
            rows = [int(row[0]) for row in self._db.execute(
                "SELECT at FROM council_login_failures WHERE subject = :subject AND at > :since ORDER BY at",
                {"subject": subject, "since": now - LOGIN_WINDOW_SECONDS})]
            if len(rows) >= LOGIN_FAILURES_ALLOWED:
                wait = max(wait, rows[-LOGIN_FAILURES_ALLOWED] + LOGIN_WINDOW_SECONDS - now)
        return wait

    def record_login_failure(self, subjects: Sequence[str]) -> None:
        now = int(time.time())
        with self._db.transaction() as db:
            db.execute("DELETE FROM council_login_failures WHERE at < :since", {"since": now - LOGIN_WINDOW_SECONDS})
            for subject in subjects:
                db.execute("INSERT INTO council_login_failures (failure_id, subject, at) VALUES (:id, :subject, :at)",
                           {"id": uuid.uuid4().hex, "subject": subject, "at": now})

    # --- audit log ------------------------------------------------------------------------------------------

    def audit(self, *, actor: str, role: str, action: str, target: str = "", detail: str = "",
              remote: str = "") -> AuditEvent:
        """Append one event (who, what, on what, from where; when is now, by the wall clock) to the audit log."""
        at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        with self._db.transaction() as db:
            (last,) = db.execute("SELECT COALESCE(MAX(seq), 0) FROM council_audit").fetchone()
            event = AuditEvent(seq=int(last) + 1, at=at, actor=actor, role=role, action=action, target=target,
                               detail=detail, remote=remote)
            db.execute("INSERT INTO council_audit (seq, event_id, at, actor, role, action, target, detail, remote) "
                       "VALUES (:seq, :event_id, :at, :actor, :role, :action, :target, :detail, :remote)",
                       {"event_id": uuid.uuid4().hex, "seq": event.seq, "at": at, "actor": actor, "role": role,
                        "action": action, "target": target, "detail": detail, "remote": remote})
        return event

    def audit_log(self, *, target: str | None = None, limit: int = 200) -> list[AuditEvent]:
        """The latest events, newest first (those about ``target`` only, when given)."""
        where = "WHERE target = :target " if target is not None else ""
        rows = self._db.execute(f"SELECT seq, at, actor, role, action, target, detail, remote FROM council_audit "
                                f"{where}ORDER BY seq DESC LIMIT :limit", {"target": target, "limit": limit})
        return [AuditEvent(int(row[0]), *(str(value) for value in row[1:])) for row in rows]

    # --- conditions -----------------------------------------------------------------------------------------

    def conditions(self, assessment_ids: Sequence[str]) -> dict[str, list[ConditionRecord]]:
        """The tracked conditions of these assessments, by assessment, in their order (C1, C2, ...)."""
        found: dict[str, list[ConditionRecord]] = {}
        for start in range(0, len(assessment_ids), 500):
            names = {f"a{index}": value for index, value in enumerate(assessment_ids[start:start + 500])}
            rows = self._db.execute(f"SELECT {_CONDITION_COLUMNS} FROM council_conditions WHERE assessment_id IN "
                                    f"({', '.join(':' + name for name in names)})", names)
            for row in rows:
                record = _condition(row)
                found.setdefault(record.assessment_id, []).append(record)
        for records in found.values():
            records.sort(key=lambda record: int(record.condition_id.removeprefix("C")))
        return found

    def track(self, assessment_ids: Sequence[str], records: Sequence[ConditionRecord]) -> None:
        """Start tracking the conditions (as open) of these assessments, read from their results: ``records`` holds
        them all (none for an assessment without conditions). An assessment tracked already keeps its own, so two
        processes tracking the same one at once leave one set."""
        if not assessment_ids:
            return
        with self._db.transaction() as db:
            fresh = set(assessment_ids) - self._tracked(db, assessment_ids)
            for assessment_id in sorted(fresh):
                db.execute("INSERT INTO council_tracked (assessment_id, conditions) VALUES (:id, :count)",
                           {"id": assessment_id,
                            "count": sum(1 for record in records if record.assessment_id == assessment_id)})
            for record in records:
                if record.assessment_id in fresh:
                    _insert_condition(db, record)

    def untracked(self, assessment_ids: Sequence[str]) -> list[str]:
        """Those of these assessments whose conditions were never read, in their order."""
        tracked = self._tracked(self._db, assessment_ids)
        return [item for item in assessment_ids if item not in tracked]

    @staticmethod
    def _tracked(db: Database, assessment_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        unique = sorted(set(assessment_ids))
        for start in range(0, len(unique), 500):
            names = {f"a{index}": value for index, value in enumerate(unique[start:start + 500])}
            found.update(str(row[0]) for row in db.execute(
                f"SELECT assessment_id FROM council_tracked WHERE assessment_id IN "
                f"({', '.join(':' + name for name in names)})", names))
        return found

    def set_condition(self, record: ConditionRecord) -> None:
        """Record a condition's new state (its row replaced: the audit log keeps every change)."""
        with self._db.transaction() as db:
            db.execute("DELETE FROM council_conditions WHERE assessment_id = :assessment_id "
                       "AND condition_id = :condition_id",
                       {"assessment_id": record.assessment_id, "condition_id": record.condition_id})
            _insert_condition(db, record)

    def open_conditions_due(self, until: dt.date) -> list[ConditionRecord]:
        """Open conditions whose due date is on or before ``until``, soonest first."""
        rows = self._db.execute(f"SELECT {_CONDITION_COLUMNS} FROM council_conditions WHERE state = 'open' AND "
                                "due_date <= :until ORDER BY due_date, assessment_id, condition_id",
                                {"until": until.isoformat()})
        return [_condition(row) for row in rows]

    def tracked_assessments(self) -> set[str]:
        """Every assessment whose conditions were read (those with none included)."""
        return {str(row[0]) for row in self._db.execute("SELECT assessment_id FROM council_tracked")}


def _condition(row: Sequence[object]) -> ConditionRecord:
    return ConditionRecord(*(str(value) for value in row))  # type: ignore[arg-type]


def _insert_condition(db: Database, record: ConditionRecord) -> None:
    values = {name: getattr(record, name) for name in _CONDITION_COLUMNS.split(", ")}
    db.execute(f"INSERT INTO council_conditions ({_CONDITION_COLUMNS}) VALUES "
               f"({', '.join(':' + name for name in values)})", values)


def _refuse(message: str) -> NoReturn:
    from riskengine.council.errors import CouncilError  # brings pydantic (riskengine.errors): only on an error

    raise CouncilError(message)


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()
