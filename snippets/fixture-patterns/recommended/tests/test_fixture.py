"""What the db fixture promises: models and tables ready, one loop, one pool for every test."""

import asyncio

import pytest
import pytest_asyncio

from app import run_node


# --8<-- [start:registered]
@pytest.mark.asyncio
async def test_models_registered_and_tables_created(db, conn):
    assert "Customer" in db.get_models()
    assert await conn.fetchval("SELECT to_regclass('customers')") == "customers"
# --8<-- [end:registered]


# --8<-- [start:same-loop]
@pytest_asyncio.fixture
async def fixture_loop():
    return asyncio.get_running_loop()


@pytest.mark.asyncio
async def test_fixtures_and_test_share_one_loop(fixture_loop, db):
    assert asyncio.get_running_loop() is fixture_loop
    await run_node("CustomerCountNode", {})
    assert db.get_cleanup_metrics()["event_loop_ids"] == [id(fixture_loop)]  # the pool's loop
# --8<-- [end:same-loop]


# --8<-- [start:one-pool]
@pytest.mark.asyncio
async def test_every_test_shares_one_pool(db):
    # Runs after the test above, whose node opened db's pool. The metrics count every
    # DataFlow instance in the process: 1 means this test's node found that pool open.
    await run_node("CustomerCountNode", {})
    assert db.get_cleanup_metrics()["active_pools"] == 1
# --8<-- [end:one-pool]
