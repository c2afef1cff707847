import pytest_asyncio
from dataflow import DataFlow

from db_helpers import DATABASE_URL

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
