"""The app under test: its DataFlow models, and a helper that runs one node."""

from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder


def register_models(db):
    @db.model
    class Customer:
        name: str
        email: str


async def run_node(node: str, params: dict) -> dict:
    workflow = WorkflowBuilder()
    workflow.add_node(node, "step", params)
    results, _run_id = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results["step"]
