"""Helpers for measuring what DataFlow's lifecycle methods close. Goes with pytest.ini."""

import gc
import inspect
import os
import re
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

import psycopg
import pytest
import pytest_asyncio
from dataflow import DataFlow
from kailash.nodes.data.async_sql import AsyncSQLDatabaseNode
from kailash.nodes.data.sql import SQLDatabaseNode
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)
# Python 3.11: the garbage collector can finalize an AsyncLocalRuntime (its __del__ joins threads)
# inside a starting thread that holds threading's shutdown lock, and the run hangs for good. DataFlow
# leaves such runtimes behind itself, so collect only between tests, in the main thread.
gc.disable()


@pytest.fixture(autouse=True)
def collect_garbage_between_tests():
    yield
    gc.collect()


METHODS = ["cleanup_all_pools", "cleanup_stale_pools", "close_async", "close", "cleanup_test_tables"]


def is_test_database(name: str) -> bool:
    """True when "test" is a word of the name: dataflow_test, test-shop; not latest or contest."""
    return "test" in re.split(r"[\W_]+", name.lower())


def named(application_name: str, url: str = DATABASE_URL) -> str:
    """The test database under another application_name: DataFlow gives it a pool of its own, and
    pg_stat_activity shows which connections are whose."""
    return f"{url}{'&' if '?' in url else '?'}application_name={application_name}"


async def call(db, method: str):
    """db.<method>(), awaited when it is a coroutine (close() is the one that is not)."""
    if method == "cleanup_test_tables":  # it drops tables: only ever in a test database
        assert is_test_database(urlsplit(DATABASE_URL).path.lstrip("/"))
    result = getattr(db, method)()
    return await result if inspect.isawaitable(result) else result


def server_connections() -> Counter:
    """The test database's client connections per application_name (the server's autovacuum worker
    is listed under the database too), once the count stops changing: a connection closed a moment
    ago leaves pg_stat_activity only when its server process has exited."""
    query = """
        SELECT application_name, count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend'
          AND pid <> pg_backend_pid() GROUP BY 1
    """
    with psycopg.connect(DATABASE_URL, autocommit=True) as meter:
        counts, deadline = dict(meter.execute(query).fetchall()), time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(0.2)
            again = dict(meter.execute(query).fetchall())
            if again == counts:
                break
            counts = again
    return Counter(counts)


def pools(db) -> Counter:
    """Open pools per application_name, from DataFlow's process-wide metrics."""
    keys = db.get_cleanup_metrics()["pool_keys"]
    return Counter(re.search(r"application_name=(\w+)", key).group(1) for key in keys)


def threads_since(before: set) -> Counter:
    """Threads alive now that were not in `before`, by name with the numbers taken out. A thread
    pool counts once, whatever its number of workers (ThreadPoolExecutor-<pool>_<worker>,
    dataflow_async__<worker>): it starts another one when a task comes before the last has gone
    idle, which is timing."""
    new = [thread.name for thread in threading.enumerate() if thread not in before]
    pools = {re.sub(r"_\d+$", "", name) for name in new if re.search(r"_\d+$", name)}
    others = [name for name in new if not re.search(r"_\d+$", name)]
    return Counter(re.sub(r"[-_]*\d*$", "", name) for name in [*pools, *others])


async def create(model: str, name: str) -> dict:
    """Run one <model>CreateNode; return what it returned."""
    workflow = WorkflowBuilder()
    workflow.add_node(f"{model}CreateNode", "create", {"name": name})
    results, _ = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results["create"]


@pytest_asyncio.fixture
async def dataflow():
    """dataflow(url) makes a DataFlow; after the test every one is closed and every pool with
    them, whatever the test did, so the next test starts from nothing."""
    made = []

    def make(url: str) -> DataFlow:
        made.append(DataFlow(url))
        return made[-1]

    yield make
    for db in made:
        await db.close_async()
    await AsyncSQLDatabaseNode.clear_shared_pools()  # what cleanup_all_pools() calls
    SQLDatabaseNode.cleanup_pools()  # the connection per URL none of them closes (test_kept_open)
