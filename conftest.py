"""The test job's database, its update mode, and the plugins for page blocks and for batched updates.

The controller process picks the database once: $TEST_DATABASE_URL if set (checked, one clear
line if unusable), otherwise a throwaway PostgreSQL it starts and stops. It exports the URL as
TEST_DATABASE_URL, so xdist workers, recipe runs and notebook kernels all share that server.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from harness import database, pgserver, runcache
from harness.dburl import DatabaseURL

# harness.updates first: page_collector imports it, and pytest cannot assert-rewrite a plugin imported
# before it is named here.
pytest_plugins = [
    "harness.updates",  # --update-recorded: the controller writes every registered change at the end
    "harness.page_collector",  # every fenced block of a page under docs/ is an item
]


def pytest_addoption(parser):
    parser.addoption(
        "--update-recorded",
        action="store_true",
        help="rewrite recorded outputs (recipes, notebooks, console blocks, the errata page) from real "
        "runs, all at the end of the session (harness/updates.py)",
    )


def pytest_configure(config):
    if os.environ.get("PYTEST_XDIST_WORKER") or config.option.collectonly:
        return
    os.environ[database.OWNER_ENV] = str(os.getpid())  # this job owns the databases it makes
    # Each recipe run executes once in the job; notebooks and recipe tests share it (harness.runcache).
    runs = tempfile.mkdtemp(prefix="recipe-runs-")
    config.add_cleanup(lambda: shutil.rmtree(runs, ignore_errors=True))
    os.environ[runcache.ENV] = runs
    try:
        url = database.from_environment()
        if url is None:  # a server of our own: its watchdog removes it, databases and all
            server = pgserver.start()
            config.add_cleanup(server.stop)
            os.environ[database.ENV] = str(server.url())
        else:  # a server that outlives us: drop what a killed job left, and what we leave
            database.sweep(url)
            database.watch_job(url)
            config.add_cleanup(lambda: database.sweep(url, owner=os.getpid()))
    except (database.DatabaseUnavailable, pgserver.PostgresNotFound, RuntimeError) as error:
        raise pytest.UsageError(str(error)) from None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that finds the database gone fails with the harness's one line, not a traceback."""
    report = (yield).get_result()
    if call.excinfo and call.excinfo.errisinstance(database.DatabaseUnavailable):
        report.longrepr = f"{call.excinfo.value} (is the server up? see docs/errors/connection-refused.md)"


@pytest.fixture(scope="session")
def base_url() -> DatabaseURL:
    """The server every test uses; recipe runs get fresh databases on it."""
    return DatabaseURL.parse(os.environ[database.ENV])


@pytest.fixture(scope="session")
def update_recorded(request) -> bool:
    return request.config.getoption("--update-recorded")
