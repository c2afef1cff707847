import asyncpg
import pytest

from db_helpers import DATABASE_URL


@pytest.mark.asyncio
async def test_plain_connection():
    """Any new connection, not only DataFlow's, is refused once the server is full."""
    connection = await asyncpg.connect(DATABASE_URL)
    await connection.close()
