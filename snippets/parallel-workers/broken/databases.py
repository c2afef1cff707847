"""The test database's URL, the test-database rule, and creating and dropping a worker's database next to it."""

import os
import re
from urllib.parse import urlsplit

import asyncpg

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


def is_test_database(name: str) -> bool:
    """True when "test" is a word of the name: dataflow_test, test-shop; not latest or contest."""
    return "test" in re.split(r"[\W_]+", name.lower())


def url_of(url: str, name: str) -> str:
    """`url` with its database replaced by `name`."""
    return urlsplit(url)._replace(path="/" + name).geturl()


async def admin(url: str, *statements: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        for sql in statements:
            await connection.execute(sql)
    finally:
        await connection.close()


# --8<-- [start:create-drop]
async def create_database(url: str, name: str) -> None:
    """A new, empty database; one left by an earlier run that crashed is dropped first."""
    await drop_database(url, name)
    await admin(url, f'CREATE DATABASE "{name}"')


async def drop_database(url: str, name: str) -> None:
    if not is_test_database(name):
        raise RuntimeError(f"refusing to drop {name!r}: 'test' is not a word of its name")
    await admin(
        url,
        # A closed DataFlow instance can leave a connection open: end this role's sessions first.
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
        f" WHERE datname = '{name}' AND usename = current_user AND pid <> pg_backend_pid()",
        f'DROP DATABASE IF EXISTS "{name}"',
    )
# --8<-- [end:create-drop]
