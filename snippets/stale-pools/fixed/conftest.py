import pytest_asyncio
from dataflow import DataFlow

from settings import DATABASE_URL


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
