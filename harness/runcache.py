"""One execution of each recipe run per test job, shared by the recipe tests and the notebooks.

A notebook's `run_recipe()` runs recipe runs that tests/test_recipes.py also runs. In the test job
both run against the same server with the same files, so the second execution would only repeat
the first. When $RECIPE_RUNS names a folder (the test job's controller makes one for the job), the
first to ask for a run executes it and stores the result there; the others wait for it and read
it. Without it, as when a reader runs a notebook, every call executes the run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from harness.dburl import DatabaseURL
from harness.filelock import exclusive
from harness.recipes import Result, Run, execute

ENV = "RECIPE_RUNS"


def execute_once(run: Run, base: DatabaseURL) -> Result:
    folder = os.environ.get(ENV)
    if not folder:
        return execute(run, base)
    stored = Path(folder) / f"{run.recipe.slug}--{run.name}.json"
    with exclusive(stored.with_suffix(".lock")):
        if not stored.exists():
            result = execute(run, base)
            fields = {
                "returncode": result.returncode,
                "output": result.output,
                "literals": result.literals,
                "records": result.records,
                "stderr": result.stderr,
            }
            stored.write_text(json.dumps(fields))
    return Result(run, **json.loads(stored.read_text()))
