"""The same test twice: the second run passes only if nothing of the first is left."""

import pytest

from app import run_node


# --8<-- [start:dataflow]
@pytest.mark.asyncio
@pytest.mark.parametrize("attempt", [1, 2])
async def test_sign_up_ada(db, attempt):
    created = await run_node("CustomerCreateNode", {"name": "Ada", "email": "ada@example.com"})
    assert created.get("error") is None
    assert (await run_node("CustomerCountNode", {}))["count"] == 1
# --8<-- [end:dataflow]


# --8<-- [start:asyncpg]
@pytest.mark.asyncio
@pytest.mark.parametrize("attempt", [1, 2])
async def test_create_a_table_of_our_own(conn, attempt):
    await conn.execute("CREATE TABLE audit_log (id serial PRIMARY KEY, event text NOT NULL)")
    await conn.execute("INSERT INTO audit_log (event) VALUES ('signed up')")
    assert await conn.fetchval("SELECT count(*) FROM audit_log") == 1
# --8<-- [end:asyncpg]
