import pytest
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder

from together import all_workers_reach

pytestmark = pytest.mark.asyncio


async def run_node(db, node: str, params: dict) -> dict:
    workflow = WorkflowBuilder()
    workflow.add_node(node, "step", params)
    results, _ = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results["step"]


async def items(db) -> list[str]:
    listed = await run_node(db, "OrderListNode", {})
    return sorted(order["item"] for order in listed["records"])


# --8<-- [start:tests]
async def test_create_order(db, meeting_point):
    order = await run_node(db, "OrderCreateNode", {"item": "coffee", "quantity": 1})
    await all_workers_reach("ordered", meeting_point)
    assert order["item"] == "coffee"


async def test_list_orders(db, meeting_point):
    await run_node(db, "OrderCreateNode", {"item": "juice", "quantity": 1})
    await all_workers_reach("ordered", meeting_point)
    assert await items(db) == ["juice"]
# --8<-- [end:tests]
