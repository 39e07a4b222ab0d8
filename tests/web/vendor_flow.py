"""Helpers for the vendor loop's web tests: the server with a mail catcher, invitations from the team's page, the
vendor's link, and a complete set of form fields (the sample Northwind questionnaire's answers)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from riskengine.council.answers import draft_from_submission
from riskengine.importers.reading import read_questionnaire
from riskengine.questionnaire.bank import load_bank
from tests.conftest import SAMPLES, TODAY
from tests.web.conftest import Server, csrf_of

LINK = re.compile(r"(https?://[^/\s]+)/vendor/(VR-[0-9A-F]{12})/([A-Za-z0-9_-]{43})")


def mail_options(port: int, public_url: str = "http://vendors.example") -> list[str]:
    return ["--smtp", f"smtp://127.0.0.1:{port}", "--sender", "vendor-risk@larkspur.example", "--public-url",
            public_url]


def invite_from_web(client: httpx.Client, vendor: str, email: str, due: str = "2026-12-08") -> httpx.Response:
    return client.post("/requests", data={"csrf_token": csrf_of(client), "vendor": vendor, "email": email,
                                          "due": due})


def vendor_path(body: str) -> tuple[str, str, str]:
    """The link in a mail: (path on the server, request id, token)."""
    found = LINK.search(body)
    assert found, body
    return f"/vendor/{found.group(2)}/{found.group(3)}", found.group(2), found.group(3)


def vendor_csrf(client: httpx.Client, path: str) -> str:
    """The request's CSRF token, from its online form (which carries it in every state)."""
    page = client.get(f"{path}/answer")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def northwind_fields() -> dict[str, Any]:
    """Every answer of the sample Northwind questionnaire as the online form posts them."""
    bank = load_bank()
    draft = draft_from_submission(read_questionnaire(SAMPLES / "northwind-mail.xlsx", bank, today=TODAY))
    multi = {question.id for _, question in bank.questions() if question.type == "multi_choice"}
    fields: dict[str, Any] = {}
    for key, value in draft["answers"].items():
        fields[f"answer.{key}"] = value.split(", ") if key in multi else value
    for key, value in draft["comments"].items():
        fields[f"comment.{key}"] = value
    for key, rows in draft["tables"].items():
        for index, row in enumerate(rows):
            for column, value in row.items():
                fields[f"table.{key}.{index}.{column}"] = value
    return fields


def vendor_client(server: Server) -> httpx.Client:
    """A browser of the vendor's: no session of ours, this site's Origin."""
    return httpx.Client(base_url=server.url, headers={"Origin": server.url}, timeout=60)


def upload_questionnaire(client: httpx.Client, path: str, file: Path | bytes, name: str = "answers.xlsx"
                         ) -> httpx.Response:
    data = file.read_bytes() if isinstance(file, Path) else file
    return client.post(f"{path}/upload", data={"csrf_token": vendor_csrf(client, path)},
                       files={"questionnaire": (name, data)})
