import asyncio

import asyncpg
import pytest
import pytest_asyncio
from dataflow import DataFlow

from settings import DATABASE_URL

pytest_plugins = ["helpers"]  # the tests' helpers; as a plugin, their asserts report like a test's


# --8<-- [start:fixtures]
# pytest-asyncio before 1.0 (no loop_scope before 0.24): redefine the event_loop fixture
# with the scope of the async fixtures; tests and fixtures then use that loop.
@pytest.fixture(scope="module")
def event_loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest_asyncio.fixture(scope="module")
async def pool():
    pool = await asyncpg.create_pool(DATABASE_URL)
    yield pool
    await pool.close()


@pytest_asyncio.fixture(scope="module")
async def db():
    db = DataFlow(DATABASE_URL)

    @db.model
    class User:
        name: str

    await db.initialize()
    yield db
    await db.close_async()
# --8<-- [end:fixtures]
