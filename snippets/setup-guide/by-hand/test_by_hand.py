import os
import shutil
import socket
import subprocess
import tempfile


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --8<-- [start:session]
SESSION = """
    eval "$(bash test-postgres.sh start "$PORT")"
    psql "$TEST_DATABASE_URL" -Atc "SELECT current_user, current_database()"
    psql "$TEST_DATABASE_URL" -Atc "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    psql "$TEST_DATABASE_URL" -Atc "SHOW listen_addresses"
    psql "${TEST_DATABASE_URL/test_password/wrong}" -c "SELECT 1" 2>/dev/null || echo "wrong password refused"
    bash test-postgres.sh stop
    test ! -e "$TEST_PG_DIR" && echo "removed"
"""


def run_session(*as_user, cwd="."):
    env = {**os.environ, "PORT": str(free_port())}  # a free port: 5434 may be taken on this machine
    run = subprocess.run([*as_user, "bash", "-euc", SESSION], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.stderr == ""
    assert run.stdout.splitlines() == [
        "test_user|dataflow_test",
        "f",  # not a superuser, like most application roles
        "127.0.0.1",
        "wrong password refused",
        "removed",
    ]


def test_as_this_user():  # as root, the script runs the server's programs as postgres
    run_session()
# --8<-- [end:session]


def test_as_an_unprivileged_user():
    """As root, also run the whole session as `nobody`: the script's other branch."""
    if os.geteuid() != 0:
        run_session()  # this user already is unprivileged
        return
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)  # a folder `nobody` may read
        shutil.copy("test-postgres.sh", folder)
        run_session("runuser", "-u", "nobody", "--", cwd=folder)
