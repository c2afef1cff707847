"""MkDocs hook: a block that shows recorded output is titled with the command that produced it.

A page includes a run's recording in a fence of its own:

    ```text
    --8<-- "snippets/missing-table/recorded/broken-create-passes.txt:outcome"
    ```

and the site shows it under `pytest test_create.py → passed · ./dev recipe missing-table
broken-create-passes`: how pytest was called in the recipe's project, the outcome the recording
expects, and the command that shows the rest (files, environment) and runs it again. Version tabs
(matrix/variants/, harness.compat) carry the same title. A fence with a title of its own keeps it.
"""

from __future__ import annotations

import functools
import re
import shlex

from harness.dburl import mask
from harness.recipes import Recipe, Run

FENCE = re.compile(
    # the body: include lines, with blank lines between them (shown as a blank line between the parts)
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<info>[^\n`]*)\n"
    r"(?P<body>[ \t]*--8<-- [^\n]+\n(?:(?:[ \t]*\n)*[ \t]*--8<-- [^\n]+\n)*)"
    r"(?P=indent)(?P=fence)[ \t]*$",
    re.M,
)
RECORDING = re.compile(r'^[ \t]*--8<-- "snippets/([\w-]+)/recorded/([\w.-]+)\.txt(?::[\w.-]+)?"[ \t]*$')


def title(run: Run, outcome: bool = True) -> str:
    """`outcome`: say how pytest should end (with the pinned versions; a version tab leaves it out)."""
    return f"{call(run)}{f' → {run.outcome}' if outcome else ''} · ./dev recipe {run.recipe.slug} {run.name}"


def call(run: Run, env: bool = True) -> str:
    settings = [f"{key}={shlex.quote(as_shown(str(value)))}" for key, value in run.env.items()] if env else []
    return " ".join([*settings, shlex.join(["pytest", *run.args])])


def title_of_many(runs: list[Run]) -> str:
    """A block whose lines come from several runs of one recipe, in order."""
    calls = {call(run) for run in runs}
    if len(calls) > 1:  # they differ in their settings only, or in more
        calls = {call(run, env=False) for run in runs}
    shared = calls.pop() if len(calls) == 1 else "pytest"
    outcomes = {run.outcome for run in runs}
    ending = f" → {outcomes.pop()}" if len(outcomes) == 1 else ""
    return f"{shared}{ending} · line by line: ./dev recipe {runs[0].recipe.slug} {' | '.join(r.name for r in runs)}"


def as_shown(value: str) -> str:
    """A database URL as the site shows every URL: password masked, port <port>."""
    return re.sub(r"@([^:/@]+):\d+/", r"@\1:<port>/", mask(value)) if "://" in value else value


@functools.cache
def _recipe(slug: str) -> Recipe:
    return Recipe.load(slug)


def runs_shown(body: str) -> list[Run]:
    """The runs whose recordings a fence's lines include, in order, when they all do and are of one recipe."""
    lines = [line for line in body.splitlines() if line.strip()]
    found = [m for m in map(RECORDING.match, lines) if m]
    if not found or len(found) < len(lines) or len({m[1] for m in found}) != 1:
        return []
    names = list(dict.fromkeys(m[2] for m in found))
    return [_recipe(found[0][1]).run(name) for name in names]


def titled(markdown: str) -> str:
    def add_title(match: re.Match) -> str:
        runs = runs_shown(match["body"])
        if not runs or "title=" in match["info"]:
            return match[0]
        return with_option(match, f'title="{title(runs[0]) if len(runs) == 1 else title_of_many(runs)}"')

    return FENCE.sub(add_title, markdown)


def with_option(match: re.Match, option: str) -> str:
    """A FENCE match written again with `option` added to its info line (and `text` if it named no language)."""
    info = f"{match['info'].strip() or 'text'} {option}"
    return f"{match['indent']}{match['fence']}{info}\n{match['body']}{match['indent']}{match['fence']}"


def on_page_markdown(markdown, page, config, files):
    _recipe.cache_clear()  # `mkdocs serve` rebuilds after a recipe.toml changes
    return titled(markdown)
