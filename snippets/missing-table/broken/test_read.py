import asyncpg
import pytest
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder

from settings import DATABASE_URL


async def run(workflow):
    results, _run_id = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results


# --8<-- [start:asyncpg]
@pytest.mark.asyncio
async def test_count_with_asyncpg(db):
    connection = await asyncpg.connect(DATABASE_URL)
    try:
        assert await connection.fetchval("SELECT count(*) FROM users WHERE name = 'Nobody'") == 0
    finally:
        await connection.close()
# --8<-- [end:asyncpg]


# --8<-- [start:read-list]
@pytest.mark.asyncio
async def test_read_unknown_id(db):
    workflow = WorkflowBuilder()
    workflow.add_node("UserReadNode", "read", {"id": 404, "raise_on_not_found": False})
    assert (await run(workflow))["read"]["found"] is False


@pytest.mark.asyncio
async def test_list_nobody(db):
    workflow = WorkflowBuilder()
    workflow.add_node("UserListNode", "list", {"filter": {"name": "Nobody"}})
    assert (await run(workflow))["list"]["records"] == []
# --8<-- [end:read-list]
