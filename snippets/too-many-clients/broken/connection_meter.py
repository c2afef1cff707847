"""A pytest plugin: count the test database's server connections after each test.

It holds one connection of its own (not counted) and prints one line at the end:
    server connections after each test: 2 3 4 ...
"""

import psycopg
import pytest

from conftest import DATABASE_URL

COUNT = """
    SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
"""
counts = []


@pytest.fixture(scope="session")
def meter():
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        yield connection


@pytest.fixture(autouse=True)
def count_connections(meter):
    yield  # autouse: torn down after the test's own fixtures
    counts.append(meter.execute(COUNT).fetchone()[0])


def pytest_sessionfinish(session):
    if counts:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.line("")  # end pytest's progress line
        reporter.line(f"server connections after each test: {' '.join(map(str, counts))}")
