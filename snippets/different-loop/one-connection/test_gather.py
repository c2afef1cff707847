import asyncio

import pytest

pytestmark = pytest.mark.asyncio


# --8<-- [start:gather]
async def count(conn, table: str) -> int:
    return await conn.fetchval(f"SELECT count(*) FROM {table}")


async def test_counts_at_once(conn):
    """Two queries at once on one connection."""
    tables, columns = await asyncio.gather(
        count(conn, "information_schema.tables"), count(conn, "information_schema.columns")
    )
    assert tables > 0 and columns > 0
# --8<-- [end:gather]
