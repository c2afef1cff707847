"""The fixtures every project of this recipe shares: a database for each test, and the recipe's clean-up."""

import itertools
import os
from urllib.parse import urlsplit

import pytest
import pytest_asyncio

from databases import create_database, url_of
from drop import drop_database
from leftovers import drop_leftovers

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)
_numbers = itertools.count(1)


# --8<-- [start:database]
@pytest_asyncio.fixture
async def database_url():
    """A new database for every test, next to the test database; dropped when the test ends."""
    name = f"{urlsplit(DATABASE_URL).path.lstrip('/')}-{next(_numbers)}"
    await create_database(DATABASE_URL, name)
    yield url_of(DATABASE_URL, name)
    await drop_database(DATABASE_URL, name)
# --8<-- [end:database]


@pytest.fixture(scope="session", autouse=True)
def no_database_left_behind():
    """Not part of the pattern: the recipe drops what its failing teardowns could not."""
    yield
    drop_leftovers(DATABASE_URL)
