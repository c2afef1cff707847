import pytest

pytestmark = pytest.mark.asyncio


# --8<-- [start:tests]
async def test_query_after_migration(conn):
    assert len(await conn.fetch("SELECT * FROM items")) == 1  # prepared and cached
    await conn.execute("ALTER TABLE items ADD COLUMN price numeric")  # a migration in the test
    assert len(await conn.fetch("SELECT * FROM items")) == 1


async def test_query_after_migration_in_a_transaction(conn):
    assert len(await conn.fetch("SELECT * FROM items")) == 1
    await conn.execute("ALTER TABLE items ADD COLUMN price numeric")
    async with conn.transaction():
        assert len(await conn.fetch("SELECT * FROM items")) == 1
# --8<-- [end:tests]
