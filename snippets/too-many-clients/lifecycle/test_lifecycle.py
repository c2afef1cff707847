"""What each of DataFlow's lifecycle methods closes, called on one of two instances in one test."""

import logging
import threading
from collections import Counter

import pytest
from kailash.nodes.base import NodeRegistry
from kailash.nodes.data.sql import SQLDatabaseNode

from conftest import METHODS, call, create, named, pools, server_connections, threads_since

ROWS = []  # printed by test_table, the last test of this file


def line(first, *cells):
    return f"{first:<24}" + "".join(f"{cell!s:<10}" for cell in cells).rstrip()


def row(method, *cells):
    ROWS.append(line(f"{method}()", *cells))


# --8<-- [start:two-databases]
# After first.<method>(): open pools, server connections and threads of each instance.
CLOSES = {  #                     pools       connections  pool monitors  executors
    "cleanup_all_pools":   dict(pools=(0, 0), conns=(1, 1), monitors=2, executors=2),
    "cleanup_stale_pools": dict(pools=(1, 1), conns=(2, 2), monitors=2, executors=2),
    "close_async":         dict(pools=(0, 1), conns=(1, 2), monitors=1, executors=1),
    "close":               dict(pools=(0, 1), conns=(1, 2), monitors=1, executors=1),
    "cleanup_test_tables": dict(pools=(1, 1), conns=(2, 2), monitors=2, executors=2),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("method", METHODS)
async def test_what_it_closes(method, dataflow, caplog):
    before = set(threading.enumerate())
    first, second = dataflow(named("first")), dataflow(named("second"))

    @first.model
    class Apple:
        name: str

    @second.model
    class Berry:
        name: str

    assert "error" not in await create("Apple", "a")
    assert "error" not in await create("Berry", "b")
    # Each instance: a pool holding one connection, and one connection more (test_kept_open).
    assert pools(first) == {"first": 1, "second": 1}
    assert server_connections() == {"first": 2, "second": 2}
    # Threads: a pool monitor and an executor thread per instance (and, in the first test
    # only, dataflow_async: one executor for the whole process).
    assert threads_since(before) - Counter(dataflow_async=1) == {"dataflow-pool-monitor": 2,
                                                                 "ThreadPoolExecutor": 2}

    with caplog.at_level(logging.WARNING):
        await call(first, method)  # on the first instance only

    p, c, t = pools(first), server_connections(), threads_since(before)
    found = dict(pools=(p["first"], p["second"]), conns=(c["first"], c["second"]),
                 monitors=t["dataflow-pool-monitor"], executors=t["ThreadPoolExecutor"])
    row(method, "{} {}".format(*found["pools"]), "{} {}".format(*found["conns"]),
        found["monitors"], found["executors"], "pool_close_failed" in caplog.text)
    assert found == CLOSES[method]
    # close() runs its async teardown on a loop of its own, where this test's pool cannot be
    # closed gracefully: it logs a pool_close_failed warning and terminates the connections.
    assert ("pool_close_failed" in caplog.text) == (method == "close")
    caplog.clear()

    # Whatever was closed, the models stay registered and the first instance still runs them,
    # on a new pool if its own was closed; the second does too, after one retry if its pool was.
    assert first.list_models() == ["Apple"] and NodeRegistry.get("AppleCreateNode")
    with caplog.at_level(logging.WARNING):
        assert "error" not in await create("Apple", "a2")
        assert "error" not in await create("Berry", "b2")
    assert pools(first) == {"first": 1, "second": 1}
    assert ("pool is closed. Retrying" in caplog.text) == (method == "cleanup_all_pools")

    # A new instance can register the same model; the node name then runs on the new one.
    third = dataflow(named("third"))

    @third.model
    class Apple:  # noqa: F811
        name: str

    assert "error" not in await create("Apple", "a3")
    assert pools(first) == {"first": 1, "second": 1, "third": 1}
# --8<-- [end:two-databases]


# --8<-- [start:one-database]
# Two instances on one URL share one pool. After first.<method>():
SHARED = {  #                     pool listed  connections  the second's next query retried
    "cleanup_all_pools":   dict(listed=0, conns=1, retried=True),
    "cleanup_stale_pools": dict(listed=1, conns=2, retried=False),
    "close_async":         dict(listed=1, conns=1, retried=True),
    "close":               dict(listed=1, conns=1, retried=True),
    "cleanup_test_tables": dict(listed=1, conns=2, retried=False),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("method", METHODS)
async def test_shared_pool(method, dataflow, caplog):
    first, second = dataflow(named("shared")), dataflow(named("shared"))

    @first.model
    class Apple:
        name: str

    @second.model
    class Berry:
        name: str

    assert "error" not in await create("Apple", "a")
    assert "error" not in await create("Berry", "b")
    assert pools(first) == {"shared": 1} and server_connections() == {"shared": 2}

    await call(first, method)

    listed, conns = pools(first)["shared"], server_connections()["shared"]
    with caplog.at_level(logging.WARNING):
        assert "error" not in await create("Berry", "c")  # the second instance, still in use
    retried = "pool is closed. Retrying" in caplog.text
    row(method, listed, conns, retried)
    assert dict(listed=listed, conns=conns, retried=retried) == SHARED[method]
# --8<-- [end:one-database]


# --8<-- [start:kept-open]
@pytest.mark.asyncio
async def test_kept_open(dataflow):
    """The connection each instance keeps besides its pool: Kailash's SQLAlchemy engine for the
    model registry, one per URL for the whole process. None of the five methods closes it."""
    first, second = dataflow(named("kept")), dataflow(named("kept"))

    @first.model
    class Apple:
        name: str

    @second.model
    class Berry:
        name: str

    assert "error" not in await create("Apple", "a")
    assert "error" not in await create("Berry", "b")
    for method in METHODS:
        await call(first, method)
        await call(second, method)
    assert pools(first) == {} and server_connections() == {"kept": 1}
    assert [url for url, _ in SQLDatabaseNode._shared_pools] == [named("kept")]
# --8<-- [end:kept-open]


def test_table():
    print(line("after first.<method>()", "pools", "conns", "monitors", "executors", "pool_close_failed"))
    print(line("", "1st 2nd", "1st 2nd", "(both)", "(both)", "logged"))
    print(*ROWS[:len(METHODS)], sep="\n")
    print()
    print(line("one URL, after", "listed", "conns", "the second's next query retried"))
    print(*ROWS[len(METHODS):], sep="\n")
