import asyncpg
import pytest

from db_helpers import DATABASE_URL


# --8<-- [start:row-lock]
@pytest.mark.asyncio
async def test_two_connections_update_one_row():
    first = await asyncpg.connect(DATABASE_URL)
    second = await asyncpg.connect(DATABASE_URL)
    await first.execute("CREATE TABLE counters (id int PRIMARY KEY, hits int NOT NULL)")
    await first.execute("INSERT INTO counters VALUES (1, 0)")

    async with first.transaction():
        await first.execute("UPDATE counters SET hits = hits + 1 WHERE id = 1")
    # Committed: the row lock is released before the second connection asks for it.
    await second.execute("UPDATE counters SET hits = hits + 1 WHERE id = 1")
    assert await second.fetchval("SELECT hits FROM counters WHERE id = 1") == 2
    await first.close()
    await second.close()
# --8<-- [end:row-lock]
