import pytest
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder


async def create_item(name):
    workflow = WorkflowBuilder()
    workflow.add_node("ItemCreateNode", "create", {"name": name})
    results, _ = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results["create"]


# --8<-- [start:test]
@pytest.mark.asyncio
@pytest.mark.parametrize("n", range(10))
async def test_create_item(db, n):
    created = await create_item(f"item {n}")
    print(created)
    assert created  # a non-empty dict: true for a refusal too
# --8<-- [end:test]
