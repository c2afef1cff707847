import pytest
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder


async def create_note(text: str) -> dict:
    workflow = WorkflowBuilder()
    workflow.add_node("NoteCreateNode", "create", {"text": text})
    results, _ = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results["create"]


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["first", "second", "third"])
async def test_create_note(db, text):
    assert (await create_note(text))["text"] == text
