"""The test database's URL, in one place: every project's conftest.py imports it."""

import os

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)
