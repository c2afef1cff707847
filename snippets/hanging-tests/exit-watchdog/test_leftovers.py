import pytest
from dataflow import DataFlow
from kailash.runtime import LocalRuntime
from kailash.workflow.builder import WorkflowBuilder

from db_helpers import DATABASE_URL, run


# --8<-- [start:leftovers]
@pytest.mark.asyncio
async def test_async_dataflow_never_closed():
    db = DataFlow(DATABASE_URL)

    @db.model
    class Order:
        total: int

    await db.initialize()
    order = await run("OrderCreateNode", {"total": 5})
    assert order["total"] == 5
    # no `await db.cleanup_all_pools()`: its connection pools are left open


def test_sync_runtime_never_closed():
    db = DataFlow(DATABASE_URL)

    @db.model
    class Invoice:
        total: int

    workflow = WorkflowBuilder()
    workflow.add_node("InvoiceCreateNode", "step", {"total": 7})
    results, _ = LocalRuntime().execute(workflow.build())  # no `with`, no close()
    assert results["step"]["total"] == 7
# --8<-- [end:leftovers]
