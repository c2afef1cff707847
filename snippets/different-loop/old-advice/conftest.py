import asyncio
import os

import asyncpg
import pytest
from dataflow import DataFlow

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


# The upstream guide's "Option B": one event loop for the whole session, in a fixture
# named event_loop, and session-scoped async fixtures that rely on it.
@pytest.fixture(scope="session")
def event_loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
async def db():
    db = DataFlow(DATABASE_URL)

    @db.model
    class User:
        name: str

    await db.initialize()
    yield db
    await db.cleanup_all_pools()


@pytest.fixture(scope="session")
async def pool():
    pool = await asyncpg.create_pool(DATABASE_URL)
    yield pool
    await pool.close()
