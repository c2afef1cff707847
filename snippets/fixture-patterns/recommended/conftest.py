"""Fixtures for testing a DataFlow app with pytest-asyncio 1.x. Goes with pytest.ini."""

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


# --8<-- [start:session-check]
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
    if not is_test_database(name):  # clean_database below empties and drops tables: never real data
        raise pytest.UsageError(f"refusing to run: 'test' is not a word of database name {name!r}")
    try:
        asyncio.run(_connect_once(DATABASE_URL))
    except UNREACHABLE as error:
        raise pytest.UsageError(
            f"test database unreachable at {masked(DATABASE_URL)}: {type(error).__name__}: {error}"
        ) from None
# --8<-- [end:session-check]


# --8<-- [start:connect]
async def connect() -> asyncpg.Connection:
    """A connection, or, if the server went away mid-run, a failed test with one line."""
    try:
        return await asyncpg.connect(DATABASE_URL, timeout=5)
    except UNREACHABLE as error:
        pytest.fail(f"test database unreachable at {masked(DATABASE_URL)}: {type(error).__name__}:"
                    f" {error} (see the guide's page errors/connection-refused)", pytrace=False)
# --8<-- [end:connect]


# --8<-- [start:db]
@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def db():
    """One DataFlow for the whole session: models registered, tables created, once."""
    db = DataFlow(DATABASE_URL)
    register_models(db)
    await db.initialize()
    yield db
    await db.close_async()  # on the session's loop, the one its pool was opened on
# --8<-- [end:db]


# --8<-- [start:reset]
async def public_tables(connection: asyncpg.Connection) -> set[str]:
    rows = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {row["tablename"] for row in rows}


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def initial_tables(db):
    """The tables db.initialize() left: the models' and DataFlow's own."""
    connection = await connect()
    try:
        return await public_tables(connection)
    finally:
        await connection.close()


@pytest_asyncio.fixture(autouse=True)
async def clean_database(db, initial_tables):
    """Every test starts from the tables db.initialize() left, the models' ones empty."""
    models = [db.get_model_info(name)["table_name"] for name in db.list_models()]
    connection = await connect()
    try:
        if made_since := await public_tables(connection) - initial_tables:  # by earlier tests
            await connection.execute(f"DROP TABLE {', '.join(map(quoted, made_since))} CASCADE")
        await connection.execute(f"TRUNCATE {', '.join(map(quoted, models))} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
# --8<-- [end:reset]


# --8<-- [start:conn]
@pytest_asyncio.fixture
async def conn():
    """A plain asyncpg connection, for looking at the database directly."""
    connection = await connect()
    yield connection
    await connection.close()
# --8<-- [end:conn]
