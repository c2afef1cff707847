"""Pages rendered from the version matrix's data (matrix/results/<cell>.json), never typed.

- docs/reference/compatibility.md: the cells with their versions, then per recipe a row for each
  run and a column for each cell: the outcome and the first error line, linked to the page section
  that shows the run.
- matrix/variants/<slug>/<run>--<section>.md: a recorded section whose text changes with the
  version, as tabs labelled by the versions that print each text. A page includes such a file in
  place of the pinned section (tests/test_matrix.py insists on it wherever the text varies).
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from markdown.extensions.toc import slugify
from packaging.version import Version

from harness import provenance
from harness.fences import DOCS, all_fences, all_pages
from harness.normalize import REPO
from harness.recipes import Recipe, all_recipes
from harness.versions import PINNED, Matrix

RESULTS = REPO / "matrix" / "results"
VARIANTS = REPO / "matrix" / "variants"
FIXES = REPO / "matrix" / "fixes"
PAGE = DOCS / "reference" / "compatibility.md"
# What tells cells apart on a tab, in this order; kailash moves with DataFlow, so it is left out.
AXES = ["pytest-asyncio", "pytest", "kailash-dataflow", "PostgreSQL"]
NAMES = {"kailash-dataflow": "DataFlow"}
RECORDED = re.compile(r"^snippets/([^/]+)/recorded/([^/]+)\.txt:(.+)$")
INCLUDE_LINE = re.compile(r'^--8<--\s+"([^"]+)"$')
VARIANT = re.compile(r'^--8<-- "matrix/variants/([^/]+)/(.+)--(.+)\.md"$')


def load_results(matrix: Matrix) -> dict[str, dict]:
    """cell name -> its data, in matrix.toml's order; cells not run yet are left out."""
    results = {}
    for cell in matrix.cells:
        path = RESULTS / f"{cell.name}.json"
        if path.exists():
            results[cell.name] = json.loads(path.read_text())
    return results


def sections(recorded: str) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in recorded.splitlines():
        if match := re.match(r"^--8<-- \[start:(.+)\]$", line):
            current = match.group(1)
            found[current] = []
        elif line.startswith("--8<-- [end:"):
            current = None
        elif current:
            found[current].append(line)
    return {name: "\n".join(lines) for name, lines in found.items()}


def run_data(results: dict, cell: str, slug: str, run: str) -> dict | None:
    return results[cell]["recipes"].get(slug, {}).get("runs", {}).get(run)


def ran(results: dict, cell: str, slug: str, run: str) -> dict:
    """run_data of a cell the run is known to have run in (one of its groups_of)."""
    data = run_data(results, cell, slug, run)
    if data is None:
        raise KeyError(f"matrix cell {cell} has no run {slug}/{run}")
    return data


def without_warnings(outcome: str) -> str:
    """An outcome line without its warning count: "1 warning, 5 errors" -> "5 errors"."""
    return ", ".join(part for part in outcome.strip().split(", ") if not re.fullmatch(r"\d+ warnings?", part))


def _key(section: str, text: str | None) -> str | None:
    """What decides whether two cells printed the same: for the outcome line, the counts of
    tests, not of warnings (those differ with every pytest line; the tables below list them)."""
    return without_warnings(text) if text is not None and section == "outcome" else text


def groups_of(results: dict, slug: str, run: str, section: str) -> list[tuple[list[str], str | None, str]]:
    """Cells grouped by the text they recorded for a section: (cells, text or None, an outcome line).

    A group's text is the first of its cells' (the pinned cell's where it is one of them)."""
    groups: dict[str | None, list[str]] = defaultdict(list)
    shown: dict[str | None, str | None] = {}
    outcome: dict[str | None, str] = {}
    for cell in results:
        data = run_data(results, cell, slug, run)
        if data is None:
            continue  # the run does not belong in this cell (its `requires`)
        parts = sections(data["recorded"])
        text = parts.get(section)
        ended = parts.get("outcome", data["outcome"] + (f": {data['first_error']}" if data.get("first_error") else ""))
        # Cells that recorded nothing under the section are told apart by how their run ended.
        key = _key(section, text) if text is not None else f"\0nothing, ended {without_warnings(ended)}"
        groups[key].append(cell)
        shown.setdefault(key, text)
        outcome.setdefault(key, ended)
    return [(cells, shown[key], outcome[key]) for key, cells in groups.items()]


def same_output(a: str, b: str) -> bool:
    """Two recordings say the same, warning counts aside (see _key)."""

    def parts(text):
        return {name: _key(name, body) for name, body in sections(text).items()}

    return parts(a) == parts(b)


def varies(results: dict, slug: str, run: str, section: str) -> bool:
    return len(groups_of(results, slug, run, section)) > 1


def _span(values: set[str], every: list[str]) -> str:
    """'0.21.2 – 0.24.0' when the values are neighbours among every value of the axis."""
    ordered = sorted(values, key=Version)
    if len(ordered) == 1:
        return ordered[0]
    positions = [every.index(v) for v in ordered]
    if positions == list(range(positions[0], positions[0] + len(positions))):
        return f"{ordered[0]} – {ordered[-1]}"
    return ", ".join(ordered)


def labels(results: dict, groups: list[list[str]]) -> list[str]:
    """A tab label per group: the versions that tell the groups apart."""

    def values(group, axis):
        return {results[cell]["versions"][axis] for cell in group}

    if len(groups) == 1:
        return ["every version it ran in"]
    every = {
        axis: sorted({v for data in results.values() for v in [data["versions"][axis]]}, key=Version) for axis in AXES
    }
    telling = [
        axis for axis in AXES if all(values(a, axis).isdisjoint(values(b, axis)) for a, b in combinations(groups, 2))
    ]
    out = []
    for group in groups:
        if telling:
            label = " · ".join(f"{NAMES.get(axis, axis)} {_span(values(group, axis), every[axis])}" for axis in telling)
            label += " (pinned)" if PINNED in group else ""
        elif PINNED in group:  # no one axis tells them apart: name the other cells (see matrix.toml)
            label = "the other versions (pinned)"
        else:
            label = ", ".join(group)
        out.append(label)
    return out


def render_variants(results: dict, slug: str, run: str, section: str) -> str:
    groups = groups_of(results, slug, run, section)
    names = labels(results, [cells for cells, _, _ in groups])
    out = [f"<!-- Generated by ./dev matrix from matrix/results/: {slug}/{run}, section {section}. -->", ""]
    fence = f'```text title="{provenance.title(Recipe.load(slug).run(run), outcome=False)}"'
    mixed = False
    for label, (cells, text, outcome) in zip(names, groups, strict=True):
        shown = section if text is not None else "outcome"  # a "nothing under" tab shows the outcome
        exact = {sections(ran(results, cell, slug, run)["recorded"]).get(shown) for cell in cells}
        mixed = mixed or len(exact) > 1
        out += [f'=== "{label}"', ""]
        if text is None:
            out += [f"    Nothing under `{section}` with these versions; the run ended: `{outcome.strip()}`", ""]
        else:
            out += [f"    {fence}", *[f"    {line}".rstrip() for line in text.splitlines()], "    ```", ""]
    if mixed:
        out += [
            "Warning counts are those of the first version a tab names; [Compatibility]"
            "(../reference/compatibility.md) has each version's.",
            "",
        ]
    return "\n".join(out)


def render_fix_tabs(results: dict, slug: str, runs: dict[str, list[str]]) -> str:
    """A tab per fix, labelled by the versions where its run passed, with its files and outcomes."""
    out = [f"<!-- Generated by ./dev matrix from snippets/{slug}/recipe.toml (tabs) and matrix/results/. -->", ""]
    for run, files in runs.items():
        applies = [cell for cell in results if run_data(results, cell, slug, run)]
        passing = [cell for cell in applies if ran(results, cell, slug, run)["outcome"] == "passed"]
        others = [cell for cell in results if cell not in passing]
        label = (
            labels(results, [passing, others])[0]
            if passing and others
            else "every version it ran in"
            if passing
            else "no version: it did not pass"
        )
        out += [f'=== "{label}"', ""]
        for file in files:
            name = file.split(":")[0].split("/", 1)[1]
            out += [f'    ```{_language(name)} title="{name}"', f'    --8<-- "snippets/{slug}/{file}"', "    ```", ""]
        out += ["    | versions | outcome |", "    |---|---|"]
        groups = groups_of(results, slug, run, "outcome")
        mixed = False
        for label, (cells, text, outcome) in zip(
            labels(results, [cells for cells, _, _ in groups]), groups, strict=True
        ):
            out.append(f"    | {label} | `{(text or outcome).strip()}` |")
            mixed = mixed or len({sections(ran(results, c, slug, run)["recorded"]).get("outcome") for c in cells}) > 1
        if mixed:
            out += [
                "",
                "    Warning counts are those of the first version a row names; [Compatibility]"
                "(../reference/compatibility.md) has each version's.",
            ]
        out.append("")
    return "\n".join(out)


def _language(name: str) -> str:
    return {".py": "python", ".ini": "ini", ".toml": "toml"}.get(Path(name).suffix, "text")


def fix_tabs_path(slug: str, tab: str) -> Path:
    return FIXES / slug / f"{tab}.md"


def variant_path(slug: str, run: str, section: str) -> Path:
    return VARIANTS / slug / f"{run}--{section}.md"


def wanted_variants(results: dict) -> set[tuple[str, str, str]]:
    """Sections pages include as variants, and included recorded sections that vary."""
    wanted = set()
    for page in all_pages():
        for line in page.read_text().splitlines():
            if match := VARIANT.match(line.strip()):
                slug, run, section = match.groups()
                wanted.add((slug, run, section))
    for slug, run, section in included_sections():
        if varies(results, slug, run, section):
            wanted.add((slug, run, section))
    return wanted


def included_sections() -> set[tuple[str, str, str]]:
    found = set()
    for fence in all_fences():
        if fence.kind == "include":
            for path in fence.included_paths:
                if match := RECORDED.match(path):
                    slug, run, section = match.groups()
                    found.add((slug, run, section))
    return found


# --- the compatibility page ---------------------------------------------------------------------


def run_anchors() -> dict[tuple[str, str], str]:
    """(slug, run) -> 'errors/page.md#section': where a page first shows the run's recording."""
    tabs = {(r.slug, tab): list(runs) for r in all_recipes() for tab, runs in r.tabs.items()}
    anchors: dict[tuple[str, str], str] = {}
    for page in all_pages():
        heading, in_fence = None, False
        for line in page.read_text().splitlines():
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            if not in_fence and (match := re.match(r"^#{1,6} (.+)$", line)):
                heading = slugify(match.group(1).replace("`", "").replace("**", ""), "-")
            for match in re.finditer(
                r"(?:snippets/([^/]+)/recorded/([^/.]+)\.txt|matrix/variants/([^/]+)/([^/]+?)--)", line
            ):
                slug, run = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
                target = str(page.relative_to(DOCS)) + (f"#{heading}" if heading else "")
                anchors.setdefault((slug, run), target)
            for match in re.finditer(r"matrix/fixes/([^/]+)/([^/]+)\.md", line):
                target = str(page.relative_to(DOCS)) + (f"#{heading}" if heading else "")
                for run in tabs.get((match.group(1), match.group(2)), []):
                    anchors.setdefault((match.group(1), run), target)
    return anchors


def _cell_text(data: dict | None, pinned: dict | None) -> str:
    if data is None:
        return "—"
    mark = "✓" if data["outcome"] == "passed" else "✗"
    text = f"{mark} {data['outcome']}"
    if data["outcome"] != data["expected"]:
        text = f"⚠ {text} (expected {data['expected']})"
    if data["first_error"]:
        short = data["first_error"] if len(data["first_error"]) <= 90 else data["first_error"][:87] + "…"
        text += f"<br><small>{html.escape(short)}</small>"
    if pinned is not None and not same_output(data["recorded"], pinned["recorded"]):
        text += "<br><small>*output differs from pinned*</small>"
    return text.replace("|", "\\|")


def render_page(matrix: Matrix, results: dict) -> str:
    cells = list(results)
    shown = [*matrix.shown, "PostgreSQL"]
    out = [
        "# Compatibility",
        "",
        "<!-- Generated by ./dev matrix from matrix/results/*.json; ./dev test checks it is current. -->",
        "",
        "Every recipe run and every notebook on this site, run in every cell of the version matrix",
        "(`matrix.toml`). Each cell changes one thing from the pinned versions the test job runs, or",
        "combines versions readers run together. `./dev matrix` runs them all against a live server of",
        "the cell's PostgreSQL and keeps the results as data; this page and the version tabs on the",
        "error pages are rendered from that data.",
        "",
        "## The cells",
        "",
        "| cell | " + " | ".join(NAMES.get(name, name) for name in shown) + " | why |",
        "|---|" + "---|" * (len(shown) + 1),
    ]
    for cell in cells:
        versions = results[cell]["versions"]
        out.append(
            f"| `{cell}` | " + " | ".join(versions.get(name, "?") for name in shown) + f" | {results[cell]['why']} |"
        )
    changes = changed_runs(results)
    out += [
        "",
        "## What changes with the version",
        "",
        "Runs whose outcome or recorded output differs from the pinned cell (warning counts aside),",
        "and where; a run the pinned cell does not have is listed with every cell that ran it.",
        "",
        "| run | cells where it differs |",
        "|---|---|",
    ]
    anchors = run_anchors()
    for (slug, run), where in changes.items():
        out.append(f"| {_run_link(slug, run, anchors)} | " + ", ".join(f"`{c}`" for c in where) + " |")
    header = "| run | " + " | ".join(f"`{c}`" for c in cells) + " |"
    for slug in sorted({s for data in results.values() for s in data["recipes"]}):
        out += ["", f"## {slug}", "", header, "|---|" + "---|" * len(cells)]
        runs = sorted({run for data in results.values() for run in data["recipes"].get(slug, {}).get("runs", {})})
        for run in runs:
            pinned = run_data(results, PINNED, slug, run) if PINNED in results else None
            row = [_cell_text(run_data(results, cell, slug, run), pinned) for cell in cells]
            out.append(f"| {_run_link(slug, run, anchors)} | " + " | ".join(row) + " |")
        notebooks = [results[cell]["notebooks"].get(slug) for cell in cells]
        if any(notebooks):
            row = [_notebook_text(nb) for nb in notebooks]
            out.append(f"| [notebook](../notebooks/{slug}.ipynb) | " + " | ".join(row) + " |")
    return "\n".join(out) + "\n"


def _run_link(slug: str, run: str, anchors: dict) -> str:
    target = anchors.get((slug, run))
    return f"[{slug}/{run}](../{target})" if target else f"{slug}/{run}"


def _notebook_text(nb: dict | None) -> str:
    if nb is None:
        return "—"
    if not nb["ok"]:
        return f"✗ error<br><small>{html.escape(nb['error'][:90])}</small>".replace("|", "\\|")
    return "✓ as recorded" if not nb["diff"] else "✓ ran<br><small>*output differs from pinned*</small>"


def changed_runs(results: dict) -> dict[tuple[str, str], list[str]]:
    changes: dict[tuple[str, str], list[str]] = {}
    pinned = results.get(PINNED)
    for cell, data in results.items():
        if cell == PINNED:
            continue
        for slug, entry in data["recipes"].items():
            for run, result in entry["runs"].items():
                base = pinned and pinned["recipes"].get(slug, {}).get("runs", {}).get(run)
                if (
                    base is None
                    or base["outcome"] != result["outcome"]
                    or not same_output(base["recorded"], result["recorded"])
                ):
                    changes.setdefault((slug, run), []).append(cell)
    return dict(sorted(changes.items()))


def render_all(matrix: Matrix) -> dict[Path, str]:
    results = load_results(matrix)
    rendered = {PAGE: render_page(matrix, results)}
    for slug, run, section in sorted(wanted_variants(results)):
        rendered[variant_path(slug, run, section)] = render_variants(results, slug, run, section)
    for recipe in all_recipes():
        for tab, runs in recipe.tabs.items():
            rendered[fix_tabs_path(recipe.slug, tab)] = render_fix_tabs(results, recipe.slug, runs)
    return rendered


def adopt_tabs(results: dict) -> list[Path]:
    """Rewrite pages so that every included recorded section that varies becomes its version tabs:
    a fence of includes is split, and each varying include becomes a line of its own."""
    changed = []
    fence_open = re.compile(r"^(\s*)(```+|~~~+)(.*)$")
    for page in all_pages():
        lines, out, i = page.read_text().splitlines(), [], 0
        while i < len(lines):
            match = fence_open.match(lines[i])
            end = (
                next((j for j in range(i + 1, len(lines)) if lines[j].strip() == match.group(2)), None)
                if match
                else None
            )
            body = lines[i + 1 : end] if end else []
            includes = [m for m in (INCLUDE_LINE.match(line.strip()) for line in body) if m]
            if match is None or not end or not body or len(includes) < len(body):
                out.append(lines[i])
                i += 1
                continue
            indent, plain = match.group(1), list[str]()
            for line, inc in zip(body, includes, strict=True):
                recorded = RECORDED.match(inc.group(1))
                if recorded and varies(results, *recorded.groups()):
                    if plain:
                        out += [lines[i], *plain, lines[end], ""]
                        plain = []
                    out += [f'{indent}--8<-- "{variant_path(*recorded.groups()).relative_to(REPO)}"', ""]
                else:
                    plain.append(line)
            if plain:
                out += [lines[i], *plain, lines[end]]
            elif out and not out[-1].strip():
                out.pop()
            i = end + 1
        text = "\n".join(out) + "\n"
        if text != page.read_text():
            page.write_text(text)
            changed.append(page)
    return changed


def generated_files() -> set[Path]:
    return set(VARIANTS.rglob("*.md")) | set(FIXES.rglob("*.md"))


def write_all(matrix: Matrix) -> list[Path]:
    rendered = render_all(matrix)
    for stale in generated_files() - set(rendered):
        stale.unlink()
    for path, text in rendered.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return sorted(rendered)
