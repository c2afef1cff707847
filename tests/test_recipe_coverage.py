"""The coverage gate: no recipe file, project or recording goes untested or unshown."""

import pytest

from harness import catalogue
from harness.fences import INCLUDE, all_fences, all_pages, bare_includes
from harness.normalize import REPO
from harness.recipes import SNIPPETS, all_recipes
from harness.versions import installed_versions

pytestmark = pytest.mark.unit

RECIPES = all_recipes()
INCLUDED = {
    path.split(":")[0] for fence in all_fences() if fence.kind == "include" for path in fence.included_paths
} | {path.split(":")[0] for page in all_pages() for path in bare_includes(page)}
# Generated fix tabs (matrix/fixes/) include recipe files in their turn.
INCLUDED |= {
    m.group(2).split(":")[0]
    for path in list(INCLUDED)
    if path.startswith("matrix/fixes/")
    if (REPO / path).exists()
    for m in map(INCLUDE.match, (REPO / path).read_text().splitlines())
    if m
}
VERSIONS = installed_versions()


def test_every_project_folder_is_declared_and_run():
    for recipe in RECIPES:
        folders = {p.name for p in recipe.root.iterdir() if p.is_dir()} - {"recorded"}
        assert folders == set(recipe.projects), recipe.slug
        run_projects = {run.project for run in recipe.runs}
        assert run_projects == set(recipe.projects), f"{recipe.slug}: a project no run uses"


def test_every_recording_belongs_to_a_run():
    for recipe in RECIPES:
        recorded = {p.name for p in (recipe.root / "recorded").glob("*.txt")}
        # A run for other versions than the pinned ones is recorded by the version matrix.
        assert recorded == {run.recorded_path.name for run in recipe.runs if run.applies(VERSIONS)}, recipe.slug


def test_every_recipe_has_a_page_that_shows_it():
    """Its code and its output: a recording, or version tabs rendered from the matrix's recordings."""
    for recipe in RECIPES:
        assert catalogue.entry(recipe.slug).page.is_file(), f"{recipe.slug} has no page"
        shown = {p for p in INCLUDED if p.startswith(f"snippets/{recipe.slug}/")}
        rendered = {
            p for p in INCLUDED if p.startswith((f"matrix/variants/{recipe.slug}/", f"matrix/fixes/{recipe.slug}/"))
        }
        assert any("/recorded/" in p for p in shown) or rendered, f"{recipe.slug}: no recorded output on a page"
        in_tabs = {
            run
            for path in rendered
            if path.startswith("matrix/fixes/")
            for run in recipe.tabs.get(path.rsplit("/", 1)[1].removesuffix(".md"), {})
        }
        for run in recipe.runs:
            if not run.applies(VERSIONS):
                variants = f"matrix/variants/{recipe.slug}/{run.name}--"
                assert run.name in in_tabs or any(p.startswith(variants) for p in rendered), (
                    f"{run.id}: no page shows its output"
                )
        assert any("/recorded/" not in p for p in shown), f"{recipe.slug}: no recipe code on a page"


def test_every_included_file_exists():
    missing = sorted(p for p in INCLUDED if not (REPO / p).is_file())
    assert not missing


def test_recipes_read_the_test_url_the_way_the_setup_guide_says():
    """setup-guide: every recipe reads TEST_DATABASE_URL with its fallback on port 5434, except two
    fixture-patterns projects: the copy of the upstream guide's fixtures and the unawaited-cleanup variant."""
    fallback = 'os.environ.get(\n    "TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test"\n)'
    without = 'os.environ["TEST_DATABASE_URL"]'
    for path in sorted(SNIPPETS.rglob("*.py")):
        text = path.read_text()
        if without in text:
            assert path.relative_to(SNIPPETS).parts[:2] in {
                ("fixture-patterns", "old-advice"),
                ("fixture-patterns", "unawaited-cleanup"),
            }, path
        elif "DATABASE_URL = " in text:
            assert fallback in text, path
