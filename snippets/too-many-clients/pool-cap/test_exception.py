"""The exception behind the error in DataFlow's result, raised by the Kailash node that DataFlow runs
its SQL with. Runs after test_pool_cap.py, whose pools it finds still open."""

import asyncio

import pytest
from kailash.nodes.data.async_sql import AsyncSQLDatabaseNode

from test_pool_cap import SLOW_URL

# A URL of its own: the node's pool key is the event loop's id and the URL, and this test's loop can
# reuse the id of the previous test's, whose pool on SLOW_URL is still open (seen: no error at all).
URL = f"{SLOW_URL}&application_name=what_it_raises"


@pytest.mark.asyncio
async def test_what_it_raises():
    node = AsyncSQLDatabaseNode(connection_string=URL, database_type="postgresql")
    # Two queries at once: one creates the pool (15 s), the other gives up waiting for it after 5 s.
    queries = [asyncio.create_task(node.async_run(query="SELECT 1")) for _ in range(2)]
    done, creating = await asyncio.wait(queries, return_when=asyncio.FIRST_COMPLETED)
    (error,) = [query.exception() for query in done]
    for query in creating:
        query.cancel()  # the test needs no pool: do not wait the last second for it
    print("raised:", f"{type(error).__module__}.{type(error).__qualname__}")
    print("its classes:", " > ".join(cls.__name__ for cls in type(error).__mro__))
    print(f"current={error.current} cap={error.cap}")
    print(f"caused by {type(error.__cause__).__name__}: {error.__cause__}")
