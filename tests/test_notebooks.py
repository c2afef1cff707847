"""Each notebook runs live and shows what its recorded outputs say."""

import pytest

from harness.notebooks import all_notebooks, comparable, execute, save

NOTEBOOKS = all_notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_matches_recording(path, update_recorded):
    import nbformat

    executed = execute(path)
    if update_recorded:
        save(executed, path)
    recorded = nbformat.read(path, as_version=4)
    assert comparable(executed) == comparable(recorded), f"{path.name}: ./dev update re-records"


def test_every_error_page_has_a_notebook():
    from harness.normalize import REPO

    errors = {page.stem for page in (REPO / "docs" / "errors").glob("*.md")}
    assert errors == {p.stem for p in NOTEBOOKS}
