"""An extension installed in schema public, and the reset that runs before every test."""

import pytest

IN_PUBLIC = "SELECT count(*) FROM pg_extension WHERE extnamespace = 'public'::regnamespace"


# --8<-- [start:extension]
@pytest.mark.asyncio
async def test_install_an_extension(conn):
    # citext where PostgreSQL's contrib is installed, else pgvector's vector: whichever the server has
    name = await conn.fetchval("SELECT min(name) FROM pg_available_extensions WHERE name IN ('citext', 'vector')")
    await conn.execute(f"CREATE EXTENSION {name} SCHEMA public")
    extensions = await conn.fetchval(IN_PUBLIC)
    assert extensions == 1


@pytest.mark.asyncio
async def test_extension_still_installed(conn):  # the reset ran again before this test
    extensions = await conn.fetchval(IN_PUBLIC)
    assert extensions == 1
# --8<-- [end:extension]
