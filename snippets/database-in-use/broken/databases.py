"""Create the per-test databases (drop.py drops them). Every function here takes the server's test URL."""

import re
from urllib.parse import urlsplit

import asyncpg


def is_test_database(name: str) -> bool:
    """True when "test" is a word of the name: dataflow_test, test-shop; not latest or contest."""
    return "test" in re.split(r"[\W_]+", name.lower())


def url_of(url: str, name: str) -> str:
    """`url` with its database replaced by `name`."""
    return urlsplit(url)._replace(path="/" + name).geturl()


async def admin(url: str, sql: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def create_database(url: str, name: str) -> None:
    await admin(url, f'CREATE DATABASE "{name}"')
