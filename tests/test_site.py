"""The site builds strictly, and nothing published carries a path of this machine."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from harness.normalize import REPO

pytestmark = pytest.mark.xdist_group("site")
MACHINE_PATHS = [str(REPO), str(Path.home()), tempfile.gettempdir() + "/"]


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return site, proc


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
