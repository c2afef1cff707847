import asyncio

import pytest
from dataflow import DataFlow
from kailash.runtime import AsyncLocalRuntime

from conftest import DATABASE_URL, create, server_connections


# --8<-- [start:concurrency]
@pytest.mark.asyncio
@pytest.mark.parametrize("settings", [{}, {"pool_size": 1, "pool_max_overflow": 0}])
async def test_connections_do_not_follow_pool_size(settings):
    db = DataFlow(DATABASE_URL, **settings)

    @db.model
    class Item:
        name: str

    await db.initialize()
    before = server_connections()

    await create("Item", "first")
    assert server_connections() - before == 1  # one operation: one connection, kept open

    runtime = AsyncLocalRuntime()
    assert runtime.max_concurrent_nodes == 10
    await asyncio.gather(*(create("Item", f"item {n}", runtime) for n in range(30)))
    assert server_connections() - before == 10  # 30 at once: as many as the runtime runs at once

    # One pool, filed under this test's event loop and the node's own sizes (10, at most 20).
    [key] = db.get_cleanup_metrics()["pool_keys"]
    assert key.startswith(f"{id(asyncio.get_running_loop())}|")
    assert key.endswith("|10|20")

    await db.cleanup_all_pools()
    assert server_connections() == before
# --8<-- [end:concurrency]
