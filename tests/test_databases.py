"""The harness's per-run databases on the job's server: only its own are dropped, each is gone
afterwards, and one its maker left half-made is swept."""

import asyncio
import subprocess
import sys

import asyncpg
import pytest

from harness import database


def test_only_databases_the_harness_made_are_dropped(base_url):
    for name in ("dataflow_test", "production", "dataflow_test_other", "postgres"):
        with pytest.raises(ValueError):
            database.drop(base_url, name)


def test_fresh_database_is_dropped_afterwards(base_url):
    with database.fresh_database(base_url) as url:
        assert database.check(url)
    with pytest.raises(database.DatabaseUnavailable, match="does not exist"):
        database.check(url)


def test_a_database_made_without_its_comment_is_swept_once_its_maker_is_dead(base_url):
    """The server died between CREATE DATABASE and COMMENT (test_faults crashes it mid-job): the
    database has no note, but its name was noted on this host first, with its maker's pid."""
    maker = subprocess.Popen([sys.executable, "-c", "pass"])
    maker.wait()  # a pid that no longer runs
    name = f"{base_url.database}_r{maker.pid:08x}"
    database._pending(name).write_text(str(maker.pid))

    async def create_without_comment():
        connection = await asyncpg.connect(str(base_url))
        await connection.execute(f'CREATE DATABASE "{name}"')
        await connection.close()

    asyncio.run(create_without_comment())
    assert name in database.sweep(base_url)
    with pytest.raises(database.DatabaseUnavailable, match="does not exist"):
        database.check(base_url.with_(database=name))
    assert not database._pending(name).exists()
