import pytest
from dataflow import DataFlow


# --8<-- [start:urls]
@pytest.mark.parametrize(
    "url",
    [
        "postgresql:///dataflow_test",  # no host
        "sqlserver://test_user:test_password@127.0.0.1:5434/dataflow_test",  # a scheme DataFlow lacks
    ],
    ids=["no-host", "unknown-scheme"],
)
def test_dataflow_takes_the_url(url):
    DataFlow(url)
# --8<-- [end:urls]
