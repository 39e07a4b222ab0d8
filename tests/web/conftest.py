"""The web app under test: the real ``riskengine serve`` in a child process on 127.0.0.1, its own database, the
three council roles and an administrator added with ``riskengine user add``; the clock fixed by
SOURCE_DATE_EPOCH (24 November 2026), so dates on the pages are known."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import EPOCH, ROOT, SAMPLES
from tests.databases import Databases

PASSWORD = "correct horse battery staple"
USERS = {"ada": ("it", "Ada Admin"), "mia": ("marketing", "Mia Marketer"), "dana": ("compliance", "Dana Ruiz"),
         "root": ("admin", "Rita Root")}


@dataclass(frozen=True)
class Server:
    url: str
    db: Path | str
    data: Path
    log: Path

    @contextlib.contextmanager
    def client(self, user: str | None = None) -> Iterator[httpx.Client]:
        """A client speaking as a browser of this site (its Origin), signed in as ``user`` when given."""
        with httpx.Client(base_url=self.url, headers={"Origin": self.url}, timeout=60) as client:
            if user is not None:
                assert sign_in(client, user).status_code == 303
            yield client


def sign_in(client: httpx.Client, user: str, password: str = PASSWORD) -> httpx.Response:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text
    return client.post("/login", data={"csrf_token": token.group(1), "name": user, "password": password})


def csrf_of(client: httpx.Client) -> str:
    page = client.get("/")
    found = re.search(r'X-CSRF-Token": "([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(folder: Path, *extra: str, users: bool = True, epoch: str = EPOCH,
                 db: Path | str | None = None) -> tuple[subprocess.Popen[bytes], Server]:
    """``riskengine serve`` on ``db`` (default: riskengine.db in ``folder``; a URL for PostgreSQL), its uploads and
    reports in ``folder``/web."""
    db = folder / "riskengine.db" if db is None else db
    environment = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "RISKENGINE_OFFLINE": "1",
                   "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    if users:
        for name, (role, display) in USERS.items():
            added = subprocess.run([sys.executable, "-m", "riskengine", "user", "add", name, "--role", role,
                                    "--display-name", display, "--password-stdin", "--db", str(db)],
                                   input=PASSWORD + "\n", text=True, capture_output=True, env=environment, timeout=60)
            assert added.returncode == 0, added.stderr
    port = _free_port()
    log = folder / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "riskengine", "serve", "--port", str(port), "--db", str(db), "--offline",
         "--data", str(folder / "web"), "--inventory", str(SAMPLES / "inventory.yaml"),
         "--org", str(SAMPLES / "org-profile.yaml"), *extra],
        env=environment, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/login", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"the server did not start: {log.read_text()}")
        time.sleep(0.2)
    return process, Server(url=url, db=db, data=folder / "web", log=log)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Server]:
    """The module's server, on a register of the module's backend: each module using it runs on SQLite and on
    PostgreSQL (``tests.databases``), except where the module narrows ``backend``."""
    process, running = start_server(tmp_path_factory.mktemp("web"), db=databases.new())
    try:
        yield running
    finally:
        stop_server(process)


def upload(client: httpx.Client, path: Path, name: str | None = None) -> httpx.Response:
    """Upload ``path`` as a new assessment with the sample inventory and organisation profile."""
    return client.post("/assessments/new", data={"csrf_token": csrf_of(client), "inventory": "1", "org": "1"},
                       files={"questionnaire": (name or path.name, path.read_bytes())})


SCREENS = ROOT / "out" / "screens"
