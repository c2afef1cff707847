import logging

import pytest
from dataflow import DataFlow

from conftest import DATABASE_URL, create


def named(url, application_name):
    """The same database under another application_name: DataFlow gives it a pool of its own."""
    return f"{url}{'&' if '?' in url else '?'}application_name={application_name}"


# --8<-- [start:process-wide]
@pytest.mark.asyncio
async def test_cleanup_closes_every_instances_pools(caplog):
    first = DataFlow(DATABASE_URL)
    second = DataFlow(named(DATABASE_URL, "second"))

    @first.model
    class Apple:
        name: str

    @second.model
    class Berry:
        name: str

    await create("Apple", "a")
    await create("Berry", "b")
    assert first.get_cleanup_metrics()["active_pools"] == 2

    cleaned = await first.cleanup_all_pools()  # called on the first instance only
    assert cleaned["pools_cleaned"] == 2
    assert second.get_cleanup_metrics()["active_pools"] == 0

    # The second instance's next query finds its pool closed, logs it, and retries on a new pool.
    with caplog.at_level(logging.WARNING):
        assert "error" not in await create("Berry", "c")
    assert "pool is closed. Retrying" in caplog.text
    await second.cleanup_all_pools()
# --8<-- [end:process-wide]
