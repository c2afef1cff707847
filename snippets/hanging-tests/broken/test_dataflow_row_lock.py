import asyncpg
import pytest
import pytest_asyncio
from dataflow import DataFlow
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder

from conftest import DATABASE_URL


@pytest_asyncio.fixture
async def db():
    db = DataFlow(DATABASE_URL)

    @db.model
    class Visit:
        hits: int

    await db.initialize()
    yield db
    await db.cleanup_all_pools()


async def run(node: str, params: dict) -> dict:
    workflow = WorkflowBuilder()
    workflow.add_node(node, "step", params)
    results, _ = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results["step"]


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
