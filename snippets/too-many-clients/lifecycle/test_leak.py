"""100 tests, each with its own DataFlow, torn down with $TEARDOWN; the last test counts what is left."""

import gc
import os
import threading

import pytest
import pytest_asyncio
from dataflow import DataFlow

from conftest import DATABASE_URL, call, create, server_connections, threads_since

TEARDOWN = os.environ.get("TEARDOWN", "none")  # none, or one of conftest.METHODS
BEFORE = set(threading.enumerate())


# --8<-- [start:db]
@pytest_asyncio.fixture
async def db():
    db = DataFlow(DATABASE_URL)

    @db.model
    class Item:
        name: str

    yield db
    if TEARDOWN != "none":
        await call(db, TEARDOWN)  # await db.<TEARDOWN>(), or db.close()
# --8<-- [end:db]


@pytest.mark.asyncio
@pytest.mark.parametrize("n", range(100))
async def test_create_item(db, n):
    assert "error" not in await create("Item", f"item {n}")


# After 100 tests: server connections, open pools, and threads started by the tests. An executor
# thread ends once its instance is garbage-collected: the one left is the last instance's, still
# referenced when the last test runs. A pool monitor thread ends only when its instance is closed.
LEFT = {
    "none":                dict(conns=101, pools=100, monitors=100, executors=1),
    "cleanup_all_pools":   dict(conns=1,   pools=0,   monitors=100, executors=1),
    "cleanup_stale_pools": dict(conns=2,   pools=1,   monitors=100, executors=1),
    "close_async":         dict(conns=1,   pools=0,   monitors=0,   executors=0),
    "close":               dict(conns=1,   pools=0,   monitors=0,   executors=0),
    "cleanup_test_tables": dict(conns=101, pools=100, monitors=100, executors=1),
}


def test_what_100_tests_left():
    gc.collect()  # an executor thread ends when its instance is garbage-collected
    threads = threads_since(BEFORE)
    left = dict(conns=sum(server_connections().values()),
                pools=DataFlow(DATABASE_URL).get_cleanup_metrics()["active_pools"],
                monitors=threads.pop("dataflow-pool-monitor", 0),
                executors=threads.pop("ThreadPoolExecutor", 0))
    print(f"after 100 tests torn down with {TEARDOWN}:", *(f"{k}={v}" for k, v in left.items()),
          "other threads:", dict(threads))
    assert left == LEFT[TEARDOWN]
