"""Fixtures shared by the tests of the built site."""

import os
import subprocess
import sys

import pytest

from harness.normalize import REPO


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    """The site, built once per worker with `mkdocs build --strict`: (site dir, the process)."""
    site = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return site, proc
