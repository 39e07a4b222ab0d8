"""Real databases for the tests: SQLite files, and a PostgreSQL server the session starts on 127.0.0.1.

The server is Debian's ``postgresql`` package (``initdb`` and ``pg_ctl`` in ``/usr/lib/postgresql/<version>/bin``):
a new cluster in a new temporary folder, listening on 127.0.0.1 on a free port and on a unix socket in that folder
only, with fsync off (its databases are thrown away), stopped and deleted at the end of the session. PostgreSQL
refuses to run as root, so when the tests do (in CI, in a container) the cluster belongs to ``nobody`` and its
programs run through ``runuser -u nobody``; the folder is made theirs first. Each pytest-xdist worker is a session
of its own, with its own server. Every test gets an empty database of its own; when the test ends, the database's
schema is dropped and made again, and the next test gets it: emptying a database takes a few milliseconds where
``CREATE DATABASE`` takes a few tenths of a second (it copies the template's 7 MB).

``Raw`` is the database as anyone with its credentials sees it, without riskengine: ``sqlite3`` for a file,
SQLAlchemy's ``text()`` over psycopg for PostgreSQL; both take named parameters (``:name``). ``tamper`` changes a
register through it, its triggers dropped first.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

BACKENDS = ("sqlite", "postgresql")
INSTALL = "sudo apt-get install -y postgresql"
"""How to install PostgreSQL's server programs on Debian or Ubuntu (``make test`` runs it when it can)."""
SERVER_USER = "nobody"
"""Who runs the server when the tests run as root (PostgreSQL refuses root)."""
USER = "riskengine"
"""The cluster's superuser, who connects without a password (trust, on 127.0.0.1 and the folder's socket)."""

Statement = str | Mapping[str, str]
"""A statement for every backend, or one per backend (``{"sqlite": ..., "postgresql": ...}``; a backend not
named skips it)."""


def server_programs() -> Path:
    """The folder of ``initdb`` and ``pg_ctl``: the newest PostgreSQL Debian's package installed, else the PATH's."""
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3])
                       if path.parts[-3].isdigit() else 0)
    if installed:
        return installed[-1].parent
    found = shutil.which("initdb")
    if found is None:
        pytest.fail(f"PostgreSQL's server programs (initdb, pg_ctl) are not installed; the tests run against a "
                    f"real PostgreSQL server. Install them with: {INSTALL}", pytrace=False)
    return Path(found).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """A PostgreSQL cluster of the test session, on 127.0.0.1; ``take`` gives an empty database's URL.

    ``durable``: commits wait for the disk, as on a team's server (the benchmarks); the tests' server does not.
    """

    def __init__(self, *, durable: bool = False) -> None:
        self.programs = server_programs()
        self.folder = Path(tempfile.mkdtemp(prefix="riskengine-postgresql-"))
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam(SERVER_USER)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self._as_user = ["runuser", "-u", SERVER_USER, "--"]
        self.port = _free_port()
        self._names = itertools.count(1)
        self._empty: list[str] = []
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-U", USER, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
                  "--no-sync")
        settings = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder} "
                    "-c max_connections=200")
        if not durable:
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(data), "-l", str(self.folder / "server.log"), "-w", "-t", "60", "-o", settings,
                  "start")

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run([*self._as_user, str(self.programs / program), *args], capture_output=True,
                              text=True, timeout=120, check=False)
        if done.returncode != 0:
            log = self.folder / "server.log"
            pytest.fail(f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
                        + (f"\n{log.read_text()[-2000:]}" if log.exists() else ""), pytrace=False)

    def url(self, database: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def _admin(self, *statements: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname=database,
                             autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)  # type: ignore[arg-type]

    def create(self, template: str = "template0") -> str:
        """A new empty database (or a copy of ``template``, a database no one is connected to); its URL."""
        name = f"test{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def take(self) -> str:
        """An empty database: one a test gave back, else a new one."""
        return self._empty.pop() if self._empty else self.create()

    def give_back(self, url: str) -> None:
        """Empty the database at ``url`` (whoever is still connected to it is disconnected) for the next test."""
        name = url.rsplit("/", 1)[1]
        self._admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        self._admin("DROP SCHEMA public CASCADE", "CREATE SCHEMA public", database=name)
        self._empty.append(url)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


class Databases:
    """New databases of one backend for the tests of a module: a SQLite file in the module's folder, or an empty
    PostgreSQL database on the session's server, given back by ``drop`` or when the module ends."""

    def __init__(self, backend: str, folder: Path, server: PostgresServer | None) -> None:
        self.backend, self.folder, self.server = backend, folder, server
        self._names = itertools.count(1)
        self._made: list[Path | str] = []

    def new(self, name: str = "register.db") -> Path | str:
        if self.server is None:
            folder = self.folder / f"{next(self._names)}"
            folder.mkdir()
            return folder / name
        url = self.server.take()
        self._made.append(url)
        return url

    def copy(self, db: Path | str, folder: Path) -> Path | str:
        """A copy of ``db`` (no one connected to it), to change while others read the original."""
        if isinstance(db, Path):
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / "copy.db"
            with sqlite3.connect(db) as reading, sqlite3.connect(target) as writing:
                reading.backup(writing)
            reading.close()
            writing.close()
            return target
        assert self.server is not None
        url = self.server.create(template=db.rsplit("/", 1)[1])
        self._made.append(url)
        return url

    def drop(self, db: Path | str) -> None:
        if isinstance(db, str) and self.server is not None:
            self.server.give_back(db)
            self._made.remove(db)

    def drop_all(self) -> None:
        for db in list(self._made):
            self.drop(db)


class Raw:
    """The database ``db`` (a SQLite file's path or a PostgreSQL URL) without riskengine, in autocommit."""

    def __init__(self, db: Path | str) -> None:
        self.backend = "sqlite" if isinstance(db, Path) else "postgresql"
        if isinstance(db, Path):
            self._sqlite = sqlite3.connect(db, isolation_level=None)
            self.IntegrityError: type[Exception] = sqlite3.IntegrityError
        else:
            from sqlalchemy import create_engine, exc
            from sqlalchemy.pool import NullPool

            self._engine = create_engine(db.replace("postgresql://", "postgresql+psycopg://", 1),
                                         poolclass=NullPool, isolation_level="AUTOCOMMIT")
            self._connection = self._engine.connect()
            self.IntegrityError = exc.IntegrityError

    def execute(self, statement: Statement, parameters: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run ``statement`` (its form for this backend, if it has one); its rows, as tuples."""
        sql = statement if isinstance(statement, str) else statement.get(self.backend)
        if sql is None:
            return []
        if self.backend == "sqlite":
            return [tuple(row) for row in self._sqlite.execute(sql, parameters or {}).fetchall()]
        from sqlalchemy import text

        result = self._connection.execute(text(sql), dict(parameters or {}))
        return [tuple(row) for row in result.fetchall()] if result.returns_rows else []

    def mapping(self, sql: str, parameters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The first row of ``sql`` as {column: value} (PostgreSQL's ``rowid`` column left out: it is SQLite's
        hidden rowid, no part of the row)."""
        if self.backend == "sqlite":
            cursor = self._sqlite.execute(sql, parameters or {})
            names = [column[0] for column in cursor.description]
            return dict(zip(names, cursor.fetchone(), strict=True))
        from sqlalchemy import text

        row = dict(self._connection.execute(text(sql), dict(parameters or {})).mappings().one())
        row.pop("rowid", None)
        return row

    def value(self, sql: str, parameters: Mapping[str, Any] | None = None) -> Any:
        return self.execute(sql, parameters)[0][0]

    def triggers(self) -> list[tuple[str, str]]:
        """Every trigger riskengine made: (name, table)."""
        return [(str(name), str(table)) for name, table in self.execute({
            "sqlite": "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'",
            "postgresql": "SELECT tgname, relname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
                          "WHERE NOT tgisinternal"})]

    def close(self) -> None:
        if self.backend == "sqlite":
            self._sqlite.close()
        else:
            self._connection.close()
            self._engine.dispose()

    def __enter__(self) -> Raw:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def tamper(db: Path | str, *statements: Statement, parameters: Mapping[str, Any] | None = None) -> None:
    """Change the register at ``db`` as someone with write access to it would: every trigger dropped first (as in
    a copy made without them), then ``statements`` run in one transaction with ``parameters``, foreign keys
    unchecked."""
    with Raw(db) as raw:
        raw.execute("BEGIN")
        # As SQLite's own connections do unless told otherwise, foreign keys go unchecked.
        raw.execute({"postgresql": "SET LOCAL session_replication_role = replica"})
        for name, table in raw.triggers():
            raw.execute({"sqlite": f"DROP TRIGGER {name}", "postgresql": f"DROP TRIGGER {name} ON {table}"})
        for statement in statements:
            raw.execute(statement, parameters)
        raw.execute("COMMIT")


def rows(db: Path | str, sql: str, parameters: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """The rows of one query of ``db``, read without riskengine."""
    with Raw(db) as raw:
        return raw.execute(sql, parameters)
