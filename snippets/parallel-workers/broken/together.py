"""Not part of the pattern: make the workers' tests overlap the same way on every run.

Without it, whether two workers' tests overlap is left to timing. Here each test waits at a named point
until every worker's test has reached it: after creating its order, and again before its teardown
deletes the orders. Without xdist there is one worker, and nothing waits.
"""

import asyncio
import os
from pathlib import Path

import pytest
import pytest_asyncio


@pytest.fixture
def meeting_point(tmp_path_factory) -> Path:
    """A folder every worker of this run sees: xdist gives each worker a subfolder of one base."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


WAIT = 30  # seconds a worker waits at a point for the others


def arrived(point: str, folder: Path) -> int:
    """How many workers have reached `point`: listing a few files blocks the event loop too briefly to matter."""
    return len(list(folder.glob(f"{point}-*")))


async def all_workers_reach(point: str, folder: Path) -> None:
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    (folder / f"{point}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}").touch()
    for _ in range(WAIT * 10):
        if arrived(point, folder) >= workers:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"not every worker reached {point!r} within {WAIT} s")


@pytest_asyncio.fixture(autouse=True)
async def finish_together(db, meeting_point):
    """Set up after `db`, so torn down before it: no worker deletes orders while another still reads."""
    yield
    await all_workers_reach("tested", meeting_point)
