import asyncio
import threading
import time

import asyncpg
import pytest

from db_helpers import DATABASE_URL


# --8<-- [start:poller]
def poll(seen: list, stop: threading.Event) -> None:
    """Sample the server's connection count every 0.1 s, until `stop` is set."""

    async def sample():
        connection = await asyncpg.connect(DATABASE_URL)
        try:
            while not stop.is_set():
                seen.append(await connection.fetchval("SELECT count(*) FROM pg_stat_activity"))
                await asyncio.sleep(0.1)
        finally:
            await connection.close()

    asyncio.run(sample())


@pytest.fixture
def connections_seen():
    seen, stop = [], threading.Event()
    poller = threading.Thread(target=poll, args=(seen, stop), name="db-poller")
    poller.start()
    yield seen
    stop.set()  # teardown: the poller leaves its loop, closes its connection
    poller.join(timeout=5)
    assert not poller.is_alive(), "the db-poller thread did not stop"
# --8<-- [end:poller]


def test_poller_samples_the_server(connections_seen):
    deadline = time.monotonic() + 5
    while not connections_seen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert connections_seen[0] >= 1
