# --8<-- [start:imports]
import asyncio

import asyncpg
import pytest

from settings import DATABASE_URL

# --8<-- [end:imports]


# --8<-- [start:session-check]
def masked(url: str) -> str:
    """The URL with its password, from the user name's ":" to the last "@", shown as ***."""
    head, at, host = url.rpartition("@")
    scheme, slashes, userinfo = head.partition("//") if "//" in head else ("", "", head)
    if not at or ":" not in userinfo:
        return url
    return f"{scheme}{slashes}{userinfo.split(':', 1)[0]}:***@{host}"


CONNECT_TIMEOUT = 5  # seconds: a server that accepts and never answers gets a TimeoutError


async def _connect_once(url: str) -> None:
    connection = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
    await connection.close()


def pytest_sessionstart(session):
    """Stop the whole run with one clear line when the test database cannot be reached."""
    try:
        asyncio.run(_connect_once(DATABASE_URL))
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        detail = str(error) or f"no answer within {CONNECT_TIMEOUT} s"  # a TimeoutError has no message
        raise pytest.UsageError(
            f"test database unreachable at {masked(DATABASE_URL)}: {type(error).__name__}: {detail}"
        ) from None
# --8<-- [end:session-check]
