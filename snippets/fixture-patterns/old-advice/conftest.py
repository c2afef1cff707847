import asyncio
import os

import pytest
from dataflow import DataFlow

DATABASE_URL = os.environ["TEST_DATABASE_URL"]


# The upstream guide's "copy this to conftest.py", rewritten: a function-scoped
# event_loop fixture, and a DataFlow fixture that cleans up, both plain pytest fixtures.
@pytest.fixture(scope="function")
def event_loop():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()


@pytest.fixture(scope="function")
async def db():
    db = DataFlow(DATABASE_URL)
    yield db
    await db.cleanup_all_pools()
