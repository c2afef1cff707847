import pytest

from app_models import db


# --8<-- [start:leak]
@pytest.mark.asyncio
async def test_dataflow_pools_left_behind(caplog):
    metrics = db.get_cleanup_metrics()
    assert metrics["active_pools"] == 3  # one per test_add_note, each on its own loop
    assert len(metrics["event_loop_ids"]) == 3

    report = await db.cleanup_all_pools()
    assert report["pools_cleaned"] == 3
    assert report["cleanup_failures"] == 0  # reported as a clean cleanup...

    closes = [r.getMessage() for r in caplog.records if "pool_close_failed" in r.getMessage()]
    assert len(closes) == 3  # ...though each graceful close hit a closed loop
    assert all("raised Event loop is closed" in message for message in closes)
# --8<-- [end:leak]
