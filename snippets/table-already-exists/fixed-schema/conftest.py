# --8<-- [start:imports]
import asyncpg
import pytest_asyncio

# --8<-- [end:imports]
# The fixtures the tests use live in shop_fixtures.py.
pytest_plugins = ["shop_fixtures"]


# --8<-- [start:schema]
@pytest_asyncio.fixture(autouse=True)
async def empty_schema(database_url):  # a test database: shop_fixtures.checked() said so
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()
    yield
# --8<-- [end:schema]
