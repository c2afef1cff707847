"""The app's raw asyncpg access: one pool per process, created on first use."""

import os

import asyncpg

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)

_pool: asyncpg.Pool | None = None


# --8<-- [start:cache]
async def get_pool() -> asyncpg.Pool:
    global _pool
    if _pool is None:
        _pool = await asyncpg.create_pool(DATABASE_URL, min_size=1, max_size=2)
    return _pool


async def close_pool() -> None:
    global _pool
    if _pool is not None:
        pool, _pool = _pool, None
        await pool.close()
# --8<-- [end:cache]
