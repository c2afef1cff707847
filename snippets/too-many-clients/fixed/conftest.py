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
    # Close the pool while this test's event loop still runs. Note: this closes
    # the pools of every DataFlow instance in the process, not only this one's.
    await db.cleanup_all_pools()
# --8<-- [end:db]
