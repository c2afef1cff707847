import asyncio

import pytest
import pytest_asyncio

from app_models import db


@pytest_asyncio.fixture
async def fixture_loop():
    return asyncio.get_running_loop()


@pytest.mark.asyncio
async def test_fixture_and_test_share_one_loop(fixture_loop):
    assert asyncio.get_running_loop() is fixture_loop


@pytest.mark.asyncio
async def test_no_dataflow_pool_outlived_its_test():
    assert db.get_cleanup_metrics()["active_pools"] == 0
