import asyncio


async def test_runs_in_the_event_loop_fixture(event_loop):
    """True only if pytest-asyncio ran this test in the loop the event_loop fixture made."""
    assert asyncio.get_running_loop() is event_loop
