import asyncpg
import pytest
from dataflow import DataFlow

from settings import DATABASE_URL


@pytest.mark.asyncio
async def test_asyncpg_connects():
    connection = await asyncpg.connect(DATABASE_URL)
    assert await connection.fetchval("SELECT 1") == 1
    await connection.close()


@pytest.mark.asyncio
async def test_dataflow_initializes():
    db = DataFlow(DATABASE_URL)
    assert await db.initialize() is True
    await db.cleanup_all_pools()
