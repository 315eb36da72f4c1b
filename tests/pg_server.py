"""A throwaway PostgreSQL server for the tests, and the store fixture parametrised over both stores.

Its fixtures are imported by tests/conftest.py. The first test that needs PostgreSQL starts
one server for the session with Debian's `initdb` and `pg_ctl` (the `postgresql` package, which
./test.sh installs) in a temporary directory, on a free port of 127.0.0.1 with its unix socket in
that directory, and stops it at the end. PostgreSQL refuses to run as root, so as root the
server runs as the `postgres` user the package creates. Each test gets a fresh database.

    def test_x(db_url):          # runs twice: [sqlite] and [postgresql]
        store = Store(db_url)

Set NORMWATCH_TEST_PG=off to run the SQLite half only (a developer without PostgreSQL); the
PostgreSQL half then skips with that reason. Without the server binaries it skips too.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

STORES = ("sqlite", "postgresql")
_names = itertools.count()


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One initdb'd cluster in a temporary directory, started with pg_ctl."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="normwatch-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.user = None if os.geteuid() != 0 else "postgres"
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "normwatch", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        # fsync off: a test server's data is thrown away, and syncing costs most of its write time
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://normwatch@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"nw_{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server (started on first use), or skip with the reason."""
    if os.environ.get("NORMWATCH_TEST_PG", "").lower() in ("0", "off", "no"):
        pytest.skip("NORMWATCH_TEST_PG=off: PostgreSQL tests turned off")
    pytest.importorskip("psycopg", reason="the pg extra (psycopg) is not installed: pip install -e '.[pg]'")
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries absent (apt-get install postgresql; ./test.sh does it)")
    server = PostgresServer(bindir)
    t0 = time.monotonic()
    server.start()
    server.started_in = time.monotonic() - t0
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    return pg_server.create_database()


def make_url(kind: str, tmp_path: Path, request) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'nw.db'}"
    return request.getfixturevalue("pg_server").create_database()


@pytest.fixture(params=STORES)
def db_url(request, tmp_path) -> str:
    """An empty store's URL, once on SQLite and once on PostgreSQL."""
    return make_url(request.param, tmp_path, request)


def pytest_collection_modifyitems(items) -> None:
    # the `postgres` marker on every PostgreSQL case, so `-m "not postgres"` leaves them out
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec and "postgresql" in str(callspec.id).split("-"):
            item.add_marker(pytest.mark.postgres)
