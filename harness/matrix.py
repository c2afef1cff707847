"""`./dev matrix`: every recipe run and every notebook in every cell of matrix.toml, kept as data.

    ./dev matrix [CELL ...] [--force]   run the cells (default: all) whose inputs changed, then render
    ./dev matrix --only SLUG            run one recipe and its notebook; the others keep their data
    ./dev matrix --lock [CELL ...]      re-resolve the cells' locks with uv (matrix/locks/), run nothing
    ./dev matrix --render [--adopt-tabs]  only render the pages from the data (and turn every varying
                                        recorded section a page includes into its version tabs)

A cell's data, matrix/results/<cell>.json, holds its versions and, per recipe run, the outcome,
the normalized recording, the first error line and the diff against the pinned recording; per
notebook, what the test job compares and the diff against the recorded notebook. Each recipe and
notebook is stored with a hash of its inputs (its files, the harness, the cell's lock and
PostgreSQL), so an unchanged one is not run again. harness.compat renders the pages from it.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any

from harness import database, pgserver
from harness.dburl import DatabaseURL
from harness.normalize import REPO, normalize
from harness.recipes import Recipe, Run, all_recipes, execute
from harness.versions import LOCKFILE, Cell, Matrix, canonical, environment, postgres_bindir, read_lock, resolve

RESULTS = REPO / "matrix" / "results"
NOTEBOOKS = REPO / "notebooks"
# What a recording depends on besides the recipe itself.
RUN_HARNESS = [
    "recipe_model.py",
    "recipe_run.py",
    "recipe_record.py",
    "recipe_databases.py",
    "terminal_text.py",
    "plugin/recipe_recorder.py",
    "normalize.py",
    "database.py",
    "pgserver.py",
    "dburl.py",
]
NOTEBOOK_HARNESS = [*RUN_HARNESS, "notebook.py", "notebook_runner.py"]
WORKERS = int(os.environ.get("MATRIX_WORKERS", "3"))  # subprocesses wait on PostgreSQL: 3 fill 2 cores


def _digest(*parts: bytes) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(hashlib.sha256(part).digest())
    return sha.hexdigest()[:16]


def _files(folder: Path, skip: tuple[str, ...] = ()) -> list[bytes]:
    return [
        str(p.relative_to(folder)).encode() + p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and not set(skip) & set(p.parts)
    ]


def cell_key(matrix: Matrix, cell: Cell) -> bytes:
    """What a cell's environment is: its lock, its PostgreSQL, the Python that runs it."""
    return cell.lock.read_bytes() + json.dumps(matrix.postgres[cell.postgres]).encode() + sys.version.encode()


def _as_loaded(recipe: Recipe) -> bytes:
    """recipe.toml as the loader reads it: its projects, and its runs with the settings they make
    ([defaults] filled in). Comments, layout, texts that change no run (`about`) and settings left at
    the harness's default (so a new setting does not move every recipe) leave it the same."""
    default = {f.name: f.default for f in fields(Run) if f.default is not MISSING}
    default |= {f.name: f.default_factory() for f in fields(Run) if f.default_factory is not MISSING}

    def settings(table: dict) -> dict:
        return {
            key: value
            for key, value in table.items()
            if key not in ("recipe", "about") and not (key in default and value == default[key])
        }

    return json.dumps(
        {
            "projects": {name: settings(spec) for name, spec in recipe.projects.items()},
            "runs": [settings(vars(run)) for run in recipe.runs],
            "tabs": recipe.tabs,
        },
        sort_keys=True,
    ).encode()


def recipe_inputs(recipe: Recipe) -> str:
    """The recipe as it runs (its project files and its runs as loaded, not its recordings): the
    test job checks that the data is for the recipes as they are."""
    return _digest(*_recipe_parts(recipe))


def _recipe_parts(recipe: Recipe) -> list[bytes]:
    return [_as_loaded(recipe), *_files(recipe.root, skip=("recorded", "recipe.toml"))]


def notebook_inputs(path: Path) -> str:
    """What a notebook runs: its code cells and their tags (`raises-exception` decides what may fail),
    and its recipe. Not its prose, outputs or metadata, which change no run."""
    cells = [
        ["".join(c["source"]), c.get("metadata", {}).get("tags", [])]
        for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "code"
    ]
    recipe = Recipe.load(path.stem) if (REPO / "snippets" / path.stem / "recipe.toml").is_file() else None
    return _digest(json.dumps(cells).encode(), *(_recipe_parts(recipe) if recipe else []))


def cache_key(inputs: str, key: bytes, harness: list[str]) -> str:
    """When a stored result may be reused: same inputs, same environment, same harness."""
    return _digest(inputs.encode(), key, *[(REPO / "harness" / name).read_bytes() for name in harness])


# --- what a run or a notebook leaves in the data ------------------------------------------------

WARNING_LINE = re.compile(r"^\s+(?:\S+:\d+: )?(\w*Warning): (.+)$")  # "  path.py:12: XWarning: text"


def warnings_of(output: str) -> list[str]:
    """The distinct `Category: message` lines of pytest's warnings summary."""
    found, inside = set(), False
    for line in output.splitlines():
        if re.match(r"^=+ warnings summary =+$", line):
            inside = True
        elif inside and (line.startswith("-- Docs:") or re.match(r"^=+ .* =+$", line)):
            inside = False
        elif inside and (match := WARNING_LINE.match(line)):
            found.add(f"{match.group(1)}: {match.group(2).strip()}")
    return sorted(found)


def first_error(recorded: str) -> str | None:
    """The first line a reader would see of a run that did not pass."""
    section = None
    for line in recorded.splitlines():
        if match := re.match(r"^--8<-- \[start:(.+)\]$", line):
            section = match.group(1)
        elif line.startswith("--8<-- ") or section in ("outcome", "log", "warnings") or not line.strip():
            continue
        else:
            return line[4:].strip() if line.startswith("E   ") else line.strip()
    return None


def record_run(run: Run, base, python: Path) -> dict:
    result = execute(run, base, python)
    recorded = result.recorded
    literals = result.literals
    return {
        "outcome": result.outcome,
        "expected": run.outcome,
        "recorded": recorded,
        "warnings": [normalize(w, literals) for w in warnings_of(result.output)],
    }


def record_notebook(path: Path, python: Path) -> dict:
    from nbclient.exceptions import CellExecutionError

    from harness.notebook_runner import comparable, execute as execute_notebook

    try:
        cells = comparable(execute_notebook(path, python))
        return {"ok": True, "error": None, "cells": cells}
    except CellExecutionError as error:  # a cell raised where the notebook expects none
        lines = [ln for ln in normalize(str(error)).splitlines() if ln.strip()]
        return {"ok": False, "error": lines[-1] if lines else "CellExecutionError", "cells": []}
    except Exception as error:  # the kernel died or timed out: data too, not a crash of the matrix
        return {"ok": False, "error": f"{type(error).__name__}: {normalize(str(error))}"[:300], "cells": []}


# --- diffs against what the test job recorded ---------------------------------------------------


def diff(recorded: str, actual: str, label: str) -> str:
    lines = difflib.unified_diff(
        recorded.splitlines(), actual.splitlines(), f"pinned/{label}", f"cell/{label}", lineterm="", n=1
    )
    return "\n".join(lines)


def recorded_notebook(slug: str) -> list:
    import nbformat

    from harness.notebook_runner import comparable

    return comparable(nbformat.read(NOTEBOOKS / f"{slug}.ipynb", as_version=4))


def notebook_text(cells: list) -> str:
    """What the test job compares of a notebook, as lines a diff can show."""
    lines = []
    for index, outputs in enumerate(cells):
        for output in outputs:
            lines.append(f"# cell {index} {output[0]}")
            lines += "\n".join(map(str, output[1:])).splitlines()
    return "\n".join(lines)


def with_diffs(data: dict, recipes: dict[str, Recipe]) -> dict:
    """Add what is derived from a run: its first error line, and its diff against the pinned
    recordings as they are on disk (and likewise for notebooks)."""
    for slug, entry in data["recipes"].items():
        for name, run in entry["runs"].items():
            run["first_error"] = None if run["outcome"] == "passed" else first_error(run["recorded"])
            path = recipes[slug].root / "recorded" / f"{name}.txt"
            pinned = path.read_text() if path.exists() else ""
            run["diff"] = diff(pinned, run["recorded"], f"{slug}/{name}") if path.exists() else None
    for slug, entry in data["notebooks"].items():
        pinned, actual = notebook_text(recorded_notebook(slug)), notebook_text(entry["cells"])
        entry["diff"] = diff(pinned, actual, f"{slug}.ipynb") if entry["ok"] else None
    return data


# --- running a cell -----------------------------------------------------------------------------


@dataclass
class Task:
    kind: str  # "run" | "notebook"
    slug: str
    name: str
    work: Callable[[], dict]


class Progress:
    """One line per finished task: done/total, elapsed, and an ETA from the mean task time."""

    def __init__(self, title: str, total: int):
        self.title, self.total, self.done, self.began = title, total, 0, time.monotonic()

    def tick(self, what: str) -> None:
        self.done += 1
        elapsed = time.monotonic() - self.began
        eta = elapsed / self.done * (self.total - self.done)
        print(
            f"  {self.title} {self.done}/{self.total} {what} · {_clock(elapsed)} elapsed · ETA {_clock(eta)}",
            flush=True,
        )


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


@contextmanager
def cell_server(matrix: Matrix, cell: Cell):
    """A throwaway server of the cell's PostgreSQL; recipe runs and kernels find it in the environment."""
    saved = {k: os.environ.get(k) for k in ("PG_BINDIR", database.ENV)}
    bindir = postgres_bindir(matrix, cell.postgres)
    if bindir:
        os.environ["PG_BINDIR"] = str(bindir)
    else:
        os.environ.pop("PG_BINDIR", None)
    server = pgserver.start()
    os.environ[database.ENV] = str(server.url())
    try:
        yield server
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_cell(
    matrix: Matrix, cell: Cell, previous: dict | None, force: bool, position: str, only: Collection[str] = frozenset()
) -> dict:
    recipes = {r.slug: r for r in all_recipes()}
    python = environment(cell)
    key = cell_key(matrix, cell)
    versions = cell.versions()
    previous = previous or {"recipes": {}, "notebooks": {}}
    base: DatabaseURL  # the cell's server, which the tasks' lambdas read once it is up
    data: dict[str, Any] = {"cell": cell.name, "why": cell.why, "recipes": {}, "notebooks": {}}
    tasks = []
    for slug, recipe in recipes.items():
        inputs = recipe_inputs(recipe)
        cache = cache_key(inputs, key, RUN_HARNESS)
        old = previous["recipes"].get(slug)
        if only and slug not in only:
            if old:
                data["recipes"][slug] = old
            continue
        if old and old.get("cache") == cache and not force:
            data["recipes"][slug] = old
            continue
        data["recipes"][slug] = {"inputs": inputs, "cache": cache, "runs": {}}
        for run in recipe.runs:
            if run.applies(versions):

                def work(run: Run = run) -> dict:  # reads `base` when it runs, once the server is up
                    return record_run(run, base, python)

                tasks.append(Task("run", slug, run.name, work))
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        inputs = notebook_inputs(path)
        cache = cache_key(inputs, key, NOTEBOOK_HARNESS)
        old = previous["notebooks"].get(path.stem)
        if only and path.stem not in only:
            if old:
                data["notebooks"][path.stem] = old
            continue
        if old and old.get("cache") == cache and not force:
            data["notebooks"][path.stem] = old
            continue
        data["notebooks"][path.stem] = {"inputs": inputs, "cache": cache}
        tasks.insert(
            0,
            Task(
                "notebook",
                path.stem,
                path.stem,  # the longest first
                functools.partial(record_notebook, path, python),
            ),
        )
    with cell_server(matrix, cell) as server:
        base = server.url()
        postgres = server.psql("SHOW server_version").strip()
        data["versions"] = {
            **{name: versions.get(canonical(name), "?") for name in matrix.shown},
            "PostgreSQL": postgres.split()[0],
            "Python": sys.version.split()[0],
        }
        progress = Progress(f"[{position} {cell.name}]", len(tasks))
        if not tasks:
            print(f"  [{position} {cell.name}] nothing changed since the last run", flush=True)
        with ThreadPoolExecutor(WORKERS) as pool:
            futures = {pool.submit(task.work): task for task in tasks}
            for future in as_completed(futures):
                task = futures[future]
                result = future.result()
                if task.kind == "run":
                    data["recipes"][task.slug]["runs"][task.name] = result
                    status = result["outcome"]
                else:
                    data["notebooks"][task.slug].update(result)
                    status = "ok" if result["ok"] else "error"
                progress.tick(f"{task.slug}/{task.name}: {status}")
    for entry in data["recipes"].values():  # by name, whatever order they finished in
        entry["runs"] = dict(sorted(entry["runs"].items()))
    return with_diffs(data, recipes)


def load_result(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def save_result(data: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    order = ["outcome", "expected", "first_error", "warnings", "diff", "recorded"]  # short fields first
    for entry in data["recipes"].values():
        entry["runs"] = {name: {k: run[k] for k in order if k in run} for name, run in entry["runs"].items()}
    ordered = {
        "cell": data["cell"],
        "why": data["why"],
        "versions": data["versions"],
        "recipes": dict(sorted(data["recipes"].items())),
        "notebooks": dict(sorted(data["notebooks"].items())),
    }
    (RESULTS / f"{data['cell']}.json").write_text(json.dumps(ordered, indent=1, sort_keys=False) + "\n")


def lock(matrix: Matrix, cells: list[Cell]) -> None:
    base = read_lock(LOCKFILE)
    for cell in cells:
        if cell.pinned:
            continue
        cell.lock.unlink(missing_ok=True)  # resolve afresh from the project's lock
        resolve(matrix.requirements(cell.pins, base), cell.lock)
        print(f"locked {cell.lock.relative_to(REPO)}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="./dev matrix", description=__doc__.split("\n\n")[0])
    parser.add_argument("cells", nargs="*", help="cell names from matrix.toml (default: all)")
    parser.add_argument("--force", action="store_true", help="run again what did not change")
    parser.add_argument("--lock", action="store_true", help="re-resolve the cells' locks, run nothing")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SLUG",
        help="run only this recipe and notebook (others keep their data)",
    )
    parser.add_argument("--render", action="store_true", help="only render the pages from the data")
    parser.add_argument(
        "--adopt-tabs",
        action="store_true",
        help="also rewrite pages to show every varying recorded section as version tabs",
    )
    args = parser.parse_args(argv)
    matrix = Matrix.load()
    try:
        cells = [matrix.cell(name) for name in args.cells] or matrix.cells
    except KeyError as error:
        print(f"dev matrix: {error.args[0]}", file=sys.stderr)
        return 2
    if args.lock:
        lock(matrix, cells)
        return 0
    if not args.render:
        if os.environ.pop(database.ENV, None):
            print(
                "dev matrix: TEST_DATABASE_URL is ignored: each cell starts a server of its own PostgreSQL",
                file=sys.stderr,
            )
        for cell in cells:
            if not cell.pinned and not cell.lock.exists():
                lock(matrix, [cell])
        began = time.monotonic()
        for index, cell in enumerate(cells, 1):
            started = time.monotonic()
            print(f"cell {index}/{len(cells)}: {cell.name}", flush=True)
            save_result(
                run_cell(matrix, cell, load_result(cell.name), args.force, f"{index}/{len(cells)}", set(args.only))
            )
            spent = time.monotonic() - began
            print(
                f"cell {index}/{len(cells)} done in {_clock(time.monotonic() - started)}; "
                f"all: {_clock(spent)} elapsed, ETA {_clock(spent / index * (len(cells) - index))}",
                flush=True,
            )
    from harness import compat

    recipes = {r.slug: r for r in all_recipes()}
    for cell in matrix.cells:  # derived fields follow the recordings and this code as they are now
        if data := load_result(cell.name):
            save_result(with_diffs(data, recipes))
    if args.adopt_tabs:
        for page in compat.adopt_tabs(compat.load_results(matrix)):
            print(f"rewrote {page.relative_to(REPO)}: version tabs")
    for path in compat.write_all(matrix):
        print(f"rendered {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
