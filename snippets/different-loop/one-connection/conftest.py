import os

import asyncpg
import pytest_asyncio

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


# --8<-- [start:fixtures]
@pytest_asyncio.fixture
async def conn():
    """One asyncpg connection per test, on the test's own loop."""
    connection = await asyncpg.connect(DATABASE_URL)
    yield connection
    await connection.close()


@pytest_asyncio.fixture
async def pool():
    """A pool per test, on the test's own loop."""
    pool = await asyncpg.create_pool(DATABASE_URL, min_size=1, max_size=2)
    yield pool
    await pool.close()
# --8<-- [end:fixtures]
