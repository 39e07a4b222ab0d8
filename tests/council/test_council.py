"""The council's records: accounts with argon2id hashes, sessions kept as their token's sha256, the audit log
numbered without gaps, the sign-in rate limit, and the conditions' due dates from templates/council.yaml. The
store's tests run on SQLite and on PostgreSQL (the ``db`` fixture, ``tests.databases``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from riskengine.council.errors import CouncilError
from riskengine.council.passwords import hash_password, password_matches
from riskengine.council.rules import condition_due_date, council_rules
from riskengine.council.store import LOGIN_FAILURES_ALLOWED, ConditionRecord, Council
from riskengine.errors import UsageError
from tests.conftest import NOW
from tests.databases import Raw


def test_a_password_is_kept_as_an_argon2id_hash_and_checked() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert password_matches(stored, "correct horse battery")
    assert not password_matches(stored, "correct horse batterY")
    assert not password_matches(None, "correct horse battery"), "no such user: the same check, never a match"
    assert not password_matches("!", "anything at all"), "a proxy user's account has no password"
    with pytest.raises(UsageError, match="at least 12 characters, got 5"):
        hash_password("short")


def test_users_have_one_role_and_unique_names(db: Path | str) -> None:
    with Council(db) as council:
        user = council.add_user("dana", role="compliance", password_hash="h", display_name="  Dana   Ruiz ", now=NOW)
        assert (user.name, user.display_name, user.role) == ("dana", "Dana Ruiz", "compliance")
        with pytest.raises(CouncilError, match="a user named 'dana' exists already"):
            council.add_user("dana", role="it", password_hash="h", now=NOW)
        with pytest.raises(CouncilError, match="unknown role 'ceo'"):
            council.add_user("eve", role="ceo", password_hash="h", now=NOW)  # type: ignore[arg-type]
        with pytest.raises(CouncilError, match="without spaces"):
            council.add_user("eve smith", role="it", password_hash="h", now=NOW)
        assert [u.name for u in council.users()] == ["dana"]


def test_a_session_is_kept_only_as_the_sha256_of_its_token(db: Path | str) -> None:
    with Council(db) as council:
        user = council.add_user("ada", role="it", password_hash="h", now=NOW)
        token, session = council.open_session(user, remote="127.0.0.1")
        assert council.session(token) == session
        assert council.session(token + "x") is None
        council.close_session(token)
        assert council.session(token) is None
    with Raw(db) as raw:
        stored = raw.execute("SELECT token_sha256 FROM council_sessions")
    assert token not in str(stored)


def test_the_audit_log_is_numbered_without_gaps_newest_first(db: Path | str) -> None:
    with Council(db) as council:
        for action in ("sign-in", "assess", "sign-off"):
            council.audit(actor="mia", role="marketing", action=action, target="RA-1", remote="10.0.0.7")
        council.audit(actor="ada", role="it", action="sign-in")
        events = council.audit_log()
        assert [(e.seq, e.action) for e in events] == [(4, "sign-in"), (3, "sign-off"), (2, "assess"), (1, "sign-in")]
        assert [e.seq for e in council.audit_log(target="RA-1")] == [3, 2, 1]
        assert events[1].remote == "10.0.0.7" and events[1].actor == "mia"


def test_sign_in_is_blocked_after_too_many_failures_per_subject(db: Path | str) -> None:
    with Council(db) as council:
        subjects = ["name:mia", "addr:10.0.0.7"]
        for _ in range(LOGIN_FAILURES_ALLOWED - 1):
            council.record_login_failure(subjects)
        assert council.login_blocked_for(subjects) == 0
        council.record_login_failure(subjects)
        assert 890 <= council.login_blocked_for(["addr:10.0.0.7"]) <= 900
        assert council.login_blocked_for(["name:ada"]) == 0


def test_condition_due_dates_follow_the_councils_rules() -> None:
    created = dt.date(2026, 11, 24)
    days = council_rules().condition_due_days
    assert condition_due_date(created, "before-go-live", "2028-11-24") == (created + dt.timedelta(
        days=days["before-go-live"])).isoformat() == "2026-12-24"
    assert condition_due_date(created, "within-90-days", "2028-11-24") == "2027-02-22"
    assert condition_due_date(created, "at-renewal", "2028-11-24") == "2028-11-24", "at renewal: the reassessment"


def test_the_council_schema_is_portable_ddl() -> None:
    """No SQLite-only syntax, so the same migrations run on PostgreSQL: no AUTOINCREMENT, no INSERT OR, no
    triggers, no REAL or BLOB columns."""
    from riskengine.council.schema import MIGRATIONS

    text = " ".join(statement.upper() for step in MIGRATIONS for statement in step.statements)
    for word in ("AUTOINCREMENT", "INSERT OR", "TRIGGER", " REAL", " BLOB", "WITHOUT ROWID", "PRAGMA"):
        assert word not in text, word
    assert "CREATE TABLE COUNCIL_AUDIT" in text


def _condition(assessment_id: str, number: int, due: str, state: str = "open") -> ConditionRecord:
    return ConditionRecord(assessment_id=assessment_id, condition_id=f"C{number}", vendor_key="acme", action="DPA",
                           owner="compliance", due_point="before-go-live", severity="high", state=state,  # type: ignore[arg-type]
                           due_date=due, evidence_file="", evidence_name="", evidence_sha256="", evidence_link="",
                           note="", changed_by="", changed_at="")


def test_conditions_are_tracked_once_changed_by_replacement_and_listed_when_due(db: Path | str) -> None:
    with Council(db) as council:
        council.track(["RA-1", "RA-2", "RA-3"], [_condition("RA-1", 10, "2026-12-24"),
                                                 _condition("RA-1", 2, "2026-12-01"),
                                                 _condition("RA-2", 1, "2027-03-01")])
        # RA-1's conditions are tracked already: nothing added; RA-3 has none, and is never read again.
        council.track(["RA-1"], [_condition("RA-1", 3, "2026-11-30")])
        assert council.untracked(["RA-4", "RA-3", "RA-2", "RA-1", "RA-4"]) == ["RA-4", "RA-4"]
        found = council.conditions(["RA-1", "RA-2", "RA-9"])
        assert [c.condition_id for c in found["RA-1"]] == ["C2", "C10"], "in their order, C10 after C2"
        assert [c.condition_id for c in found["RA-2"]] == ["C1"] and "RA-9" not in found
        council.set_condition(replace(found["RA-1"][0], state="done", note="signed", changed_by="dana"))
        due = council.open_conditions_due(dt.date(2026, 12, 31))
        assert [(c.assessment_id, c.condition_id) for c in due] == [("RA-1", "C10")], "C2 is done, RA-2 not due"
        assert council.conditions(["RA-1"])["RA-1"][0].note == "signed"
        assert council.tracked_assessments() == {"RA-1", "RA-2", "RA-3"}


def test_an_older_council_learns_which_assessments_it_tracks(db: Path | str) -> None:
    """Migration 2: the assessments whose conditions a version-1 council tracks are known as tracked, with their
    count, so ``due`` never reads their results again."""
    from riskengine.council.schema import MIGRATIONS
    from riskengine.council.store import _insert_condition
    from riskengine.database import component_version, connect, migrate

    old = connect(db)
    try:
        migrate(old, "council", MIGRATIONS[:1])
        with old.transaction():
            for record in (_condition("RA-1", 1, "2026-12-01"), _condition("RA-1", 2, "2026-12-02"),
                           _condition("RA-2", 1, "2027-01-01")):
                _insert_condition(old, record)
    finally:
        old.close()
    with Council(db) as council:
        assert council.tracked_assessments() == {"RA-1", "RA-2"}
        assert council.untracked(["RA-1", "RA-3"]) == ["RA-3"]
    upgraded = connect(db)
    try:
        assert component_version(upgraded, "council") == len(MIGRATIONS) == 3  # and on to the vendor loop's
        counts = dict(upgraded.execute("SELECT assessment_id, conditions FROM council_tracked").fetchall())
        assert counts == {"RA-1": 2, "RA-2": 1}
    finally:
        upgraded.close()
