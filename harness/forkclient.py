"""The test job's side of the fork server (harness/forkserver.py): start it, and the shim that execute() runs.

execute(run, base, python=...) runs `[python, "-m", "pytest", ...]`. Given the shim as `python`, that
command connects to the server instead, hands over its argv, cwd, environment and fds 0-2, and exits
as the forked run does (or is killed by its signal), so execute() and its timeout see a plain process.
One server per test process (each xdist worker), started on the first run that may fork.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SERVER = Path(__file__).with_name("forkserver.py")
START_TIMEOUT = 120  # seconds; imports take 2 s on an idle machine
# The shim is this script run by `python -I -S` (no PYTHON* variable read, no site-packages imported; it
# starts in about 15 ms), from a /bin/sh line: a #! line may not hold a long path, or one with spaces.
SHIM = """import json, os, signal, socket, struct, sys
conn = socket.socket(socket.AF_UNIX)
conn.connect({socket!r})
data = json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ)}}).encode()
data = struct.pack("!I", len(data)) + data
conn.sendall(data[socket.send_fds(conn, [data], [0, 1, 2]) :])
reply = b""
while chunk := conn.recv(64):
    reply += chunk
if not reply:
    sys.stderr.write("forkserver: the run ended without a status (the server died?)\\n")
    os._exit(70)
kind, n = json.loads(reply)
if kind == "signal":
    if n not in (signal.SIGKILL, signal.SIGSTOP):  # the two that cannot be caught, nor be set
        signal.signal(n, signal.SIG_DFL)
    os.kill(os.getpid(), n)
os._exit(n)
"""


class Forks:
    def __init__(self, env: dict[str, str]) -> None:
        """`env`: the server's environment; its PYTHON* variables decide which runs it may fork."""
        self.env = env
        self.process: subprocess.Popen | None = None
        self.folder: Path | None = None
        self.failed = False

    def shim(self) -> Path | None:
        """The executable to run in place of python, once the server is up; None if it could not start."""
        if self.failed:
            return None
        if self.process is None:
            self._start()
        if self.failed or self.process is None or self.process.poll() is not None:
            self.failed = True
            return None
        assert self.folder is not None
        # In bin/: execute() adds site_packages_of(python) to a run's literals, here <folder>/lib/...,
        # which names nothing any run prints.
        return self.folder / "bin" / "python"

    def _start(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="forkserver-"))
        shim = self.folder / "bin" / "python"
        shim.parent.mkdir()
        script = self.folder / "shim.py"
        script.write_text(SHIM.format(socket=str(self.folder / "socket")))
        shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -I -S {shlex.quote(str(script))} "$@"\n')
        shim.chmod(0o700)
        self.process = subprocess.Popen(
            [sys.executable, str(SERVER), str(self.folder), str(os.getpid())],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while not (self.folder / "socket").exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                print(
                    f"forkserver: did not start (exit {self.process.poll()}); runs use plain processes", file=sys.stderr
                )
                self.stop()
                self.failed = True
                return
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
