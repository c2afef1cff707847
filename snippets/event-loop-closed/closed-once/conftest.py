import pytest_asyncio

from app_db import close_pool
from app_models import db


# --8<-- [start:teardown]
@pytest_asyncio.fixture(autouse=True)
async def instance_closed_after_each_test():
    yield
    await close_pool()
    await db.close_async()  # the app's one instance, "closed" after every test
# --8<-- [end:teardown]
