import pytest

# --8<-- [start:mark]
# Every test in this file runs in the module's event loop, the one the fixtures use.
pytestmark = pytest.mark.asyncio(loop_scope="module")
# --8<-- [end:mark]


async def test_select_one(pool):
    assert await pool.fetchval("SELECT 1") == 1


async def test_select_two(pool):
    assert await pool.fetchval("SELECT 2") == 2
