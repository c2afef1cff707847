"""The version matrix's data (matrix/results/) against the repository: current, complete, rendered.

The matrix itself is a command (`./dev matrix`); these checks are fast. They fail when a recipe
or notebook changed since the matrix last ran, when the pinned column stops matching what the
test job records, and when a page shows only the pinned text of output that changes with the
version.
"""

import pytest

from harness import compat
from harness.matrix import notebook_inputs, recipe_inputs
from harness.notebook_runner import all_notebooks
from harness.recipes import all_recipes
from harness.versions import PINNED, Matrix, canonical, installed_versions

pytestmark = pytest.mark.unit

MATRIX = Matrix.load()
RESULTS = compat.load_results(MATRIX)
RECIPES = all_recipes()
RERUN = "run ./dev matrix (it re-runs only what changed)"


@pytest.mark.parametrize("cell", [c.name for c in MATRIX.cells])
def test_cell_data_is_current_and_complete(cell):
    assert cell in RESULTS, f"no matrix/results/{cell}.json: {RERUN}"
    data = RESULTS[cell]
    versions = MATRIX.cell(cell).versions()
    for name in MATRIX.shown:
        assert data["versions"][name] == versions[canonical(name)], f"{cell}: {name} is not its lock's: {RERUN}"
    for recipe in RECIPES:
        entry = data["recipes"].get(recipe.slug)
        assert entry and entry["inputs"] == recipe_inputs(recipe), f"{cell}: {recipe.slug} changed: {RERUN}"
        expected = {run.name for run in recipe.runs if run.applies(versions)}
        assert set(entry["runs"]) == expected, f"{cell}: {recipe.slug}'s runs differ: {RERUN}"
    for path in all_notebooks():
        entry = data["notebooks"].get(path.stem)
        assert entry and entry["inputs"] == notebook_inputs(path), f"{cell}: {path.name} changed: {RERUN}"


def test_pinned_column_is_what_the_test_job_records():
    """The pinned cell ran what this environment runs, and saw what the recordings hold."""
    installed = installed_versions()
    pinned = RESULTS[PINNED]
    assert {n: pinned["versions"][n] for n in MATRIX.shown} == {n: installed[canonical(n)] for n in MATRIX.shown}
    for recipe in RECIPES:
        for run in recipe.runs:
            if run.applies(installed):
                data = pinned["recipes"][recipe.slug]["runs"][run.name]
                assert data["outcome"] == run.outcome, run.id
                assert data["recorded"] == run.recorded_path.read_text(), f"{run.id}: {RERUN}"
    for slug, notebook in pinned["notebooks"].items():
        assert notebook["ok"], f"{slug}.ipynb: {RERUN}"
        assert notebook["diff"] == "", f"{slug}.ipynb: {RERUN}"


def test_runs_for_other_versions_pass_where_they_belong():
    """A run that only belongs with older versions (a fix for an older line) is proven there."""
    for recipe in RECIPES:
        for run in recipe.runs:
            if not run.requires:
                continue
            outcomes = {
                cell: data["recipes"][recipe.slug]["runs"][run.name]["outcome"]
                for cell, data in RESULTS.items()
                if run.name in data["recipes"][recipe.slug]["runs"]
            }
            assert outcomes, f"{run.id}: no cell has {run.requires}"
            assert set(outcomes.values()) == {run.outcome}, f"{run.id}: {outcomes}"


def test_pages_are_rendered_from_the_data():
    rendered = compat.render_all(MATRIX)
    for path, text in rendered.items():
        assert path.exists() and path.read_text() == text, f"{path.name} is stale: ./dev matrix --render"
    stale = compat.generated_files() - set(rendered)
    assert not stale, f"no page wants {sorted(p.name for p in stale)}: ./dev matrix --render"


def test_output_that_changes_with_the_version_is_shown_in_tabs():
    shown_plain = [
        f"{slug}/{run}:{section}"
        for slug, run, section in sorted(compat.included_sections())
        if compat.varies(RESULTS, slug, run, section)
    ]
    assert not shown_plain, (
        "these recorded sections differ between cells; include matrix/variants/<slug>/<run>--<section>.md "
        f"(a line of its own, outside a fence) instead: {shown_plain}"
    )


def test_drift_report_lists_what_a_release_changed():
    """The drift report, fed a cell of the committed data as if it were a new release, lists every
    flipped outcome and changed message of that cell, and reports nothing against itself."""
    from harness.drift import compare

    pinned = RESULTS[PINNED]
    assert compare(pinned, pinned) == (compare(pinned, pinned)[0], False)
    for cell, data in RESULTS.items():
        lines, changed = compare(pinned, data)
        report = "\n".join(lines)
        differs = [
            (slug, run)
            for slug, run in compat.changed_runs({PINNED: pinned, cell: data})
            if compat.run_data({PINNED: pinned}, PINNED, slug, run)
        ]  # a run pinned has not: no baseline
        notebooks_differ = any(
            not nb["ok"] or nb["cells"] != pinned["notebooks"][slug]["cells"] for slug, nb in data["notebooks"].items()
        )
        assert changed == bool(differs) or notebooks_differ
        for slug, run in differs:
            assert f"`{slug}/{run}`" in report, f"{cell}: {slug}/{run} is missing from the report"


def test_the_server_and_python_the_pages_name_are_the_pinned_cells():
    """Prose that names the pinned PostgreSQL ("a throwaway PostgreSQL 15", "Debian's 15 here") or the
    versions the pinned cell ran on says what matrix/results/pinned.json holds."""
    import re

    from harness.fences import all_pages

    pinned = RESULTS[PINNED]["versions"]
    major = pinned["PostgreSQL"].split(".")[0]
    named = [
        (page.name, m[1])
        for page in all_pages()
        for m in re.finditer(r"(?:throwaway\s+PostgreSQL|Debian's)\s+(\d+)\b", page.read_text())
    ]
    assert named and [(page, n) for page, n in named if n != major] == []
    index = (compat.DOCS / "index.md").read_text()
    ran = re.search(r"ran them on PostgreSQL ([\d.]+) and CPython ([\d.]+)", index)
    assert ran and ran.groups() == (pinned["PostgreSQL"], pinned["Python"])
