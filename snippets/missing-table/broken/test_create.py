import asyncpg
import pytest
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder

from settings import DATABASE_URL


# --8<-- [start:create]
@pytest.mark.asyncio
async def test_create_user(db):
    workflow = WorkflowBuilder()
    workflow.add_node("UserCreateNode", "create", {"name": "Alice", "email": "alice@example.com"})
    results, _run_id = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    assert "create" in results  # true whatever the node did
# --8<-- [end:create]


# --8<-- [start:witness]
@pytest.mark.asyncio
async def test_nothing_was_written():
    """Not part of your suite: this page's proof that the passing test above wrote nothing."""
    connection = await asyncpg.connect(DATABASE_URL)
    try:
        assert await connection.fetchval("SELECT to_regclass('users')") is None  # no table, no Alice
    finally:
        await connection.close()
# --8<-- [end:witness]
