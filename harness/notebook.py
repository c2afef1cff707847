"""What a notebook imports: a live database, recipe runs, and normalized printing.

    from harness.notebook import live_database, run_recipe
    db = live_database()        # $TEST_DATABASE_URL's server, else a throwaway one
    run_recipe("connection-refused", "nothing-listening")

The kernel remembers every port and database name it handed out, so the test job can
normalize the notebook's outputs the same way recorded recipe outputs are normalized.
"""

from __future__ import annotations

import atexit
import json
import os
from contextlib import ExitStack

from harness import database, pgserver
from harness.dburl import DatabaseURL
from harness.normalize import normalize
from harness.recipes import Recipe
from harness.runcache import execute_once

LITERALS: dict[str, str] = {}
_stack = ExitStack()
_base: DatabaseURL | None = None


def live_database() -> DatabaseURL:
    """A fresh database on the live server; gone when the kernel exits."""
    global _base
    if _base is None:
        _base = _stack.enter_context(database.base_url())
        atexit.register(_stack.close)  # after the server's own atexit stop, so it runs first
        # Let recipe runs started from this kernel find the same server.
        os.environ.setdefault(database.ENV, str(_base))
    url = _stack.enter_context(database.fresh_database(_base))
    LITERALS.update({str(url.port): "<port>", url.database: database.TEST_DATABASE_NAME})
    if url.password and url.password != pgserver.TEST_PASSWORD:  # not the pages' placeholder
        LITERALS[url.password] = "***"
    return url


def closed_port_url(url: DatabaseURL) -> DatabaseURL:
    """The same URL, but on a port where nothing listens."""
    port = pgserver.free_port()
    LITERALS[str(port)] = "<port>"
    return url.with_(port=port)


def show(text: str) -> None:
    print(normalize(str(text), LITERALS))


def run_recipe(slug: str, run_name: str) -> None:
    """Run one of the recipe's runs live and print what its recorded output holds."""
    live_database()
    run = Recipe.load(slug).run(run_name)
    result = execute_once(run, _base)  # in the test job: once, shared with the recipe tests
    print(f"pytest ended: {result.outcome} (expected: {run.outcome})")
    print(result.recorded.replace(f"--8<-- [", "# [").rstrip())


def literals_json() -> str:
    return json.dumps(LITERALS)
