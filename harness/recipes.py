"""The recipe harness's names in one place, as callers and the notebooks import them.

Notebooks import from here (`from harness.recipes import Recipe, execute`) and their code cells
cannot change; the harness is split by concern:

    harness/recipe_model.py    Recipe and Run: recipe.toml loaded and checked
    harness/recipe_run.py      a run executed: its project, database, environment and pytest
    harness/recipe_record.py   its recorded text, selected from what the run reported
"""

from harness.recipe_model import DATABASES, OUTCOMES, RUN_KEYS, SNIPPETS, Recipe, RecipeError, Run, all_recipes
from harness.recipe_record import LOG_RECORD, OUTCOME_LINE, extract
from harness.recipe_run import (
    LEAKY_ENV,
    PYTEST_ARGS,
    RUN_TIMEOUT,
    Result,
    command,
    database_for,
    environment,
    execute,
    materialise,
    scrubbed_environ,
)

__all__ = [
    "DATABASES",
    "LEAKY_ENV",
    "LOG_RECORD",
    "OUTCOMES",
    "OUTCOME_LINE",
    "PYTEST_ARGS",
    "RUN_KEYS",
    "RUN_TIMEOUT",
    "SNIPPETS",
    "Recipe",
    "RecipeError",
    "Result",
    "Run",
    "all_recipes",
    "command",
    "database_for",
    "environment",
    "execute",
    "extract",
    "materialise",
    "scrubbed_environ",
]
