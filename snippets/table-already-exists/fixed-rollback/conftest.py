import asyncpg
import pytest_asyncio

pytest_plugins = ["shop_fixtures"]


# --8<-- [start:conn]
@pytest_asyncio.fixture
async def conn(database_url):
    connection = await asyncpg.connect(database_url)
    transaction = connection.transaction()
    await transaction.start()
    yield connection
    await transaction.rollback()  # undoes this connection's work, CREATE TABLE included
    await connection.close()
# --8<-- [end:conn]
