import asyncio

import pytest

pytestmark = pytest.mark.asyncio


# --8<-- [start:gather]
async def count(conn, table: str) -> int:
    return await conn.fetchval(f"SELECT count(*) FROM {table}")


async def count_from(pool, table: str) -> int:
    async with pool.acquire() as conn:  # a connection of its own for each query
        return await count(conn, table)


async def test_counts_at_once(pool):
    tables, columns = await asyncio.gather(
        count_from(pool, "information_schema.tables"), count_from(pool, "information_schema.columns")
    )
    assert tables > 0 and columns > 0


async def test_counts_one_after_the_other(conn):
    tables = await count(conn, "information_schema.tables")
    columns = await count(conn, "information_schema.columns")
    assert tables > 0 and columns > 0
# --8<-- [end:gather]
