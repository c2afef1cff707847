# --8<-- [start:imports]
import asyncio
import os
from urllib.parse import urlsplit

import pytest

from databases import DATABASE_URL, create_database, drop_database, url_of

# --8<-- [end:imports]

pytest_plugins = ["order_fixtures", "together"]  # the db fixture; together.py is not part of the pattern


# --8<-- [start:database]
@pytest.fixture(scope="session")
def database_url():
    """A database for each xdist worker, named after the worker.

    Session-scoped: each worker creates its database before its first test and drops it after its last.
    """
    # xdist sets PYTEST_XDIST_WORKER in each worker; without xdist there is one "main" database.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"{urlsplit(DATABASE_URL).path.lstrip('/')}_{worker}"
    asyncio.run(create_database(DATABASE_URL, name))
    yield url_of(DATABASE_URL, name)
    asyncio.run(drop_database(DATABASE_URL, name))
# --8<-- [end:database]
