from urllib.parse import urlsplit

import asyncpg
import pytest_asyncio

pytest_plugins = ["shop_fixtures"]


# --8<-- [start:schema]
def refuse_unless_test_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    if "test" not in name:
        raise RuntimeError(f"refusing to drop schema public in database {name!r}: no 'test' in its name")


@pytest_asyncio.fixture(autouse=True)
async def empty_schema(database_url):
    refuse_unless_test_database(database_url)  # before connecting at all
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()
    yield
# --8<-- [end:schema]
