"""`./dev lab`: JupyterLab on 127.0.0.1 with the notebooks, their kernels on a live PostgreSQL.

    python -m harness.lab [--port N]     8888 when free unless N is given; Ctrl-C stops it

The server is $TEST_DATABASE_URL's, else a throwaway one started here. The lab gets it as
TEST_DATABASE_URL, so every kernel's live_database() makes its databases on that one server.
Ctrl-C (or SIGTERM) stops JupyterLab, which shuts its kernels down, then the server.

Kernels talk to JupyterLab over IPC, not TCP: ipykernel 7 warns that its TCP transport is
unencrypted, and a lab on this machine needs no port but its own. They run in a temp dir, as in
the test job: DataFlow writes a migrations/ folder where it runs. Their kernel spec is the lab's
own, for this Python: a reader's own `python3` spec (~/.local/share/jupyter) may be another one.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import database, pgserver
from harness.notebook_runner import NOTEBOOKS, kernelspec

# JupyterLab runs from a venv of its own; its kernels run this Python, beside the recipes (pyproject.toml).
LAB_PYTHON = Path(sys.prefix) / "lab" / "bin" / "python"
DEFAULT_PORT = 8888
START_TIMEOUT = 120  # a cold first start on a loaded machine
STOP_TIMEOUT = 30


def jupyter_command(port: int, retries: int, workdir: Path, root: Path = NOTEBOOKS) -> list[str]:
    return [
        str(LAB_PYTHON),
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--ServerApp.port_retries={retries}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.log_level=WARN",
        "--ExtensionApp.log_level=WARN",
        "--KernelManager.transport=ipc",
        f"--MappingKernelManager.root_dir={workdir}",  # the kernels' working directory
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]


def _die_with_parent() -> None:
    """In the child: SIGTERM when this process dies, however it dies (Linux; elsewhere a no-op)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def serve(url, tmp: Path, port: int | None, stop: threading.Event, root: Path = NOTEBOOKS) -> int:
    if stop.is_set():  # Ctrl-C while the database was starting
        return 0
    runtime, share, workdir = tmp / "runtime", tmp / "share", tmp / "work"
    for folder in (runtime, workdir):
        folder.mkdir()
    kernelspec(share / "kernels" / "python3", Path(sys.executable), "Python 3 (DataFlow guide)")
    token = secrets.token_hex(24)
    env = {
        **os.environ,
        database.ENV: str(url),
        "JUPYTER_TOKEN": token,  # in the environment, not argv, where any user's `ps` shows it
        # Connection files, IPC sockets, the server's info file: here, removed on exit; short
        # paths too (a unix socket's path is at most 107 bytes).
        "JUPYTER_RUNTIME_DIR": str(runtime),
        # Searched first: the lab's python3 kernel spec is the one its kernels run.
        "JUPYTER_PATH": os.pathsep.join([str(share), os.environ.get("JUPYTER_PATH", "")]).rstrip(os.pathsep),
    }
    lab = subprocess.Popen(
        jupyter_command(port or DEFAULT_PORT, 0 if port else 50, workdir, root),
        env=env,
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C reaches this process only; it stops the lab in order
        preexec_fn=_die_with_parent,
    )
    try:
        info = _wait_until_up(lab, runtime / f"jpserver-{lab.pid}.json", stop)
        if info is None:
            return 0 if stop.is_set() else 2
        what = "it" if os.environ.get(database.ENV) else "it and the database"
        print(
            f"# JupyterLab is up with notebooks/, its kernels on {url.masked}; Ctrl-C stops {what}",
            file=sys.stderr,
            flush=True,
        )
        print(f"http://127.0.0.1:{info['port']}/lab?token={token}", flush=True)
        while not stop.wait(0.5):
            if lab.poll() is not None:
                print(f"dev lab: JupyterLab exited with status {lab.returncode}", file=sys.stderr)
                return 2
        return 0
    finally:
        _stop(lab)


def _wait_until_up(lab: subprocess.Popen, info_file: Path, stop: threading.Event) -> dict | None:
    """The server's info once it accepts connections; None if it did not start.

    Its info file is not enough: jupyter_server 2 writes it before its event loop runs the
    callback that binds the port, so a client reading it at once can be refused."""
    deadline = time.monotonic() + START_TIMEOUT
    while not stop.is_set():
        if lab.poll() is not None:
            print(
                f"dev lab: JupyterLab exited with status {lab.returncode} before it was up (its log is above)",
                file=sys.stderr,
            )
            return None
        try:
            info = json.loads(info_file.read_text())
            if _accepts(info["port"]):
                return info
        except (FileNotFoundError, json.JSONDecodeError):  # not yet, or half written
            pass
        if time.monotonic() > deadline:
            print(f"dev lab: JupyterLab was not up after {START_TIMEOUT} s", file=sys.stderr)
            return None
        stop.wait(0.2)
    return None


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:  # refused: not bound yet
        return False
    return True


def _stop(lab: subprocess.Popen) -> None:
    """SIGTERM: JupyterLab shuts its kernels down (they drop their databases) and exits."""
    if lab.poll() is None:
        lab.terminate()
        try:
            lab.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="./dev lab", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, help=f"this port or fail (default: {DEFAULT_PORT} when free)")
    parser.add_argument("--root", type=Path, default=NOTEBOOKS, help="serve this folder's notebooks (tests use it)")
    args = parser.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    try:
        with database.base_url() as url, tempfile.TemporaryDirectory(prefix="lab-") as tmp:
            return serve(url, Path(tmp), args.port, stop, args.root.resolve())
    except (database.DatabaseUnavailable, pgserver.PostgresNotFound, RuntimeError) as error:
        print(f"dev lab: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
