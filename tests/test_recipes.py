"""Every recipe run: broken ones fail with their recorded message, fixed ones pass."""

import pytest

from harness.recipes import all_recipes, execute
from harness.versions import installed_versions

RUNS = [run for recipe in all_recipes() for run in recipe.runs]
VERSIONS = installed_versions()


@pytest.mark.parametrize("run", RUNS, ids=[run.id for run in RUNS])
def test_run_matches_recording(run, base_url, update_recorded):
    if not run.applies(VERSIONS):
        pytest.skip(f"needs {run.requires}: run by ./dev matrix, checked by tests/test_matrix.py")
    result = execute(run, base_url)
    assert result.outcome == run.outcome, f"{run.id} ended {result.outcome}:\n{result.output}"
    if update_recorded:
        run.recorded_path.parent.mkdir(exist_ok=True)
        run.recorded_path.write_text(result.recorded)
    assert result.recorded == run.recorded_path.read_text(), (
        f"{run.id}: output differs from {run.recorded_path.name} (./dev update re-records)"
    )
