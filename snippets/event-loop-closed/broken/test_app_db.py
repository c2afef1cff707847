import pytest

from app_db import close_pool, get_pool


@pytest.mark.asyncio
async def test_first_query():
    pool = await get_pool()  # created on this test's loop, then cached
    assert await pool.fetchval("SELECT 1") == 1


@pytest.mark.asyncio
async def test_second_query():
    pool = await get_pool()  # the cached pool, whose connections belong to the first loop
    assert await pool.fetchval("SELECT 2") == 2


@pytest.mark.asyncio
async def test_shutdown():
    await close_pool()  # by now the first loop is closed
