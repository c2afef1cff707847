import os

from dataflow import DataFlow

from conftest import DATABASE_URL


# --8<-- [start:environment]
def test_environment_variables():
    """Run with DATAFLOW_POOL_SIZE=1 and DATAFLOW_MAX_OVERFLOW=0 in the environment."""
    assert os.environ["DATAFLOW_POOL_SIZE"] == "1"
    assert os.environ["DATAFLOW_MAX_OVERFLOW"] == "0"

    database = DataFlow(DATABASE_URL).config.database
    assert database.get_pool_size() == 1     # read
    assert database.get_max_overflow() == 2  # not read: the default, max(2, pool_size // 2)
# --8<-- [end:environment]
