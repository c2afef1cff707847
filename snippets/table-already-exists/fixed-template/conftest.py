# --8<-- [start:imports]
import asyncio
import itertools
from urllib.parse import urlsplit

import asyncpg
import pytest
import pytest_asyncio
from dataflow import DataFlow

from app import register_models
from settings import DATABASE_URL

# --8<-- [end:imports]
pytest_plugins = ["shop_fixtures"]  # the fixtures every project of this recipe shares


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


async def drop(name: str) -> None:
    """End this role's sessions in the database, then drop it.

    Not WITH (FORCE): that also tries to end autovacuum's session when autovacuum is at work
    there, which a role that is not a superuser may not do. A plain DROP ends that one itself."""
    await admin(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
        f" WHERE datname = '{name}' AND usename = current_user AND pid <> pg_backend_pid()"
    )
    await admin(f'DROP DATABASE IF EXISTS "{name}"')


async def build_template() -> None:
    await drop(TEMPLATE)
    await admin(f'CREATE DATABASE "{TEMPLATE}"')
    db = DataFlow(url_of(TEMPLATE))
    register_models(db)
    await db.initialize()  # builds the schema once, in the template
    await db.close_async()
    # PostgreSQL copies a database only while nobody is connected to it,
    # and DataFlow keeps one connection open after close_async().
    await admin(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
        f" WHERE datname = '{TEMPLATE}' AND usename = current_user"
    )


@pytest.fixture(scope="session")
def template(server_url):  # a test database's URL: the copies sit beside it
    asyncio.run(build_template())
    yield TEMPLATE
    asyncio.run(drop(TEMPLATE))


@pytest_asyncio.fixture
async def database_url(template):
    """A new database for every test, copied from the template."""
    name = f"{template}_{next(_numbers)}"
    await admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield url_of(name)
    await drop(name)
# --8<-- [end:template]
