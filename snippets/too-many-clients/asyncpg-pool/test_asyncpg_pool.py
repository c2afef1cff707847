import asyncpg
import pytest

from conftest import DATABASE_URL


@pytest.mark.asyncio
async def test_acquire_from_a_busy_pool():
    pool = await asyncpg.create_pool(DATABASE_URL, min_size=1, max_size=1)
    try:
        async with pool.acquire():
            with pytest.raises(Exception) as raised:
                await pool.acquire(timeout=0.1)  # the pool's only connection is in use
    finally:
        await pool.close()
    # The upstream guide's message against what asyncpg raises: exception type and text.
    seen = (type(raised.value).__name__, str(raised.value))
    assert seen == ("PoolTimeout", "Timeout waiting for connection from pool")


@pytest.mark.asyncio
async def test_acquire_from_a_closed_pool():
    pool = await asyncpg.create_pool(DATABASE_URL, min_size=1, max_size=1)
    await pool.close()
    await pool.acquire()
