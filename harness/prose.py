"""Prose that repeats a run: `{{ recorded: slug/run:section }}` in a page becomes that section's text.

A sentence that repeats an outcome ("4 failed, 2 passed") reads it from the recording, which the
test job re-checks against a real run every time, so the sentence cannot drift from what ran.
The section must be one line: it is spliced into a sentence.
"""

from __future__ import annotations

import re

from harness.compat import sections
from harness.normalize import REPO

TOKEN = re.compile(r"\{\{ recorded: ([\w-]+)/([\w.-]+):(\S+?) \}\}")
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


def render(markdown: str, where: str = "") -> str:
    """The page with every token replaced; a bad token raises with the page and line."""
    def replace(match: re.Match) -> str:
        try:
            return value(*match.groups())
        except ProseError as error:
            line = markdown.count("\n", 0, match.start()) + 1
            raise ProseError(f"{where}:{line}: {error}") from None

    def error_lines(match: re.Match) -> str:
        from harness import errorlines

        try:
            return errorlines.markdown(match[1])
        except ValueError as error:
            line = markdown.count("\n", 0, match.start()) + 1
            raise ProseError(f"{where}:{line}: {error}") from None

    return ERROR_LINES.sub(error_lines, TOKEN.sub(replace, markdown))
