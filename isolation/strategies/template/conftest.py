"""template: the models' tables are built once per session in a template database; every test
gets a new database copied from it, and a new DataFlow on that copy. Goes with the recommended
pytest.ini (a new event loop for every test)."""

import asyncio
import itertools
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
    if not is_test_database(name):  # the copies below are named after it, and dropped
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


# --8<-- [start:template]
TEMPLATE = urlsplit(DATABASE_URL).path.lstrip("/") + "_template"
_numbers = itertools.count(1)


def url_of(name: str) -> str:
    return urlsplit(DATABASE_URL)._replace(path="/" + name).geturl()


async def admin(sql: str) -> None:
    connection = await connect()
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def drop(name: str) -> None:
    """End this role's sessions in a test database, then drop it."""
    if not is_test_database(name):
        raise ValueError(f"refusing to drop {name!r}: 'test' is not a word of its name")
    await admin(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
        f" WHERE datname = '{name}' AND usename = current_user AND pid <> pg_backend_pid()"
    )
    await admin(f'DROP DATABASE IF EXISTS "{name}"')


async def build_template() -> None:
    await drop(TEMPLATE)
    await admin(f'CREATE DATABASE "{TEMPLATE}"')
    db = DataFlow(url_of(TEMPLATE))
    register_models(db)
    await db.initialize()  # builds the models' tables once, in the template
    await db.close_async()
    # PostgreSQL copies a database only while nobody is connected to it,
    # and DataFlow keeps one connection open after close_async().
    await admin(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
        f" WHERE datname = '{TEMPLATE}' AND usename = current_user"
    )


@pytest.fixture(scope="session")
def template():
    asyncio.run(build_template())
    yield TEMPLATE
    asyncio.run(drop(TEMPLATE))


@pytest_asyncio.fixture
async def database_url(template):
    """A new database for every test, copied from the template; dropped after the test."""
    name = f"{template}_{next(_numbers)}"
    await admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield url_of(name)
    await drop(name)
# --8<-- [end:template]


# --8<-- [start:db]
@pytest_asyncio.fixture
async def db(database_url):
    db = DataFlow(database_url)
    register_models(db)
    await db.initialize()  # the tables are there already, copied from the template
    yield db
    await db.close_async()  # before database_url drops the database
# --8<-- [end:db]
