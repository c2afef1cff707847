import os

import pytest_asyncio
from dataflow import DataFlow

from app import register_models

DATABASE_URL = os.environ["TEST_DATABASE_URL"]


# The recommended db fixture, its teardown the upstream guide's cleanup called but not awaited.
# It replaces the db fixture of ../conftest.py for every test in this folder.
# --8<-- [start:db]
@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def db():
    db = DataFlow(DATABASE_URL)
    register_models(db)
    await db.initialize()
    yield db
    db.cleanup_all_pools()  # missing await: makes a coroutine and drops it, nothing is closed
# --8<-- [end:db]
