import asyncio
import threading
import time

import asyncpg
import pytest

from db_helpers import DATABASE_URL


# --8<-- [start:poller]
def poll(seen: list) -> None:
    """Sample the server's connection count every 0.1 s, forever."""

    async def sample():
        connection = await asyncpg.connect(DATABASE_URL)
        while True:
            seen.append(await connection.fetchval("SELECT count(*) FROM pg_stat_activity"))
            await asyncio.sleep(0.1)

    asyncio.run(sample())


@pytest.fixture
def connections_seen():
    seen = []
    threading.Thread(target=poll, args=(seen,), name="db-poller").start()  # nobody stops it
    return seen
# --8<-- [end:poller]


def test_poller_samples_the_server(connections_seen):
    deadline = time.monotonic() + 5
    while not connections_seen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert connections_seen[0] >= 1
