import os

import pytest
from dataflow import DataFlow

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


@pytest.fixture  # plain pytest: in strict mode pytest-asyncio leaves this async fixture alone
async def db():
    """A DataFlow on the test database; its pools are closed after each test."""
    dataflow = DataFlow(DATABASE_URL)
    yield dataflow
    await dataflow.close_async()
