"""The test job's database, its update mode, its unit tier, and the plugins for page blocks and batched updates.

The controller process provides the database, once: $TEST_DATABASE_URL if set (checked before anything
runs, one clear line if unusable), otherwise a throwaway PostgreSQL that it starts only when a collected
test needs it (harness/jobserver.py), so `-m unit` starts none. xdist workers, recipe runs, notebook
kernels and the pages' fences all share that server, through the base_url fixture and TEST_DATABASE_URL.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from harness import database, jobserver, pgserver, runcache
from harness.dburl import DatabaseURL

# harness.updates first: page_collector imports it, and pytest cannot assert-rewrite a plugin imported
# before it is named here.
pytest_plugins = [
    "harness.updates",  # --update-recorded: the controller writes every registered change at the end
    "harness.page_collector",  # every fenced block of a page under docs/ is an item
]

SERVER = pytest.StashKey[jobserver.Server]()
NOT_IN_UNIT = {jobserver.FIXTURE, "build", "published"}  # a server, or a site build: minutes, not seconds
WORKER = "PYTEST_XDIST_WORKER"


def pytest_addoption(parser):
    parser.addoption(
        "--update-recorded",
        action="store_true",
        help="rewrite recorded outputs (recipes, notebooks, console blocks, the errata page) from real "
        "runs, all at the end of the session (harness/updates.py)",
    )


def pytest_configure(config):
    if not config.option.collectonly and not config.getoption("--update-recorded"):
        runcache.allow_forks(config.add_cleanup)  # this process's recipe runs may fork (harness/forkserver.py)
    if os.environ.get(WORKER) or config.option.collectonly:
        return
    os.environ[database.OWNER_ENV] = str(os.getpid())  # this job owns the databases it makes
    # Each recipe run executes once in the job; notebooks and recipe tests share it (harness.runcache).
    runs = tempfile.mkdtemp(prefix="recipe-runs-")
    config.add_cleanup(lambda: shutil.rmtree(runs, ignore_errors=True))
    os.environ[runcache.ENV] = runs
    folder = tempfile.mkdtemp(prefix="test-job-")  # the server's URL, for the workers (0700: it has a password)
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    os.environ[jobserver.FOLDER_ENV] = folder
    config.stash[SERVER] = server = jobserver.Server(config.add_cleanup)
    try:
        url = database.from_environment()
        if url is not None:  # a server that outlives us: drop what a killed job left, and what we leave
            database.sweep(url)
            database.watch_job(url)
            config.add_cleanup(lambda: database.sweep(url, owner=os.getpid()))
            server.adopt(url)
    except database.DatabaseUnavailable as error:
        raise pytest.UsageError(str(error)) from None


def _provide(config) -> None:
    """The controller starts the throwaway server (unless it has $TEST_DATABASE_URL's): one line if it cannot."""
    try:
        config.stash[SERVER].url()
    except (pgserver.PostgresNotFound, RuntimeError) as error:
        raise pytest.UsageError(str(error)) from None


@pytest.hookimpl(tryfirst=True)  # in a worker: before xdist reports its collection to the controller
def pytest_collection_finish(session):
    if not jobserver.needs_database(session.items):
        return
    if os.environ.get(WORKER):
        jobserver.note_need()
    elif SERVER in session.config.stash:  # not under --collect-only
        _provide(session.config)


@pytest.hookimpl(optionalhook=True)  # xdist's; without xdist the hook above decides
def pytest_xdist_node_collection_finished(node, ids):
    """In the controller, each time a worker has collected; no test has been handed out yet."""
    if SERVER in node.config.stash and jobserver.needed():
        _provide(node.config)


def pytest_runtest_setup(item):
    """In a worker, every test sees TEST_DATABASE_URL once the controller has a server, as without xdist."""
    if os.environ.get(WORKER):
        jobserver.export_published()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that finds the database gone fails with the harness's one line, not a traceback."""
    report = (yield).get_result()
    if call.excinfo and call.excinfo.errisinstance(database.DatabaseUnavailable):
        report.longrepr = f"{call.excinfo.value} (is the server up? see docs/errors/connection-refused.md)"


def pytest_collection_modifyitems(config, items):
    """A test marked `unit` must stay one: the unit tier starts no server and builds no site."""
    slow = [
        f"{i.nodeid} ({', '.join(sorted(NOT_IN_UNIT & set(i.fixturenames)))})"
        for i in items
        if i.get_closest_marker("unit") and NOT_IN_UNIT & set(getattr(i, "fixturenames", ()))
    ]
    if slow:
        raise pytest.UsageError("marked unit, but uses the database or the site build: " + "; ".join(slow))


@pytest.fixture(scope="session")
def base_url(request) -> DatabaseURL:
    """The server every test uses; recipe runs get fresh databases on it. Asking for it (as a parameter)
    is what makes the controller start it; it is also exported as TEST_DATABASE_URL to what tests start."""
    if os.environ.get(WORKER):
        return jobserver.published()
    return request.config.stash[SERVER].url()


@pytest.fixture(scope="session")
def update_recorded(request) -> bool:
    return request.config.getoption("--update-recorded")
