import pytest_asyncio
from dataflow import DataFlow

from models import register_models
from settings import DATABASE_URL


# --8<-- [start:fixture]
@pytest_asyncio.fixture
async def db():
    # The app's setting for a database whose schema someone else manages.
    db = DataFlow(DATABASE_URL, existing_schema_mode=True)
    register_models(db)
    await db.initialize()
    yield db
    await db.cleanup_all_pools()
# --8<-- [end:fixture]
