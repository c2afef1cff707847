import asyncio
from urllib.parse import urlsplit

import pytest

from conftest import DATABASE_URL, create_note


# --8<-- [start:metrics]
@pytest.mark.asyncio
async def test_pool_metrics(db):
    await create_note("hello")  # the first query opens this loop's pool
    loop_id = id(asyncio.get_running_loop())

    metrics = db.get_cleanup_metrics()
    assert metrics["active_pools"] == 1
    assert metrics["event_loop_ids"] == [loop_id]
    # The key holds the URL exactly as given, password included.
    assert metrics["pool_keys"] == [f"{loop_id}|postgresql|{DATABASE_URL}|10|20"]
    print("password in pool key:", urlsplit(DATABASE_URL).password in metrics["pool_keys"][0])

    report = await db.cleanup_all_pools()
    assert report["total_pools"] == report["pools_cleaned"] == 1
    assert report["cleanup_failures"] == 0 and report["cleanup_errors"] == []
    assert db.get_cleanup_metrics()["active_pools"] == 0
# --8<-- [end:metrics]
