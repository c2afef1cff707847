import pytest

pytestmark = pytest.mark.asyncio


async def test_query_after_migration(conn):
    assert len(await conn.fetch("SELECT * FROM items")) == 1
    await conn.execute("ALTER TABLE items ADD COLUMN price numeric")
    assert len(await conn.fetch("SELECT * FROM items")) == 1


# --8<-- [start:fixed]
async def test_query_after_migration_in_a_transaction(conn):
    assert len(await conn.fetch("SELECT * FROM items")) == 1
    await conn.execute("ALTER TABLE items ADD COLUMN price numeric")
    await conn.reload_schema_state()  # forget the statements prepared before the migration
    async with conn.transaction():
        assert len(await conn.fetch("SELECT * FROM items")) == 1
# --8<-- [end:fixed]
