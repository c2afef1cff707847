"""The test database's URL, in one place: the tests and conftest.py import it."""

import os

# The test-port convention: 5434 keeps a test server apart from a development one on 5432.
DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)
