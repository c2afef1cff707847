import pytest

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.asyncio  # a test's own mark, without loop_scope, wins over pytestmark
async def test_select_one(pool):
    assert await pool.fetchval("SELECT 1") == 1


@pytest.mark.asyncio
async def test_select_two(pool):
    assert await pool.fetchval("SELECT 2") == 2
