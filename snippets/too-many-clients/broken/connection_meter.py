"""A pytest plugin: count the test database's server connections after each test.

It holds one connection of its own (not counted) and prints one line at the end:
    server connections after each test: 2 3 4 ...
"""

import time

import psycopg
import pytest

from conftest import DATABASE_URL

COUNT = """
    SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_type = 'client backend'  -- not the server's autovacuum worker
"""
counts = []


@pytest.fixture(scope="session")
def meter():
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        yield connection


def settled_count(meter) -> int:
    """The count once it stops changing: a connection the test closed leaves pg_stat_activity only
    when its server process has exited, a moment later (on a busy machine, a longer one)."""
    count, deadline = meter.execute(COUNT).fetchone()[0], time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(0.2)
        again = meter.execute(COUNT).fetchone()[0]
        if again == count:
            break
        count = again
    return count


@pytest.fixture(autouse=True)
def count_connections(meter):
    yield  # autouse: torn down after the test's own fixtures
    counts.append(settled_count(meter))


def pytest_sessionfinish(session):
    if counts:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.line("")  # end pytest's progress line
        reporter.line(f"server connections after each test: {' '.join(map(str, counts))}")
