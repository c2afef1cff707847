# --8<-- [start:imports]
import asyncpg
import pytest_asyncio

# --8<-- [end:imports]
# The fixtures the tests use live in shop_fixtures.py.
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
