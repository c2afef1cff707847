import pytest

# --8<-- [start:mark]
# pytest-asyncio 0.23: every test in this file runs in the session's event loop, the one
# the session-scoped fixtures use.
pytestmark = pytest.mark.asyncio(scope="session")
# --8<-- [end:mark]


async def test_select_one(pool):
    assert await pool.fetchval("SELECT 1") == 1


async def test_select_two(pool):
    assert await pool.fetchval("SELECT 2") == 2
