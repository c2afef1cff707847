"""The recipe's own clean-up: a run whose teardowns fail must not leave databases on the server."""

import asyncio
import re
from urllib.parse import urlsplit

import asyncpg

from databases import is_test_database


def drop_leftovers(url: str) -> None:
    asyncio.run(_drop_leftovers(url))


async def _drop_leftovers(url: str) -> None:
    base = urlsplit(url).path.lstrip("/")
    connection = await asyncpg.connect(url)
    try:
        names = [row["datname"] for row in await connection.fetch("SELECT datname FROM pg_database")
                 if re.fullmatch(re.escape(base) + r"-\d+", row["datname"])]
        for name in names:
            if not is_test_database(name):
                continue
            await connection.execute(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                " WHERE datname = $1 AND usename = current_user", name)
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        await connection.close()
