import pytest_asyncio

from app_db import close_pool
from app_models import db


# --8<-- [start:teardown]
@pytest_asyncio.fixture(autouse=True)  # function scope, on the test's own loop
async def pools_closed_after_each_test():
    yield
    # Still on the test's loop: whatever it opened closes here, before that loop is closed.
    await close_pool()
    # The app's one instance serves every test: close its pools, not the instance.
    # close_async() closes an instance once; later calls leave the pools open (closed-once).
    await db.cleanup_all_pools()
# --8<-- [end:teardown]
