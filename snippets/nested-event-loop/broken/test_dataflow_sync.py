import pytest
from dataflow import DataFlow
from kailash.runtime import LocalRuntime
from kailash.workflow.builder import WorkflowBuilder

from conftest import DATABASE_URL


# --8<-- [start:dataflow-sync]
@pytest.mark.asyncio
async def test_dataflow_sync_runtime_inside_a_test():
    db = DataFlow(DATABASE_URL)

    @db.model
    class Note:
        text: str

    await db.initialize()
    workflow = WorkflowBuilder()
    workflow.add_node("NoteCreateNode", "create", {"text": "hello"})
    with LocalRuntime() as runtime:
        results, _ = runtime.execute(workflow.build())  # synchronous, on a running loop
    assert results["create"]["text"] == "hello"
    await db.cleanup_all_pools()
# --8<-- [end:dataflow-sync]
