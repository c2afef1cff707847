"""Tests that set up their own table with asyncpg."""

import pytest

CREATE_USERS = "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE)"


# --8<-- [start:create-table]
@pytest.mark.asyncio
async def test_signup(conn):
    await conn.execute(CREATE_USERS)
    await conn.execute("INSERT INTO users (email) VALUES ('alice@example.com')")
    assert await conn.fetchval("SELECT count(*) FROM users") == 1


@pytest.mark.asyncio
async def test_signup_again(conn):
    await conn.execute(CREATE_USERS)  # the same set-up as the test above
    await conn.execute("INSERT INTO users (email) VALUES ('alice@example.com')")
    assert await conn.fetchval("SELECT count(*) FROM users") == 1
# --8<-- [end:create-table]


# --8<-- [start:if-not-exists]
@pytest.mark.asyncio
async def test_signup_if_not_exists(conn):
    await conn.execute(CREATE_USERS.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
    await conn.execute("INSERT INTO users (email) VALUES ('alice@example.com')")
    assert await conn.fetchval("SELECT count(*) FROM users") == 1
# --8<-- [end:if-not-exists]
