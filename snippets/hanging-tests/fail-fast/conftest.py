# --8<-- [start:imports]
import asyncio
import os

import asyncpg
# --8<-- [end:imports]

# The test-port convention: 5434 keeps a test server apart from a development one on 5432.
DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


# --8<-- [start:lock-timeout]
async def _set_lock_timeout(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        name = await connection.fetchval("SELECT current_database()")
        # Stored with the database: connections opened after this get it from the server.
        # The recorded run shows DataFlow's asyncpg statements stopped by it.
        await connection.execute(f"ALTER DATABASE \"{name}\" SET lock_timeout = '1s'")
    finally:
        await connection.close()


def pytest_sessionstart(session):
    """A statement that waits more than a second for a lock is cancelled with an error."""
    asyncio.run(_set_lock_timeout(DATABASE_URL))
# --8<-- [end:lock-timeout]
