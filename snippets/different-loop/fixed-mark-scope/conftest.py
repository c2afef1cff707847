import asyncpg
import pytest_asyncio
from dataflow import DataFlow

from settings import DATABASE_URL

pytest_plugins = ["helpers"]  # the tests' helpers; as a plugin, their asserts report like a test's


# --8<-- [start:fixtures]
# pytest-asyncio 0.23: a session-scoped async fixture runs in the session's event loop.
@pytest_asyncio.fixture(scope="session")
async def pool():
    """One asyncpg pool for the whole session, in the session's event loop."""
    pool = await asyncpg.create_pool(DATABASE_URL)
    yield pool
    await pool.close()


@pytest_asyncio.fixture(scope="session")
async def db():
    """One DataFlow instance for the whole session, in the session's event loop."""
    db = DataFlow(DATABASE_URL)

    @db.model
    class User:
        name: str

    await db.initialize()
    yield db
    await db.close_async()
# --8<-- [end:fixtures]
