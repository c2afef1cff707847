"""Every wrong TEST_DATABASE_URL gets one line from the test job, and no fragment of the password.

Each case starts the project's own pytest with the URL and a test that needs no database: the
controller checks the URL before anything runs. Every address is a loopback one; the unknown host
is looked up in a network namespace with no network, so the lookup cannot leave the machine.
"""

import os
import re
import subprocess
import sys

import pytest

from harness import pgserver
from harness.normalize import REPO

SECRET = "Zq3Xv-Pw"
ODD = "Zq@Xv:w0J#kV"  # unencoded @ and #: most parsers read another host from it
# case -> (URL, what the line must say); {pw} {port} {closed} are filled in per run.
CASES = {
    "malformed": ("postgresql//test_user:{pw}@127.0.0.1:{port}/dataflow_test", "not a postgresql:// URL"),
    "unknown-scheme": ("mysql://test_user:{pw}@127.0.0.1:{port}/dataflow_test", "not a postgresql:// URL"),
    "port-not-a-number": ("postgresql://test_user:{pw}@127.0.0.1:54x4/dataflow_test", "port is not a number"),
    "port-out-of-range": ("postgresql://test_user:{pw}@127.0.0.1:99999/dataflow_test", "port is not a number"),
    "no-database": ("postgresql://test_user:{pw}@127.0.0.1:{port}/", "need user, host and database"),
    "unescaped-at-and-hash": (
        "postgresql://test_user:" + ODD + "@127.0.0.1:{port}/dataflow_test",
        "must be percent-encoded",
    ),
    "unescaped-slash": ("postgresql://test_user:Zq3Xv/Pw@127.0.0.1:{port}/dataflow_test", "must be percent-encoded"),
    "unescaped-colon": (
        "postgresql://test_user:Zq3Xv:Pw@127.0.0.1:{port}/dataflow_test",
        "password authentication failed",
    ),
    "empty-password": ("postgresql://test_user:@127.0.0.1:{port}/dataflow_test", "password"),
    "invalid-host-name": ("postgresql://test_user:{pw}@db..test:{port}/dataflow_test", "not a valid host name"),
    "closed-port": ("postgresql://test_user:{pw}@127.0.0.1:{closed}/dataflow_test", "Connect call failed"),
    "wrong-password": ("postgresql://test_user:{pw}@127.0.0.1:{port}/dataflow_test", "password authentication failed"),
    "missing-database": ("postgresql://test_user:{real}@127.0.0.1:{port}/nothere_test", "does not exist"),
    "not-a-test-database": ("postgresql://test_user:{pw}@127.0.0.1:{port}/latest", "must name a test database"),
    "role-without-createdb": ("postgresql://plain_user:{pw}@127.0.0.1:{port}/dataflow_test", "cannot create databases"),
    "unknown-host": (
        "postgresql://test_user:{pw}@no-such-host.invalid:5432/dataflow_test",
        "host 'no-such-host.invalid' not found",
    ),
}
NO_NETWORK = ["unshare", "--user", "--map-root-user", "--net"]


@pytest.fixture(scope="module")
def server():
    server = pgserver.start()
    server.psql(f"CREATE ROLE plain_user LOGIN PASSWORD '{SECRET}'")
    yield server
    server.stop()


def no_network_namespace() -> bool:
    try:
        return subprocess.run([*NO_NETWORK, "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def run_test_job(url: str, prefix=()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "pytest", "-p", "no:xdist", "tests/test_guards.py::test_refused"],
        cwd=REPO,
        env={**env, "TEST_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("case", CASES)
def test_one_line_without_the_password(case, server):
    template, says = CASES[case]
    prefix = ()
    if case == "unknown-host":
        if not no_network_namespace():
            pytest.skip("no network namespace here: the lookup would leave the machine")
        prefix = NO_NETWORK
    url = template.format(pw=SECRET, real=server.password, port=server.port, closed=pgserver.free_port())
    password = re.search(r"//[^:/]*:(.*)@", url).group(1)  # to the last "@", as typed
    proc = run_test_job(url, prefix)
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    assert proc.returncode == 4 and len(lines) == 1, lines
    assert lines[0].startswith("ERROR: "), lines
    assert says in lines[0], lines
    print(case, lines[0])  # the closing note's list of bad inputs and their lines
    for fragment in {*re.findall(r"[^@:#/]{2,}", password), server.password}:
        assert fragment not in lines[0], lines
