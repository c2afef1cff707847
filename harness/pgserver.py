"""A throwaway PostgreSQL server for tests, recipes and notebooks.

`start()` runs initdb + pg_ctl of the installed PostgreSQL into a private temp
dir, listening on 127.0.0.1 only, on a free port, with scram-sha-256 password
auth for a non-superuser test role that owns a test database. When the caller
is root the server runs as an unprivileged user, because postgres refuses root.
"""

from __future__ import annotations

import atexit
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from harness.dburl import DatabaseURL

TEST_USER = "test_user"
TEST_PASSWORD = "test_password"  # `./dev db`'s, the one the pages' fallback URLs use
TEST_DATABASE = "dataflow_test"
ADMIN_USER = "postgres"

# Settings that make a disposable cluster fast; durability is not wanted here.
FAST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


class PostgresNotFound(RuntimeError):
    pass


def find_bindir() -> Path:
    """Where initdb, pg_ctl and psql live: $PG_BINDIR, Debian's 15, or PATH."""
    candidates = [os.environ.get("PG_BINDIR"), "/usr/lib/postgresql/15/bin"]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).resolve().parent))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").is_file():
            return Path(candidate)
    raise PostgresNotFound(
        "PostgreSQL server binaries not found (looked for initdb in $PG_BINDIR, "
        "/usr/lib/postgresql/15/bin and PATH); install postgresql-15 or set TEST_DATABASE_URL"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def silent_port():
    """A loopback port whose connections the kernel accepts and nobody answers: a connect that
    times out instead of being refused, like a server behind a firewall that drops packets."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)  # never accept()ed: the handshake completes, the startup packet gets no reply
        yield sock.getsockname()[1]


def _is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as postgres binds: TIME_WAIT is no bar
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _server_user() -> str | None:
    """None: run as ourselves. As root: an unprivileged account postgres accepts."""
    if os.geteuid() != 0:
        return None
    for name in (os.environ.get("PG_SERVER_USER"), "postgres", "nobody"):
        if name:
            try:
                pwd.getpwnam(name)
                return name
            except KeyError:
                continue
    raise PostgresNotFound("running as root and no unprivileged user (postgres, nobody) exists")


@dataclass
class ThrowawayPostgres:
    settings: dict[str, str] = field(default_factory=dict)
    bindir: Path = field(default_factory=find_bindir)
    port: int = 0
    workdir: Path | None = None
    run_as: str | None = field(default_factory=_server_user)
    preferred_port: int | None = None  # taken when free, else any free port
    # Random unless asked for: a password that leaks into a published output opens nothing,
    # and a test can look for it there (tests/test_published.py).
    password: str = field(default_factory=lambda: secrets.token_hex(12))
    startup_seconds: float = 0.0  # how long start() took (./dev bench)

    @property
    def folder(self) -> Path:
        """The server's folder, from start() until stop()."""
        if self.workdir is None:
            raise RuntimeError("the throwaway PostgreSQL is not running (not started, or stopped)")
        return self.workdir

    @property
    def datadir(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "sock"

    def url(self, user=TEST_USER, password=None, database=TEST_DATABASE) -> DatabaseURL:
        return DatabaseURL.build(user, password or self.password, "127.0.0.1", self.port, database)

    def _run(self, *args, **kwargs) -> subprocess.CompletedProcess:
        kwargs.setdefault("cwd", self.workdir)
        if self.run_as:
            kwargs["user"] = self.run_as
            kwargs["group"] = pwd.getpwnam(self.run_as).pw_gid
            kwargs["extra_groups"] = []
        return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True, **kwargs)

    def start(self) -> ThrowawayPostgres:
        self.workdir = Path(tempfile.mkdtemp(prefix="throwaway-pg-"))  # mode 0700
        if self.run_as:
            entry = pwd.getpwnam(self.run_as)
            os.chown(self.workdir, entry.pw_uid, entry.pw_gid)
        atexit.register(self.stop)
        self._start_watchdog()
        pwfile = self.workdir / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self.run_as:
            os.chown(pwfile, pwd.getpwnam(self.run_as).pw_uid, -1)
        self.socket_dir.mkdir()
        if self.run_as:
            os.chown(self.socket_dir, pwd.getpwnam(self.run_as).pw_uid, -1)
        try:
            self._run(
                self.bindir / "initdb",
                "-D",
                self.datadir,
                "-U",
                ADMIN_USER,
                f"--pwfile={pwfile}",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            )
            pwfile.unlink()
            self._start_server()
            self._bootstrap()
        except subprocess.CalledProcessError as exc:
            log = self.workdir / "server.log"
            detail = (exc.stderr or "").strip() or (log.read_text() if log.exists() else "")
            self.stop()
            raise RuntimeError(f"throwaway PostgreSQL failed to start: {detail}") from None
        return self

    def _start_server(self) -> None:
        options = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.socket_dir),
            **FAST_SETTINGS,
            **self.settings,
        }
        for attempt in range(3):  # another process may take the free port first
            self.port = free_port()
            if attempt == 0 and self.preferred_port and _is_free(self.preferred_port):
                self.port = self.preferred_port
            opts = " ".join(f"-c {k}={v}" for k, v in {**options, "port": self.port}.items())
            try:
                self._run(
                    self.bindir / "pg_ctl",
                    "start",
                    "-w",
                    "-t",
                    "30",
                    "-D",
                    self.datadir,
                    "-l",
                    self.folder / "server.log",
                    "-o",
                    opts,
                )
                return
            except subprocess.CalledProcessError:
                if attempt == 2:
                    raise

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL as the superuser over the private unix socket."""
        return self._run(
            self.bindir / "psql",
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            self.socket_dir,
            "-p",
            self.port,
            "-U",
            ADMIN_USER,
            "-d",
            database,
            "-c",
            sql,
        ).stdout

    def _bootstrap(self) -> None:
        self.psql(f"CREATE ROLE {TEST_USER} LOGIN CREATEDB PASSWORD '{self.password}';")
        self.psql(f"CREATE DATABASE {TEST_DATABASE} OWNER {TEST_USER}")

    def _start_watchdog(self) -> None:
        """A process that stops the server if this one dies without stopping it (kill -9, a crash)."""
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "harness.pgserver",
                "--watch",
                str(os.getpid()),
                str(self.workdir),
                str(self.bindir),
                self.run_as or "",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            cwd=self.folder.parent,
        )

    def crash(self) -> None:
        """Stop the server the hard way, as a crash would, keeping its data for restart()."""
        self._run(self.bindir / "pg_ctl", "stop", "-m", "immediate", "-w", "-D", self.datadir)

    def restart(self) -> None:
        """Start it again after crash(), on the same port if it is still free."""
        self.preferred_port = self.port
        self._start_server()

    def stop(self) -> None:
        if self.workdir is None:
            return
        workdir, self.workdir = self.workdir, None
        if (workdir / "data" / "postmaster.pid").exists():
            subprocess.run(
                [self.bindir / "pg_ctl", "stop", "-m", "immediate", "-w", "-D", workdir / "data"],
                capture_output=True,
                user=self.run_as,
                cwd=workdir,
            )
        shutil.rmtree(workdir, ignore_errors=True)


def start(preferred_port: int | None = None, password: str | None = None, **settings: str) -> ThrowawayPostgres:
    """Start a throwaway server; `settings` are postgresql.conf values, e.g. max_connections="8"."""
    began = time.perf_counter()
    server = ThrowawayPostgres(settings={k: str(v) for k, v in settings.items()}, preferred_port=preferred_port)
    if password:
        server.password = password
    server.start()
    server.startup_seconds = time.perf_counter() - began
    return server


def watch(owner: int, workdir: Path, bindir: Path, run_as: str | None) -> int:
    """Wait until `owner` exits or the server's folder is gone; then stop and remove what is left."""
    while workdir.exists():
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            # Until nothing is left: a server still starting when its owner died can write files
            # while they are being removed, and rmtree then leaves the folder.
            for _ in range(120):
                ThrowawayPostgres(bindir=bindir, workdir=workdir, run_as=run_as).stop()
                if not workdir.exists():
                    break
                time.sleep(0.5)
            break
        time.sleep(0.5)
    return 0


def main() -> int:
    """`./dev db`: a server for your own tests, on the test port 5434 when free, until Ctrl-C."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    try:
        server = start(preferred_port=5434, password=TEST_PASSWORD)
    except (PostgresNotFound, RuntimeError) as error:
        print(f"dev db: {error}", file=sys.stderr)
        return 2
    print(f"export TEST_DATABASE_URL={server.url()}", flush=True)
    print(
        f"# PostgreSQL {server.psql('SHOW server_version').strip()} is up; Ctrl-C stops and removes it",
        file=sys.stderr,
        flush=True,
    )
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--watch"]:
        owner, workdir, bindir, run_as = sys.argv[2:6]
        sys.exit(watch(int(owner), Path(workdir), Path(bindir), run_as or None))
    sys.exit(main())
