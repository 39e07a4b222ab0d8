"""Shared fixtures: the shipped bank and profile, a fixed clock, filled questionnaires built in code, and databases
of each backend (``tests.databases``)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from riskengine.questionnaire.bank import QuestionBank, load_bank
from riskengine.questionnaire.template import write_template
from tests.databases import BACKENDS, Databases, PostgresServer

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"
TODAY = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
EPOCH = str(int(NOW.timestamp()))

FillFactory = Callable[..., Path]
STORE = Path(tempfile.gettempdir()) / f"riskengine-tests-{os.getpid()}" / "evidence.db"
"""The evidence store of CLI runs in tests: never the user's own. Tests run offline unless they say so."""


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server on 127.0.0.1 for the session (of each xdist worker), started when a test first needs it."""
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each test that asks for a database runs on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture(scope="module")
def databases(backend: str, request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """New databases of the module's backend; those still there are dropped when the module ends."""
    server = request.getfixturevalue("postgresql_server") if backend == "postgresql" else None
    made = Databases(backend, tmp_path_factory.mktemp(f"databases-{backend}"), server)
    yield made
    made.drop_all()


@pytest.fixture
def db(databases: Databases) -> Iterator[Path | str]:
    """A new database for the test: a SQLite file's path, or a PostgreSQL database's URL."""
    made = databases.new()
    yield made
    databases.drop(made)


@pytest.fixture
def copy_database(databases: Databases, tmp_path: Path) -> Iterator[Callable[[Path | str], Path | str]]:
    """Copies of a database of the module (no one connected to it), to change while others read the original;
    dropped when the test ends."""
    made: list[Path | str] = []

    def copy(db: Path | str) -> Path | str:
        made.append(databases.copy(db, tmp_path / f"copy{len(made) + 1}"))
        return made[-1]

    yield copy
    for db in made:
        databases.drop(db)


@pytest.fixture(scope="session")
def bank() -> QuestionBank:
    return load_bank()


def sample_answers(name: str = "northwind-mail") -> dict[str, Any]:
    """The answers of a sample vendor, as the readable YAML source of its workbook holds them."""
    content: dict[str, Any] = yaml.safe_load((SAMPLES / "answers" / f"{name}.yaml").read_text(encoding="utf-8"))
    return content


@pytest.fixture
def filled(tmp_path: Path, bank: QuestionBank) -> FillFactory:
    """Write a filled questionnaire: a sample's answers with overrides (``None`` blanks an answer)."""

    def make(name: str = "questionnaire.xlsx", *, base: str = "northwind-mail", tables: dict[str, Any] | None = None,
             **overrides: Any) -> Path:
        content = sample_answers(base)
        answers = dict(content.get("answers", {}))
        for key, value in overrides.items():
            answers[key.replace("_", "-")] = value
        path = tmp_path / name
        write_template(bank, path, answers={k: v for k, v in answers.items() if v is not None},
                       comments=content.get("comments", {}),
                       tables=tables if tables is not None else content.get("tables", {}))
        return path

    return make


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the real ``riskengine`` command in a child process."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "RISKENGINE_OFFLINE": "1",
                   "RISKENGINE_DB": str(STORE), **(env or {})}
    return subprocess.run([sys.executable, "-m", "riskengine", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    """A certificate authority of the tests' own, for the HTTPS servers they start on 127.0.0.1."""
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_pem(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path
