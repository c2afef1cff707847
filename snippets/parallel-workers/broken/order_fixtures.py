"""The db fixture every project of this recipe shares: a DataFlow instance with the Order model."""

import asyncpg
import pytest_asyncio
from dataflow import DataFlow

from databases import is_test_database


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
