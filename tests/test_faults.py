"""Faults the test job and a reader's suite survive: the server dies, a run is killed, the job is killed.

Every server here is a throwaway one of the test's own on 127.0.0.1, so stopping it touches
nothing else. Nested runs get their own owner pid (the controller sets it), so their sweeps
never touch this job's databases.
"""

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from contextlib import nullcontext
from pathlib import Path

import asyncpg
import pytest

from harness import database, pgserver, recipe_run
from harness.database import _run
from harness.dburl import DatabaseURL
from harness.normalize import REPO
from harness.recipes import Recipe, execute, scrubbed_environ

# A failed test's whole report is one line, and says where to look.
ONE_LINE = re.compile(r"^[^\n]*(unreachable|cannot use the test database)[^\n]*connection-refused[^\n]*$")
PER_TEST_LIMIT = 5.0  # seconds; the bound for a test that finds the server gone


def clean_env(**more) -> dict:
    env = scrubbed_environ(PYTHONDONTWRITEBYTECODE="1", **more)
    env.pop(database.OWNER_ENV, None)  # the job under test owns what it makes, not this one
    return env


def harness_databases(url) -> list[str]:
    async def names():
        connection = await asyncpg.connect(str(url.with_(database="postgres")), timeout=5)
        try:
            return [r[0] for r in await connection.fetch("SELECT datname FROM pg_database")]
        finally:
            await connection.close()

    return [n for n in _run(names()) if database._FRESH.search(n)]


def run_until(cmd, cwd, env, reported: int, server, timeout=240, handshake: bool = False):
    """Run `cmd` (pytest -v), crash `server` once `reported` tests have a result, wait for the end.

    `handshake`: the suite's next test makes `crash-now` in `cwd` and waits for `server-down`, which
    is made once the server is down; for tests that take milliseconds, which would otherwise pass
    before the crash lands."""
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True
    )
    timer = threading.Timer(timeout, proc.kill)  # a hang fails the asserts below, it never blocks
    timer.start()
    if handshake:

        def crash_on_request():
            while proc.poll() is None and not (Path(cwd) / "crash-now").exists():
                time.sleep(0.02)
            server.crash()
            (Path(cwd) / "server-down").touch()

        threading.Thread(target=crash_on_request, daemon=True).start()
    lines, done = [], 0
    for line in proc.stdout:
        lines.append(line)
        if re.search(r" (PASSED|FAILED|ERROR|SKIPPED)\b", line):
            done += 1
            if done == reported and not handshake:
                server.crash()
    proc.wait()
    timer.cancel()
    return proc.returncode, "".join(lines)


def crash_midway(cmd, cwd, server, reported: int, junit: Path, handshake: bool = False) -> dict:
    """Run `cmd` on `server`, crash it after `reported` results, check each later test, restart it.

    Returns the environment the run had, for running it again."""
    env = clean_env(TEST_DATABASE_URL=str(server.url()))
    status, output = run_until(cmd, cwd, env, reported=reported, server=server, handshake=handshake)
    assert status == 1, output
    for name, seconds, failure in failures_after_crash(junit, first=reported):
        assert failure is not None, f"{name} passed with the server down"
        assert ONE_LINE.match(failure.get("message", "")), (name, failure.get("message"))
        assert seconds < PER_TEST_LIMIT, (name, seconds)
    server.restart()
    assert server.url() == DatabaseURL.parse(env["TEST_DATABASE_URL"])  # back where it was
    return env


def failures_after_crash(junit: Path, first: int):
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    later = cases[first + 1 :]  # the one in flight when the server died may fail any way
    assert later, "the server died after the last test"
    # An Element without children is falsy: `find(a) or find(b)` would lose a found one.
    found = [[e for e in (c.find("failure"), c.find("error")) if e is not None] for c in later]
    return [(c.get("name"), float(c.get("time")), f[0] if f else None) for c, f in zip(later, found, strict=True)]


def test_a_readers_suite_fails_fast_with_one_line_when_the_server_dies(tmp_path):
    for name, source in Recipe.load("fixture-patterns").project_files("recommended").items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, tmp_path / name)
    # The fourth test (the one in flight) asks for the crash and waits until the server is down.
    (tmp_path / "tests" / "test_many.py").write_text(
        "import asyncio\nimport os\n\nimport pytest\nfrom app import run_node\n\n\n"
        "@pytest.mark.asyncio\n@pytest.mark.parametrize('n', range(12))\n"
        "async def test_create(db, n):\n"
        "    if n == 3 and not os.path.exists('server-down'):\n"
        "        open('crash-now', 'w').close()\n"
        "        while not os.path.exists('server-down'):\n"
        "            await asyncio.sleep(0.02)\n"
        "    created = await run_node('CustomerCreateNode', {'name': f'c{n}', 'email': f'c{n}@example.com'})\n"
        "    assert created.get('error') is None\n"
    )
    server = pgserver.start()
    try:
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "-v",
            "-p",
            "no:cacheprovider",
            "tests/test_many.py",
            "--junitxml=report.xml",
        ]
        env = crash_midway(cmd, tmp_path, server, reported=3, junit=tmp_path / "report.xml", handshake=True)
        again = subprocess.run(
            cmd[:-1], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL
        )
        assert again.returncode == 0, again.stdout[-3000:]
    finally:
        server.stop()


def test_the_test_job_fails_fast_with_one_line_when_the_server_dies(tmp_path):
    server = pgserver.start()
    try:
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "-v",
            "-p",
            "no:xdist",
            "tests/test_recipes.py",
            "tests/test_notebooks.py",
            "-k",
            "connection-refused",
            f"--junitxml={tmp_path}/report.xml",
        ]
        env = crash_midway(cmd, REPO, server, reported=2, junit=tmp_path / "report.xml")
        again = subprocess.run(
            [*cmd[:7], "-k", "connection-refused and broken"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            stdin=subprocess.DEVNULL,
        )
        assert again.returncode == 0, again.stdout[-3000:]
        assert harness_databases(server.url()) == []  # the crashed job's: swept by the next one
    finally:
        server.stop()


def test_a_killed_recipe_run_fails_clearly_and_leaves_no_database(tmp_path, base_url):
    (tmp_path / "slow" / "sleeper").mkdir(parents=True)
    (tmp_path / "slow" / "recipe.toml").write_text(
        '[projects]\nsleeper = {}\n\n[[runs]]\nname = "sleeps"\nproject = "sleeper"\noutcome = "passed"\n'
    )
    (tmp_path / "slow" / "sleeper" / "test_sleep.py").write_text(
        "import time\n\ndef test_sleeps():\n    time.sleep(120)\n"
    )
    run = Recipe.load("slow", snippets=tmp_path).run("sleeps")
    results = []
    worker = threading.Thread(target=lambda: results.append(execute(run, base_url)))
    worker.start()
    child = None
    for _ in range(300):  # the run's pytest: a child of this process running in a recipe temp dir
        child = next((pid for pid in children() if "recipe-slow-" in cwd_of(pid)), None)
        if child:
            break
        time.sleep(0.1)
    assert child, "the recipe's pytest never started"
    time.sleep(1)  # let it connect... or not: either way it is mid-run
    os.kill(child, signal.SIGKILL)
    worker.join(timeout=60)
    (result,) = results
    assert result.outcome == "killed by SIGKILL"
    made = [name for name in result.literals if database._FRESH.search(name)]
    assert made and not set(made) & set(harness_databases(base_url))
    assert database.check(base_url)  # still serving the other workers


def test_a_run_that_hangs_says_where(tmp_path, base_url, monkeypatch):
    """A run killed at RUN_TIMEOUT keeps what it printed, with every thread's stack from pytest's
    faulthandler_timeout: the only clue to a deadlock in a run nobody watched."""
    (tmp_path / "slow" / "sleeper").mkdir(parents=True)
    (tmp_path / "slow" / "recipe.toml").write_text(
        '[projects]\nsleeper = {}\n\n[[runs]]\nname = "hangs"\nproject = "sleeper"\noutcome = "passed"\n'
    )
    (tmp_path / "slow" / "sleeper" / "test_hang.py").write_text(
        "import time\n\ndef test_waits_forever():\n    time.sleep(120)\n"
    )
    monkeypatch.setattr(recipe_run, "RUN_TIMEOUT", 8)  # where execute() reads them
    monkeypatch.setattr(recipe_run, "PYTEST_ARGS", [*recipe_run.PYTEST_ARGS[:-1], "faulthandler_timeout=2"])
    result = execute(Recipe.load("slow", snippets=tmp_path).run("hangs"), base_url)
    assert result.returncode == -1
    assert "TIMEOUT after 8s" in result.output
    assert "Timeout (0:00:02)!" in result.output and "in test_waits_forever" in result.output


def children() -> list[int]:
    mine = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[1] == mine:
                found.append(int(stat.parent.name))
        except (OSError, IndexError):
            continue
    return found


def cwd_of(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return ""


@pytest.mark.parametrize("own_server", [False, True], ids=["on-TEST_DATABASE_URL", "own-server"])
def test_kill_9_of_the_job_leaves_nothing_behind(own_server):
    server = None if own_server else pgserver.start()
    tmp = Path(tempfile.mkdtemp(prefix="killed-job-"))
    tmp.chmod(0o711)  # as root, the job's server runs as another user and needs to reach its folder
    try:
        env = clean_env(TMPDIR=str(tmp))
        env.pop(database.ENV, None)  # this job's server: not the one to test
        if server:
            env[database.ENV] = str(server.url())
        job = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "no:xdist",
                "tests/test_recipes.py",
                "-k",
                "fixture-patterns and recommended",
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        # Kill it mid-run: a recipe's temp project exists once its database does.
        for _ in range(600):
            # recipe-fixture-patterns-*: a recipe's project (recipe-runs-*, the job's run cache, comes
            # before the job's server has even started)
            if list(tmp.glob("recipe-fixture-patterns-*")) and (not server or harness_databases(server.url())):
                assert server or list(tmp.glob("throwaway-pg-*")), "the job started no server"
                break
            time.sleep(0.1)
        else:
            pytest.fail("the job never started a recipe run")
        os.killpg(job.pid, signal.SIGKILL)
        job.wait()  # reaped: the watchdogs see it gone
        for _ in range(300):  # they poll twice a second; 30 s leaves room for a loaded machine
            # Own server: the directory goes first, then the postmaster finishes exiting.
            if (
                harness_databases(server.url()) == []
                if server
                else not list(tmp.glob("throwaway-pg-*")) and not postmasters_under(tmp)
            ):
                break
            time.sleep(0.1)
        if server:
            assert harness_databases(server.url()) == []
        else:  # server, data directory and databases live in one folder
            left = list(tmp.glob("throwaway-pg-*"))
            assert left == [] and not postmasters_under(tmp), leftovers(tmp, left)
    finally:
        if server:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def leftovers(tmp: Path, left: list[Path]) -> str:
    """What a failure needs to say: the processes that name the folder, the files, the server's log."""
    processes = [Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ") for pid in postmasters_under(tmp)]
    files = [str(p.relative_to(tmp)) for folder in left for p in sorted(folder.rglob("*"))][:40]
    logs = [log.read_text()[-2000:] for folder in left for log in folder.glob("server.log")]
    return "\n".join(["processes:", *processes, "files:", *files, "server.log:", *logs])


def postmasters_under(folder: Path) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(folder) in cmdline.read_text():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def test_a_database_autovacuum_is_working_in_is_dropped():
    """The job's one chance failure: autovacuum in a database as the harness dropped it.

    WITH (FORCE) then tries to end autovacuum's session, which the test role may not do; the
    harness's drop (and the fixed-template recipe's) end the role's own sessions and leave
    autovacuum to a plain DROP DATABASE."""
    server = pgserver.start(autovacuum_naptime="1")  # autovacuum looks at each database every second
    try:
        for force in (True, False):
            with (
                pytest.raises(asyncpg.InsufficientPrivilegeError) if force else nullcontext(),
                database.fresh_database(server.url()) as url,
            ):
                _run(_busy_for_autovacuum(url))
                for _ in range(300):
                    if (
                        server.psql(
                            "SELECT count(*) FROM pg_stat_activity WHERE backend_type ="
                            f" 'autovacuum worker' AND datname = '{url.database}'"
                        ).strip()
                        != "0"
                    ):
                        break
                    time.sleep(0.1)
                else:
                    pytest.fail("autovacuum never started in the database")
                if force:
                    _run(_execute(server.url(), f'DROP DATABASE "{url.database}" WITH (FORCE)'))
            assert harness_databases(server.url()) == []  # the harness's drop did it, both times
    finally:
        server.stop()


def test_a_database_created_and_dropped_cuts_post_auth_delay_short(base_url):
    """Why too-many-clients' pool-cap runs have a server of their own: their slow database asks for
    post_auth_delay=15, and every other run of the job creates and drops a database on the shared
    server, which ends that wait early (the page says so)."""

    async def slow_connect() -> float:
        started = time.monotonic()
        connection = await asyncpg.connect(f"{base_url}?post_auth_delay=15")
        await connection.close()
        return time.monotonic() - started

    def create_and_drop() -> None:
        with database.fresh_database(base_url):
            pass

    async def meanwhile_create_and_drop() -> float:
        slow = asyncio.ensure_future(slow_connect())
        await asyncio.sleep(1)
        await asyncio.to_thread(create_and_drop)
        return await slow

    assert _run(meanwhile_create_and_drop()) < 10


async def _busy_for_autovacuum(url) -> None:
    """A table with dead rows that autovacuum works through slowly."""
    await _execute(
        url,
        "CREATE TABLE t (n int) WITH (autovacuum_vacuum_cost_delay = 100,"
        " autovacuum_vacuum_cost_limit = 1, autovacuum_vacuum_threshold = 0,"
        " autovacuum_vacuum_scale_factor = 0);"
        " INSERT INTO t SELECT generate_series(1, 200000); DELETE FROM t",
    )


async def _execute(url, sql):
    connection = await asyncpg.connect(str(url))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def test_a_recipe_run_executes_once_per_job(tmp_path, base_url, monkeypatch):
    """The recipe tests and the notebooks of one job share each run's one execution
    (harness.runcache); without the job's folder every call executes."""
    from harness import runcache

    (tmp_path / "counted" / "project").mkdir(parents=True)
    (tmp_path / "counted" / "recipe.toml").write_text(
        '[projects]\nproject = {}\n\n[[runs]]\nname = "once"\nproject = "project"\noutcome = "passed"\n'
    )
    executions = tmp_path / "executions"
    (tmp_path / "counted" / "project" / "test_count.py").write_text(
        f"def test_counts():\n    open({str(executions)!r}, 'a').write('ran\\n')\n"
    )
    run = Recipe.load("counted", snippets=tmp_path).run("once")
    monkeypatch.setenv(runcache.ENV, str(tmp_path))
    first, second = runcache.execute_once(run, base_url), runcache.execute_once(run, base_url)
    assert (first.outcome, second.recorded) == ("passed", first.recorded)
    assert executions.read_text() == "ran\n"
    monkeypatch.delenv(runcache.ENV)
    runcache.execute_once(run, base_url)
    assert executions.read_text() == "ran\nran\n"
