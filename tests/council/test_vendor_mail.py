"""Invitations and reminders through a real SMTP server on 127.0.0.1 (aiosmtpd, ``tests.mail_server``): the mail
lands with its link, a broken server (refused, silent, 5xx, wrong password) is a clear ``MailError`` and the
request stays unsent, and ``remind`` never sends the same reminder twice."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from riskengine.council.invitations import invite
from riskengine.council.reminders import remind
from riskengine.council.requests import TokenRefused, VendorRequests, token_hash
from riskengine.council.store import Council
from riskengine.errors import MailError, UsageError
from riskengine.register.store import Register
from riskengine.settings.mail import MailSettings, parse_mail_settings
from tests.conftest import EPOCH, NOW, ROOT, SAMPLES, TODAY
from tests.mail_server import PASSWORD, USER, free_port, mail_server, silent_server

LINK = re.compile(r"http://vendors\.example/vendor/(VR-[0-9A-F]{12})/([A-Za-z0-9_-]{43})")


def settings(port: int, **changes: object) -> MailSettings:
    values: dict[str, object] = {"host": "127.0.0.1", "port": port, "security": "starttls", "username": "",
                                 "password": "", "sender": "vendor-risk@larkspur.example",
                                 "public_url": "http://vendors.example", "timeout": 5.0}
    values.update(changes)
    return MailSettings(**values)  # type: ignore[arg-type]


def test_an_invitation_mails_a_link_whose_token_is_kept_only_hashed(tmp_path: Path) -> None:
    with mail_server() as server, Council(tmp_path / "r.db") as council:
        requests = VendorRequests(council)
        invitation = invite(requests, "Northwind Mailworks", "security@northwind.example",
                            mail=settings(server.port), now=NOW, actor="dana", role="compliance",
                            due=dt.date(2026, 12, 15))
        assert not invitation.resent
        request = invitation.request
        assert (request.state, request.due_date, request.expires_at) == ("sent", "2026-12-15",
                                                                        "2027-01-14T23:59:59+00:00")
        (mail,) = server.catcher.mails
        assert mail["To"] == "security@northwind.example" and mail["From"] == "vendor-risk@larkspur.example"
        assert mail["Subject"].strip() == "Vendor risk team: security and privacy questionnaire for Northwind Mailworks"
        body = server.catcher.bodies()[0]
        found = LINK.search(body)
        assert found and found.group(1) == request.request_id, body
        assert "by 2026-12-15" in body
        token = found.group(2)
        rows = council.database.execute("SELECT * FROM council_vendor_requests").fetchall()
        assert token not in repr(rows) and token_hash(token) in repr(rows), "only the token's sha256 is stored"
        assert requests.opened_by(request.request_id, token, NOW).request_id == request.request_id
        assert [e.action for e in council.audit_log(target=request.request_id)] == ["request sent", "request created"]


def test_starttls_with_a_user_and_the_password_from_the_environment(tmp_path: Path) -> None:
    with mail_server(tls_folder=tmp_path) as server, Council(tmp_path / "r.db") as council:
        assert server.ca_file is not None
        where = {"mail.smtp": "riskengine.toml:2: mail.smtp", "mail.sender": "x", "mail.public-url": "y"}
        good = parse_mail_settings(server.url, "risk@larkspur.example", "http://vendors.example/",
                                   ca_bundle=server.ca_file, timeout=5, environ={"RISKENGINE_SMTP_PASSWORD": PASSWORD},
                                   where=where)
        assert (good.security, good.username, good.public_url) == ("starttls", USER, "http://vendors.example")
        requests = VendorRequests(council)
        invite(requests, "Acme", "it@acme.example", mail=good, now=NOW, actor="dana", role="compliance")
        assert len(server.catcher.mails) == 1
        wrong = settings(server.port, username=USER, password="nope", ca_bundle=server.ca_file)
        with pytest.raises(MailError, match=r"refused the user 'riskengine' and its password .*535"):
            invite(requests, "Globex", "it@globex.example", mail=wrong, now=NOW, actor="dana", role="compliance")
        untrusted = settings(server.port, username=USER, password=PASSWORD)
        with pytest.raises(MailError, match="certificate that cannot be trusted"):
            invite(requests, "Globex", "it@globex.example", mail=untrusted, now=NOW, actor="dana", role="compliance")
        assert [r.state for r in requests.requests(vendor="Globex")] == ["unsent"], "one request, still unsent"
        assert len(server.catcher.mails) == 1


def test_the_settings_refuse_a_password_in_the_url_and_say_where(tmp_path: Path) -> None:
    where = {"mail.smtp": "riskengine.toml:2: mail.smtp", "mail.sender": "riskengine.toml:3: mail.sender",
             "mail.public-url": "--public-url"}
    with pytest.raises(UsageError) as caught:
        parse_mail_settings("smtp://bob:hunter2@mail.example", "not-an-address", "ftp://x", environ={}, where=where)
    message = str(caught.value)
    assert ("riskengine.toml:2: mail.smtp: the URL holds a password; remove it and set RISKENGINE_SMTP_PASSWORD"
            in message)
    assert "riskengine.toml:3: mail.sender: expected the From address" in message
    assert "--public-url: expected an http or https address, got 'ftp://x'" in message
    assert "hunter2" not in message


@pytest.mark.parametrize("failure", ["refused", "silent", "5xx"])
def test_a_broken_mail_server_is_a_clear_error_and_the_request_stays_unsent(tmp_path: Path, failure: str) -> None:
    with Council(tmp_path / "r.db") as council:
        requests = VendorRequests(council)
        started = time.monotonic()
        if failure == "refused":
            with pytest.raises(MailError, match=r"cannot connect to the mail server at smtp://127\.0\.0\.1:\d+: "
                                                r"connection refused"):
                invite(requests, "Acme", "it@acme.example", mail=settings(free_port()), now=NOW, actor="a", role="it")
        elif failure == "silent":
            with silent_server() as port, pytest.raises(MailError,
                                                        match=r"did not answer within 0\.5 s \(connecting\)"):
                invite(requests, "Acme", "it@acme.example", mail=settings(port, timeout=0.5), now=NOW, actor="a",
                       role="it")
        else:
            with mail_server(refuse="554 5.7.1 Relaying denied") as server, \
                    pytest.raises(MailError, match=r"refused \(sending to it@acme\.example\): 554 5\.7\.1 "
                                                   r"Relaying denied"):
                invite(requests, "Acme", "it@acme.example", mail=settings(server.port), now=NOW, actor="a", role="it")
        assert time.monotonic() - started < 5
        (request,) = requests.requests()
        assert request.state == "unsent" and request.sent_at == ""
        assert [e.action for e in council.audit_log(target=request.request_id)] == ["request not sent",
                                                                                    "request created"]
        with pytest.raises(TokenRefused, match="this link is not valid"):
            requests.opened_by(request.request_id, "x" * 43, NOW)
        with mail_server() as server:  # the server works again: the same request is sent, with a new token
            again = invite(requests, "Acme", "it@acme.example", mail=settings(server.port), now=NOW, actor="a",
                           role="it")
            assert again.resent and again.request.request_id == request.request_id
            assert again.request.state == "sent" and len(requests.requests()) == 1
            found = LINK.search(server.catcher.bodies()[0])
            assert found and requests.opened_by(request.request_id, found.group(2), NOW)


def test_tokens_expired_revoked_guessed_or_of_another_request_are_refused(db: Path | str) -> None:
    """On SQLite and PostgreSQL (the council's migration 3 on both)."""
    with mail_server() as server, Council(db) as council:
        requests = VendorRequests(council)
        for vendor in ("Acme", "Globex"):
            invite(requests, vendor, f"it@{vendor.lower()}.example", mail=settings(server.port), now=NOW, actor="a",
                   role="it", due=dt.date(2026, 12, 1))
        (acme, acme_token), (globex, globex_token) = [
            (found.group(1), found.group(2)) for body in server.catcher.bodies() if (found := LINK.search(body))]
        assert requests.opened_by(acme, acme_token, NOW).vendor == "Acme"
        with pytest.raises(TokenRefused, match="this link is not valid"):
            requests.opened_by(globex, acme_token, NOW)  # Acme's token on Globex's request
        with pytest.raises(TokenRefused, match="this link is not valid"):
            requests.opened_by(acme, acme_token[:-1] + ("A" if acme_token[-1] != "A" else "B"), NOW)  # guessed
        with pytest.raises(TokenRefused, match="this link is not valid"):
            requests.opened_by("VR-000000000000", acme_token, NOW)
        with pytest.raises(TokenRefused, match="expired on 2026-12-31"):
            requests.opened_by(acme, acme_token, dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
        request = requests.get(globex)
        assert request is not None
        requests.update(request, actor="dana", role="compliance", action="request revoked", revoked=True)
        with pytest.raises(TokenRefused, match="withdrawn"):
            requests.opened_by(globex, globex_token, NOW)


def _assessed_register(db: Path) -> str:
    """Northwind Mailworks assessed with the samples (approved with conditions) into ``db``: its assessment id."""
    result = subprocess.run([sys.executable, "-m", "riskengine", "assess", str(SAMPLES / "northwind-mail.xlsx"),
                             "--config", str(SAMPLES / "riskengine.toml"), "--offline", "--db", str(db),
                             "-o", str(db.parent / "n.pdf")], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    found = re.search(r"\((RA-[0-9A-F-]+)\)", result.stdout)
    assert found, result.stdout
    return found.group(1)


def test_remind_chases_once_per_stage_and_renews_expiring_evidence(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    assessment_id = _assessed_register(db)
    with mail_server() as server, Council(db) as council, Register(db) as register:
        council.add_user("ada", role="it", password_hash="!", now=NOW, email="ada@larkspur.example")
        council.add_user("mia", role="marketing", password_hash="!", now=NOW, email="mia@larkspur.example")
        requests = VendorRequests(council)
        mail = settings(server.port)
        soon = invite(requests, "Acme", "it@acme.example", mail=mail, now=NOW, actor="a", role="it",
                      due=dt.date(2026, 11, 26)).request
        late = invite(requests, "Globex", "it@globex.example", mail=mail, now=NOW, actor="a", role="it",
                      due=dt.date(2026, 11, 24)).request
        later = invite(requests, "Initech", "it@initech.example", mail=mail, now=NOW, actor="a", role="it",
                       due=dt.date(2027, 1, 30)).request
        requests.add_document(later, kind="soc2", file="x.pdf", name="soc2-2026.pdf", sha256="0" * 64,
                              expires_on="2026-12-20", now=NOW)
        server.catcher.mails.clear()
        as_of = dt.date(2026, 11, 25)
        sent, notes = remind(council, register, mail=mail, as_of=as_of, now=NOW)
        kinds = sorted((r.kind, r.recipient) for r in sent)
        assert ("due soon", "it@acme.example") in kinds and ("overdue", "it@globex.example") in kinds
        assert ("evidence", "it@initech.example") in kinds, "the SOC 2 report expiring in 25 days opens a request"
        assert all(r.recipient != "it@initech.example" or r.kind == "evidence" for r in sent), "not due yet"
        assert not [r for r in sent if r.kind == "condition"], "the sample's conditions are due on 2026-12-24"
        assert len(server.catcher.mails) == len(sent)
        subjects = {str(m["To"]): str(m["Subject"]).strip() for m in server.catcher.mails}
        assert subjects["it@globex.example"] == ("Overdue: Vendor risk team's questionnaire for Globex was due on "
                                                 "2026-11-24")
        body = next(b for b in server.catcher.bodies() if "Globex" in b and "Overdue" not in b)
        assert "invitation of 2026-11-24" in body and "/vendor/" not in body, "a reminder never carries a link"
        renewal = [r for r in requests.requests(vendor="Initech") if r.reason.startswith("evidence soc2")]
        assert len(renewal) == 1 and renewal[0].state == "sent"
        evidence_mail = next(b for b in server.catcher.bodies() if "expires on 2026-12-20" in b)
        assert LINK.search(evidence_mail), "the renewal request's mail has its own link"
        first = len(server.catcher.mails)
        again, _ = remind(council, register, mail=mail, as_of=as_of, now=NOW)
        assert again == [] and len(server.catcher.mails) == first, "a rerun sends nothing twice"
        week, _ = remind(council, register, mail=mail, as_of=dt.date(2026, 12, 2), now=NOW)
        assert ("overdue", "it@globex.example") in {(r.kind, r.recipient) for r in week}, "a week later, again"
        assert ("due soon", "it@acme.example") not in {(r.kind, r.recipient) for r in week}
        assert any(e.action == "reminder overdue" for e in council.audit_log(target=late.request_id))
        assert soon.request_id in {r.target for r in sent} and notes == []
        server.catcher.mails.clear()
        conditions, notes = remind(council, register, mail=mail, as_of=dt.date(2026, 12, 12), now=NOW)
        conditions = [r for r in conditions if r.kind == "condition"]
        assert conditions and all(r.target.startswith(assessment_id + "#C") for r in conditions), \
            "the sample's conditions due within 14 days have their owners reminded"
        assert {r.recipient for r in conditions} <= {"ada@larkspur.example", "mia@larkspur.example"}
        assert all("no address to remind" in note and "compliance" in note for note in notes)
        body = next(b for b in server.catcher.bodies() if "Condition C" in b)
        assert f"/assessments/{assessment_id}#conditions" in body and "due on 2026-12-24" in body
        assert remind(council, register, mail=mail, as_of=dt.date(2026, 12, 12), now=NOW)[0] == []


def test_remind_stops_at_a_failing_server_and_a_rerun_sends_only_the_rest(tmp_path: Path) -> None:
    with Council(tmp_path / "r.db") as council, Register(tmp_path / "r.db") as register:
        requests = VendorRequests(council)
        with mail_server() as server:
            for vendor in ("Acme", "Globex"):
                invite(requests, vendor, f"it@{vendor.lower()}.example", mail=settings(server.port), now=NOW,
                       actor="a", role="it", due=TODAY)
        with mail_server(refuse="451 4.3.0 try later") as broken, pytest.raises(MailError, match="451"):
            remind(council, register, mail=settings(broken.port), as_of=TODAY + dt.timedelta(days=1), now=NOW)
        with mail_server() as server:
            sent, _ = remind(council, register, mail=settings(server.port), as_of=TODAY + dt.timedelta(days=1),
                             now=NOW)
            assert sorted(r.recipient for r in sent) == ["it@acme.example", "it@globex.example"]
            sent, _ = remind(council, register, mail=settings(server.port), as_of=TODAY + dt.timedelta(days=1),
                             now=NOW)
            assert sent == []


def test_invite_and_remind_on_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT)}

    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "riskengine", *arguments, "--db", str(db), "--config",
                               os.devnull], capture_output=True, text=True, timeout=60, env=environment)

    with mail_server() as server:
        mail = ["--smtp", f"smtp://127.0.0.1:{server.port}", "--sender", "risk@larkspur.example",
                "--public-url", "https://risk.larkspur.example"]
        done = run("invite", "Northwind Mailworks", "--email", "security@northwind.example", "--due",
                   "2026-12-01", *mail)
        assert done.returncode == 0, done.stderr
        assert re.fullmatch(r"VR-[0-9A-F]{12}: invited Northwind Mailworks <security@northwind.example>, due "
                            r"2026-12-01; link valid until 2026-12-31; mailed through smtp://127\.0\.0\.1:\d+\n",
                            done.stdout), done.stdout
        assert "https://risk.larkspur.example/vendor/VR-" in server.catcher.bodies()[0]
        reminded = run("remind", "--as-of", "2026-12-02", *mail)
        assert reminded.returncode == 0, reminded.stderr
        assert reminded.stdout.splitlines()[-1] == "1 reminder sent as of 2026-12-02"
        assert run("remind", "--as-of", "2026-12-02", *mail).stdout.splitlines()[-1] == \
            "0 reminders sent as of 2026-12-02"
    refused = run("invite", "Acme", "--email", "it@acme.example", "--smtp", f"smtp://127.0.0.1:{free_port()}",
                  "--sender", "risk@larkspur.example", "--public-url", "https://risk.larkspur.example")
    assert refused.returncode == 9 and "Traceback" not in refused.stderr
    assert re.fullmatch(r"error: cannot connect to the mail server at smtp://127\.0\.0\.1:\d+: connection refused\n",
                        refused.stderr), refused.stderr
    missing = run("invite", "Acme", "--email", "it@acme.example")
    assert missing.returncode == 2 and "no mail server is set" in missing.stderr


def test_the_demo_catches_the_invitation(tmp_path: Path) -> None:
    """``make demo-vendor``'s script: a local catcher, the real ``riskengine invite``, the mail printed and kept."""
    result = subprocess.run([sys.executable, "-m", "tests.demo_vendor", "--db", str(tmp_path / "r.db"), "--mail",
                             str(tmp_path / "mail")], capture_output=True, text=True, timeout=120, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert "--- mail 1 to security@northwind.example" in result.stdout
    assert "The invitation landed (1 mail)" in result.stdout
    (kept,) = (tmp_path / "mail").glob("*.eml")
    link = re.search(r"http://127\.0\.0\.1:8000/vendor/VR-[0-9A-F]{12}/[A-Za-z0-9_-]{43}", kept.read_text())
    assert link and result.stdout.rstrip().splitlines()[-3].strip() == link.group(0), "the link whole on its line"
