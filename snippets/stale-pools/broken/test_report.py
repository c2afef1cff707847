import pytest


# --8<-- [start:report]
@pytest.mark.asyncio
async def test_stale_pools_are_found_and_cleaned(db):
    assert db.get_cleanup_metrics()["active_pools"] == 3  # one per earlier test, each on a closed loop

    report = await db.cleanup_stale_pools()

    assert report["stale_pools_found"] == report["stale_pools_cleaned"] == 3
    assert report["cleanup_failures"] == 0 and report["cleanup_errors"] == []
    assert db.get_cleanup_metrics()["active_pools"] == 0
# --8<-- [end:report]
