import pytest_asyncio
from dataflow import DataFlow

from models import register_models
from settings import DATABASE_URL


# --8<-- [start:fixture]
@pytest_asyncio.fixture
async def db():
    # Copied from the app's production settings: the schema comes from migrations, not from DataFlow.
    db = DataFlow(DATABASE_URL, auto_migrate=False)
    register_models(db)
    await db.initialize()
    yield db
    await db.cleanup_all_pools()
# --8<-- [end:fixture]
