"""One execution of each recipe run per test job, shared by the recipe tests and the notebooks.

A notebook's `run_recipe()` runs recipe runs that tests/test_recipes.py also runs. In the test job
both run against the same server with the same files, so the second execution would only repeat
the first. When $RECIPE_RUNS names a folder (the test job's controller makes one for the job), the
first to ask for a run executes it and stores the result there; the others wait for it and read
it. Without it, as when a reader runs a notebook, every call executes the run.

In the test job's own processes (conftest.py calls allow_forks), a run is forked from a process that
has already imported DataFlow and pytest (harness/forkserver.py): 0.3 s of CPU to start, not 1.8 s.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from harness.dburl import DatabaseURL
from harness.filelock import exclusive
from harness.forkclient import Forks
from harness.recipes import Result, Run, environment, execute, scrubbed_environ

ENV = "RECIPE_RUNS"
FORK_ENV = "RECIPE_FORK"  # RECIPE_FORK=0: every run a fresh process
# harness.updates.ENV, set by an --update-recorded controller for its workers; not imported from there:
# it imports pytest, into every notebook's kernel.
UPDATES_ENV = "RECORDED_UPDATES"
# Runs whose output a fork does not reproduce, found by running every run both ways:
# - recorded warnings (`warnings = true`): a coroutine's "never awaited" warning comes from its finalizer,
#   when the GC runs; the forked process's GC counts differ, and hanging-tests/missing-await got a second
#   warning attributed to tracemalloc.py.
# - debugging/who-logs-default counts kailash's log records by logger: forked, 42 DEBUG records, not 37.
FRESH_ONLY = {"debugging/who-logs-default"}
_cleanup: Callable[[Callable[[], None]], None] | None = None
_forks: Forks | None = None


def allow_forks(add_cleanup: Callable[[Callable[[], None]], None]) -> None:
    """Let this process fork its runs; `add_cleanup` stops the server (when one was started)."""
    global _cleanup
    _cleanup = add_cleanup


def python_for(run: Run, base: DatabaseURL) -> str | Path:
    """The interpreter execute() should start for `run`: the fork server's shim, or a fresh python.

    Fresh: a run whose recipe sets `env` (read at import time, and HIDE_MODULES hides modules the
    server has imported), one that records warnings or is in FRESH_ONLY, and every run of
    --update-recorded ($RECORDED_UPDATES, which its controller sets): recordings come from fresh
    interpreters only."""
    global _forks
    if _cleanup is None or os.environ.get(FORK_ENV) == "0" or os.environ.get(UPDATES_ENV):
        return sys.executable
    if run.env or run.warnings or f"{run.recipe.slug}/{run.name}" in FRESH_ONLY:
        return sys.executable
    if _forks is None:
        env = scrubbed_environ(**environment(run, base))  # what every such run sets, bar its database
        env.pop("TEST_DATABASE_URL", None)
        _forks = Forks(env)
        _cleanup(_forks.stop)
    return _forks.shim() or sys.executable


def execute_once(run: Run, base: DatabaseURL) -> Result:
    folder = os.environ.get(ENV)
    if not folder:
        return execute(run, base, python_for(run, base))
    stored = Path(folder) / f"{run.recipe.slug}--{run.name}.json"
    with exclusive(stored.with_suffix(".lock")):
        if not stored.exists():
            result = execute(run, base, python_for(run, base))
            fields = {
                "returncode": result.returncode,
                "output": result.output,
                "literals": result.literals,
                "records": result.records,
                "stderr": result.stderr,
            }
            stored.write_text(json.dumps(fields))
    return Result(run, **json.loads(stored.read_text()))
