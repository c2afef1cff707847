"""MkDocs hook: a fix shows what it changes. Where a page's block shows a file of an overlay project
(fixed/conftest.py) that replaces its base project's file of that name, the lines that differ from the
base file are highlighted: computed from the diff at build time (pymdownx's hl_lines), never typed.
"""

from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path

from harness.copyable import MARKER
from harness.normalize import REPO
from harness.provenance import FENCE, with_option
from harness.recipes import Recipe

PROJECT_FILE = re.compile(r'^[ \t]*--8<-- "snippets/([\w-]+)/([\w.-]+)/([^":]+)(?::([\w.-]+))?"[ \t]*$')


def _unmarked(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if not MARKER.match(line)]


def _span(path: Path, section: str | None) -> tuple[int, int]:
    """Where the shown lines are among the file's lines without section markers: (first, end)."""
    lines = path.read_text().splitlines()
    if section is None:
        return 0, len(_unmarked(path))
    marks = [n for n, line in enumerate(lines) if MARKER.match(line)]
    start = next(n for n in marks if f"[start:{section}]" in lines[n])
    end = next(n for n in marks if n > start and f"[end:{section}]" in lines[n])
    before = sum(1 for line in lines[:start] if not MARKER.match(line))
    return before, before + sum(1 for line in lines[start:end] if not MARKER.match(line))


@functools.cache
def _changed(slug: str, project: str, name: str) -> frozenset[int] | None:
    """Indices of the overlay file's lines (markers left out) that its base project's file lacks;
    None when the file replaces nothing (a base project's own file, or one the overlay adds)."""
    recipe = Recipe.load(slug)
    base = recipe.projects.get(project, {}).get("base")
    replaced = recipe.project_files(base).get(name) if base else None
    if replaced is None:
        return None
    opcodes = difflib.SequenceMatcher(
        None, _unmarked(replaced), _unmarked(recipe.root / project / name), autojunk=False
    ).get_opcodes()
    return frozenset(j for tag, _, _, j1, j2 in opcodes if tag in ("replace", "insert") for j in range(j1, j2))


def highlighted(body: str) -> list[int] | None:
    """The 1-based lines of a block of includes to highlight, or None when none of them is a fix's
    replacement file."""
    shown, marked, any_fix = 0, [], False
    for line in body.splitlines():
        if not line.strip():  # a blank line between two includes is a line of the block
            shown += 1
            continue
        match = PROJECT_FILE.match(line)
        if not match or match[2] == "recorded":
            return None
        slug, project, name, section = match.groups()
        first, end = _span(REPO / "snippets" / slug / project / name, section)
        changed = _changed(slug, project, name)
        any_fix = any_fix or changed is not None
        marked += [shown + n - first + 1 for n in sorted(changed or ()) if first <= n < end]
        shown += end - first
    return marked if any_fix else None


def _ranges(lines: list[int]) -> str:
    runs: list[list[int]] = []
    for n in lines:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return " ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in runs)


def with_highlights(markdown: str) -> str:
    def add(match: re.Match) -> str:
        lines = highlighted(match["body"])
        if not lines or "hl_lines=" in match["info"]:
            return match[0]
        return with_option(match, f'hl_lines="{_ranges(lines)}"')

    return FENCE.sub(add, markdown)


def on_page_markdown(markdown, page, config, files):
    _changed.cache_clear()  # `mkdocs serve` rebuilds after a recipe file changes
    return with_highlights(markdown)
