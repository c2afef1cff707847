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

    transaction = first.transaction()
    await transaction.start()
    await first.execute("UPDATE counters SET hits = hits + 1 WHERE id = 1")
    # The first transaction still holds the row lock: this waits for it, forever.
    await second.execute("UPDATE counters SET hits = hits + 1 WHERE id = 1")
    await transaction.commit()
# --8<-- [end:row-lock]
