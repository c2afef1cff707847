import pytest_asyncio

from app_db import close_pool
from app_models import db


# --8<-- [start:teardown]
@pytest_asyncio.fixture(scope="session", loop_scope="session", autouse=True)
async def pools_closed_on_the_session_loop():
    yield
    # Teardown runs on the loop every test used, so each pool closes on its own loop.
    await close_pool()
    await db.close_async()
# --8<-- [end:teardown]
