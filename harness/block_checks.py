"""What each kind of fenced block must do to pass (harness.fences names the kinds).

One check per kind, called by the page collector (harness/page_collector.py) for one block; python
blocks are run by pytest-markdown-docs instead. A check raises BlockFailed with a message that
starts with the block's `page:line`, or returns when the block holds.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from pymdownx.snippets import SnippetPreprocessor as Snippets

from harness import updates
from harness.dburl import DatabaseURL
from harness.fences import Fence, shown
from harness.normalize import REPO, normalize
from harness.recipes import SNIPPETS, Recipe, RecipeError, scrubbed_environ

# What a fenced include may show: files that a test runs, so the page shows tested code and output.
SOURCES = {
    "snippets/": "a recipe's file (recipe.toml, a project folder or recorded/; tests/test_recipes.py runs it)",
    "isolation/": "the isolation benchmark's code (./dev isolation; tests/test_isolation.py runs it)",
}
CONFIG_FILES = {"ini": "pytest.ini", "toml": "pyproject.toml"}


class BlockFailed(AssertionError):
    """A block that does not hold; its message is the whole report."""


def fail(fence: Fence, message: str):
    raise BlockFailed(f"{shown(fence.page)}:{fence.line}: {message}")


# include ----------------------------------------------------------------------------------------


def check_include(fence: Fence) -> None:
    for include in fence.included_paths:
        problem = include_problem(include)
        if problem:
            fail(fence, f'--8<-- "{include}": {problem}')


def include_problem(include: str, base: Path = REPO) -> str:
    """Why pymdownx.snippets would not show this include as a tested file; empty if it would.
    `include` is `path`, `path:section` or `path:lines`, as pymdownx.snippets reads it."""
    match = Snippets.RE_SNIPPET_FILE.match(include)
    name, section = match.group(1).strip(), (match.group(3) or "")[1:]
    target = (base / name).resolve()
    if not target.is_relative_to(base.resolve()):
        return "the file is outside the repository"
    if not target.is_file():
        return "no such file"
    source = next((prefix for prefix in SOURCES if name.startswith(prefix)), None)
    if source is None:
        allowed = "; ".join(f"{prefix}: {what}" for prefix, what in SOURCES.items())
        return f"not a file a test runs (allowed: {allowed})"
    if source == "snippets/":
        problem = recipe_file_problem(Path(name).relative_to("snippets").parts)
        if problem:
            return problem
    if section and not has_section(target, section):
        return f"{name} has no section {section!r} (--8<-- [start:{section}] ... [end:{section}])"
    return ""


def recipe_file_problem(parts: tuple[str, ...]) -> str:
    """`parts` is a path under snippets/: <slug>/recipe.toml, <slug>/recorded/..., <slug>/<project>/..."""
    if len(parts) < 2:
        return "not in a recipe's folder"
    try:
        recipe = _recipe(parts[0])
    except RecipeError as error:
        return f"snippets/{parts[0]} is not a recipe: {error}"
    if parts[1:] == ("recipe.toml",) or parts[1] == "recorded" or parts[1] in recipe.projects:
        return ""
    return f"{parts[1]}/ is not a project of recipe {parts[0]} (recipe.toml declares {', '.join(recipe.projects)})"


@functools.cache
def _recipe(slug: str) -> Recipe:
    return Recipe.load(slug, SNIPPETS)


def has_section(path: Path, name: str) -> bool:
    """Whether the file marks both ends of the section, as pymdownx.snippets looks for them."""
    ends = set()
    for line in path.read_text().splitlines():
        match = Snippets.RE_SNIPPET_SECTION.match(line)
        if match and not match.group("escape") and match.group("name") == name:
            ends.add(match.group("type").lower())
    return ends == {"start", "end"}


# console ----------------------------------------------------------------------------------------


def console_steps(code: str) -> list[tuple[str, str]]:
    """`$ command` lines and the output each is shown with."""
    steps: list[tuple[str, list[str]]] = []
    for line in code.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return [(command, "\n".join(output)) for command, output in steps]


def check_console(fence: Fence, url: DatabaseURL, update: bool) -> None:
    """Run each command in a fresh folder; its output must be the one shown (update: rewrite it)."""
    # `python` and `pytest` in a block are the project's own (.venv), as for a reader who activated it.
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    env = scrubbed_environ(
        TEST_DATABASE_URL=str(url), PGCONNECT_TIMEOUT="5", PATH=path, NO_COLOR="1", PY_COLORS="0", COLUMNS="80"
    )
    ran = []
    with tempfile.TemporaryDirectory(prefix="console-block-") as folder:
        for command, expected in console_steps(fence.code):
            proc = subprocess.run(
                ["bash", "-c", command],
                cwd=folder,
                env=env,
                timeout=120,
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
            )
            if proc.returncode != 0:
                fail(fence, f"`{command}` failed:\n{proc.stdout}{proc.stderr}")
            actual = normalize(proc.stdout + proc.stderr, {str(url.port): "<port>"})
            ran.append(f"$ {command}\n{actual.rstrip()}".rstrip())
            if not update and actual.rstrip() != expected.rstrip():
                fail(fence, f"`{command}` printed\n{actual.rstrip()}\nwhere the page shows\n{expected.rstrip()}")
    if update:
        if fence.in_admonition:  # its lines on the page are indented: they are not fence.code
            fail(fence, "move console blocks out of admonitions to re-record them")
        # the lines between the ``` lines, written with the session's other changes at its end
        first, last = fence.line + 1, fence.line + len(fence.code.splitlines())
        updates.register_lines(fence.page, first, last, fence.code, "\n".join(ran) + "\n", "console block")


# ini, toml --------------------------------------------------------------------------------------


def check_config(fence: Fence) -> None:
    """pytest itself loads the block as its configuration, with every warning an error."""
    with tempfile.TemporaryDirectory(prefix="config-block-") as folder:
        project = Path(folder)
        (project / CONFIG_FILES[fence.lang]).write_text(fence.code)
        (project / "test_ok.py").write_text("import pytest\n\n@pytest.mark.asyncio\nasync def test_ok():\n    pass\n")
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=120,
            env=scrubbed_environ(),  # CI, BUILD_NUMBER: pytest behaves otherwise on CI
        )
    if proc.returncode != 0:
        fail(fence, f"pytest rejected it:\n{proc.stdout}{proc.stderr}")
