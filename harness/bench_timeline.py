"""A pytest plugin for `./dev bench`: when each test ran, and in which xdist worker.

Loaded with `-p harness.bench_timeline`; each process appends one JSON line per test to the file
$BENCH_TIMELINE names. The bench reads it to show when each worker ran out of work: an idle worker
at the end of the job is time its scheduling lost.
"""

from __future__ import annotations

import json
import os
import time

import pytest

ENV = "BENCH_TIMELINE"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    began = time.time()
    yield
    path = os.environ.get(ENV)
    if path:
        line = {"worker": os.environ.get("PYTEST_XDIST_WORKER", "main"), "began": began, "ended": time.time()}
        with open(path, "a") as timeline:  # one short append per test: lines from workers do not interleave
            timeline.write(json.dumps(line) + "\n")


def worker_ends(path: str) -> dict[str, float]:
    """Each worker's last test's end, in seconds after the first test began."""
    with open(path) as timeline:
        rows = [json.loads(line) for line in timeline]
    start = min(row["began"] for row in rows)
    ends: dict[str, float] = {}
    for row in rows:
        ends[row["worker"]] = max(ends.get(row["worker"], 0.0), row["ended"] - start)
    return dict(sorted(ends.items()))
