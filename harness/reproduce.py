"""./dev recipe SLUG [RUN] [--keep DIR]: a recipe's runs as the tests run them, one step at a time.

First what the recipe is for; then for each run what it shows, what its project (and each base project
it overlays) is, the composed project (each file and the folder it comes from), the command and the
environment it sets, the run itself (harness.recipes.execute, the tests' own path) against a
throwaway PostgreSQL or $TEST_DATABASE_URL, and its recorded output compared with the recording.
Exits 1 when a run differs from what is recorded, 2 on bad input.
"""

from __future__ import annotations

import argparse
import difflib
import shlex
import sys
import textwrap
import time
from pathlib import Path

from harness import database
from harness.dburl import DatabaseURL
from harness.normalize import REPO
from harness.recipes import DATABASES, Recipe, RecipeError, Run, all_recipes, command, environment, execute
from harness.runcache import execute_once


def describe(run: Run) -> list[str]:
    """What a reader needs to run it by hand: what it and its projects are for (their `about`), files,
    command, environment, what it expects."""
    lines = [f"== {run.id}: pytest should end {run.outcome}"]
    lines += [f"about: {run.about}"] if run.about else []
    lines += [f"{project}/: {about}" for project, about in _project_abouts(run)]
    lines.append(f"project {run.project!r}{_chain(run)}:")
    for name, source in run.recipe.project_files(run.project).items():
        lines.append(f"  {name:<28} from {source.relative_to(REPO).parent}/")
    env = environment(run, DatabaseURL.parse("postgresql://user:***@host:5432/a_fresh_test_database"))
    shown = {k: v for k, v in env.items() if k != "TEST_DATABASE_URL"}
    lines.append(
        f"TEST_DATABASE_URL: {DATABASES[run.database]}"
        + (f", on a server of its own with {run.server}" if run.server else "")
    )
    lines.append("environment: " + " ".join(f"{k}={shlex.quote(v)}" for k, v in shown.items()))
    lines.append("command: " + shlex.join(command(run)))
    return lines


def _project_abouts(run: Run) -> list[tuple[str, str]]:
    """(folder, about) for the run's project and then each base it overlays, those that say one."""
    found: list[tuple[str, str]] = []
    project: str | None = run.project
    while project:
        spec = run.recipe.projects[project]
        found += [(project, spec["about"])] if spec.get("about") else []
        project = spec.get("base")
    return found


def recipe_about(recipe: Recipe) -> list[str]:
    """The recipe's `about`, wrapped, under its slug; nothing when it has none."""
    return textwrap.wrap(f"{recipe.slug}: {recipe.about}", 100, break_on_hyphens=False) if recipe.about else []


def _chain(run: Run) -> str:
    bases, project = [], run.project
    while base := run.recipe.projects[project].get("base"):
        bases.append(base)
        project = base
    return f" (over {', then '.join(bases)})" if bases else ""


def compare(run: Run, base: DatabaseURL, keep: Path | None) -> bool:
    started = time.monotonic()
    # In the test job a run executes once; the recipe tests share it (harness/runcache.py).
    result = execute(run, base, keep=keep) if keep else execute_once(run, base)
    print(f"ran in {time.monotonic() - started:.1f} s: pytest ended {result.outcome} (expected: {run.outcome})")
    recorded = run.recorded_path.read_text() if run.recorded_path.exists() else ""
    shown = run.recorded_path.relative_to(REPO)
    same = result.outcome == run.outcome and result.recorded == recorded
    if result.recorded == recorded:
        print(f"its output, normalized, is {shown} exactly")
    else:
        print(f"its output, normalized, differs from {shown}:")
        sys.stdout.writelines(
            difflib.unified_diff(recorded.splitlines(True), result.recorded.splitlines(True), str(shown), "this run")
        )
    if keep:
        print(f"project kept in {keep} (its database is gone: point TEST_DATABASE_URL at a test database of yours)")
    return same


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="./dev recipe", description=__doc__.split("\n\n")[0])
    parser.add_argument("slug")
    parser.add_argument("run", nargs="?", help="one run's name (default: every run)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="run in DIR/<run> and leave it there")
    args = parser.parse_args(argv)
    try:
        recipe = Recipe.load(args.slug)
    except RecipeError as error:
        known = ", ".join(r.slug for r in all_recipes())
        print(
            f"dev recipe: {error}"
            if (REPO / "snippets" / args.slug).is_dir()
            else f"dev recipe: no recipe {args.slug!r}; there are: {known}",
            file=sys.stderr,
        )
        return 2
    runs = [r for r in recipe.runs if args.run in (None, r.name)]
    if not runs:
        print(
            f"dev recipe: {args.slug} has no run {args.run!r}; it has: {', '.join(r.name for r in recipe.runs)}",
            file=sys.stderr,
        )
        return 2
    if args.keep and args.keep.exists() and any(args.keep.iterdir()):
        print(f"dev recipe: --keep {args.keep} is not empty", file=sys.stderr)
        return 2
    if about := recipe_about(recipe):
        print("\n".join(about) + "\n")
    try:
        with database.base_url() as base:
            database.check(base)
            differ = []
            for run in runs:
                print("\n".join(describe(run)))
                keep = (args.keep / run.name).resolve() if args.keep else None
                if keep:
                    keep.mkdir(parents=True)
                if not compare(run, base, keep):
                    differ.append(run.name)
                print()
    except database.DatabaseUnavailable as error:
        print(f"dev recipe: {error}", file=sys.stderr)
        return 2
    print(
        f"{len(runs) - len(differ)} of {len(runs)} runs as recorded"
        + (f"; differ: {', '.join(differ)}" if differ else "")
    )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
