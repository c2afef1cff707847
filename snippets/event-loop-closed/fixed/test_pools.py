import asyncio

import pytest
import pytest_asyncio

from app_models import db


@pytest_asyncio.fixture  # its loop: asyncio_default_fixture_loop_scope
async def fixture_loop():
    return asyncio.get_running_loop()


@pytest.mark.asyncio  # its loop: asyncio_default_test_loop_scope
async def test_fixture_and_test_share_one_loop(fixture_loop):
    assert asyncio.get_running_loop() is fixture_loop


@pytest.mark.asyncio(loop_scope="session")  # the same loop, asked for explicitly
async def test_dataflow_kept_one_pool():
    metrics = db.get_cleanup_metrics()
    assert metrics["active_pools"] == 1  # all three test_add_note ran on this loop
    assert metrics["event_loop_ids"] == [id(asyncio.get_running_loop())]
