# --8<-- [start:imports]
import asyncio
import os
from urllib.parse import urlsplit

import asyncpg
import pytest
import pytest_asyncio
from dataflow import DataFlow

from databases import create_database, drop_database, is_test_database, url_of
# --8<-- [end:imports]

pytest_plugins = ["together"]  # not part of the pattern: see together.py

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


# --8<-- [start:database]
@pytest.fixture(scope="session")
def database_url():
    """A database for each xdist worker, named after the worker.

    Session-scoped: each worker creates its database before its first test and drops it after its last.
    """
    # xdist sets PYTEST_XDIST_WORKER in each worker; without xdist there is one "main" database.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"{urlsplit(DATABASE_URL).path.lstrip('/')}_{worker}"
    asyncio.run(create_database(DATABASE_URL, name))
    yield url_of(DATABASE_URL, name)
    asyncio.run(drop_database(DATABASE_URL, name))
# --8<-- [end:database]


# --8<-- [start:db]
@pytest_asyncio.fixture
async def db(database_url):
    db = DataFlow(database_url)

    @db.model
    class Order:
        item: str
        quantity: int

    yield db
    await db.close_async()
    await delete_orders(database_url)  # the next test starts with no orders


async def delete_orders(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        name = await connection.fetchval("SELECT current_database()")
        if not is_test_database(name):
            raise RuntimeError(f"refusing to delete rows in {name!r}: 'test' is not a word of its name")
        await connection.execute("DELETE FROM orders")
    finally:
        await connection.close()
# --8<-- [end:db]

