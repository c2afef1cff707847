"""Recipes: small pytest projects that reproduce an error (broken) and fix it (fixed).

snippets/<slug>/recipe.toml names the projects and the runs:

    [projects]
    broken = {}
    fixed = { base = "broken" }     # fixed/ holds only the files that change

    [[runs]]
    name = "nothing-listening"      # recorded output: recorded/nothing-listening.txt
    project = "broken"
    database = "closed-port"        # live | closed-port | silent-port | wrong-password | missing-database
    outcome = "failed"              # pytest's exit status, by name
    server = { max_connections = 5 }  # optional: a dedicated throwaway server with these settings
    args = ["-o", "log_cli=true"]   # optional: more pytest arguments
    logs = true                     # optional: also record log lines and the warnings summary
                                    #   (a string: only log lines matching that regex)
    env = { DATAFLOW_POOL_SIZE = "3" }  # optional: more environment for the pytest process
    sections = ["test_last"]        # optional: record only these sections and the outcome (for
                                    #   runs where which test fails first depends on timing)

A run copies its project into a temp dir, runs pytest there against a fresh database, and
extracts what a reader needs from the output: each failure's `E` lines, any one-line
`ERROR:` from pytest, and the outcome line. That text, normalized, is the recorded output.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import tomllib
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field, fields
from pathlib import Path

from harness import database, pgserver
from harness.dburl import DatabaseURL
from harness.normalize import REPO, normalize, site_packages_of

SNIPPETS = REPO / "snippets"
RUN_TIMEOUT = 300
# faulthandler_timeout: a test still running after that long dumps every thread's stack, so a
# run that hangs until RUN_TIMEOUT says where (a deadlock in a thread's start was found this way).
PYTEST_ARGS = ["-p", "no:cacheprovider", "-q", "--tb=short", "--no-header", "--color=no",
               "-o", f"faulthandler_timeout={RUN_TIMEOUT - 60}"]
OUTCOMES = {"passed": 0, "failed": 1, "interrupted": 2, "internal-error": 3, "usage-error": 4,
            "no-tests": 5}
# What TEST_DATABASE_URL points at, by a run's `database`: each made from a fresh database (database_for).
DATABASES = {
    "live": "a fresh database for this run, dropped afterwards",
    "superuser": "a fresh database, as the run's own server's superuser",
    "closed-port": "a fresh database's URL with a port where nothing listens",
    "silent-port": "a fresh database's URL with a port that accepts and never answers",
    "wrong-password": "a fresh database's URL with a wrong password",
    "missing-database": "a database that does not exist, on the live server",
}
# Environment a recipe must not inherit from the pytest that runs it.
# CI and BUILD_NUMBER make pytest print full assertion diffs: a recording must not depend on them.
LEAKY_ENV = ("PYTEST_", "PYTHONPATH", "COV_", "_PYTEST", "FORCE_COLOR", "CLICOLOR", "CI", "BUILD_NUMBER")


class RecipeError(ValueError):
    """A recipe.toml the harness cannot use as written; the message starts with the file's path."""


@dataclass
class Run:
    recipe: Recipe
    name: str
    project: str
    database: str = "live"
    outcome: str = "failed"
    server: dict = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    logs: bool | str = False
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
        recipe = cls(slug, data["projects"], tabs=data.get("tabs", {}), snippets=snippets)
        recipe.runs = [Run(recipe, **spec) for spec in data["runs"]]
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


def _known(table, keys, where: str) -> None:
    if not isinstance(table, dict):
        raise ValueError(f"{where} must be a table")
    if unknown := [key for key in table if key not in keys]:
        raise ValueError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(keys)})")


def _check(data: dict, folder: Path) -> None:
    """Raise ValueError at the first thing in a recipe.toml the harness would not use as meant."""
    _known(data, ["projects", "runs", "tabs"], "top level")
    if not isinstance(data.get("projects"), dict) or not isinstance(data.get("runs"), list):
        raise ValueError("needs a [projects] table and [[runs]] entries")
    projects = data["projects"]
    for name, spec in projects.items():
        _known(spec, ["base"], f"[projects] {name}")
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
        if run["project"] not in projects:
            raise ValueError(f"{where}: project {run['project']!r} is not in [projects] ({', '.join(projects)})")
        if run.get("database", "live") not in DATABASES:
            raise ValueError(f"{where}: database {run['database']!r} is not one of {', '.join(DATABASES)}")
        if run.get("outcome", "failed") not in OUTCOMES:
            raise ValueError(f"{where}: outcome {run['outcome']!r} is not one of {', '.join(OUTCOMES)}")
        if run["name"] in names:
            raise ValueError(f"{where}: another run has that name (each has a recorded/<name>.txt)")
        names.add(run["name"])
    for tab, runs in data.get("tabs", {}).items():
        if set(runs) - names:
            raise ValueError(f"tabs.{tab} names unknown runs {sorted(set(runs) - names)}")


def all_recipes() -> list[Recipe]:
    return [Recipe.load(p.parent.name) for p in sorted(SNIPPETS.glob("*/recipe.toml"))]


@dataclass
class Result:
    run: Run
    returncode: int
    output: str  # raw stdout + stderr
    literals: dict[str, str]

    @property
    def recorded(self) -> str:
        text = extract(self.output, logs=self.run.logs, only=self.run.sections)
        return normalize(text, self.literals) + "\n"

    @property
    def outcome(self) -> str:
        if self.returncode < 0 and self.returncode != -1:  # -1: our timeout (see execute)
            return f"killed by {signal.Signals(-self.returncode).name}"
        return {v: k for k, v in OUTCOMES.items()}.get(self.returncode, f"exit {self.returncode}")


@contextmanager
def database_for(run: Run, base: DatabaseURL):
    """The URL a run's TEST_DATABASE_URL points to, and the literals to normalize away."""
    with ExitStack() as stack:
        if run.server:
            base = stack.enter_context(database.base_url(**{k: str(v) for k, v in run.server.items()}))
        if run.database == "superuser" and run.server:
            # Only a superuser may end a superuser's connections, so its database is made and
            # dropped by one: dropped by the test role, it failed whenever one was still open.
            base = base.with_(user=pgserver.ADMIN_USER)
        live = stack.enter_context(database.fresh_database(base))
        literals = {str(live.port): "<port>", live.database: database.TEST_DATABASE_NAME}
        if run.database == "live":
            yield live, literals
        elif run.database == "superuser":  # only a server of our own has a superuser we know
            if not run.server:
                raise ValueError(f"{run.id}: database 'superuser' needs a dedicated server")
            yield live.with_(user=pgserver.ADMIN_USER), literals
        elif run.database == "closed-port":
            closed = pgserver.free_port()
            yield live.with_(port=closed), {**literals, str(closed): "<port>"}
        elif run.database == "silent-port":
            port = stack.enter_context(pgserver.silent_port())
            yield live.with_(port=port), {**literals, str(port): "<port>"}
        elif run.database == "wrong-password":
            yield live.with_(password="wrong_password"), literals
        elif run.database == "missing-database":
            yield live.with_(database="dataflow_test_missing"), literals
        else:
            raise ValueError(f"{run.id}: unknown database {run.database!r}")


def command(run: Run, python: str | Path = "python") -> list[str]:
    """How a run invokes pytest (the tests run exactly this; `./dev recipe` prints it)."""
    return [str(python), "-m", "pytest", *PYTEST_ARGS, *run.args]


def scrubbed_environ(**settings: str) -> dict[str, str]:
    """The one environment policy for every pytest (and helper Python) the harness and the tests start:
    this process's environment without LEAKY_ENV, then `settings`."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith(LEAKY_ENV)}, **settings}


def environment(run: Run, url: DatabaseURL) -> dict[str, str]:
    """What a run sets in pytest's environment, over the caller's (minus LEAKY_ENV)."""
    env = dict(TEST_DATABASE_URL=str(url), PYTHONDONTWRITEBYTECODE="1", COLUMNS="120",
               PY_COLORS="0", NO_COLOR="1", PYTHONHASHSEED="0")
    env.update({k: str(v) for k, v in run.env.items()})
    return env


def materialise(run: Run, folder: Path) -> dict[str, Path]:
    """Copy the run's composed project into `folder`; return each file's name and where it came from."""
    files = run.recipe.project_files(run.project)
    for name, source in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return files


def execute(run: Run, base: DatabaseURL, python: str | Path = sys.executable, keep: Path | None = None) -> Result:
    """Run the recipe project in a temp dir against its database; never hangs past RUN_TIMEOUT.

    `python`: the interpreter whose pytest runs it (the version matrix passes a cell's).
    `keep`: an empty folder to run it in instead, left in place afterwards (./dev recipe --keep)."""
    with (nullcontext(str(keep)) if keep else tempfile.TemporaryDirectory(prefix=f"recipe-{run.recipe.slug}-")) as tmp, \
            database_for(run, base) as (url, literals):
        materialise(run, Path(tmp))
        env = scrubbed_environ(**environment(run, url))
        try:
            proc = subprocess.run(
                command(run, python), cwd=tmp, env=env,
                capture_output=True, text=True, timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL,
            )
            returncode, output = proc.returncode, proc.stdout + proc.stderr
        except subprocess.TimeoutExpired as timeout:
            # What it printed before it was killed (bytes here, even with text=True), with the stack
            # of every thread that pytest's faulthandler_timeout (PYTEST_ARGS) dumped by then.
            printed = b"".join(p if isinstance(p, bytes) else (p or "").encode()
                               for p in (timeout.stdout, timeout.stderr))
            returncode, output = -1, f"TIMEOUT after {RUN_TIMEOUT}s\n{printed.decode(errors='replace')}"
        literals = {**literals, tmp: "<project>", str(Path(tmp).resolve()): "<project>"}
        if str(python) != sys.executable:  # a version matrix cell's interpreter
            literals[site_packages_of(python)] = "<site-packages>"
        if base.password and base.password != pgserver.TEST_PASSWORD:  # not the pages' placeholder
            literals[base.password] = "***"
        return Result(run, returncode, output, literals)


# --- extracting what a reader needs from pytest's output -------------------------------------

SECTION = re.compile(r"^_{3,} (.+?) _{3,}$")
BANNER = re.compile(r"^={3,} (.+?) ={3,}$")
LOG_HEADER = re.compile(r"^-{3,} (live log|Captured log) (\w+) -{3,}$")
SUBHEADER = re.compile(r"^-{3,} .+ -{3,}$")
OUTCOME_LINE = re.compile(
    r"^=*\s*((\d+ (passed|failed|errors?|skipped|xfailed|xpassed|warnings?|deselected)|no tests ran)\b.*?)\s*=*$"
)
FIXTURES_FROM = re.compile(r"^-{3,} fixtures defined from (\S+) -{3,}$")  # pytest --fixtures
FIXTURE_PATH = re.compile(r"^\S+(?: \[\w+ scope\])? -- (\S+):\d+")
LOG_RECORD = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL) +\S+:\S+:\d+ ")
TEST_ID = re.compile(r"^(\S+\.py::\S+)")
CHAIN = ("During handling of the above exception", "The above exception was the direct cause")


def _section_name(header: str) -> str:
    header = header.replace("ERROR at setup of ", "setup-").replace("ERROR at teardown of ", "teardown-")
    return re.sub(r"[^\w-]+", "-", header).strip("-")


def extract(output: str, logs: bool | str = False, only: list[str] | None = None) -> str:
    """Sections of the recorded file: one per failing test (its E lines), usage and internal
    errors, the outcome.

    With `only`, just those sections and the outcome; a named section the output lacks is
    recorded as `(missing)`, so the difference shows instead of an include going empty.

    With `logs`, log records too (a string: only records matching that regex): `log` for live
    ones, under the id of the test that logged them, `<test>-log` for those captured with a
    failure; and `warnings`, pytest's warnings summary.
    """
    keep = re.compile(logs if isinstance(logs, str) else "") if logs else None
    sections: dict[str, list[str]] = {}
    current = log = None
    test_id = logged_for = None
    for line in output.splitlines():
        if match := SECTION.match(line):
            current, log = _section_name(match.group(1)), None
            sections[current] = []
        elif line.startswith("ImportError while loading conftest"):  # a usage error with a traceback
            current, log = "conftest-error", None
            sections[current] = []
        elif match := FIXTURES_FROM.match(line):
            current, log = f"fixtures-{match.group(1)}", None
            sections[current] = []
        elif match := LOG_HEADER.match(line):
            log = "log" if match.group(1) == "live log" else f"{current}-log"
        elif (match := BANNER.match(line)) and match.group(1) == "warnings summary":
            current, log = "warnings" if keep else None, None
            if keep:
                sections["warnings"] = []
        elif SUBHEADER.match(line) or BANNER.match(line) and not OUTCOME_LINE.match(line):
            log = None
            if BANNER.match(line):
                current = None
        elif log and LOG_RECORD.match(line):
            if keep and keep.search(line):
                records = sections.setdefault(log, [])
                if log == "log" and logged_for != test_id:
                    records.append(test_id)
                    logged_for = test_id
                records.append(line)
        elif match := OUTCOME_LINE.match(line):
            sections["outcome"] = [match.group(1)]
        elif current:
            if not line.startswith("-- Docs: "):
                sections[current].append(line)
        elif match := TEST_ID.match(line):
            test_id = match.group(1)
        elif line.startswith("ERROR: "):
            sections.setdefault("usage-error", []).append(line)
        elif line.startswith("INTERNALERROR> ") and not line.startswith("INTERNALERROR>  "):
            sections["internal-error"] = [line]  # the last unindented line: the exception
    for name, lines in list(sections.items()):
        # `pytest --fixtures`: keep the project's own fixtures, not those of installed plugins.
        paths = [m.group(1) for m in map(FIXTURE_PATH.match, lines) if m]
        if name.startswith("fixtures-") and any(p.startswith(("/", "..")) for p in paths):
            del sections[name]
            continue
        # A traceback: keep its E lines (and how exceptions chain); a plain report: keep it whole.
        if any(line.startswith("E   ") for line in lines):
            lines = [ln for ln in lines if ln.startswith("E   ") or ln.startswith(CHAIN)]
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        sections[name] = lines
    if only:
        kept = {name: sections.get(name, ["(missing)"]) for name in only}
        sections = {**kept, **({"outcome": sections["outcome"]} if "outcome" in sections else {})}
    parts = []
    for name, lines in sections.items():
        parts += [f"--8<-- [start:{name}]", *lines, f"--8<-- [end:{name}]"]
    return "\n".join(parts)
