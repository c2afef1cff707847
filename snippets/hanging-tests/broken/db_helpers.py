"""What every project of this recipe shares: the test database's URL, a DataFlow fixture and the
helpers the tests call. conftest.py loads it as a plugin, for the fixture; the tests import the rest.

PYTEST_DONT_REWRITE: it has no asserts, and a conftest.py that imports DATABASE_URL from it before
pytest loads it as a plugin would otherwise get a warning that it cannot be rewritten.
"""

import os

import asyncpg
import pytest_asyncio

# The test-port convention: 5434 keeps a test server apart from a development one on 5432.
DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)

# DataFlow and Kailash are imported where they are used, not above: a run of the raw asyncpg tests
# alone never imports them. Importing them moves the moment the garbage collector finalizes a
# coroutine a test dropped, and with it the warnings such a run reports.


@pytest_asyncio.fixture
async def db():
    """A DataFlow with one model, Visit, its table created."""
    from dataflow import DataFlow

    db = DataFlow(DATABASE_URL)

    @db.model
    class Visit:
        hits: int

    await db.initialize()
    yield db
    await db.cleanup_all_pools()


async def run(node: str, params: dict) -> dict:
    """Run one DataFlow node in a workflow of its own; return what it returned."""
    from kailash.runtime import AsyncLocalRuntime
    from kailash.workflow.builder import WorkflowBuilder

    workflow = WorkflowBuilder()
    workflow.add_node(node, "step", params)
    results, _ = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results["step"]


async def server_version() -> str:
    connection = await asyncpg.connect(DATABASE_URL)
    try:
        return await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()
