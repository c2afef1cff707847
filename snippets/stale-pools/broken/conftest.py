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
    yield db  # no cleanup: each test's pool outlives the test's event loop
# --8<-- [end:db]
