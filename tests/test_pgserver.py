"""The throwaway server: private, loopback-only, password-protected, unprivileged, cleaned up."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from harness import pgserver
from harness.dburl import DatabaseURL
from harness.normalize import REPO


def fetch(url, sql):
    async def run():
        connection = await asyncpg.connect(str(url), timeout=5)
        try:
            return await connection.fetchval(sql)
        finally:
            await connection.close()

    return asyncio.run(run())


def refuses(url) -> bool:
    try:
        fetch(url, "SELECT 1")
    except OSError:
        return True
    return False


@pytest.fixture(scope="module")
def server():
    server = pgserver.start(max_connections=7)
    yield server
    server.stop()


def test_settings_are_applied(server):
    assert fetch(server.url(), "SHOW max_connections") == "7"


def test_listens_on_loopback_only(server):
    assert fetch(server.url(), "SHOW listen_addresses") == "127.0.0.1"


def test_private_directory(server):
    assert server.workdir.stat().st_mode & 0o777 == 0o700


def test_test_role_needs_its_password_and_is_not_superuser(server):
    with pytest.raises(asyncpg.InvalidPasswordError):
        fetch(server.url(password="wrong_password"), "SELECT 1")
    assert fetch(server.url(), "SELECT rolsuper FROM pg_roles WHERE rolname = current_user") is False
    assert fetch(server.url(), "SHOW password_encryption") == "scram-sha-256"


def test_server_never_runs_as_root(server):
    pid = int((server.datadir / "postmaster.pid").read_text().split()[0])
    uid = int(
        next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Uid:")).split()[
            1
        ]
    )
    assert uid != 0
    assert uid == os.geteuid() or os.geteuid() == 0  # as root: an unprivileged user


def test_stop_removes_everything():
    server = pgserver.start()
    url, workdir = server.url(), server.workdir
    server.stop()
    assert not workdir.exists()
    assert refuses(url)


def test_removed_when_the_process_dies_of_an_error():
    code = (
        "from harness import pgserver; s = pgserver.start(); "
        "print(s.workdir, s.port, flush=True); raise SystemExit('a failed run')"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    workdir, port = proc.stdout.split()
    assert proc.returncode == 1
    assert not Path(workdir).exists()
    assert refuses(DatabaseURL.build("test_user", "any", "127.0.0.1", int(port), "dataflow_test"))


def test_dev_db_serves_until_stopped():
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness.pgserver"], cwd=REPO, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("export TEST_DATABASE_URL=postgresql://test_user:test_password@127.0.0.1:")
        url = line.split("=", 1)[1].strip()
        assert fetch(url, "SELECT current_database()") == "dataflow_test"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    assert refuses(url)


def test_role_without_createdb_is_told_why(server):
    from harness.database import DatabaseUnavailable, fresh_database

    server.psql("CREATE ROLE plain_user LOGIN PASSWORD 'plain_pw'")
    with (
        pytest.raises(DatabaseUnavailable, match="needs CREATEDB"),
        fresh_database(server.url(user="plain_user", password="plain_pw")),
    ):
        pass


def test_removed_when_its_owner_is_killed():
    code = "from harness import pgserver; s = pgserver.start(); print(s.workdir, s.port, flush=True); input()"
    owner = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    workdir, port = owner.stdout.readline().split()
    owner.kill()  # no atexit, no finalizer: only the watchdog can clean up
    owner.wait(timeout=10)
    for _ in range(100):
        if not Path(workdir).exists():
            break
        time.sleep(0.1)
    assert not Path(workdir).exists()
    assert refuses(DatabaseURL.build("test_user", "any", "127.0.0.1", int(port), "dataflow_test"))


def test_a_closed_connection_holds_its_slot_until_its_server_process_exits():
    """Why too-many-clients' first refusal can move by a test: a slot is free only once the closed
    connection's server process has exited. Stopping that process makes the moment last."""
    server = pgserver.start(max_connections=4)  # 3 are reserved for superusers: test_user gets 1
    url = str(server.url())

    async def scenario():
        first = await asyncpg.connect(url, timeout=5)
        pid = await first.fetchval("SELECT pg_backend_pid()")
        os.kill(pid, signal.SIGSTOP)
        try:
            first.terminate()  # closed on our side; its server process cannot exit yet
            with pytest.raises(asyncpg.TooManyConnectionsError):
                await asyncpg.connect(url, timeout=5)
        finally:
            os.kill(pid, signal.SIGCONT)
        deadline = time.monotonic() + 10
        while True:  # once that process has exited, the slot is free again
            try:
                await (await asyncpg.connect(url, timeout=5)).close()
                return
            except asyncpg.TooManyConnectionsError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)

    try:
        asyncio.run(scenario())
    finally:
        server.stop()
