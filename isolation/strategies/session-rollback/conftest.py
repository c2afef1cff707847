"""session-rollback: the same session-wide DataFlow instance; every test also gets an asyncpg
connection in a transaction that is rolled back after the test. Goes with its pytest.ini."""

import asyncio
import os
import re
from urllib.parse import urlsplit

import asyncpg
import pytest
import pytest_asyncio
from dataflow import DataFlow

from app import register_models  # your app's models

# 5434 keeps a test server apart from a development one on 5432.
DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


def masked(url: str) -> str:
    """The URL with its password, from the user name's ":" to the last "@", shown as ***."""
    head, at, host = url.rpartition("@")
    scheme, slashes, userinfo = head.partition("//") if "//" in head else ("", "", head)
    if not at or ":" not in userinfo:
        return url
    return f"{scheme}{slashes}{userinfo.split(':', 1)[0]}:***@{host}"


def is_test_database(name: str) -> bool:
    """True when "test" is a word of the name: dataflow_test, test-shop; not latest or contest."""
    return "test" in re.split(r"[\W_]+", name.lower())


async def _connect_once(url: str) -> None:
    connection = await asyncpg.connect(url, timeout=5)
    await connection.close()


UNREACHABLE = (OSError, asyncio.TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


def pytest_sessionstart(session):
    """Before any test runs: refuse a database that is not a test one, then connect once."""
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    if not is_test_database(name):  # a test database, as everywhere on the site
        raise pytest.UsageError(f"refusing to run: 'test' is not a word of database name {name!r}")
    try:
        asyncio.run(_connect_once(DATABASE_URL))
    except UNREACHABLE as error:
        raise pytest.UsageError(
            f"test database unreachable at {masked(DATABASE_URL)}: {type(error).__name__}: {error}"
        ) from None


async def connect() -> asyncpg.Connection:
    """A connection, or, if the server went away mid-run, a failed test with one line."""
    try:
        return await asyncpg.connect(DATABASE_URL, timeout=5)
    except UNREACHABLE as error:
        pytest.fail(f"test database unreachable at {masked(DATABASE_URL)}: {type(error).__name__}:"
                    f" {error} (see the guide's page errors/connection-refused)", pytrace=False)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def db():
    """One DataFlow for every test: models registered and tables created once."""
    db = DataFlow(DATABASE_URL)
    register_models(db)
    await db.initialize()
    yield db
    await db.close_async()  # on the session's loop, the one its pool was opened on


# --8<-- [start:reset]
@pytest_asyncio.fixture(autouse=True, loop_scope="session")
async def conn(db):
    """The test's own connection, in a transaction that is rolled back after the test."""
    connection = await connect()
    transaction = connection.transaction()
    await transaction.start()
    yield connection
    await transaction.rollback()  # undoes what ran on this connection, and nothing else
    await connection.close()
# --8<-- [end:reset]
