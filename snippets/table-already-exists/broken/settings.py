"""Where the tests find PostgreSQL: TEST_DATABASE_URL, else the setup guide's test database.

A module of its own, not part of shop_fixtures.py: conftest.py files import it, and pytest cannot
rewrite the asserts of a plugin that was imported before pytest_plugins loads it (it warns).
"""

import os

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)
