"""The vendor loop over HTTP against the real server: the team invites from the web app (the mail caught by a real
SMTP server on 127.0.0.1), the vendor's link opens its page only (expired, revoked, guessed or another request's
token refused), uploads get the CLI's checks and limits, the online answers are checked as a workbook, the team
asks for changes and assesses the submission. A subset runs on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from riskengine.council.requests import VendorRequests
from riskengine.council.store import Council
from tests.conftest import SAMPLES, FillFactory
from tests.databases import PostgresServer
from tests.mail_server import RunningServer, mail_server
from tests.web.conftest import Server, csrf_of, start_server, stop_server
from tests.web.vendor_flow import (
    invite_from_web,
    mail_options,
    northwind_fields,
    upload_questionnaire,
    vendor_client,
    vendor_csrf,
    vendor_path,
)


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, RunningServer]]:
    with mail_server() as mail:
        process, server = start_server(tmp_path_factory.mktemp("vendor-web"), *mail_options(mail.port))
        try:
            yield server, mail
        finally:
            stop_server(process)


def _invite(server: Server, mail: RunningServer, vendor: str, email: str) -> tuple[str, str, str]:
    before = len(mail.catcher.mails)
    with server.client("dana") as client:
        response = invite_from_web(client, vendor, email)
        assert response.status_code == 303, response.text
    assert len(mail.catcher.mails) == before + 1
    return vendor_path(mail.catcher.bodies()[-1])


def test_the_team_invites_and_the_vendor_page_shows_nothing_of_ours(loop: tuple[Server, RunningServer]) -> None:
    server, mail = loop
    path, request_id, _ = _invite(server, mail, "Acme Analytics", "security@acme.example")
    assert mail.catcher.mails[-1]["To"] == "security@acme.example"
    with server.client("mia") as marketing:
        refused = invite_from_web(marketing, "Other", "x@other.example")
        assert refused.status_code == 403 and "This needs the role it or compliance or admin" in refused.text
        listing = marketing.get("/requests")
        assert request_id in listing.text and "Acme Analytics" in listing.text and ">sent<" in listing.text
    with vendor_client(server) as vendor:
        home = vendor.get(path)
        assert home.status_code == 200
        assert home.headers["referrer-policy"] == "same-origin", "the link's token never leaves in a Referer"
        assert "Security and privacy questionnaire for Acme Analytics" in home.text
        for ours in ("Portfolio", "Salesforce", "Northwind", "Sign out", "/assessments"):
            assert ours not in home.text, f"the vendor's page shows {ours!r}"
        template = vendor.get(f"{path}/template.xlsx")
        assert template.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(template.content))
        assert "Our systems" not in book.sheetnames and "Security" in " ".join(book.sheetnames)
        assert vendor.get("/").status_code == 303 and vendor.get("/requests").status_code == 303, "no way in"
    with Council(server.db) as council:
        request = VendorRequests(council).get(request_id)
        assert request is not None and request.state == "opened"
        actions = [event.action for event in council.audit_log(target=request_id)]
        assert actions[:3] == ["request opened", "request sent", "request created"]


def test_a_token_expired_revoked_guessed_or_of_another_vendor_is_refused(loop: tuple[Server, RunningServer]) -> None:
    server, mail = loop
    path, request_id, token = _invite(server, mail, "Globex", "it@globex.example")
    other_path, other_id, other_token = _invite(server, mail, "Initech", "it@initech.example")
    with vendor_client(server) as vendor:
        assert vendor.get(path).status_code == 200
        for wrong in (f"/vendor/{other_id}/{token}", f"/vendor/{request_id}/{token[:-2]}AA",
                      f"/vendor/VR-000000000000/{token}", f"/vendor/{request_id}/x"):
            refused = vendor.get(wrong)
            assert refused.status_code == 403, wrong
            assert "This link is not valid" in refused.text and "Back to the portfolio" not in refused.text
        posted = vendor.post(f"/vendor/{other_id}/{token}/upload", data={"csrf_token": "x"},
                             files={"questionnaire": ("a.xlsx", b"PK\x03\x04")})
        assert posted.status_code == 403
        with server.client("dana") as client:
            revoked = client.post(f"/requests/{other_id}/revoke", data={"csrf_token": csrf_of(client)})
            assert revoked.status_code == 303
        withdrawn = vendor.get(other_path)
        assert withdrawn.status_code == 403 and "This link was withdrawn" in withdrawn.text
        del other_token
        with Council(server.db) as council:  # a request whose link expired yesterday (the server's clock: 11-24)
            requests = VendorRequests(council)
            old, old_token = requests.create("Umbrella", "it@umbrella.example", due=dt.date(2026, 10, 1),
                                             now=dt.datetime(2026, 9, 1, tzinfo=dt.UTC), created_by="dana",
                                             link_days_after_due=30)
            requests.update(old, actor="dana", role="compliance", state="sent")
            assert sum(1 for e in council.audit_log(limit=500) if e.action == "vendor link refused") >= 5
        expired = vendor.get(f"/vendor/{old.request_id}/{old_token}")
        assert expired.status_code == 403 and "This link expired on 2026-10-31" in expired.text


def test_the_vendors_posts_need_its_own_csrf_token_and_origin(loop: tuple[Server, RunningServer]) -> None:
    server, mail = loop
    path, _, _ = _invite(server, mail, "Hooli", "it@hooli.example")
    with vendor_client(server) as vendor:
        token = vendor_csrf(vendor, path)
        without = vendor.post(f"{path}/answer", data={"action": "save"})
        assert without.status_code == 403 and "reload the page" in without.text
        with server.client("dana") as client:  # a session's token of ours is not the vendor's
            assert vendor.post(f"{path}/answer", data={"csrf_token": csrf_of(client)}).status_code == 403
        foreign = vendor.post(f"{path}/answer", data={"csrf_token": token}, headers={"Origin": "https://evil.example"})
        assert foreign.status_code == 403 and "came from another site" in foreign.text


def test_uploads_are_checked_as_on_the_command_line(loop: tuple[Server, RunningServer], filled: FillFactory) -> None:
    server, mail = loop
    path, request_id, _ = _invite(server, mail, "Pied Piper", "it@piedpiper.example")
    kept = set((server.data / "uploads" / "vendors").glob("*")) if (server.data / "uploads" / "vendors").exists() \
        else set()
    bad = filled("answers.xlsx", SEC_01="yep", VEN_05=1850)
    hostile = io.BytesIO()
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("../../etc/evil.xml", "<x/>" * 10)
    with vendor_client(server) as vendor:
        problems = upload_questionnaire(vendor, path, bad)
        assert problems.status_code == 422
        text = problems.text.replace("&#39;", "'").replace("&#34;", '"')
        assert "answers.xlsx:" in text and "nothing kept" in text
        assert "expected one of Yes, No, Partial, N/A; got \"yep\"" in text
        assert "1850 is below the minimum of 1900" in text
        assert text.count('<td class="place"><code>') >= 2, "every problem at once, each with its cell"
        assert upload_questionnaire(vendor, path, hostile.getvalue(), "evil.xlsx").status_code == 422
        pdf = upload_questionnaire(vendor, path, b"%PDF-1.7\n" + b"0" * 100, "q.xlsx")
        assert pdf.status_code == 415 and "is not an Excel workbook or JSON by its content" in pdf.text
        huge = vendor.post(f"{path}/upload", data={"csrf_token": vendor_csrf(vendor, path)},
                           files={"questionnaire": ("big.xlsx", b"PK\x03\x04" + b"0" * 27_000_000)})
        assert huge.status_code == 413 and "larger than 25 MB" in huge.text
        executable = vendor.post(f"{path}/documents", data={"csrf_token": vendor_csrf(vendor, path), "kind": "dpa"},
                                 files={"document": ("dpa.pdf", b"MZ\x90\x00" + b"\x00" * 200)})
        assert executable.status_code == 415
        stale = vendor.post(f"{path}/documents", data={"csrf_token": vendor_csrf(vendor, path), "kind": "soc2",
                                                       "expires_on": "2026-01-31"},
                            files={"document": ("soc2.pdf", b"%PDF-1.7\n%%EOF\n")})
        assert stale.status_code == 400 and "expired on 2026-01-31" in stale.text
        undated = vendor.post(f"{path}/documents", data={"csrf_token": vendor_csrf(vendor, path), "kind": "soc2"},
                              files={"document": ("soc2.pdf", b"%PDF-1.7\n%%EOF\n")})
        assert undated.status_code == 400 and "Give the date the SOC 2 report expires" in undated.text
    assert set((server.data / "uploads" / "vendors").glob("*")) == kept, "nothing refused is kept"
    with Council(server.db) as council:
        request = VendorRequests(council).get(request_id)
        assert request is not None and request.questionnaire_file == "" and request.state == "opened"
    log = server.log.read_text()
    assert f"/vendor/{request_id}/***/upload HTTP/1.1" in log and path.rsplit("/", 1)[1] not in log, \
        "the access log never holds a working link"


def test_answering_online_saving_a_draft_submitting_and_changes_requested(loop: tuple[Server, RunningServer]) -> None:
    server, mail = loop
    path, request_id, _ = _invite(server, mail, "Northwind Mailworks B.V.", "security@northwind.example")
    fields = northwind_fields()
    with vendor_client(server) as vendor:
        form = vendor.get(f"{path}/answer")
        assert form.status_code == 200
        assert '<select name="answer.SEC-01"' in form.text and "<option>Partial</option>" in form.text
        assert 'name="answer.VEN-05" value="" min="1900" max="2100" step="1"' in form.text
        partial = {key: value for key, value in fields.items() if key.startswith("answer.VEN")}
        saved = vendor.post(f"{path}/answer", data={"csrf_token": vendor_csrf(vendor, path), "action": "save",
                                                    **partial, "answer.VEN-06": "lots"})
        assert saved.status_code == 200 and "Draft saved;" in saved.text and "to fix before you submit" in saved.text
        assert "expected a number in employees; got &#34;lots&#34;" in saved.text
        again = vendor.get(f"{path}/answer")
        assert 'value="lots"' in again.text and f'value="{fields["answer.VEN-01"]}"' in again.text, "the draft is kept"
        refused = vendor.post(f"{path}/answer", data={"csrf_token": vendor_csrf(vendor, path), "action": "submit",
                                                      **partial})
        assert refused.status_code == 422 and "Not submitted:" in refused.text
        submitted = vendor.post(f"{path}/answer", data={"csrf_token": vendor_csrf(vendor, path), "action": "submit",
                                                        **fields})
        assert submitted.status_code == 303, submitted.text
        home = vendor.get(path)
        assert "your answers are submitted" in home.text
        late = vendor.post(f"{path}/answer", data={"csrf_token": vendor_csrf(vendor, path), "action": "save"})
        assert late.status_code == 409
    with server.client("dana") as client:
        page = client.get(f"/requests/{request_id}")
        assert ">submitted<" in page.text and "answered online" in page.text
        asked = client.post(f"/requests/{request_id}/changes", data={
            "csrf_token": csrf_of(client), "note": "VEN-06: count contractors too, please."})
        assert asked.status_code == 303
    with vendor_client(server) as vendor:
        home = vendor.get(path)
        assert "asks for changes" in home.text and "VEN-06: count contractors too, please." in home.text
        resubmitted = vendor.post(f"{path}/answer", data={"csrf_token": vendor_csrf(vendor, path),
                                                          "action": "submit", **fields})
        assert resubmitted.status_code == 303
    with server.client("ada") as client:
        assessed = client.post(f"/requests/{request_id}/assess", data={"csrf_token": csrf_of(client),
                                                                       "inventory": "1", "org": "1"})
        assert assessed.status_code == 303, assessed.text
        assessment_id = assessed.headers["location"].rsplit("/", 1)[-1]
        assert "Northwind Mailworks B.V." in client.get(f"/assessments/{assessment_id}").text
    with Council(server.db) as council:
        request = VendorRequests(council).get(request_id)
        assert request is not None and (request.state, request.assessment_id) == ("closed", assessment_id)
        actions = [event.action for event in reversed(council.audit_log(target=request_id))]
        assert [action for action in actions if action != "vendor draft saved"] == [
            "request created", "request sent", "request opened", "request submitted", "request changes requested",
            "request submitted", "request closed"], actions
        assert actions.count("vendor draft saved") == 4, "save, the refused submit, two submits: each kept"
        events = council.audit_log(target=request_id)
        assert any(e.action == "vendor draft saved" and "opened -> in progress" in e.detail for e in events)
    with vendor_client(server) as vendor:
        closed = vendor.get(path)
        assert closed.status_code == 403 and "This request is closed" in closed.text


def test_an_upload_of_a_caiq_is_imported_and_submitted_with_evidence(loop: tuple[Server, RunningServer]) -> None:
    server, mail = loop
    path, request_id, _ = _invite(server, mail, "Northwind Mailworks B.V.", "security@northwind.example")
    with vendor_client(server) as vendor:
        valid = upload_questionnaire(vendor, path, SAMPLES / "northwind-mail.xlsx", "northwind.xlsx")
        assert valid.status_code == 200 and "northwind.xlsx is valid:" in valid.text
        assert vendor.get(f"{path}/prefilled.xlsx").status_code == 200
        attached = vendor.post(f"{path}/documents", data={"csrf_token": vendor_csrf(vendor, path), "kind": "soc2",
                                                          "expires_on": "2027-06-30"},
                               files={"document": ("SOC2 2026.pdf", b"%PDF-1.7\n%%EOF\n")})
        assert attached.status_code == 303
        assert "SOC2 2026.pdf" in vendor.get(path).text
        done = vendor.post(f"{path}/submit", data={"csrf_token": vendor_csrf(vendor, path)})
        assert done.status_code == 303
    with server.client("dana") as client:
        page = client.get(f"/requests/{request_id}")
        assert "northwind.xlsx" in page.text and "2027-06-30" in page.text
        kept = client.get(f"/requests/{request_id}/questionnaire.xlsx")
        assert kept.content == (SAMPLES / "northwind-mail.xlsx").read_bytes()


def test_a_broken_mail_server_on_the_invite_page_leaves_the_request_unsent(tmp_path: Path) -> None:
    with mail_server(refuse="554 5.7.1 no relaying") as mail:
        process, server = start_server(tmp_path, *mail_options(mail.port))
        try:
            with server.client("ada") as client:
                response = invite_from_web(client, "Acme", "it@acme.example")
                assert response.status_code == 502
                assert "554 5.7.1 no relaying" in response.text and "kept as not sent" in response.text
                assert ">not sent<" in client.get("/requests").text
        finally:
            stop_server(process)


def test_the_vendor_loop_on_postgresql(postgresql_server: PostgresServer, tmp_path: Path) -> None:
    url = postgresql_server.take()
    with mail_server() as mail:
        process, server = start_server(tmp_path, *mail_options(mail.port), db=url)
        try:
            path, request_id, _ = _invite(server, mail, "Northwind Mailworks B.V.", "security@northwind.example")
            with vendor_client(server) as vendor:
                assert vendor.get(f"/vendor/{request_id}/{'A' * 43}").status_code == 403
                saved = vendor.post(f"{path}/answer", data={"csrf_token": vendor_csrf(vendor, path),
                                                            "action": "save", "answer.VEN-01": "Northwind"})
                assert saved.status_code == 200 and "Draft saved;" in saved.text
                submitted = vendor.post(f"{path}/answer", data={"csrf_token": vendor_csrf(vendor, path),
                                                                "action": "submit", **northwind_fields()})
                assert submitted.status_code == 303
            with server.client("dana") as client:
                assert client.post(f"/requests/{request_id}/assess", data={
                    "csrf_token": csrf_of(client), "inventory": "1", "org": "1"}).status_code == 303
        finally:
            stop_server(process)
    with Council(url) as council:
        request = VendorRequests(council).get(request_id)
        assert request is not None and request.state == "closed" and request.assessment_id.startswith("RA-")
    postgresql_server.give_back(url)


def test_a_request_for_a_new_evidence_document_is_met_by_the_document(loop: tuple[Server, RunningServer]) -> None:
    """What ``riskengine remind`` opens when a SOC 2 report nears its expiry: no questionnaire, just the document."""
    from riskengine.council.invitations import invite
    from riskengine.settings.mail import MailSettings

    server, mail = loop
    with Council(server.db) as council:
        invite(VendorRequests(council), "Initech", "it@initech.example",
               mail=MailSettings(host="127.0.0.1", port=mail.port, security="starttls", username="", password="",
                                 sender="risk@larkspur.example", public_url="http://vendors.example"),
               now=dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC), actor="(remind)", role="",
               reason="evidence soc2 D-0123456789AB", document="SOC 2 report", expires="2026-12-20")
    path, request_id, _ = vendor_path(mail.catcher.bodies()[-1])
    assert "The SOC 2 report you gave us for Initech expires on 2026-12-20" in " ".join(
        mail.catcher.bodies()[-1].split())
    with vendor_client(server) as vendor:
        assert "We ask for a new evidence document" in vendor.get(path).text
        assert vendor.post(f"{path}/submit", data={"csrf_token": vendor_csrf(vendor, path)}).status_code == 409
        vendor.post(f"{path}/documents", data={"csrf_token": vendor_csrf(vendor, path), "kind": "soc2",
                                               "expires_on": "2027-12-20"},
                    files={"document": ("soc2-2027.pdf", b"%PDF-1.7\n%%EOF\n")})
        assert vendor.post(f"{path}/submit", data={"csrf_token": vendor_csrf(vendor, path)}).status_code == 303
    with Council(server.db) as council:
        request = VendorRequests(council).get(request_id)
        assert request is not None and request.state == "submitted"
        assert [d.expires_on for d in VendorRequests(council).documents(request_id)] == ["2027-12-20"]
