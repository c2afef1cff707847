import os

DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"
)
# --8<-- [start:lock-timeout]
# asyncpg passes unknown URL parameters to the server as settings: a statement that waits
# more than a second for a lock is cancelled with an error instead of waiting forever.
DATABASE_URL += "?lock_timeout=1s"
# --8<-- [end:lock-timeout]
