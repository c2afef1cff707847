"""The recipe's asyncpg and DataFlow tests again, as a role that may use schema public but does not own it."""

import secrets
from urllib.parse import urlsplit

import asyncpg
import pytest_asyncio

# --8<-- [start:role]
# Imported test functions are collected here too, and use this module's database_url.
from test_customers import test_add_customer, test_no_customers_yet  # noqa: F401
from test_signup import test_signup, test_signup_again  # noqa: F401

PASSWORD = secrets.token_hex(12)  # made up for this run: app_user exists only on the run's own server


@pytest_asyncio.fixture
async def database_url(server_url):  # for this module's tests: the same database, as app_user
    admin = await asyncpg.connect(server_url)  # a superuser in this run
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = 'app_user'"):
            await admin.execute(f"CREATE ROLE app_user LOGIN PASSWORD '{PASSWORD}'")
            await admin.execute("GRANT USAGE, CREATE ON SCHEMA public TO app_user")
    finally:
        await admin.close()
    url = urlsplit(server_url)
    return url._replace(netloc=f"app_user:{PASSWORD}@{url.hostname}:{url.port}").geturl()
# --8<-- [end:role]
