import pytest


@pytest.mark.asyncio
async def test_database_is_ready(db):
    assert await db.initialize() is True
