import asyncio

import pytest

from helpers import server_version


# --8<-- [start:asyncio-run]
@pytest.mark.asyncio
async def test_asyncio_run_inside_a_test():
    version = asyncio.run(server_version())  # starts a second loop inside the running one
    assert version
# --8<-- [end:asyncio-run]


# --8<-- [start:run-until-complete]
@pytest.mark.asyncio
async def test_run_until_complete_inside_a_test():
    loop = asyncio.get_running_loop()
    version = loop.run_until_complete(server_version())  # the loop is already busy running this test
    assert version
# --8<-- [end:run-until-complete]
