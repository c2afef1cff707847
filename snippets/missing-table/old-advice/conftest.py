import os

import pytest_asyncio
from dataflow import DataFlow

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


# The upstream guide's fixture: a bare DataFlow; each test registers its own models.
@pytest_asyncio.fixture
async def db():
    db = DataFlow(DATABASE_URL)
    yield db
    await db.cleanup_all_pools()
