"""What a reader gets by copying a page's code into the project it changes: the project that ran.

A recipe project with a base (`fixed = { base = "broken" }`) holds only the files it changes, and
a page shows some of them, whole or by section (`conftest.py:db`). This module pastes what a page
shows of such a project into its base project, as a reader would, and compares the result with
the project the tests run. Pasting follows these rules, which the pages rely on:

- a whole file replaces the file of that name, or is added;
- a section replaces the base file's section of the same name; a section the base file lacks is
  added after the section that comes before it in the shown file, else at the end of the file;
- the section named `imports` replaces the base file's imports (its leading import lines, after
  any docstring), and must keep every one of them: copying it adds the imports a fix needs.

Section markers (`# --8<-- [start:name]`) are not shown on a page, so they do not count.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field

from harness.fences import INCLUDE, all_fences
from harness.normalize import REPO
from harness.recipes import Recipe, all_recipes

MARKER = re.compile(r"^\s*(?:#|;)?\s*--8<--\s*\[(start|end):([\w-]+)\]\s*$")
IMPORT = re.compile(r"^(import |from \S+ import )")


@dataclass
class Shown:
    """What one page shows of one project: (file, section or None for the whole file)."""

    page: str
    recipe: Recipe
    project: str
    parts: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.page}:{self.recipe.slug}/{self.project}"


def shown_projects() -> list[Shown]:
    """Every (page, project with a base) pair, with what the page includes of the project."""
    recipes = {recipe.slug: recipe for recipe in all_recipes()}
    found: dict[tuple[str, str, str], Shown] = {}

    def add(page: str, include: str) -> None:
        path, _, section = include.partition(":")
        parts = path.split("/")
        if parts[0] != "snippets" or len(parts) < 4 or parts[1] not in recipes:
            return
        recipe, project = recipes[parts[1]], parts[2]
        if not recipe.projects.get(project, {}).get("base"):
            return
        key = (page, recipe.slug, project)
        found.setdefault(key, Shown(page, recipe, project)).parts.append(("/".join(parts[3:]), section or None))

    for fence in all_fences():
        if fence.kind != "include":
            continue
        page = str(fence.page.relative_to(REPO))
        for include in fence.included_paths:
            add(page, include)
            if include.startswith("matrix/fixes/"):  # a version tab's fix includes recipe files in turn
                for line in (REPO / include.split(":")[0]).read_text().splitlines():
                    if match := INCLUDE.match(line):
                        add(page, match.group(2))
    return [found[key] for key in sorted(found)]


def sections(lines: list[str]) -> dict[str, tuple[int, int]]:
    """name -> (start marker line, end marker line), 0-based."""
    found, open_ = {}, {}
    for number, line in enumerate(lines):
        if match := MARKER.match(line):
            kind, name = match.groups()
            if kind == "start":
                open_[name] = number
            elif name in open_:
                found[name] = (open_.pop(name), number)
    return found


def import_block(lines: list[str]) -> tuple[int, int]:
    """[start, end) of the leading import lines, blank lines between them included."""
    start = 0
    if lines and lines[0].lstrip().startswith(('"""', "'''")):  # a module docstring
        quote = lines[0].lstrip()[:3]
        start = (
            next(i for i, line in enumerate(lines) if quote in (line[line.index(quote) + 3 :] if i == 0 else line)) + 1
        )
    while start < len(lines) and not lines[start].strip():
        start += 1
    end = start
    for number in range(start, len(lines)):
        if IMPORT.match(lines[number]):
            end = number + 1
        elif lines[number].strip():
            break
    return start, end


def paste(base: str, shown: str, section: str) -> str:
    """`base` with `section` of `shown` pasted in by the rules above; ValueError when it cannot be."""
    into, source = base.splitlines(keepends=True), shown.splitlines(keepends=True)
    have, given = sections(into), sections(source)
    if section not in given:
        raise ValueError(f"no section {section!r}")
    first, last = given[section]
    block = source[first : last + 1]
    if section == "imports" and section not in have:
        start, end = import_block(into)
        dropped = sorted(imported(into[start:end]) - imported(block))
        if dropped:
            raise ValueError(f"the imports section drops {', '.join(dropped)}")
        return "".join(into[:start] + block + into[end:])
    if section in have:
        start, end = have[section]
        return "".join(into[:start] + block + into[end + 1 :])
    while first > 0 and not source[first - 1].strip():  # keep the blank lines that lead into it
        first -= 1
    block = source[first : last + 1]
    before = [
        name
        for name, (_, end) in sorted(given.items(), key=lambda item: item[1])
        if end < given[section][0] and name != "imports"
    ]
    if before and before[-1] in have:
        at = have[before[-1]][1] + 1
        return "".join(into[:at] + block + into[at:])
    return "".join(into + block)


def imported(lines: list[str]) -> set[str]:
    """The names import lines bind, as module or module.name: `from m import a, b` -> m.a, m.b."""
    names = set()
    for node in ast.parse("".join(line for line in lines if not MARKER.match(line))).body:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def unmarked(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not MARKER.match(line))


def problems(shown: Shown) -> list[str]:
    """Why pasting what the page shows does not give the project that ran; [] when it does."""
    recipe = shown.recipe
    base = recipe.project_files(recipe.projects[shown.project]["base"])
    own = recipe.project_files(shown.project)
    pasted: dict[str, str] = {}
    found = []
    for name, section in shown.parts:
        if name not in own:
            found.append(f"{name}: not a file of the project")
            continue
        if section is None or name not in base:
            pasted[name] = own[name].read_text()
            continue
        try:
            pasted[name] = paste(pasted.get(name, base[name].read_text()), own[name].read_text(), section)
        except ValueError as error:
            found.append(f"{name}:{section}: {error}")
    changed = sorted(path for path, file in own.items() if path not in base or base[path] != file)
    for name in changed:
        want = unmarked(own[name].read_text())
        got = pasted.get(name, base[name].read_text() if name in base else None)
        if got is None:
            found.append(f"{name}: the project adds it, and the page does not show it")
        elif unmarked(got) != want:
            diff = difflib.unified_diff(
                unmarked(got).splitlines(), want.splitlines(), "pasted", "ran", lineterm="", n=0
            )
            found.append(f"{name}: pasting gives another file:\n" + "\n".join(list(diff)[2:14]))
    return found
