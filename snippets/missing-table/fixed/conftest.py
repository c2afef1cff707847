import pytest_asyncio
from dataflow import DataFlow

from models import register_models
from settings import DATABASE_URL


# --8<-- [start:fixture]
@pytest_asyncio.fixture  # function scope: a new DataFlow on each test's own event loop
async def db():
    db = DataFlow(DATABASE_URL)  # auto_migrate=True, the default: DataFlow creates missing tables
    register_models(db)
    await db.initialize()  # creates the tables now, before the test runs
    yield db
    await db.close_async()  # close the pools on the loop that opened them
# --8<-- [end:fixture]
