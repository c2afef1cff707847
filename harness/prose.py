"""Prose that repeats a run: tokens in a page become what the runs recorded.

- `{{ recorded: slug/run:section }}`: that section's text, which must be one line: a sentence that
  repeats an outcome ("4 failed, 2 passed") reads it from the recording, which the test job
  re-checks against a real run every time, so the sentence cannot drift from what ran. In
  backticks, the code is titled with the command that recorded it (harness.provenance).
- `{{ printed-in: slug/run[:section] ~ text }}`: the versions whose version-matrix cells recorded
  `text` in that run (section), labelled as the version tabs are ("pytest-asyncio 0.24.0 – 0.26.0").
- `` `{{ command: slug/run }}` ``: how that run calls pytest (`HIDE_MODULES=psycopg2 pytest -p hide_modules`),
  from its recipe.toml, as code titled with the run (harness.provenance): a command the prose names
  is the one that ran, never a copy typed beside it.
- `{{ warnings: slug/run }}`: the distinct warnings the pinned cell recorded for that run, counted
  ("one warning, `...`"; "no warning").
"""

from __future__ import annotations

import re

from harness import provenance
from harness.compat import sections
from harness.normalize import REPO
from harness.recipes import Recipe

TOKEN = re.compile(r"\{\{ recorded: ([\w-]+)/([\w.-]+):(\S+?) \}\}")
CODE_TOKEN = re.compile(rf"`{TOKEN.pattern}`")
PRINTED_IN = re.compile(r"\{\{ printed-in: ([\w-]+)/([\w.-]+)(?::(\S+))? ~ (.+?) \}\}")
COMMAND = re.compile(r"`\{\{ command: ([\w-]+)/([\w.-]+) \}\}`")
WARNINGS = re.compile(r"\{\{ warnings: ([\w-]+)/([\w.-]+) \}\}")
# A line of its own: the collapsed list of every error line a recipe's runs printed (harness.errorlines).
ERROR_LINES = re.compile(r"^\{\{ error-lines: ([\w-]+) \}\}$", re.M)


class ProseError(ValueError):
    """A token that names no one-line recorded section."""


def value(slug: str, run: str, section: str) -> str:
    path = REPO / "snippets" / slug / "recorded" / f"{run}.txt"
    if not path.exists():
        raise ProseError(f"no recorded output {slug}/{run}")
    found = sections(path.read_text())
    if section not in found:
        raise ProseError(f"{slug}/{run} has no section {section!r}")
    if "\n" in found[section].strip():
        raise ProseError(f"{slug}/{run}:{section} is more than one line")
    return found[section].strip()


def _results() -> dict:
    from harness import compat
    from harness.versions import Matrix

    return compat.load_results(Matrix.load())


def printed_in(slug: str, run: str, section: str | None, text: str) -> str:
    from harness import compat

    results = _results()
    ran = [cell for cell in results if compat.run_data(results, cell, slug, run)]
    if not ran:
        raise ProseError(f"the version matrix has no run {slug}/{run}")

    def recorded(cell: str) -> str:
        data = compat.ran(results, cell, slug, run)["recorded"]
        return compat.sections(data).get(section, "") if section else data

    printing = [cell for cell in ran if text in recorded(cell)]
    if not printing:
        raise ProseError(f"no cell recorded {text!r} in {slug}/{run}")
    if len(printing) == len(ran):
        return "every version it ran in"
    return compat.labels(results, [printing, [cell for cell in ran if cell not in printing]])[0]


def warnings(slug: str, run: str) -> str:
    from harness import compat
    from harness.versions import PINNED

    data = compat.run_data(_results(), PINNED, slug, run)
    if data is None:
        raise ProseError(f"the pinned cell has no run {slug}/{run}")
    found = list(dict.fromkeys(data["warnings"]))
    title = provenance.title(Recipe.load(slug).run(run))  # each warning leads to the run that printed it
    spans = ", ".join(f'`{warning}`{{title="{title}"}}' for warning in found)
    return {0: "no warning", 1: f"one warning, {spans}"}.get(len(found), f"{len(found)} warnings: {spans}")


def _error_lines(slug: str) -> str:
    from harness import errorlines

    try:
        return errorlines.markdown(slug)
    except ValueError as error:
        raise ProseError(str(error)) from None


def shown_value(slug: str, run: str, section: str) -> str:
    """A token in backticks: the value as code, titled with the command that recorded it (hover)."""
    return f'`{value(slug, run, section)}`{{title="{provenance.title(Recipe.load(slug).run(run))}"}}'


def command(slug: str, run: str) -> str:
    try:
        found = Recipe.load(slug).run(run)
    except (StopIteration, OSError, ValueError):
        raise ProseError(f"no run {slug}/{run}") from None
    return f'`{provenance.call(found)}`{{title="{provenance.title(found)}"}}'


def render(markdown: str, where: str = "") -> str:
    """The page with every token replaced; a bad token raises with the page and line."""
    # ERROR_LINES last: it adds lines, and the others' errors name lines of the page as written.
    for pattern, function in (
        (CODE_TOKEN, shown_value),
        (TOKEN, value),
        (COMMAND, command),
        (PRINTED_IN, printed_in),
        (WARNINGS, warnings),
        (ERROR_LINES, _error_lines),
    ):

        def replace(match: re.Match, function=function, text=markdown) -> str:
            try:
                return function(*match.groups())
            except ProseError as error:
                line = text.count("\n", 0, match.start()) + 1
                raise ProseError(f"{where}:{line}: {error}") from None

        markdown = pattern.sub(replace, markdown)
    return markdown
