"""The site builds strictly, and nothing published carries a path of this machine."""

import tempfile
from pathlib import Path

import pytest

from harness.normalize import REPO

MACHINE_PATHS = [str(REPO), str(Path.home()), tempfile.gettempdir() + "/"]


def test_strict_build_is_clean(build):
    site, proc = build
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr


@pytest.mark.parametrize("where", ["site", "notebooks", "snippets"])
def test_no_machine_paths_published(build, where):
    root = build[0] if where == "site" else REPO / where
    leaks = [
        f"{path.relative_to(root)}: {machine}"
        for path in root.rglob("*") if path.is_file() and path.suffix in {".html", ".ipynb", ".txt", ".json"}
        for machine in MACHINE_PATHS if machine in path.read_text(errors="replace")
    ]
    assert leaks == []


def test_every_notebook_is_a_page(build):
    site = build[0]
    for notebook in (REPO / "notebooks").glob("*.ipynb"):
        assert (site / "notebooks" / notebook.stem / "index.html").exists(), notebook.name
