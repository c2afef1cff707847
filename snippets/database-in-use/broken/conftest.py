import pytest_asyncio
from dataflow import DataFlow

pytest_plugins = ["database_fixtures"]  # the database_url fixture, and the recipe's clean-up


# --8<-- [start:db]
@pytest_asyncio.fixture
async def db(database_url):
    db = DataFlow(database_url)

    @db.model
    class Order:
        item: str
        quantity: int

    yield db
# --8<-- [end:db]
