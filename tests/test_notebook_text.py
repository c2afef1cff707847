"""Notebooks a reader can follow as text: what each imports from the harness is the documented surface
(harness/notebook.py), its first cell says what those names do, and its paired `.py`
(jupytext) shows its code and prose for review. `./dev update` rewrites the last two."""

import importlib

import nbformat
import pytest

import harness.notebook
from harness import nbtext
from harness.notebook_runner import all_notebooks
from harness.recipes import Recipe

pytestmark = pytest.mark.unit

NOTEBOOKS = all_notebooks()
REWRITE = "./dev update rewrites it (or edit the .ipynb in ./dev lab, which saves both)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_notebook_imports_only_the_documented_surface(path):
    for module, name in nbtext.harness_imports(nbformat.read(path, as_version=4)):
        assert name in harness.notebook.__all__, f"{path.name}: {module}.{name} is not in harness/notebook.py's list"
        assert getattr(importlib.import_module(module), name) is getattr(harness.notebook, name)


def test_every_name_of_the_surface_is_described_once():
    assert list(nbtext.surface()) == harness.notebook.__all__


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_first_cell_and_paired_text_are_current(path, update_recorded):
    if update_recorded:
        nbtext.register_refresh(path)  # written at the session's end, unless re-recorded
        return
    nb = nbformat.read(path, as_version=4)
    expected = nbtext.with_note(nbformat.read(path, as_version=4))
    assert nb.cells[0].source == expected.cells[0].source, f"{path.name}'s first cell: {REWRITE}"
    assert nb.metadata.get("jupytext", {}).get("formats") == nbtext.PAIRED, f"{path.name}: {REWRITE}"
    paired = nbtext.paired_path(path)
    assert paired.exists() and paired.read_text(encoding="utf-8") == nbtext.paired_text(nb), (
        f"{paired.name} is not {path.name} as text: {REWRITE}"
    )


def test_the_note_names_what_the_code_uses():
    """The generated list follows the imports: a notebook that uses `execute` lists it."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Title\n\nProse."),
            nbformat.v4.new_code_cell("from harness.recipes import execute"),
        ]
    )
    first = nbtext.with_note(nb).cells[0].source
    assert first.startswith("# Title\n\nProse.\n\n" + nbtext.NOTE_START)
    assert "- `execute(run, url)`: " in first
    assert "live_database" not in first
    assert nbtext.with_note(nb).cells[0].source == first  # applying it twice changes nothing


def test_the_note_names_the_recipe_runs_the_code_executes():
    """Each run the code names, in the order it names them, once: run_recipe(), recipe.run() on a
    Recipe.load(), and a function of the notebook's that passes its argument on to one of them."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Title"),
            nbformat.v4.new_code_cell(
                'from harness.notebook import Recipe, run_recipe\n\nrecipe = Recipe.load("missing-table")\n\n'
                "def run(name):\n    return recipe.run(name)\n"
            ),
            nbformat.v4.new_code_cell(
                'run_recipe("missing-table", "checked")\nrecipe.run("broken")\n'
                'loop.run(main())  # not a recipe\nawait run("fixed")\nrun_recipe("missing-table", "broken")'
            ),
        ]
    )
    assert nbtext.recipe_runs(nb) == [
        ("missing-table", "checked"),
        ("missing-table", "broken"),
        ("missing-table", "fixed"),
    ]
    first = nbtext.with_note(nb).cells[0].source
    fixed = Recipe.load("missing-table").run("fixed")
    assert "(`snippets/missing-table/recipe.toml`)" in first
    assert first.endswith(f"\n- `fixed` → passed: {fixed.about}")
    nb.cells[2].source = 'run_recipe("missing-table", "no-such-run")'
    with pytest.raises(ValueError, match="missing-table/no-such-run"):
        nbtext.with_note(nb)
