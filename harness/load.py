"""`./dev load`: the recommended conftest under load.

Copies snippets/fixture-patterns/recommended's conftest.py, pytest.ini and app.py unchanged into a
temp dir, adds N generated DataFlow tests (create, read, update and list of `Customer`; every fifth
runs WIDTH nodes at once) and runs them with pytest against a throwaway server with few connection
slots. The figures go to load/last-run.json and load/figures.md, which the fixture patterns page
includes; `--render` only re-renders figures.md.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from importlib.metadata import version
from pathlib import Path

from harness import pgserver
from harness.normalize import REPO
from harness.recipes import LOG_RECORD, OUTCOME_LINE, Recipe, scrubbed_environ

OUT = REPO / "load"
LAST_RUN, FIGURES = OUT / "last-run.json", OUT / "figures.md"
DEFAULT_TESTS, EVERY, WIDTH, PER_FILE = 1000, 5, 12, 50
MAX_CONNECTIONS = "20"
PACKAGES = ("pytest", "pytest-asyncio", "kailash-dataflow", "kailash", "asyncpg")
# What running out of connections, or losing one, looks like in pytest's output.
CONNECTION_ERROR = re.compile(
    r"too many clients|remaining connection slots|connection refused|ConnectionRefusedError"
    r"|Connect call failed|TooManyConnectionsError|ConnectionDoesNotExistError|CannotConnectNowError",
    re.IGNORECASE,
)
CLIENTS = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
SESSIONS = f"SELECT sessions FROM pg_stat_database WHERE datname = '{pgserver.TEST_DATABASE}'"

STEPS = '''"""Steps of the generated load tests: CRUD of Customer through DataFlow's nodes."""

import asyncio

from app import run_node


def ok(result):
    assert isinstance(result, dict) and result.get("error") is None, result
    return result


async def one_by_one(n):
    email, renamed = f"c{n}@example.com", f"Renamed {n}"
    created = ok(await run_node("CustomerCreateNode", {"name": f"Customer {n}", "email": email}))
    read = ok(await run_node("CustomerReadNode", {"id": created["id"]}))
    assert read["found"] and read["email"] == email, read
    change = {"filter": {"id": created["id"]}, "fields": {"name": renamed}}
    updated = ok(await run_node("CustomerUpdateNode", change))
    assert updated["updated"] and updated["name"] == renamed, updated
    listed = ok(await run_node("CustomerListNode", {"filter": {"name": renamed}}))
    assert [r["id"] for r in listed["records"]] == [created["id"]], listed


async def at_once(n, width):
    emails = [f"c{n}-{k}@example.com" for k in range(width)]
    created = await asyncio.gather(
        *(run_node("CustomerCreateNode", {"name": "new", "email": e}) for e in emails))
    ids = [ok(c)["id"] for c in created]
    assert len(set(ids)) == width, ids
    reads = await asyncio.gather(*(run_node("CustomerReadNode", {"id": i}) for i in ids))
    assert [ok(r)["email"] for r in reads] == emails, reads
    updates = await asyncio.gather(*(
        run_node("CustomerUpdateNode", {"filter": {"id": i}, "fields": {"name": f"r{i}"}}) for i in ids))
    assert all(ok(u)["updated"] for u in updates), updates
    listed = ok(await run_node("CustomerListNode", {"limit": 2 * width}))
    found = sorted((r["id"], r["name"]) for r in listed["records"])
    assert found == sorted((i, f"r{i}") for i in ids), listed
'''

TEST = """
@pytest.mark.asyncio
async def test_{kind}_{n:04d}(db):
    await {kind}({args})
"""


def loaded_files() -> dict[str, Path]:
    """The recommended project's files the load copies: its own tests are not the load."""
    files = Recipe.load("fixture-patterns").project_files("recommended")
    return {name: source for name, source in sorted(files.items()) if not name.startswith("tests/")}


def inputs_digest() -> str:
    """What the figures depend on besides the versions: the copied files and how tests are made.
    A change to either makes the recorded run stale (tests/test_load.py)."""
    digest = hashlib.sha256()
    for name, source in loaded_files().items():
        digest.update(name.encode() + b"\0" + source.read_bytes() + b"\0")
    for part in (STEPS, TEST, str((EVERY, WIDTH, PER_FILE, MAX_CONNECTIONS))):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:16]


def write_project(folder: Path, tests: int) -> None:
    """The recipe's files as they are, and `tests` generated tests, PER_FILE to a file."""
    for name, source in loaded_files().items():
        (folder / name).write_bytes(source.read_bytes())
    (folder / "steps.py").write_text(STEPS)
    (folder / "tests").mkdir()
    for first in range(1, tests + 1, PER_FILE):
        body = "import pytest\n\nfrom steps import at_once, one_by_one\n\n"
        for n in range(first, min(first + PER_FILE, tests + 1)):
            at_once = n % EVERY == 0
            body += TEST.format(
                kind="at_once" if at_once else "one_by_one", n=n, args=f"{n}, width={WIDTH}" if at_once else n
            )
        (folder / "tests" / f"test_load_{first // PER_FILE + 1:03d}.py").write_text(body)


class PeakClients(threading.Thread):
    """Samples the server's client backends once a second: how close the run came to the limit."""

    def __init__(self, server, every: float = 1.0):
        super().__init__(daemon=True)
        self.server, self.every, self.peak, self.done = server, every, 0, threading.Event()

    def run(self):
        while not self.done.wait(self.every):
            # the superuser's reserved slot is ours; a missed sample is only a sample
            with contextlib.suppress(subprocess.CalledProcessError, ValueError):
                self.peak = max(self.peak, int(self.server.psql(CLIENTS)))


def run_pytest(folder: Path, url: str, timeout: float) -> tuple[int | None, list[str]]:
    """pytest in `folder`, its output streamed and 10% steps printed; killed after `timeout`."""
    env = scrubbed_environ(TEST_DATABASE_URL=url, PYTHONDONTWRITEBYTECODE="1", PY_COLORS="0", NO_COLOR="1")
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "--tb=short",
        "-rfE",
        "--color=no",
        "--junitxml=junit.xml",
        # Live WARNING logs: a connection error DataFlow logs and swallows is counted too.
        "-o",
        "log_cli=true",
        "-o",
        "log_cli_level=WARNING",
    ]
    return stream_pytest(
        command,
        folder,
        env,
        timeout,
        step=10,
        progress=lambda done, seconds: print(f"dev load: {done:3d}% done, {seconds:.0f}s", flush=True),
    )


def stream_pytest(
    command: list[str], folder: Path, env: dict, timeout: float, step: int = 10, progress=None
) -> tuple[int | None, list[str]]:
    """Run pytest's `command` in `folder`, keeping its output lines and calling progress(percent,
    seconds) at each `step` percent; killed with all it started after `timeout` (returncode None)."""
    proc = subprocess.Popen(
        command,
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    lines, began, shown = [], time.perf_counter(), 0

    def read():
        nonlocal shown
        assert proc.stdout is not None  # piped above
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if progress and (m := re.search(r"\[\s*(\d+)%\]\s*$", line)) and int(m.group(1)) >= shown + step:
                shown = int(m.group(1)) // step * step
                progress(shown, time.perf_counter() - began)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        returncode = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # pytest and anything it started
        proc.wait()
        returncode = None
    reader.join(5)
    return returncode, lines


def per_test(junit: Path) -> tuple[list[float], int, int]:
    """Each test's time (setup, call and teardown), the failed tests, those failed on a connection."""
    times, failed, on_connection = [], 0, 0
    for case in ET.parse(junit).iter("testcase"):
        times.append(float(case.get("time", 0)))
        problems = [p for p in case if p.tag in ("failure", "error")]
        failed += bool(problems)
        texts = [f"{p.get('message', '')}\n{p.text or ''}" for p in problems]
        on_connection += any(CONNECTION_ERROR.search(text) for text in texts)
    return times, failed, on_connection


def error_logs(lines: list[str]) -> dict[str, int]:
    """Live log records at ERROR or above, by logger and message head (up to its first colon)."""
    kinds: Counter[str] = Counter()
    for line in lines:
        if (m := LOG_RECORD.match(line)) and m.group(1) in ("ERROR", "CRITICAL"):
            logger = line.split()[1].split(":")[0]
            kinds[f"{logger}: {line[m.end() :].split(':')[0].strip()[:60]}"] += 1
    return dict(sorted(kinds.items()))


def p95(values: list[float]) -> float:
    return sorted(values)[math.ceil(0.95 * len(values)) - 1]  # nearest rank


def measure(tests: int) -> dict:
    server = pgserver.start(max_connections=MAX_CONNECTIONS)
    try:
        with tempfile.TemporaryDirectory(prefix="dev-load-") as tmp:
            folder = Path(tmp)
            write_project(folder, tests)
            print(
                f"dev load: {tests} tests, PostgreSQL max_connections={MAX_CONNECTIONS}; this takes minutes", flush=True
            )
            sampler = PeakClients(server)
            sampler.start()
            began = time.perf_counter()
            timeout = 120 + 1.2 * tests  # several times a healthy run: a hang must not block forever
            returncode, lines = run_pytest(folder, str(server.url()), timeout)
            wall = time.perf_counter() - began
            sampler.done.set()
            left = int(server.psql(CLIENTS))  # the pytest process has exited: nothing should be
            opened = int(server.psql(SESSIONS))
            if returncode is None:
                raise RuntimeError(
                    f"pytest did not finish within {timeout:.0f}s; killed. Last lines:\n" + "\n".join(lines[-15:])
                )
            if not (folder / "junit.xml").exists():
                raise RuntimeError(f"pytest exited {returncode} without running the tests:\n" + "\n".join(lines[-15:]))
            times, failed, on_connection = per_test(folder / "junit.xml")
        return {
            "command": "./dev load" + ("" if tests == DEFAULT_TESTS else f" --tests {tests}"),
            "date": date.today().isoformat(),
            "cpus": os.cpu_count(),
            "max_connections": int(MAX_CONNECTIONS),
            "tests": len(times),
            "concurrent_tests": tests // EVERY,
            "nodes_at_once": WIDTH,
            "passed": len(times) - failed,
            "failed": failed,
            "pytest_exit": returncode,
            "connection_error_lines": sum(bool(CONNECTION_ERROR.search(line)) for line in lines),
            "connection_error_tests": on_connection,
            "error_logs": error_logs(lines),
            "connections_opened": opened,
            "peak_client_backends": sampler.peak,
            "client_backends_left": left,
            "wall_seconds": round(wall, 1),
            "per_test_mean_seconds": round(statistics.mean(times), 3),
            "per_test_p95_seconds": round(p95(times), 3),
            "versions": {
                **{name: version(name) for name in PACKAGES},
                "python": sys.version.split()[0],
                "postgresql": server.psql("SHOW server_version").split()[0],
            },
            "outcome": next((m.group(1) for m in map(OUTCOME_LINE.match, reversed(lines)) if m), ""),
            "inputs": inputs_digest(),
        }
    finally:
        server.stop()


def render(run: dict) -> str:
    """The Markdown fragment the page includes: every figure it shows comes from here."""
    v = run["versions"]
    rows = [
        (
            "tests",
            f"{run['tests']}, of which {run['concurrent_tests']} run {run['nodes_at_once']} "
            f"nodes at once with `asyncio.gather`",
        ),
        ("server", f"PostgreSQL {v['postgresql']}, `max_connections = {run['max_connections']}`"),
        ("passed / failed", f"{run['passed']} / {run['failed']}"),
        (
            "connection errors",
            f"{run['connection_error_lines']} lines of output, {run['connection_error_tests']} tests",
        ),
        ("logged at ERROR", "; ".join(f"`{kind}`: {n}" for kind, n in run["error_logs"].items()) or "nothing"),
        ("connections opened", f"{run['connections_opened']}, {run['connections_opened'] / run['tests']:.0f} per test"),
        ("most client connections open at once (sampled each second)", str(run["peak_client_backends"])),
        ("client connections left after the run", str(run["client_backends_left"])),
        ("wall time", f"{run['wall_seconds']:.0f} s on {run['cpus']} CPUs"),
        (
            "per test, fixtures included",
            f"mean {run['per_test_mean_seconds']:.2f} s, 95th percentile {run['per_test_p95_seconds']:.2f} s",
        ),
        (
            "versions",
            f"Python {v['python']}, pytest {v['pytest']}, pytest-asyncio {v['pytest-asyncio']}, "
            f"kailash-dataflow {v['kailash-dataflow']} (kailash {v['kailash']}), asyncpg {v['asyncpg']}",
        ),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    return f"| `{run['command']}` | recorded on {run['date']} |\n|---|---|\n{table}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=DEFAULT_TESTS, help="how many tests to generate")
    parser.add_argument("--render", action="store_true", help="only re-render figures.md from last-run.json")
    args = parser.parse_args(argv)
    if args.render:
        FIGURES.write_text(render(json.loads(LAST_RUN.read_text())))
        print(f"dev load: rendered {FIGURES.relative_to(REPO)}")
        return 0
    try:
        run = measure(args.tests)
    except (pgserver.PostgresNotFound, RuntimeError) as error:
        print(f"dev load: {error}", file=sys.stderr)
        return 2
    OUT.mkdir(exist_ok=True)
    LAST_RUN.write_text(json.dumps(run, indent=2) + "\n")
    FIGURES.write_text(render(run))
    print(FIGURES.read_text(), end="")
    print(f"dev load: wrote {LAST_RUN.relative_to(REPO)} and {FIGURES.relative_to(REPO)}")
    healthy = run["failed"] == 0 and run["connection_error_lines"] == 0 and run["client_backends_left"] == 0
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
