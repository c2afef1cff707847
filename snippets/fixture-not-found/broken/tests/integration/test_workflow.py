import pytest
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder


@pytest.mark.asyncio
async def test_create_user(db, user_model):
    await db.initialize()
    workflow = WorkflowBuilder()
    workflow.add_node("UserCreateNode", "create", {"name": "Ada"})
    results, _ = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    assert results["create"]["name"] == "Ada"
