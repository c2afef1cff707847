import os
from urllib.parse import urlsplit

import asyncpg
import pytest
import pytest_asyncio
from dataflow import DataFlow

from app import register_models

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


@pytest.fixture
def database_url():
    """The database a test uses; the other fixtures ask for it."""
    return DATABASE_URL


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


# --8<-- [start:schema]
def refuse_unless_test_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    if "test" not in name:
        raise RuntimeError(f"refusing to drop schema public in database {name!r}: no 'test' in its name")


@pytest_asyncio.fixture(autouse=True)
async def empty_schema(database_url):
    refuse_unless_test_database(database_url)  # before connecting at all
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()
    yield
# --8<-- [end:schema]
