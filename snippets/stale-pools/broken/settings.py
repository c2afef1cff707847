"""Where the tests find PostgreSQL: TEST_DATABASE_URL, else the setup guide's test database."""

import os

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)
