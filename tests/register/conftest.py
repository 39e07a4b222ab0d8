"""Register helpers: entries built in code, and the CLI run against a database (each test's ``db``, on SQLite and on
PostgreSQL, comes from tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

from riskengine.register.store import Entry, Output
from tests.conftest import EPOCH, run_cli


def cli(db: Path | str, *args: str, epoch: str = EPOCH, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real ``riskengine`` command against the register at ``db``, with a fixed clock."""
    return run_cli(*args, "--db", str(db), cwd=cwd, env={"SOURCE_DATE_EPOCH": epoch})


def epoch_of(day: dt.date) -> str:
    return str(int(dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC).timestamp()))


def entry(assessment_id: str, *, vendor: str = "Acme Mail", domain: str = "acme.example", created: dt.datetime,
          tier: str = "medium", residual: float = 40.0, reassess_by: dt.date | None = None,
          run_key: str = "", **result: Any) -> Entry:
    """A register entry made by hand (the register's own type, as an import or a benchmark would make it)."""
    body = json.dumps({"assessment_id": assessment_id, **result}).encode()
    return Entry(assessment_id=assessment_id, vendor_key=domain.lower(), vendor_name=vendor, product="",
                 domain=domain, created=created.isoformat(), tier=tier, decision="approve_with_conditions",
                 inherent=60.0, control_effectiveness=50.0, residual=residual,
                 reassess_by=reassess_by.isoformat() if reassess_by else "", findings=3, knockouts=0,
                 questionnaire_sha256=hashlib.sha256(assessment_id.encode()).hexdigest(), inputs="[]",
                 run_key=run_key or hashlib.sha256(b"key" + assessment_id.encode()).hexdigest(), evidence_ids="[]",
                 engine="test", result=body)


def pdf_output(assessment_id: str, content: bytes | None = None) -> Output:
    data = content if content is not None else f"%PDF-1.4 report of {assessment_id}".encode()
    return Output(kind="pdf", sha256=hashlib.sha256(data).hexdigest(), path=f"/reports/{assessment_id}.pdf",
                  size=len(data))
