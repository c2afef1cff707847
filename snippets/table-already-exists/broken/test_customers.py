"""Tests that go through DataFlow: a fresh DataFlow instance for each test (the db fixture)."""

import pytest

from app import run_node


# --8<-- [start:leftover]
@pytest.mark.asyncio
async def test_add_customer(db):
    created = await run_node("CustomerCreateNode", {"name": "Ada", "email": "ada@example.com"})
    assert created["name"] == "Ada"


@pytest.mark.asyncio
async def test_no_customers_yet(db):
    assert (await run_node("CustomerCountNode", {}))["count"] == 0
# --8<-- [end:leftover]
