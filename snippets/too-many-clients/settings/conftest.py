import os

import psycopg
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


def server_connections(url=DATABASE_URL):
    """Client connections to the test database, not counting this query's own. Only client backends:
    the server's autovacuum worker also shows up in pg_stat_activity with the database's name."""
    with psycopg.connect(url) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchone()[0]


async def create(model, name, runtime=None):
    """Run one <model>CreateNode; return what it returned."""
    workflow = WorkflowBuilder()
    workflow.add_node(f"{model}CreateNode", "create", {"name": name})
    runtime = runtime or AsyncLocalRuntime()
    results, _ = await runtime.execute_workflow_async(workflow.build(), inputs={})
    return results["create"]
