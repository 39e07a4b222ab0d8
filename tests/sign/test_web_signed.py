"""The web app issues the signed report when the third sign-off makes the decision final, and offers it on the
assessment's page; each sign-off in it names the account that signed in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from riskengine.signing.check import check_signature
from riskengine.signing.keys import load_certificates
from tests.conftest import EPOCH, SAMPLES
from tests.web.conftest import csrf_of, start_server, stop_server, upload


def test_the_third_sign_off_issues_the_signed_report_offered_for_download(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    made = subprocess.run([sys.executable, "-m", "riskengine", "keys", "init", "--name", "Larkspur Outdoor Group",
                           "--dir", str(keys)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    assert made.returncode == 0, made.stderr
    settings = tmp_path / "riskengine.toml"
    settings.write_text(f'[signing]\nkey = "{keys / "signing.key"}"\ncertificate = "{keys / "signing.crt"}"\n')
    process, server = start_server(tmp_path, "--config", str(settings))
    try:
        with server.client("mia") as client:
            response = upload(client, SAMPLES / "northwind-mail.xlsx")
            assert response.status_code == 303, response.text
            assessment_id = response.headers["location"].rsplit("/", 1)[-1]
        for user in ("ada", "mia", "dana"):
            with server.client(user) as client:
                assert client.get(f"/assessments/{assessment_id}/signed.pdf").status_code == 404
                signed = client.post(f"/assessments/{assessment_id}/sign",
                                     data={"csrf_token": csrf_of(client), "decision": "approve"})
                assert signed.status_code == 303, signed.text
        with server.client("dana") as client:
            page = client.get(f"/assessments/{assessment_id}?tab=compliance")
            assert f'href="/assessments/{assessment_id}/signed.pdf">Download the signed report (PDF)' in page.text
            download = client.get(f"/assessments/{assessment_id}/signed.pdf")
            assert download.status_code == 200
            assert download.headers["content-type"] == "application/pdf"
            assert "signed report issued" in client.get("/audit").text
    finally:
        stop_server(process)
    check = check_signature("web.pdf", download.content, load_certificates(keys / "signing.crt"))
    assert check.outcome == "verified", check.message
    assert check.record is not None and check.record.status == "approved"
    assert [(s.role, s.signed_by, s.proof, s.subject, s.proven) for s in check.signoffs] == [
        ("it", "Ada Admin", "account", "ada", True), ("marketing", "Mia Marketer", "account", "mia", True),
        ("compliance", "Dana Ruiz", "account", "dana", True)]
