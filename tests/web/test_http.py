"""The web app over HTTP, against the real server: sign-in, roles, CSRF, sessions, uploads, the audit log, the
security headers and the JSON API."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from pathlib import Path

import httpx
import pytest

from riskengine.register.store import Register
from tests.conftest import SAMPLES, FillFactory
from tests.web.conftest import PASSWORD, Server, csrf_of, sign_in, start_server, stop_server, upload


@pytest.fixture(scope="module")
def assessed(server: Server) -> str:
    """Northwind assessed once through the web, by marketing."""
    with server.client("mia") as client:
        response = upload(client, SAMPLES / "northwind-mail.xlsx")
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_every_response_carries_the_security_headers(server: Server) -> None:
    response = httpx.get(server.url + "/login")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "server" not in response.headers
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert re.search(r"<script(?![^>]*\bsrc=)", response.text) is None, "no inline script"
    assert re.search(r"\son[a-z]+\s*=", response.text) is None, "no inline event handler"


def test_pages_need_a_session_and_the_api_answers_401(server: Server) -> None:
    page = httpx.get(server.url + "/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert httpx.get(server.url + "/api/vendors").status_code == 401
    forged = httpx.get(server.url + "/", cookies={"riskengine_session": "not-a-session"}, follow_redirects=False)
    assert forged.status_code == 303


def test_sign_in_sets_a_strict_http_only_cookie_and_is_audited(server: Server) -> None:
    with server.client() as client:
        response = sign_in(client, "ada")
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("riskengine_session=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert "Secure" not in cookie  # plain HTTP on 127.0.0.1; behind TLS it is set (docs/web.md)
        assert client.get("/api/me").json() == {"name": "ada", "display_name": "Ada Admin", "role": "it"}
    with server.client("dana") as client:
        log = client.get("/audit").text
    assert re.search(r"<td>ada</td><td>it</td><td>sign-in</td>", log)


def test_a_wrong_password_is_refused_and_sign_in_is_rate_limited(tmp_path: Path) -> None:
    process, server = start_server(tmp_path)
    try:
        with server.client() as client:
            for _ in range(5):
                failed = sign_in(client, "mia", "not the password at all")
                assert failed.status_code == 401
                assert "That name and password do not match an account." in failed.text
            blocked = sign_in(client, "mia", PASSWORD)
            assert blocked.status_code == 429
            assert "Too many failed sign-ins. Try again in 15 minutes." in blocked.text
            assert "riskengine_session" not in blocked.headers.get("set-cookie", "")
            other = sign_in(client, "nobody-here", PASSWORD)  # the same address is blocked too
            assert other.status_code == 429
    finally:
        stop_server(process)
    assert _count(server.db, "council_login_failures") == 10  # each failure counts for the name and the address


def test_a_change_without_the_csrf_token_or_from_another_site_is_refused(server: Server, assessed: str) -> None:
    with server.client("ada") as client:
        token = csrf_of(client)
        form = {"decision": "approve", "role": "it"}
        missing = client.post(f"/assessments/{assessed}/sign", data=form)
        assert missing.status_code == 403
        assert "This form has expired or did not come from riskengine" in missing.text
        wrong = client.post(f"/assessments/{assessed}/sign", data={**form, "csrf_token": "x" * 43})
        assert wrong.status_code == 403
        elsewhere = client.post(f"/assessments/{assessed}/sign", data={**form, "csrf_token": token},
                                headers={"Origin": "https://evil.example"})
        assert elsewhere.status_code == 403
        assert "This request came from another site" in elsewhere.text
        no_origin = httpx.post(f"{server.url}/assessments/{assessed}/sign", data={**form, "csrf_token": token},
                               cookies=client.cookies)
        assert no_origin.status_code == 403
        assert "no Origin header" in no_origin.text
    with Register(server.db) as register:
        assert register.signoffs(assessed) == []


def test_a_marketing_user_cannot_sign_for_it(server: Server, assessed: str) -> None:
    with server.client("mia") as client:
        response = client.post(f"/assessments/{assessed}/sign", data={
            "csrf_token": csrf_of(client), "decision": "approve", "role": "it"})
        assert response.status_code == 403
        assert "You sign for your own role only (marketing), not for it." in response.text
    with Register(server.db) as register:
        assert register.signoffs(assessed) == []
    with server.client("dana") as client:
        assert "tried to sign for it" in client.get("/audit").text


def test_a_session_of_another_role_is_refused_where_its_role_may_not_go(server: Server, assessed: str) -> None:
    with server.client("mia") as client:
        audit = client.get("/audit")
        assert audit.status_code == 403
        assert "This needs the role compliance or admin; you are signed in as marketing." in audit.text
        conditions = client.get(f"/api/assessments/{assessed}/conditions").json()
        it_condition = next(c["condition_id"] for c in conditions if c["owner"] == "it")
        waive = client.post(f"/assessments/{assessed}/conditions/{it_condition}", data={
            "csrf_token": csrf_of(client), "action": "waive", "note": "not needed"})
        assert waive.status_code == 403 and "Only compliance waives a condition." in waive.text
        done = client.post(f"/assessments/{assessed}/conditions/{it_condition}", data={
            "csrf_token": csrf_of(client), "action": "done", "note": "x", "link": "https://example.com/review"})
        assert done.status_code == 403 and "This condition is it&#39;s to close (or compliance&#39;s)." in done.text
    with server.client("root") as client:
        refused = client.get(f"/assessments/{assessed}/sign")
        assert refused.status_code == 403
        assert "Only IT, marketing and compliance sign off; you are signed in as admin." in refused.text


def test_a_bad_questionnaire_lists_every_cell_and_records_nothing(server: Server, filled: FillFactory) -> None:
    path = filled(SEC_04="yep", RES_01=150)
    kept = set((server.data / "uploads").glob("*"))
    with Register(server.db) as register:
        before = len(register.vendors())
    with server.client("ada") as client:
        response = upload(client, path, "vendor answers.xlsx")
    assert response.status_code == 422
    text = re.sub(r"\s+", " ", response.text)
    assert "vendor answers.xlsx: 2 problems, nothing recorded" in text
    assert re.search(r"<code>Security!D\d+</code></td><td>SEC-04</td><td>expected one of Yes, No, Partial, N/A; "
                     r"got &#34;yep&#34;", text)
    assert "<code>Resilience and support!D5</code></td><td>RES-01</td><td>150 is above the maximum of 100" in text
    assert "Tracking and consent!D14</code> optional answer left blank" in text  # the warnings too
    with Register(server.db) as register:
        assert len(register.vendors()) == before
    assert set((server.data / "uploads").glob("*")) == kept, "the refused upload is not kept"


def test_a_hostile_upload_gets_the_clis_message_and_nothing_is_recorded(server: Server, tmp_path: Path) -> None:
    """A zip that is no workbook: the same sentence as ``riskengine validate``, the name the user gave it."""
    from tests.conftest import run_cli

    hostile = tmp_path / "invoice.xlsx"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("../../etc/evil.xml", "<x/>" * 10)
    kept = set((server.data / "uploads").glob("*"))
    cli = run_cli("validate", str(hostile))
    assert cli.returncode == 2
    message = cli.stderr.strip().removeprefix("error: ").replace(str(hostile), "invoice.xlsx")
    with server.client("ada") as client:
        response = upload(client, hostile)
    assert response.status_code == 422
    assert message.split(": ", 1)[1] in response.text.replace("&#39;", "'").replace("&#34;", '"')
    assert set((server.data / "uploads").glob("*")) == kept


def test_uploads_are_told_by_content_and_size(server: Server, tmp_path: Path) -> None:
    fake = tmp_path / "questionnaire.xlsx"
    fake.write_bytes(b"%PDF-1.7\n" + b"0" * 100)
    with server.client("ada") as client:
        response = upload(client, fake)
        assert response.status_code == 415
        assert "The questionnaire (questionnaire.xlsx) is not an Excel workbook or JSON by its content" in response.text
        huge = client.post("/assessments/new", data={"csrf_token": csrf_of(client)},
                           files={"questionnaire": ("big.xlsx", b"PK\x03\x04" + b"0" * 27_000_000)})
        assert huge.status_code == 413
        assert "larger than 25 MB" in huge.text


def test_errors_are_pages_with_no_trace(server: Server) -> None:
    with server.client("ada") as client:
        missing = client.get("/assessments/RA-20261124-FFFFFFFFFF")
        assert missing.status_code == 404
        assert "There is no assessment RA-20261124-FFFFFFFFFF in the register" in missing.text
        assert "Traceback" not in missing.text
        nowhere = client.get("/no/such/page")
        assert nowhere.status_code == 404 and "There is no such page" in nowhere.text
        assert client.get("/docs").status_code == 404  # no debug or docs pages that load from elsewhere


def test_the_json_api_serves_the_same_data_with_its_schema(server: Server, assessed: str) -> None:
    with server.client("dana") as client:
        schema = client.get("/api/openapi.json").json()
        assert {"/api/vendors", "/api/assessments/{assessment_id}", "/api/assessments/{assessment_id}/signoffs",
                "/api/assessments/{assessment_id}/conditions", "/api/due", "/api/me"} <= set(schema["paths"])
        vendors = client.get("/api/vendors", params={"q": "northwind"}).json()
        (vendor,) = vendors["vendors"]
        assert vendor["latest_assessment"] == assessed and vendor["decision"] == "approve_with_conditions"
        result = client.get(f"/api/assessments/{assessed}")
        with Register(server.db) as register:
            assert result.content == register.result(assessed)
            row = register.assessment(assessed)
        assert vendor["residual"] == row.residual == json.loads(result.content)["risk"]["residual"]
        assert client.get(f"/api/assessments/{assessed}/signoffs").json()["status"] in ("not signed", "pending",
                                                                                         "approved", "rejected")


def test_the_portfolio_filters_sorts_and_pages_on_the_server(server: Server, assessed: str) -> None:
    with server.client("ada") as client:
        page = client.get("/", params={"q": "northwind", "tier": "low"})
        assert page.status_code == 200 and "Northwind Mailworks B.V." in page.text
        assert "1 of " in page.text
        none = client.get("/", params={"tier": "critical", "q": "northwind"})
        assert "No vendor matches." in none.text
        part = client.get("/", params={"q": "northwind"}, headers={"HX-Request": "true"})
        assert part.text.lstrip().startswith("<p class=\"muted\">") and "<html" not in part.text
        workbook = client.get("/portfolio.xlsx", params={"q": "northwind"})
        assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert workbook.content[:4] == b"PK\x03\x04"


def test_user_add_refuses_a_short_password_and_a_taken_name(server: Server) -> None:
    import subprocess
    import sys

    def add(name: str, password: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "riskengine", "user", "add", name, "--role", "it",
                               "--password-stdin", "--db", str(server.db)], input=password + "\n", text=True,
                              capture_output=True, timeout=60)

    taken = add("ada", "x" * 20)
    assert taken.returncode == 2 and "error: a user named 'ada' exists already" in taken.stderr
    short = add("eve", "short")
    assert short.returncode == 2 and "error: a password needs at least 12 characters, got 5" in short.stderr
    assert "Traceback" not in taken.stderr + short.stderr


def test_behind_a_proxy_the_trusted_header_names_the_user_and_the_map_their_role(tmp_path: Path) -> None:
    roles = tmp_path / "roles.yaml"
    roles.write_text("users:\n  dana.ruiz: compliance\n  ada.admin: it\n", encoding="utf-8")
    process, server = start_server(tmp_path, "--trust-header", "X-Remote-User", "--role-map", str(roles),
                                   users=False)
    try:
        with httpx.Client(base_url=server.url, headers={"Origin": server.url}) as client:
            assert client.get("/", follow_redirects=False).status_code == 303  # no header: not signed in
            me = client.get("/api/me", headers={"X-Remote-User": "dana.ruiz"})
            assert me.json() == {"name": "dana.ruiz", "display_name": "dana.ruiz", "role": "compliance"}
            assert "riskengine_session=" in me.headers["set-cookie"]  # a session, for the forms' CSRF token
            stranger = client.get("/", headers={"X-Remote-User": "mallory"})
            assert stranger.status_code == 403
            assert "Mallory has no role in riskengine&#39;s role mapping" in stranger.text
            switched = client.get("/api/me", headers={"X-Remote-User": "ada.admin"})
            assert switched.json()["role"] == "it"  # the proxy's user, whatever session the cookie names
    finally:
        stop_server(process)


def test_overdue_conditions_are_flagged_on_the_portfolio_and_in_due(server: Server, assessed: str,
                                                                   tmp_path: Path) -> None:
    """Northwind's IT condition (before go-live: due 30 days after 24 November 2026) seen on 10 January 2027."""
    import datetime as dt
    import subprocess
    import sys

    from tests.register.conftest import epoch_of

    later = epoch_of(dt.date(2027, 1, 10))  # a second server on the same register, its clock seven weeks on
    process, moved = start_server(tmp_path, users=False, epoch=later, db=server.db)
    try:
        with moved.client("dana") as client:
            row = re.sub(r"\s+", " ", client.get("/", params={"q": "northwind"}).text)
            assert re.search(r'<tr class="overdue">.*Northwind Mailworks B\.V\..*<span class="flag">1 overdue</span>',
                             row)
            due = client.get("/api/due", params={"within": "0"}).json()
            assert [(c["assessment_id"], c["condition_id"], c["due_date"], c["owner"]) for c in due["conditions"]] == [
                (assessed, "C1", "2026-12-24", "it")]
    finally:
        stop_server(process)
    result = subprocess.run([sys.executable, "-m", "riskengine", "due", "--as-of", "2027-01-10", "--within", "0",
                             "--db", str(moved.db)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-2] == "1 open condition due by 2027-01-10 (1 overdue)"
    assert lines[-1].split()[:6] == ["2026-12-24", "overdue", "17", "days", "Northwind", "Mailworks"]
    assert lines[-1].endswith(f"it         {assessed} C1: IT architecture reviews and approves the integration with t…")


def test_a_foreign_questionnaire_is_assessed_with_the_identity_given_beside_it(server: Server,
                                                                             tmp_path: Path) -> None:
    """A CAIQ names no vendor: the form's fields give it, as assess's --vendor-name and --vendor-domain do."""
    from tests.importers.builders import caiq_workbook
    from tests.importers.test_caiq import ROWS

    path = caiq_workbook(tmp_path / "caiq answers.xlsx", ROWS)
    with server.client("mia") as client:
        response = client.post("/assessments/new", data={
            "csrf_token": csrf_of(client), "inventory": "", "org": "", "vendor_name": "Caiq Example GmbH",
            "vendor_product": "Example CDP", "vendor_domain": "caiq.example"},
            files={"questionnaire": (path.name, path.read_bytes())})
        assert response.status_code == 303, response.text
        assessment_id = response.headers["location"].rsplit("/", 1)[-1]
        page = client.get(response.headers["location"])
        assert "<h1>Caiq Example GmbH</h1>" in page.text
    with Register(server.db) as register:
        recorded = register.load(assessment_id)
    assert (recorded.vendor.legal_name, recorded.vendor.domain) == ("Caiq Example GmbH", "caiq.example")
    assert recorded.coverage is not None and recorded.coverage.format == "caiq"
    assert recorded.graph is None  # no inventory picked
