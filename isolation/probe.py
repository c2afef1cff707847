"""What DataFlow's cleanup_test_tables() does to the app's table and its rows.

Run by ./dev isolation and tests/test_isolation.py in a copy of the recommended project, on a new
database; prints one line of JSON."""

import asyncio
import json
import os

import asyncpg
from dataflow import DataFlow

from app import register_models, run_node

TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"


async def main():
    url = os.environ["TEST_DATABASE_URL"]
    db = DataFlow(url)
    register_models(db)
    await db.initialize()
    await run_node("CustomerCreateNode", {"name": "Ada", "email": "ada@example.com"})
    conn = await asyncpg.connect(url)
    try:
        before = [r["tablename"] for r in await conn.fetch(TABLES)]
        rows_before = await conn.fetchval("SELECT count(*) FROM customers")
        # --8<-- [start:cleanup]
        await db.cleanup_test_tables()
        # --8<-- [end:cleanup]
        after = [r["tablename"] for r in await conn.fetch(TABLES)]
        rows_after = await conn.fetchval("SELECT count(*) FROM customers") if "customers" in after else None
    finally:
        await conn.close()
        await db.close_async()
    print(json.dumps({"tables_before": before, "tables_after": after,
                      "customers_before": rows_before, "customers_after": rows_after}))


asyncio.run(main())
