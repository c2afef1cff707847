import os

import pytest_asyncio
from dataflow import DataFlow

# --8<-- [start:url]
# The test database comes from the environment. The fallback is the test port, 5434:
# a run without TEST_DATABASE_URL never reaches a development server on 5432.
DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)
# --8<-- [end:url]


# --8<-- [start:db]
@pytest_asyncio.fixture
async def db():
    db = DataFlow(DATABASE_URL)

    @db.model
    class Note:
        text: str

    yield db
    await db.close_async()  # close this test's pool while its event loop still runs
# --8<-- [end:db]
