import pytest


@pytest.mark.asyncio
async def test_select_one(pool):
    assert await pool.fetchval("SELECT 1") == 1


@pytest.mark.asyncio
async def test_select_two(pool):
    assert await pool.fetchval("SELECT 2") == 2
