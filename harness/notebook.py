"""What a notebook imports from the harness: these names, and nothing else (tests/test_notebook_text.py).
Each notebook's first cell lists the ones it uses, generated from this table:

    live_database()          a fresh database on the server `TEST_DATABASE_URL` names, else on a throwaway PostgreSQL; gone when the kernel exits
    run_recipe(slug, run)    runs one of a recipe's runs with pytest on that server; prints how pytest ended and what its recording holds
    closed_port_url(url)     the same URL with a port where nothing listens
    show(text)               prints `text` as the recordings show it: ports, database names and passwords replaced
    Recipe.load(slug)        the recipe's projects and runs, from `snippets/<slug>/recipe.toml`
    execute(run, url)        runs one recipe run with pytest against `url`'s server; returns its output and outcome
    is_test_database(name)   the site's one rule before anything is dropped: "test" is a word of the database's name

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
from harness.guards import is_test_database
from harness.normalize import normalize
from harness.recipes import Recipe, execute
from harness.runcache import execute_once

__all__ = ["live_database", "run_recipe", "closed_port_url", "show", "Recipe", "execute", "is_test_database"]

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
    """Print `text` normalized as recorded outputs are."""
    print(normalize(str(text), LITERALS))


def run_recipe(slug: str, run_name: str) -> None:
    """Run one of the recipe's runs live and print what its recorded output holds."""
    live_database()
    assert _base is not None  # live_database() set it
    run = Recipe.load(slug).run(run_name)
    result = execute_once(run, _base)  # in the test job: once, shared with the recipe tests
    print(f"pytest ended: {result.outcome} (expected: {run.outcome})")
    print(result.recorded.replace("--8<-- [", "# [").rstrip())


def literals_json() -> str:
    return json.dumps(LITERALS)
