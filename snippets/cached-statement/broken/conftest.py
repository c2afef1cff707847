import os

import asyncpg
import pytest_asyncio

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


# --8<-- [start:conn]
@pytest_asyncio.fixture
async def conn():
    """An asyncpg connection with a table of items; asyncpg caches each statement it prepares."""
    connection = await asyncpg.connect(DATABASE_URL)
    await connection.execute("CREATE TABLE items (id serial PRIMARY KEY, name text)")
    await connection.execute("INSERT INTO items (name) VALUES ('tea')")
    yield connection
    await connection.execute("DROP TABLE items")
    await connection.close()
# --8<-- [end:conn]
