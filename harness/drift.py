"""`./dev drift`: would the site still be true with the newest releases?

    ./dev drift [--pin NAME==VERSION ...] [--report PATH]

Resolves the newest releases of the packages matrix.toml shows (pytest, pytest-asyncio,
kailash-dataflow, kailash, asyncpg, SQLAlchemy), builds that environment, runs every recipe run
and notebook in it against the pinned PostgreSQL, and reports what differs from the pinned
column of the matrix: outcomes that flipped, recorded messages that changed (as diffs), new
warnings, notebooks that fail or print otherwise. Exits 1 when anything changed.

--pin fixes a package at a version instead of its newest: with older versions it simulates a
release and shows what the report says when something does change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.matrix import diff, load_result, notebook_text, run_cell
from harness.normalize import REPO
from harness.versions import CACHE, LOCKFILE, PINNED, Cell, Matrix, _bare, read_lock, resolve

DEFAULT_REPORT = CACHE / "drift" / "report.md"


def compare(pinned: dict, new: dict) -> tuple[list[str], bool]:
    """The report's lines, and whether anything differs."""
    flipped, changed, warned, notebooks = [], [], [], []
    for slug, entry in sorted(new["recipes"].items()):
        for name, run in entry["runs"].items():
            base = pinned["recipes"].get(slug, {}).get("runs", {}).get(name)
            if base is None:
                continue
            if run["outcome"] != base["outcome"]:
                why = f": {run['first_error']}" if run["first_error"] else ""
                flipped.append(f"- `{slug}/{name}`: {base['outcome']} → **{run['outcome']}**{why}")
            if run["recorded"] != base["recorded"]:
                changed += [f"### `{slug}/{name}`", "", "```diff", run["diff"] or "", "```", ""]
            for warning in sorted(set(run["warnings"]) - set(base["warnings"])):
                warned.append(f"- `{slug}/{name}`: {warning}")
    for slug, notebook in sorted(new["notebooks"].items()):
        base = pinned["notebooks"].get(slug)
        if not notebook["ok"]:
            notebooks.append(f"- `{slug}.ipynb` fails: {notebook['error']}")
        elif base and notebook["cells"] != base["cells"]:
            change = diff(notebook_text(base["cells"]), notebook_text(notebook["cells"]), f"{slug}.ipynb")
            notebooks += [f"- `{slug}.ipynb` prints otherwise:", "", "```diff", change, "```", ""]
    versions = ["| package | pinned | this run |", "|---|---|---|"] + [
        f"| {name} | {pinned['versions'].get(name)} | "
        + (f"**{v}**" if v != pinned["versions"].get(name) else v)
        + " |"
        for name, v in new["versions"].items()
    ]
    lines = ["# Drift report", "", *versions, ""]
    for title, items in (
        ("Outcomes that flipped", flipped),
        ("Messages that changed", changed),
        ("New warnings", warned),
        ("Notebooks", notebooks),
    ):
        lines += [f"## {title}", "", *(items or ["None."]), ""]
    return lines, bool(flipped or changed or warned or notebooks)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="./dev drift", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pin",
        action="append",
        default=[],
        metavar="NAME==VERSION",
        help="this version instead of the newest (simulates a release)",
    )
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT, help="where to write it")
    args = parser.parse_args(argv)
    matrix = Matrix.load()
    pinned = load_result(PINNED)
    if pinned is None:
        print("dev drift: no matrix/results/pinned.json to compare with: ./dev matrix pinned", file=sys.stderr)
        return 2
    lock = CACHE / "drift" / "lock.txt"
    lock.unlink(missing_ok=True)  # newest as of now, from the project's lock
    pinned_names = {_bare(p) for p in args.pin}
    newest = [name for name in matrix.shown if name.lower() not in pinned_names]
    requirements = matrix.requirements(args.pin, read_lock(LOCKFILE), unpinned={n.lower() for n in newest})
    requirements += [n for n in newest if not any(_bare(r) == n.lower() for r in requirements)]
    resolve(requirements, lock, upgrade=newest)
    cell = Cell("drift", "the newest releases" if not args.pin else f"pinned: {', '.join(args.pin)}", lockfile=lock)
    print(f"dev drift: resolved {lock.relative_to(REPO)}", flush=True)
    new = run_cell(matrix, cell, None, force=True, position="drift")
    lines, changed = compare(pinned, new)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(lines))
    print(f"dev drift: {'CHANGED' if changed else 'nothing changed'}; report: {args.report}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
