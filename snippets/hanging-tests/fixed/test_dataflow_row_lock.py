import asyncpg
import pytest

from db_helpers import DATABASE_URL, run


# --8<-- [start:dataflow-row-lock]
@pytest.mark.asyncio
async def test_dataflow_update_waits_for_a_row_lock(db):
    visit = await run("VisitCreateNode", {"hits": 0})
    other = await asyncpg.connect(DATABASE_URL)
    try:
        async with other.transaction():
            await other.execute("UPDATE visits SET hits = hits + 1 WHERE id = $1", visit["id"])
        # Committed: the row's lock is released before DataFlow asks for it.
        await run("VisitUpdateNode", {"filter": {"id": visit["id"]}, "fields": {"hits": 5}})
    finally:
        await other.close()
    assert (await run("VisitReadNode", {"id": visit["id"]}))["hits"] == 5
# --8<-- [end:dataflow-row-lock]
