import os

import pytest_asyncio
from dataflow import DataFlow

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)

pytest_plugins = ["connection_meter"]


# --8<-- [start:db]
@pytest_asyncio.fixture
async def db():
    db = DataFlow(DATABASE_URL)

    @db.model
    class Item:
        name: str

    yield db
    # Close this instance (its pool and pool monitor thread) while the test's
    # event loop still runs.
    await db.close_async()
# --8<-- [end:db]
