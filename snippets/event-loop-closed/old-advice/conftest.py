import asyncio

import pytest


# The upstream guide's advice, rewritten: override pytest-asyncio's `event_loop`
# fixture with a function-scoped one that makes, installs and closes a fresh loop.
@pytest.fixture(scope="function")
def event_loop():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    loop.close()
    asyncio.set_event_loop(None)
