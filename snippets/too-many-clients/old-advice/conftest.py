# --8<-- [start:imports]
import logging

import pytest_asyncio
from dataflow import DataFlow

from db_helpers import DATABASE_URL

# --8<-- [end:imports]

pytest_plugins = ["connection_meter"]


# --8<-- [start:db]
@pytest_asyncio.fixture
async def db():
    # The upstream guide's pool settings: one connection, no overflow, a short timeout, fast recycling.
    db = DataFlow(DATABASE_URL, pool_size=1, max_overflow=0, pool_timeout=5, pool_recycle=30)

    @db.model
    class Item:
        name: str

    yield db
    try:
        await db.cleanup_all_pools()
    except Exception as error:
        logging.warning("cleanup failed: %s", error)
# --8<-- [end:db]
