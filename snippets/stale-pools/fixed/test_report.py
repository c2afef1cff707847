import pytest


# --8<-- [start:report]
@pytest.mark.asyncio
async def test_nothing_is_left_behind(db):
    assert db.get_cleanup_metrics()["active_pools"] == 0
    report = await db.cleanup_stale_pools()
    assert report["stale_pools_found"] == 0
# --8<-- [end:report]
