# --8<-- [start:imports]
import asyncpg
import pytest_asyncio

# --8<-- [end:imports]
pytest_plugins = ["shop_fixtures"]  # the fixtures every project of this recipe shares


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
