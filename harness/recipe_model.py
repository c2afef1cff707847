"""Recipes as data: small pytest projects that reproduce an error (broken) and fix it (fixed).

snippets/<slug>/recipe.toml names the projects and the runs, and says what each is for:

    about = "What this recipe shows"   # optional, like every `about`; shown by ./dev recipe

    [defaults]                      # optional: settings every run has unless it sets its own
    server = { max_connections = 5 }

    [projects]
    broken = { about = "..." }
    fixed = { base = "broken", about = "..." }  # fixed/ holds only the files that change

    [[runs]]
    name = "nothing-listening"      # recorded output: recorded/nothing-listening.txt
    project = "broken"
    outcome = "failed"              # required: how pytest should end (its exit status, by name)
    about = "..."                   # what the run shows
    database = "closed-port"        # live | closed-port | silent-port | wrong-password | missing-database
    server = { max_connections = 5 }  # optional: a dedicated throwaway server with these settings
    args = ["-o", "log_cli=true"]   # optional: more pytest arguments
    logs = true                     # optional: also record log lines (a string: only those matching
                                    #   that regex)
    warnings = true                 # optional: also record pytest's warnings summary
    env = { DATAFLOW_POOL_SIZE = "3" }  # optional: more environment for the pytest process
    sections = ["test_last"]        # optional: record only these sections and the outcome (for
                                    #   runs where which test fails first depends on timing)

This module loads and checks recipe.toml; harness/recipe_run.py runs a run and
harness/recipe_record.py selects its recording. A mistake in a recipe.toml is a RecipeError
naming the file, before anything runs.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from harness.normalize import REPO
from harness.recipe_databases import DESCRIPTIONS

SNIPPETS = REPO / "snippets"
OUTCOMES = {"passed": 0, "failed": 1, "interrupted": 2, "internal-error": 3, "usage-error": 4, "no-tests": 5}
# What TEST_DATABASE_URL points at, by a run's `database`: kind -> what it is (harness.recipe_databases).
DATABASES = DESCRIPTIONS


class RecipeError(ValueError):
    """A recipe.toml the harness cannot use as written; the message starts with the file's path."""


@dataclass
class Run:
    recipe: Recipe
    name: str
    project: str
    outcome: str
    about: str = ""
    database: str = "live"
    server: dict = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    logs: bool | str = False
    warnings: bool = False
    env: dict = field(default_factory=dict)
    requires: str = ""  # e.g. "pytest-asyncio<1": the run belongs only where this holds
    sections: list[str] = field(default_factory=list)  # empty: every section

    def applies(self, versions: dict[str, str]) -> bool:
        """Whether this run belongs in an environment with these versions (name -> version)."""
        if not self.requires:
            return True
        from packaging.requirements import Requirement

        from harness.versions import canonical

        requirement = Requirement(self.requires)
        version = versions.get(canonical(requirement.name))
        return version is not None and requirement.specifier.contains(version, prereleases=True)

    @property
    def recorded_path(self) -> Path:
        return self.recipe.root / "recorded" / f"{self.name}.txt"

    @property
    def id(self) -> str:
        return f"{self.recipe.slug}/{self.name}"


@dataclass
class Recipe:
    slug: str
    projects: dict[str, dict]
    runs: list[Run] = field(default_factory=list)
    # Fixes for different version lines, shown side by side: tab -> run -> files (path:section)
    # the page shows for it; the version matrix labels each tab (harness.compat).
    tabs: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    about: str = ""
    snippets: Path = field(default=SNIPPETS, repr=False)  # the folder its folder is in

    @property
    def root(self) -> Path:
        return self.snippets / self.slug

    @classmethod
    def load(cls, slug: str, snippets: Path = SNIPPETS) -> Recipe:
        """<snippets>/<slug>/recipe.toml, checked first: a mistake is a RecipeError naming the file."""
        path = snippets / slug / "recipe.toml"
        try:
            data = tomllib.loads(path.read_text())  # its errors say the line and column
            _check(data, path.parent)
        except (OSError, ValueError) as error:
            shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
            raise RecipeError(f"{shown}: {getattr(error, 'strerror', None) or error}") from None
        recipe = cls(slug, data["projects"], tabs=data.get("tabs", {}), about=data.get("about", ""), snippets=snippets)
        recipe.runs = [Run(recipe, **{**data.get("defaults", {}), **spec}) for spec in data["runs"]]
        return recipe

    def run(self, name: str) -> Run:
        return next(r for r in self.runs if r.name == name)

    def project_files(self, project: str) -> dict[str, Path]:
        """Relative name -> file, the base project's files overlaid by the project's own."""
        base = self.projects[project].get("base")
        files = self.project_files(base) if base else {}
        folder = self.root / project
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[str(path.relative_to(folder))] = path
        return files


RUN_KEYS = [f.name for f in fields(Run) if f.name != "recipe"]
# What [defaults] may hold: settings, not what names a run or says what it is for.
DEFAULT_KEYS = [key for key in RUN_KEYS if key not in ("name", "project", "outcome", "about")]


def _known(table, keys, where: str) -> None:
    if not isinstance(table, dict):
        raise ValueError(f"{where} must be a table")
    if unknown := [key for key in table if key not in keys]:
        raise ValueError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(keys)})")


def _check(data: dict, folder: Path) -> None:
    """Raise ValueError at the first thing in a recipe.toml the harness would not use as meant."""
    _known(data, ["about", "defaults", "projects", "runs", "tabs"], "top level")
    if not isinstance(data.get("projects"), dict) or not isinstance(data.get("runs"), list):
        raise ValueError("needs a [projects] table and [[runs]] entries")
    _known(data.get("defaults", {}), DEFAULT_KEYS, "[defaults]")
    projects = data["projects"]
    for name, spec in projects.items():
        _known(spec, ["base", "about"], f"[projects] {name}")
        if spec.get("base", name) not in projects:
            raise ValueError(f"[projects] {name}: base {spec['base']!r} is not in [projects]")
        if not (folder / name).is_dir():
            raise ValueError(f"[projects] {name}: there is no folder {folder.name}/{name}/")
    names = set()
    for number, run in enumerate(data["runs"], 1):
        where = f"run {run['name']!r}" if isinstance(run, dict) and "name" in run else f"run #{number}"
        _known(run, RUN_KEYS, where)
        if "name" not in run or "project" not in run:
            raise ValueError(f"{where}: needs a name and a project")
        if "outcome" not in run:
            raise ValueError(f"{where}: needs an outcome, how pytest should end ({', '.join(OUTCOMES)})")
        run = {**data.get("defaults", {}), **run}
        if run["project"] not in projects:
            raise ValueError(f"{where}: project {run['project']!r} is not in [projects] ({', '.join(projects)})")
        if run.get("database", "live") not in DATABASES:
            raise ValueError(f"{where}: database {run['database']!r} is not one of {', '.join(DATABASES)}")
        if run.get("database") == "superuser" and not run.get("server"):  # only a server of ours has one we know
            raise ValueError(f"{where}: database 'superuser' needs a dedicated server (server = {{ ... }})")
        if run["outcome"] not in OUTCOMES:
            raise ValueError(f"{where}: outcome {run['outcome']!r} is not one of {', '.join(OUTCOMES)}")
        if run["name"] in names:
            raise ValueError(f"{where}: another run has that name (each has a recorded/<name>.txt)")
        names.add(run["name"])
    for tab, runs in data.get("tabs", {}).items():
        if set(runs) - names:
            raise ValueError(f"tabs.{tab} names unknown runs {sorted(set(runs) - names)}")


def all_recipes() -> list[Recipe]:
    return [Recipe.load(p.parent.name) for p in sorted(SNIPPETS.glob("*/recipe.toml"))]
