import asyncio
import os

import asyncpg

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


# --8<-- [start:lock-timeout]
async def _set_lock_timeout(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        name = await connection.fetchval("SELECT current_database()")
        # Stored with the database: every connection opened after this gets it, whichever driver
        # opens it (DataFlow's asyncpg pools and its psycopg connections alike). Needs ownership.
        await connection.execute(f"ALTER DATABASE \"{name}\" SET lock_timeout = '1s'")
    finally:
        await connection.close()


def pytest_sessionstart(session):
    """A statement that waits more than a second for a lock is cancelled with an error."""
    asyncio.run(_set_lock_timeout(DATABASE_URL))
# --8<-- [end:lock-timeout]
