import os

import pytest
import pytest_asyncio
from dataflow import DataFlow

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)


@pytest_asyncio.fixture
async def db():
    """A DataFlow on the test database; its pools are closed after each test."""
    dataflow = DataFlow(DATABASE_URL)
    yield dataflow
    await dataflow.close_async()


@pytest.fixture
def user_model(db):
    """A User model registered on this test's DataFlow."""

    @db.model
    class User:
        name: str

    return User
