"""A module that registers its own, different Customer model on its own DataFlow instance."""

import pytest
import pytest_asyncio
from dataflow import DataFlow

from app import run_node


# --8<-- [start:changed-model]
@pytest_asyncio.fixture
async def db_with_plans(database_url):
    db = DataFlow(database_url)

    @db.model
    class Customer:  # this module's Customer has a plan and no email
        name: str
        plan: str

    await db.initialize()
    yield db
    await db.cleanup_all_pools()


@pytest.mark.asyncio
async def test_customer_on_a_plan(db_with_plans):
    created = await run_node("CustomerCreateNode", {"name": "Bob", "plan": "pro"})
    error = created.get("error")
    assert error is None
# --8<-- [end:changed-model]
