"""Which server the tests use, and fresh per-run databases on it.

TEST_DATABASE_URL set: that server is used and nothing is started. Unset: a throwaway
server is started (harness.pgserver). Either way each recipe run gets a database of its
own, created from the base URL's role and dropped afterwards; only databases this module
created, named `<base>_r<hex>` and passing harness.guards.is_test_database, are ever dropped.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import asyncpg

from harness import pgserver
from harness.dburl import BadDatabaseURL, DatabaseURL
from harness.guards import is_test_database

ENV = "TEST_DATABASE_URL"
TEST_DATABASE_NAME = pgserver.TEST_DATABASE
CONNECT_TIMEOUT = 5


class DatabaseUnavailable(RuntimeError):
    """Raised with one line that says what is wrong; the password is masked."""


def _run(coro):
    """Run a coroutine to completion, also from code already inside a loop (a notebook)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _connect(url: DatabaseURL) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(str(url), timeout=CONNECT_TIMEOUT)
    except UnicodeError:  # the host name's IDNA encoding failed ("db..test"): before any lookup
        raise DatabaseUnavailable(f"cannot use the test database {url.masked}: not a valid host name") from None
    except socket.gaierror as error:
        raise DatabaseUnavailable(
            f"cannot use the test database {url.masked}: host {url.host!r} not found ({error.strerror})"
        ) from None
    except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        reason = str(error) or type(error).__name__
        raise DatabaseUnavailable(
            f"cannot use the test database {url.masked}: {type(error).__name__}: {reason}"
        ) from None


def check(url: DatabaseURL) -> str:
    """Connect once; return the server version, or raise DatabaseUnavailable.

    The role must be able to create databases: each recipe run gets one of its own. Said here,
    once, rather than by every recipe test."""

    async def probe():
        connection = await _connect(url)
        try:
            return await connection.fetchrow(
                "SELECT current_setting('server_version') AS version, rolcreatedb OR rolsuper AS creates"
                " FROM pg_roles WHERE rolname = current_user"
            )
        finally:
            await connection.close()

    row = _run(probe())
    if not row["creates"]:
        raise DatabaseUnavailable(
            f"role {url.user!r} of {url.masked} cannot create databases (each recipe run gets one"
            f" of its own): ALTER ROLE {url.user} CREATEDB, or use another role"
        )
    return row["version"]


def from_environment() -> DatabaseURL | None:
    raw = os.environ.get(ENV)
    if not raw:
        return None
    try:
        url = DatabaseURL.parse(raw)
    except BadDatabaseURL as error:
        raise DatabaseUnavailable(f"{ENV}: {error}") from None
    if not is_test_database(url.database):
        raise DatabaseUnavailable(
            f"{ENV} must name a test database ('test' as a word of its name, like dataflow_test), got {url.masked}"
        )
    check(url)
    return url


@contextmanager
def base_url(**settings: str):
    """The URL every test uses: $TEST_DATABASE_URL, else a throwaway server's (with `settings`)."""
    url = None if settings else from_environment()
    if url is not None:
        yield url
        return
    server = pgserver.start(preferred_port=None, password=None, **settings)
    try:
        yield server.url()
    finally:
        server.stop()


_FRESH = re.compile(r"_r[0-9a-f]{8}$")
# Who made a database: a job killed before it could drop its databases leaves them to the next
# job on this host, or to its watchdog (watch_job). OWNER_ENV is the pid of the process that
# owns the run (the test job's controller); its workers, recipe runs and kernels inherit it.
OWNER_ENV = "HARNESS_OWNER_PID"
_MADE_BY = re.compile(r"dataflow-guide harness: host=(\S+) pid=(\d+)")


def _owner() -> int:
    return int(os.environ.get(OWNER_ENV) or os.getpid())


def _made_by(owner: int) -> str:
    return f"dataflow-guide harness: host={socket.gethostname()} pid={owner}"


@contextmanager
def fresh_database(base: DatabaseURL):
    """A new empty database next to `base`, owned by its role; dropped on exit."""
    name = f"{base.database}_r{secrets.token_hex(4)}"

    async def create():
        connection = await _connect(base)
        pending = _pending(name)
        try:
            # CREATE and COMMENT cannot share a transaction: a server that dies between them would
            # leave a database without the note sweep() goes by. The note on this host goes first.
            pending.write_text(str(_owner()))
            await connection.execute(f'CREATE DATABASE "{name}"')
            await connection.execute(f"COMMENT ON DATABASE \"{name}\" IS '{_made_by(_owner())}'")
            pending.unlink()
        except asyncpg.InsufficientPrivilegeError:
            raise DatabaseUnavailable(
                f"role {base.user!r} of {base.masked} needs CREATEDB: each recipe run gets its own database"
            ) from None
        finally:
            await connection.close()

    _run(create())
    try:
        yield base.with_(database=name)
    finally:
        drop(base, name)


def _pending_folder() -> Path:
    """Where this host notes each database about to be made, until its comment is on it."""
    folder = Path(tempfile.gettempdir()) / f"dataflow-guide-pending-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _pending(name: str) -> Path:
    return _pending_folder() / name


def drop(base: DatabaseURL, name: str) -> None:
    if not is_test_database(name) or not _FRESH.search(name) or not name.startswith(base.database):
        raise ValueError(f"refusing to drop {name!r}: not a database this harness created")

    async def run():
        connection = await _connect(base)
        try:
            # Not WITH (FORCE): that must also end autovacuum's session if one is there, which a
            # role that is not a superuser may not do (a chance failure of the test job). Plain
            # DROP DATABASE ends autovacuum itself; this role's own sessions are ended first.
            await connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = $1 AND usename = current_user AND pid <> pg_backend_pid()",
                name,
            )
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        finally:
            await connection.close()

    _run(run())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        pass
    return True


def sweep(base: DatabaseURL, owner: int | None = None) -> list[str]:
    """Drop this host's harness databases next to `base` whose owner is `owner`, or (None) dead.

    Returns their names. Only names drop() accepts, and only with this host's comment, are
    touched: another machine's or a live job's databases on a shared server are left alone."""

    async def run():
        connection = await _connect(base)
        try:
            rows = await connection.fetch(
                "SELECT datname, shobj_description(oid, 'pg_database') AS note FROM pg_database"
            )
        finally:
            await connection.close()
        return rows

    def ours(pid: int) -> bool:
        return pid == owner if owner is not None else not _alive(pid)

    here = socket.gethostname()
    dropped = []
    rows = _run(run())
    for row in rows:
        made = _MADE_BY.fullmatch(row["note"] or "")
        if not made or made.group(1) != here or not row["datname"].startswith(base.database + "_r"):
            continue
        if ours(int(made.group(2))):
            drop(base, row["datname"])
            dropped.append(row["datname"])
    # Noted on this host but never commented: its maker died between CREATE and COMMENT.
    names = {row["datname"] for row in rows}
    for pending in sorted(_pending_folder().glob(f"{base.database}_r*")):
        try:
            pid = int(pending.read_text() or 0)
        except (OSError, ValueError):
            continue
        if ours(pid):
            if pending.name in names and pending.name not in dropped:
                drop(base, pending.name)
                dropped.append(pending.name)
            pending.unlink(missing_ok=True)
    return dropped


def watch_job(base: DatabaseURL) -> None:
    """Start a process that drops this job's databases if the job dies without dropping them."""
    watcher = subprocess.Popen(
        [sys.executable, "-m", "harness.database", "--watch", str(_owner())],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        text=True,
    )
    assert watcher.stdin is not None  # piped above
    watcher.stdin.write(str(base))  # not in argv, where any user's `ps` would show the password
    watcher.stdin.close()


def _watch(owner: int) -> int:
    base = DatabaseURL.parse(sys.stdin.read())
    while _alive(owner):
        time.sleep(0.5)
    try:
        sweep(base, owner)
    except DatabaseUnavailable:  # the server is gone too: the next job's sweep will do it
        return 1
    return 0


if __name__ == "__main__" and sys.argv[1:2] == ["--watch"]:
    sys.exit(_watch(int(sys.argv[2])))
