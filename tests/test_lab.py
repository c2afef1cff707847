"""`./dev lab` runs a notebook through JupyterLab's own API and Ctrl-C stops all it started.

The lab uses the job's server (TEST_DATABASE_URL). Its notebook is not run again by
tests/test_notebooks.py: this test compares it with its recording, and re-records it under
--update-recorded. Its kernel must talk over IPC, work outside the repository, and leave no
database, process or file behind.
"""

import asyncio
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from urllib.request import Request, urlopen

import asyncpg
import nbformat
import psutil
import pytest
import websocket

from harness import database
from harness.lab import _wait_until_up
from harness.normalize import REPO
from harness.notebook_runner import (
    CELL_TIMEOUT,
    LITERALS_PROBE,
    NOTEBOOKS,
    comparable,
    normalized,
    read,
    register_recording,
)
from harness.pgserver import free_port

# Short, with errors where tagged, printed lines and recipe runs. Not connection-refused: the
# notebook test tests/test_faults.py kills the server under is that one's.
SLUG = "nested-event-loop"
TCP_WARNING = "Kernel is running over TCP"
UP_TIMEOUT = 120
STOP_TIMEOUT = 15  # JupyterLab shuts its kernels down, then the lab stops the database
URL_LINE = "http://127.0.0.1:{port}/lab?token="


class Lab:
    """`python -m harness.lab` on a free port, its log in a file; `api()` is its REST API."""

    def __init__(self, tmp_path, env, *args: str):
        self.port = free_port()
        self.log = tmp_path / "lab.log"
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "harness.lab", "--port", str(self.port), *args],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        try:
            self.url = self._url_line()
        except BaseException:
            self.kill()
            raise
        self.token = self.url.partition("token=")[2]

    def _url_line(self) -> str:
        ready, _, _ = select.select([self.process.stdout], [], [], UP_TIMEOUT)
        line = self.process.stdout.readline().strip() if ready else ""
        assert line.startswith(URL_LINE.format(port=self.port)), (line, self.log.read_text())
        return line

    def api(self, method, path, body=None):
        request = Request(
            f"http://127.0.0.1:{self.port}/api/{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}"},
        )
        with urlopen(request, timeout=30) as response:
            return json.loads(response.read() or "null")

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=STOP_TIMEOUT)

    def kill(self):
        """After a failure: SIGTERM lets the lab remove what it made; SIGKILL if it does not stop."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def execute(channel, code: str) -> list:
    """Run `code` over the kernel's websocket; its outputs, as nbformat outputs."""
    msg_id = uuid.uuid4().hex
    channel.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "session": "test_lab",
                    "username": "test",
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "channel": "shell",
                "buffers": [],
                "content": {
                    "code": code,
                    "silent": False,
                    "store_history": True,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": False,
                },
            }
        )
    )
    outputs, replied, idle = [], False, False
    while not (replied and idle):
        msg = json.loads(channel.recv())
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["header"]["msg_type"]
        if kind == "execute_reply":
            replied = True
        elif kind == "status":
            idle = msg["content"]["execution_state"] == "idle"
        elif kind in ("stream", "display_data", "execute_result", "error"):
            outputs.append(nbformat.v4.output_from_msg(msg))
    return outputs


def kernel_process(kernel_id: str) -> psutil.Process:
    """The kernel's process: its argv names its connection file, kernel-<id>.json."""
    for process in psutil.process_iter(["cmdline"]):
        if any(arg.endswith(f"kernel-{kernel_id}.json") for arg in process.info["cmdline"] or []):
            return process
    raise AssertionError(f"no process for kernel {kernel_id}")


def databases(base_url) -> set[str]:
    async def run():
        connection = await asyncpg.connect(str(base_url), timeout=5)
        try:
            return {row[0] for row in await connection.fetch("SELECT datname FROM pg_database")}
        finally:
            await connection.close()

    return asyncio.run(run())


def lab_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    # The developer's Jupyter settings do not apply here, and no history is written to their home.
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        env[name] = str(tmp_path / name.lower())
    return {**env, **extra}


def test_lab_runs_a_notebook_and_ctrl_c_stops_it(tmp_path, base_url, update_recorded):
    path = NOTEBOOKS / f"{SLUG}.ipynb"
    nb = read(path)
    files_before = set(NOTEBOOKS.iterdir())
    lab = Lab(tmp_path, lab_env(tmp_path, **{database.ENV: str(base_url)}))
    try:
        served = nbformat.from_dict(lab.api("GET", f"contents/{SLUG}.ipynb?content=1")["content"])
        assert [c.source for c in served.cells] == [c.source for c in nb.cells]
        session = lab.api(
            "POST", "sessions", {"path": f"{SLUG}.ipynb", "type": "notebook", "name": "", "kernel": {"name": "python3"}}
        )
        kernel_id = session["kernel"]["id"]
        channel = websocket.create_connection(
            f"ws://127.0.0.1:{lab.port}/api/kernels/{kernel_id}/channels?session_id={session['id']}",
            header=[f"Authorization: token {lab.token}"],
            timeout=CELL_TIMEOUT,
        )
        kernel = kernel_process(kernel_id)
        connection_file = kernel.cmdline()[kernel.cmdline().index("-f") + 1]
        connection = json.loads(Path(connection_file).read_text())
        assert connection["transport"] == "ipc", connection
        assert not kernel.cwd().startswith(str(REPO)), kernel.cwd()  # DataFlow writes migrations/ there
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = execute(channel, cell.source)
                errors = [o for o in cell.outputs if o.output_type == "error"]
                if "raises-exception" not in cell.metadata.get("tags", []):
                    assert not errors, (cell.source, errors)
        literals = json.loads("".join(o.text for o in execute(channel, LITERALS_PROBE)))
        channel.close()
        assert lab.interrupt() == 0, lab.log.read_text()
    finally:
        lab.kill()
    executed = normalized(nb, literals)
    if update_recorded:
        register_recording(executed, path)  # written at the session's end
    else:
        assert comparable(executed) == comparable(read(path)), f"{path.name}: ./dev update re-records"

    log = lab.log.read_text()
    assert TCP_WARNING not in log
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", lab.port), timeout=2).close()
    assert psutil.wait_procs([kernel], timeout=5)[1] == []
    made = {name for name, value in literals.items() if value == database.TEST_DATABASE_NAME}
    assert made and not made & databases(base_url), made  # the kernel dropped its databases
    assert not os.path.exists(os.path.dirname(connection_file))  # sockets and all
    assert set(NOTEBOOKS.iterdir()) == files_before


RECORDED = ["notebooks/*.ipynb", "snippets/*/recorded/**/*", "matrix/results/*.json", "matrix/variants/**/*"]


@pytest.mark.unit
def test_no_recorded_output_carries_the_tcp_warning():
    files = sorted({p for pattern in RECORDED for p in REPO.glob(pattern) if p.is_file()})
    assert len(files) > 20
    assert [p.relative_to(REPO) for p in files if TCP_WARNING in p.read_text(encoding="utf-8")] == []


def test_lab_starts_its_own_server_and_ctrl_c_removes_it(tmp_path):
    """Without TEST_DATABASE_URL, as from a clean clone: a throwaway server, gone after Ctrl-C. Saving a
    notebook in it saves its paired text too (jupytext, in .venv/lab), here in a copy of notebooks/."""
    env = lab_env(tmp_path)
    env.pop(database.ENV, None)
    root = tmp_path / "notebooks"
    root.mkdir()
    for suffix in (".ipynb", ".py"):
        shutil.copyfile((NOTEBOOKS / SLUG).with_suffix(suffix), (root / SLUG).with_suffix(suffix))
    lab = Lab(tmp_path, env, "--root", str(root))
    try:
        model = lab.api("GET", f"contents/{SLUG}.ipynb")
        model["content"]["cells"][0]["source"] += "\n\nA line added in the lab."
        lab.api("PUT", f"contents/{SLUG}.ipynb", {"type": "notebook", "format": "json", "content": model["content"]})
        assert "# A line added in the lab." in (root / f"{SLUG}.py").read_text()
        children = psutil.Process(lab.process.pid).children()  # JupyterLab, the server's watchdog
        workdir = next(
            argv[4]
            for argv in map(psutil.Process.cmdline, children)
            if argv[1:4] == ["-m", "harness.pgserver", "--watch"]
        )
        port = int(re.search(r"its kernels on \S+:(\d+)/", lab.log.read_text())[1])
        assert lab.interrupt() == 0, lab.log.read_text()
    finally:
        lab.kill()
    for closed in (port, lab.port):
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", closed), timeout=2).close()
    assert not os.path.exists(workdir)
    assert psutil.wait_procs(children, timeout=5)[1] == []  # the watchdog sees the server gone


# What jupyter_server 2 does: its info file first, the port bound a moment later by its event loop.
INFO_BEFORE_BIND = """
import json, socket, sys, time
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
open(sys.argv[1], "w").write(json.dumps({"port": sock.getsockname()[1]}))
time.sleep(1)
sock.listen()
time.sleep(60)
"""


@pytest.mark.unit
def test_the_lab_is_up_when_its_port_accepts_not_when_its_info_file_is_written(tmp_path):
    info_file = tmp_path / "jpserver.json"
    server = subprocess.Popen([sys.executable, "-c", INFO_BEFORE_BIND, str(info_file)])
    try:
        info = _wait_until_up(server, info_file, threading.Event())
        socket.create_connection(("127.0.0.1", info["port"]), timeout=2).close()
    finally:
        server.kill()
        server.wait()


def test_a_wrong_database_url_is_one_line(tmp_path):
    url = f"postgresql://test_user:Zq3Xv-Pw@127.0.0.1:{free_port()}/dataflow_test"  # nothing listens
    proc = subprocess.run(
        [sys.executable, "-m", "harness.lab"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=lab_env(tmp_path, **{database.ENV: url}),
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, lines
    assert lines[0].startswith("dev lab: cannot use the test database postgresql://test_user:***@"), lines
