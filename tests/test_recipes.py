"""Every recipe run: broken ones fail with their recorded message, fixed ones pass."""

import pytest

from harness import updates
from harness.recipes import all_recipes
from harness.runcache import execute_once
from harness.versions import installed_versions

RUNS = [run for recipe in all_recipes() for run in recipe.runs]
VERSIONS = installed_versions()


@pytest.mark.parametrize("run", RUNS, ids=[run.id for run in RUNS])
def test_run_matches_recording(run, base_url, update_recorded):
    if not run.applies(VERSIONS):
        pytest.skip(f"needs {run.requires}: run by ./dev matrix, checked by tests/test_matrix.py")
    result = execute_once(run, base_url)  # a notebook of the same job may have run it already
    assert result.outcome == run.outcome, f"{run.id} ended {result.outcome}:\n{result.output}"
    if update_recorded:
        updates.register(run.recorded_path, result.recorded, "recording")  # written at the session's end
        return
    assert result.recorded == run.recorded_path.read_text(), (
        f"{run.id}: output differs from {run.recorded_path.name} (./dev update re-records)"
    )
