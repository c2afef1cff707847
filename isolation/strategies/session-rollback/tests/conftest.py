"""session-rollback: the recommended session-wide DataFlow; instead of emptying tables, every test
gets an asyncpg connection in a transaction that is rolled back after the test. These fixtures
replace the recommended ones of ../conftest.py."""

import os

import asyncpg
import pytest
import pytest_asyncio

DATABASE_URL = os.environ["TEST_DATABASE_URL"]  # a test database: ../conftest.py checked it


@pytest.fixture(autouse=True)
def clean_database():
    """Replaced: nothing is emptied, the rollback below is the whole reset."""


# --8<-- [start:reset]
@pytest_asyncio.fixture(autouse=True)
async def conn(db):
    """The test's own connection, in a transaction that is rolled back after the test."""
    connection = await asyncpg.connect(DATABASE_URL, timeout=5)
    transaction = connection.transaction()
    await transaction.start()
    yield connection
    await transaction.rollback()  # undoes what ran on this connection, and nothing else
    await connection.close()
# --8<-- [end:reset]
