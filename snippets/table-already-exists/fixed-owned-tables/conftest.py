# --8<-- [start:imports]
import asyncpg
import pytest_asyncio

# --8<-- [end:imports]
pytest_plugins = ["shop_fixtures"]  # the fixtures every project of this recipe shares


# --8<-- [start:schema]
@pytest_asyncio.fixture(autouse=True)
async def drop_own_tables(database_url):  # a test database: shop_fixtures.checked() said so
    connection = await asyncpg.connect(database_url)
    try:
        tables = await connection.fetch(
            "SELECT quote_ident(tablename) AS name FROM pg_tables"
            " WHERE schemaname = 'public' AND tableowner = current_user"
        )
        if tables:
            names = ", ".join(row["name"] for row in tables)
            await connection.execute(f"DROP TABLE {names} CASCADE")
    finally:
        await connection.close()
    yield
# --8<-- [end:schema]
