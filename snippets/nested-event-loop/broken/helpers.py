import asyncpg

from conftest import DATABASE_URL


async def server_version() -> str:
    connection = await asyncpg.connect(DATABASE_URL)
    try:
        return await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()
