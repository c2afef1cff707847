# --8<-- [start:imports]
import asyncpg
import pytest_asyncio

# --8<-- [end:imports]
pytest_plugins = ["shop_fixtures"]  # the fixtures every project of this recipe shares


# --8<-- [start:truncate]
@pytest_asyncio.fixture(autouse=True)
async def truncate_tables(database_url):
    yield
    connection = await asyncpg.connect(database_url)
    try:
        tables = await connection.fetch(
            "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'"
        )
        if tables:
            names = ", ".join(row["name"] for row in tables)
            await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()
# --8<-- [end:truncate]
