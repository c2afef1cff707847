import os

import pytest_asyncio
from dataflow import DataFlow

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


# --8<-- [start:db]
@pytest_asyncio.fixture
async def db():
    db = DataFlow(DATABASE_URL)

    @db.model
    class Note:
        text: str

    await db.initialize()
    yield db
    await db.close_async()  # still on the test's loop: its pool closes cleanly
# --8<-- [end:db]
