import asyncio

import pytest


# The upstream guide's check, in this site's words: the test asks for `event_loop`
# and expects it to be the loop the test runs on.
@pytest.mark.asyncio
async def test_runs_on_the_event_loop_fixture(event_loop):
    assert asyncio.get_running_loop() is event_loop
    assert event_loop.is_running()
