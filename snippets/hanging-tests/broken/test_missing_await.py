import pytest

from db_helpers import server_version


# --8<-- [start:missing-await]
@pytest.mark.asyncio
async def test_server_is_15_or_newer():
    version = server_version()  # missing await: a coroutine object, not a string
    assert int(version.split(".")[0]) >= 15


@pytest.mark.asyncio
async def test_warm_up_connection():
    server_version()  # missing await: nothing runs, and nothing fails
# --8<-- [end:missing-await]
