import pytest
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder


@pytest.mark.asyncio
async def test_initialize(db):
    assert await db.initialize() is True


@pytest.mark.asyncio
async def test_create_note(db):
    workflow = WorkflowBuilder()
    workflow.add_node("NoteCreateNode", "create", {"text": "hello"})
    results, _ = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    assert results["create"]["text"] == "hello"
