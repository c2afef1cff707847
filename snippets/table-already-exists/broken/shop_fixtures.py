"""Fixtures every project of this recipe shares; each fix adds only its reset, in conftest.py."""

import re
from urllib.parse import urlsplit

import asyncpg
import pytest
import pytest_asyncio
from dataflow import DataFlow

from app import register_models
from settings import DATABASE_URL


# --8<-- [start:test-database]
def is_test_database(name: str) -> bool:
    """True when "test" is a word of the name: dataflow_test, test-shop; not latest or contest."""
    return "test" in re.split(r"[\W_]+", name.lower())


def checked(url: str) -> str:
    """`url`, if it names a test database: the fixes empty it, or drop databases beside it."""
    name = urlsplit(url).path.lstrip("/")
    if not is_test_database(name):
        raise RuntimeError(f"refusing to reset database {name!r}: 'test' is not a word of its name")
    return url


@pytest.fixture(scope="session")
def server_url():
    """TEST_DATABASE_URL, checked before anything connects to it."""
    return checked(DATABASE_URL)


@pytest.fixture
def database_url(server_url):
    """The database a test uses; the other fixtures ask for it."""
    return server_url
# --8<-- [end:test-database]


# --8<-- [start:conn]
@pytest_asyncio.fixture
async def conn(database_url):
    connection = await asyncpg.connect(database_url)
    yield connection
    await connection.close()
# --8<-- [end:conn]


# --8<-- [start:db]
@pytest_asyncio.fixture
async def db(database_url):
    db = DataFlow(database_url)
    register_models(db)
    await db.initialize()
    yield db
    await db.cleanup_all_pools()  # closes connection pools, nothing else
# --8<-- [end:db]
