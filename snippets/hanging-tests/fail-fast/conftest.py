# --8<-- [start:imports]
import asyncio

import asyncpg

from db_helpers import DATABASE_URL

# --8<-- [end:imports]
pytest_plugins = ["db_helpers"]  # the db fixture; the tests import its helpers


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
