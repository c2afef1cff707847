import os
import time

import psycopg
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


def server_connections(url=DATABASE_URL):
    """Client connections to the test database, not counting this query's own, once the count stops
    changing (at most 5 s): a connection closed a moment ago leaves pg_stat_activity only when its
    server process has exited. Only client backends: the server's autovacuum worker also shows up in
    pg_stat_activity with the database's name."""
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )
    with psycopg.connect(url, autocommit=True) as meter:
        count, deadline = meter.execute(query).fetchone()[0], time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(0.2)
            again = meter.execute(query).fetchone()[0]
            if again == count:
                break
            count = again
    return count


async def create(model, name, runtime=None):
    """Run one <model>CreateNode; return what it returned."""
    workflow = WorkflowBuilder()
    workflow.add_node(f"{model}CreateNode", "create", {"name": name})
    runtime = runtime or AsyncLocalRuntime()
    results, _ = await runtime.execute_workflow_async(workflow.build(), inputs={})
    return results["create"]
