import pytest

from databases import DATABASE_URL

pytest_plugins = ["order_fixtures", "together"]  # the db fixture; together.py is not part of the pattern


# --8<-- [start:database]
@pytest.fixture(scope="session")
def database_url():
    """Every test, on every worker, uses the one test database."""
    return DATABASE_URL
# --8<-- [end:database]
