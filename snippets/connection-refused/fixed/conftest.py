import asyncio
import os
from urllib.parse import urlsplit

import asyncpg
import pytest

# The test-port convention: 5434 keeps a test server apart from a development one on 5432.
DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


# --8<-- [start:session-check]
def masked(url: str) -> str:
    password = urlsplit(url).password
    return url.replace(f":{password}@", ":***@", 1) if password else url


async def _connect_once(url: str) -> None:
    connection = await asyncpg.connect(url, timeout=5)
    await connection.close()


def pytest_sessionstart(session):
    """Stop the whole run with one clear line when the test database cannot be reached."""
    try:
        asyncio.run(_connect_once(DATABASE_URL))
    except (OSError, asyncio.TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise pytest.UsageError(
            f"test database unreachable at {masked(DATABASE_URL)}: {type(error).__name__}: {error}"
        ) from None
# --8<-- [end:session-check]
