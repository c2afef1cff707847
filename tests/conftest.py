"""Fixtures shared by the tests of the built site."""

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.filelock import exclusive
from harness.normalize import REPO


def build_site(site: Path) -> SimpleNamespace:
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return SimpleNamespace(returncode=proc.returncode, stderr=proc.stderr)


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    """The site, built once per test run with `mkdocs build --strict`: (site dir, the process).

    Under xdist the workers share one build: the first to get here builds, the others wait for it.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # one process: no one to share with
        site = tmp_path_factory.mktemp("site")
        return site, build_site(site)
    shared = tmp_path_factory.getbasetemp().parent  # this run's, common to its workers
    site, result = shared / "site", shared / "site-build.json"
    with exclusive(shared / "site.lock"):
        if not result.exists():
            result.write_text(json.dumps(vars(build_site(site))))
    return site, SimpleNamespace(**json.loads(result.read_text()))
