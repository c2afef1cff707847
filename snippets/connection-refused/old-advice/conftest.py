import pytest
from dataflow import DataFlow

from settings import DATABASE_URL


# The upstream guide's advice: a session-scoped, autouse, async fixture that checks the database.
@pytest.fixture(scope="session", autouse=True)
async def database_reachable():
    try:
        db = DataFlow(DATABASE_URL)
        await db.initialize()
        await db.cleanup_all_pools()
    except Exception as error:
        pytest.exit(f"Cannot connect to test database: {error}")
