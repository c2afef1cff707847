"""Running a recipe run: its project copied into a temp dir, its database, its environment, pytest.

Every pytest the harness starts for a recipe runs from here (the tests, `./dev recipe`, the notebooks,
the version matrix), so a run is the same wherever it is made. Its Result holds the raw output and
what the recorder plugin (harness/plugin/recipe_recorder.py) wrote during the run; harness/recipe_record.py
turns them into the recorded text.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from harness import database, pgserver
from harness.dburl import DatabaseURL
from harness.normalize import REPO, normalize, site_packages_of
from harness.plugin import recipe_recorder
from harness.recipe_databases import KINDS
from harness.recipe_model import OUTCOMES, Run
from harness.recipe_record import extract

RUN_TIMEOUT = 300
# faulthandler_timeout: a test still running after that long dumps every thread's stack, so a
# run that hangs until RUN_TIMEOUT says where (a deadlock in a thread's start was found this way).
PYTEST_ARGS = [
    "-p",
    "no:cacheprovider",
    "-q",
    "--tb=short",
    "--no-header",
    "--color=no",
    "-o",
    f"faulthandler_timeout={RUN_TIMEOUT - 60}",
]
# Environment a recipe must not inherit from the pytest that runs it.
# CI and BUILD_NUMBER make pytest print full assertion diffs: a recording must not depend on them.
LEAKY_ENV = ("PYTEST_", "PYTHONPATH", "COV_", "_PYTEST", "FORCE_COLOR", "CLICOLOR", "CI", "BUILD_NUMBER")
# The folder of the recorder plugin alone: on a run's PYTHONPATH it adds no module a recipe could import
# by accident (the repository's own conftest.py and tests/ stay out of reach).
RECORDER = REPO / "harness" / "plugin"


@dataclass
class Result:
    run: Run
    returncode: int
    output: str  # raw stdout + stderr
    literals: dict[str, str]
    records: dict | None = None  # what pytest reported, as the recorder plugin wrote it; None: nothing
    stderr: str = ""  # the end of `output` that pytest wrote to stderr (usage errors go there)

    @property
    def recorded(self) -> str:
        text = extract(self.output, self.run.logs, self.run.sections, self.records, self.stderr, self.run.warnings)
        return normalize(text, self.literals) + "\n"

    @property
    def outcome(self) -> str:
        if self.returncode < 0 and self.returncode != -1:  # -1: our timeout (see execute)
            return f"killed by {signal.Signals(-self.returncode).name}"
        return {v: k for k, v in OUTCOMES.items()}.get(self.returncode, f"exit {self.returncode}")


@contextmanager
def database_for(run: Run, base: DatabaseURL):
    """The URL a run's TEST_DATABASE_URL points to, and the literals to normalize away: a fresh
    database, made what the run's `database` kind says (harness.recipe_databases)."""
    with ExitStack() as stack:
        if run.server:
            base = stack.enter_context(database.base_url(**{k: str(v) for k, v in run.server.items()}))
        if run.database == "superuser":
            # Only a superuser may end a superuser's connections, so its database is made and
            # dropped by one: dropped by the test role, it failed whenever one was still open.
            base = base.with_(user=pgserver.ADMIN_USER)
        fresh = stack.enter_context(database.fresh_database(base))
        url, more = KINDS[run.database](fresh, stack)
        yield url, {str(fresh.port): "<port>", fresh.database: database.TEST_DATABASE_NAME, **more}


def command(run: Run, python: str | Path = "python") -> list[str]:
    """How a run invokes pytest (the tests run exactly this; `./dev recipe` prints it)."""
    return [str(python), "-m", "pytest", *PYTEST_ARGS, *run.args]


def scrubbed_environ(**settings: str) -> dict[str, str]:
    """The one environment policy for every pytest (and helper Python) the harness and the tests start:
    this process's environment without LEAKY_ENV, then `settings`."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith(LEAKY_ENV)}, **settings}


def environment(run: Run, url: DatabaseURL) -> dict[str, str]:
    """What a run sets in pytest's environment, over the caller's (minus LEAKY_ENV)."""
    env = dict(
        TEST_DATABASE_URL=str(url),
        PYTHONDONTWRITEBYTECODE="1",
        COLUMNS="120",
        PY_COLORS="0",
        NO_COLOR="1",
        PYTHONHASHSEED="0",
    )
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
    with (
        nullcontext(str(keep)) if keep else tempfile.TemporaryDirectory(prefix=f"recipe-{run.recipe.slug}-") as tmp,
        database_for(run, base) as (url, literals),
        ExitStack() as stack,
    ):
        materialise(run, Path(tmp))
        # Beside the project, not in it: the run sees only its own files.
        records = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="recipe-records-"))) / "run.json"
        env = scrubbed_environ(**{**environment(run, url), **recorder_environment(run, records)})
        stderr = ""
        try:
            proc = subprocess.run(
                command(run, python),
                cwd=tmp,
                env=env,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
            returncode, output, stderr = proc.returncode, proc.stdout + proc.stderr, proc.stderr
        except subprocess.TimeoutExpired as timeout:
            # What it printed before it was killed (bytes here, even with text=True), with the stack
            # of every thread that pytest's faulthandler_timeout (PYTEST_ARGS) dumped by then.
            printed = b"".join(
                p if isinstance(p, bytes) else (p or "").encode() for p in (timeout.stdout, timeout.stderr)
            )
            returncode, output = -1, f"TIMEOUT after {RUN_TIMEOUT}s\n{printed.decode(errors='replace')}"
        literals = {**literals, tmp: "<project>", str(Path(tmp).resolve()): "<project>"}
        if str(python) != sys.executable:  # a version matrix cell's interpreter
            literals[site_packages_of(python)] = "<site-packages>"
        if base.password and base.password != pgserver.TEST_PASSWORD:  # not the pages' placeholder
            literals[base.password] = "***"
        return Result(run, returncode, output, literals, _written(records), stderr)


def _written(records: Path) -> dict | None:
    """What the recorder plugin wrote; None if pytest ended before it could (killed, or failed before
    its plugins were configured, as when a conftest does not import)."""
    try:
        return json.loads(records.read_text())
    except (OSError, ValueError):
        return None


def recorder_environment(run: Run, records: Path) -> dict[str, str]:
    """What loads the recorder plugin into a run (harness/plugin/recipe_recorder.py) and where it writes.
    Not part of environment(): a reader reproducing a run needs none of it, and it changes no output."""
    path = os.pathsep.join(p for p in (str(RECORDER), run.env.get("PYTHONPATH", "")) if p)
    plugins = ",".join(p for p in ("recipe_recorder", run.env.get("PYTEST_PLUGINS", "")) if p)
    return {"PYTHONPATH": path, "PYTEST_PLUGINS": plugins, recipe_recorder.ENV: str(records)}
