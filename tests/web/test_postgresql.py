"""The web app on a team's PostgreSQL register (``--db postgresql://...``): the same pages and records as on
SQLite, the portfolio's kept vendor list following the register's chain head, and the URL's password never shown."""

from __future__ import annotations

from pathlib import Path

from riskengine.council.store import Council
from riskengine.register.store import Register
from tests.conftest import SAMPLES
from tests.databases import USER, PostgresServer
from tests.web.conftest import csrf_of, start_server, stop_server, upload


def test_the_web_app_runs_on_postgresql(postgresql_server: PostgresServer, tmp_path: Path) -> None:
    taken = postgresql_server.take()
    url = taken.replace(f"//{USER}@", f"//{USER}:s3cret@")  # the tests' server trusts 127.0.0.1: never asked for
    process, server = start_server(tmp_path, db=url)
    try:
        with server.client("mia") as client:
            assert "No vendor" in client.get("/").text
            response = upload(client, SAMPLES / "northwind-mail.xlsx")
            assert response.status_code == 303, response.text
            assessment_id = response.headers["location"].rsplit("/", 1)[-1]
            assert "Northwind Mailworks B.V." in client.get("/", params={"q": "northwind"}).text, \
                "the kept (empty) vendor list was read again after the assessment was recorded"
        with server.client("dana") as client:
            signed = client.post(f"/assessments/{assessment_id}/sign", data={
                "csrf_token": csrf_of(client), "decision": "approve", "role": "compliance"})
            assert signed.status_code == 303, signed.text
            conditions = client.get(f"/api/assessments/{assessment_id}/conditions").json()
            assert [c["state"] for c in conditions] and {c["state"] for c in conditions} == {"open"}
            assert "sign-off" in client.get("/audit").text
    finally:
        stop_server(process)
    with Register(url) as register:
        assert [(s.role, s.decision) for s in register.signoffs(assessment_id)] == [("compliance", "approve")]
    with Council(url) as council:
        assert [e.action for e in council.audit_log(target=assessment_id)][:1] == ["sign-off"]
        assert set(council.conditions([assessment_id])) == {assessment_id}
    log = server.log.read_text()
    assert f"riskengine serving postgresql://{USER}:***@" in log and "s3cret" not in log
    postgresql_server.give_back(taken)
