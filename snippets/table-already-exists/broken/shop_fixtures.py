"""Fixtures every project of this recipe shares; each fix adds only its reset, in conftest.py."""

import os

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
