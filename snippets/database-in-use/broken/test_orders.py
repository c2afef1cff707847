import pytest
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder

pytestmark = pytest.mark.asyncio


async def run_node(db, node: str, params: dict) -> dict:
    workflow = WorkflowBuilder()
    workflow.add_node(node, "step", params)
    results, _ = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results["step"]


# --8<-- [start:tests]
async def test_create_order(db):
    order = await run_node(db, "OrderCreateNode", {"item": "tea", "quantity": 2})
    assert order["quantity"] == 2


async def test_list_orders(db):
    await run_node(db, "OrderCreateNode", {"item": "tea", "quantity": 2})
    listed = await run_node(db, "OrderListNode", {})
    assert len(listed["records"]) == 1
# --8<-- [end:tests]
