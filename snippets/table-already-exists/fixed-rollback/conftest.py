# --8<-- [start:imports]
import asyncpg
import pytest_asyncio

# --8<-- [end:imports]
pytest_plugins = ["shop_fixtures"]  # the fixtures every project of this recipe shares


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
