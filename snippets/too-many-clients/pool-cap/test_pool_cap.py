"""Three tests leak a pool each, up to a cap lowered to 3; then a database that is slow to let a
connection in makes DataFlow want a pool past the cap."""

import asyncio

import pytest
from dataflow import DataFlow
from kailash.nodes.data.async_sql import AsyncSQLDatabaseNode, set_pool_defaults

from db_helpers import DATABASE_URL, create_item

# The cap on pools per process is 100 unless set; 3 here, so that three leaked pools reach it.
set_pool_defaults(max_pool_count_per_process=3)

# The same database, but the server waits 15 s after authenticating each connection: longer than the
# 5 s a second operation waits for the first to finish creating the pool, with 10 s to spare for a
# loaded machine, where the second operation reaches that wait later (with 7 s, one did in time).
SLOW_URL = f"{DATABASE_URL}?post_auth_delay=15"


@pytest.mark.asyncio
@pytest.mark.parametrize("n", range(3))
async def test_create_item(db, n):
    created = await create_item(f"item {n}")
    assert "error" not in created, created["error"]
    print("pools in this process:", AsyncSQLDatabaseNode.pool_count())


@pytest.mark.asyncio
async def test_two_writes_to_a_slow_database():
    slow = DataFlow(SLOW_URL)

    @slow.model
    class Item:
        name: str

    first, second = await asyncio.gather(create_item("a"), create_item("b"))
    assert "error" not in first, first["error"]
    assert "error" not in second, second["error"]
