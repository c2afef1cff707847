import asyncpg
import pytest_asyncio
from dataflow import DataFlow

from settings import DATABASE_URL

pytest_plugins = ["helpers"]  # the tests' helpers; as a plugin, their asserts report like a test's


# --8<-- [start:fixtures]
@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pool():
    pool = await asyncpg.create_pool(DATABASE_URL)
    yield pool
    await pool.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def db():
    db = DataFlow(DATABASE_URL)

    @db.model
    class User:
        name: str

    await db.initialize()
    yield db
    await db.close_async()
# --8<-- [end:fixtures]
