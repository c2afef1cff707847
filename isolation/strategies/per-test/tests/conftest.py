"""per-test: a new schema and a new DataFlow for every test, each test on an event loop of its own
(this strategy's pytest.ini). These fixtures replace the recommended ones of ../conftest.py."""

import os
import re
from urllib.parse import urlsplit

import asyncpg
import pytest
import pytest_asyncio
from dataflow import DataFlow

from app import register_models

DATABASE_URL = os.environ["TEST_DATABASE_URL"]


def is_test_database(name: str) -> bool:
    """True when "test" is a word of the name: dataflow_test, test-shop; not latest or contest."""
    return "test" in re.split(r"[\W_]+", name.lower())


# --8<-- [start:reset]
@pytest_asyncio.fixture(autouse=True)
async def clean_database():
    """Every test starts from an empty public schema: no table or row an earlier test left."""
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    if not is_test_database(name):  # ../conftest.py refuses the run first; this also stands alone
        pytest.fail(f"refusing to drop the schema of {name!r}: 'test' is not a word of its name",
                    pytrace=False)
    connection = await asyncpg.connect(DATABASE_URL, timeout=5)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()
# --8<-- [end:reset]


# --8<-- [start:db]
@pytest_asyncio.fixture
async def db():
    db = DataFlow(DATABASE_URL)
    register_models(db)
    await db.initialize()  # creates the models' tables in the new schema
    yield db
    await db.close_async()  # still on the test's loop, before pytest-asyncio closes it
# --8<-- [end:db]
