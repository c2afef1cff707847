import asyncio
import os
import itertools
from urllib.parse import urlsplit

import asyncpg
import pytest
import pytest_asyncio
from dataflow import DataFlow

from app import register_models

pytest_plugins = ["shop_fixtures"]

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


# --8<-- [start:template]
TEMPLATE = urlsplit(DATABASE_URL).path.lstrip("/") + "_template"
_numbers = itertools.count(1)


def url_of(name: str) -> str:
    return urlsplit(DATABASE_URL)._replace(path="/" + name).geturl()


async def admin(sql: str) -> None:
    connection = await asyncpg.connect(DATABASE_URL)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def build_template() -> None:
    await admin(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
    await admin(f'CREATE DATABASE "{TEMPLATE}"')
    db = DataFlow(url_of(TEMPLATE))
    register_models(db)
    await db.initialize()  # builds the schema once, in the template
    await db.cleanup_all_pools()
    # PostgreSQL copies a database only while nobody is connected to it,
    # and DataFlow keeps one connection open after cleanup_all_pools().
    await admin(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
        f" WHERE datname = '{TEMPLATE}'"
    )


@pytest.fixture(scope="session")
def template(server_url):  # a test database's URL: the copies sit beside it
    asyncio.run(build_template())
    yield TEMPLATE
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)'))


@pytest_asyncio.fixture
async def database_url(template):
    """A new database for every test, copied from the template."""
    name = f"{template}_{next(_numbers)}"
    await admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield url_of(name)
    await admin(f'DROP DATABASE "{name}" WITH (FORCE)')
# --8<-- [end:template]
