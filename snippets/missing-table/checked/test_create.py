import pytest
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder


async def run(workflow):
    results, _run_id = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results


@pytest.mark.asyncio
async def test_create_user(db):
    create = WorkflowBuilder()
    create.add_node("UserCreateNode", "create", {"name": "Alice", "email": "alice@example.com"})
    created = (await run(create))["create"]
    # A failed INSERT comes back as {"success": False, "error": ...}: it does not raise.
    assert "error" not in created, created["error"]

    # Read it back, so the test proves the row is really there.
    read = WorkflowBuilder()
    read.add_node("UserReadNode", "read", {"id": created["id"]})
    assert (await run(read))["read"]["email"] == "alice@example.com"
