import asyncio

import pytest

from helpers import server_version


# --8<-- [start:asyncio-run]
@pytest.mark.asyncio
async def test_await_inside_a_test():
    assert await server_version()  # the test's own loop runs it
# --8<-- [end:asyncio-run]


# --8<-- [start:run-until-complete]
def version_from_sync_code() -> str:
    """Synchronous code that needs a coroutine's result: it may start a loop of its own..."""
    return asyncio.run(server_version())


@pytest.mark.asyncio
async def test_sync_helper_from_a_test():
    # ...but only in a thread that has no loop running, never on the test's own thread.
    assert await asyncio.to_thread(version_from_sync_code)
# --8<-- [end:run-until-complete]
