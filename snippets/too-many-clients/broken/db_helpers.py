"""The test database's URL and the one operation the tests run, for conftest.py and the tests."""

import os

from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


async def create_item(name):
    """Run one ItemCreateNode; return its result, which holds the error if the write failed."""
    workflow = WorkflowBuilder()
    workflow.add_node("ItemCreateNode", "create", {"name": name})
    results, _ = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results["create"]
