"""The app's DataFlow instance and model, created once at import."""

import os

from dataflow import DataFlow

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)

db = DataFlow(DATABASE_URL)


@db.model
class Note:
    text: str
