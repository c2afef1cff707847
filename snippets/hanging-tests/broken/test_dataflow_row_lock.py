import asyncpg
import pytest

from db_helpers import DATABASE_URL, run


# --8<-- [start:dataflow-row-lock]
@pytest.mark.asyncio
async def test_dataflow_update_waits_for_a_row_lock(db):
    visit = await run("VisitCreateNode", {"hits": 0})
    other = await asyncpg.connect(DATABASE_URL)
    try:
        async with other.transaction():  # holds the row's lock until the block ends
            await other.execute("UPDATE visits SET hits = hits + 1 WHERE id = $1", visit["id"])
            # DataFlow's update needs the same row: it waits for the lock, forever.
            await run("VisitUpdateNode", {"filter": {"id": visit["id"]}, "fields": {"hits": 5}})
    finally:
        await other.close()
# --8<-- [end:dataflow-row-lock]
