import os

import pytest_asyncio
from dataflow import DataFlow
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


@pytest_asyncio.fixture
async def db():
    db = DataFlow(DATABASE_URL)

    @db.model
    class Note:
        text: str

    await db.initialize()
    yield db
    await db.close_async()


async def create_note(text: str) -> dict:
    workflow = WorkflowBuilder()
    workflow.add_node("NoteCreateNode", "create", {"text": text})
    results, _ = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results["create"]
