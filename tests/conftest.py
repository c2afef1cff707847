"""Fixtures shared by the tests of the built site, and what `-k SLUG` selects."""

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness import catalogue
from harness.errata import Claim
from harness.filelock import exclusive
from harness.normalize import REPO


def pytest_collection_modifyitems(items):
    """`./dev test SLUG` selects with `-k SLUG`: a test of an errata claim or of a find-your-error row
    is about the errors the catalogue files it under, though its id does not name them."""
    about: dict[str, set[str]] = {}
    for entry in catalogue.entries():
        for claim in entry.claims:
            about.setdefault(claim, set()).add(entry.slug)
    for item in items:
        for value in getattr(getattr(item, "callspec", None), "params", {}).values():
            if isinstance(value, Claim):
                item.extra_keyword_matches.update(about.get(value.id, ()))
            elif isinstance(value, catalogue.Row):
                item.extra_keyword_matches.add(value.page.removeprefix("errors/"))


HOSTING = ("SITE_URL", "REPO_URL")  # mkdocs.yml reads them; the publishing workflow sets them


def build_site(site: Path, **hosting: str) -> SimpleNamespace:
    """`mkdocs build --strict` into `site`: the local site, or the published one's with `hosting`
    (SITE_URL=..., REPO_URL=...), whatever this process's environment says."""
    env = {k: v for k, v in os.environ.items() if k not in HOSTING}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**env, **hosting, "NO_MKDOCS_2_WARNING": "1"},
    )
    return SimpleNamespace(returncode=proc.returncode, stderr=proc.stderr)


def shared_build(tmp_path_factory, name: str, **hosting: str) -> tuple[Path, SimpleNamespace]:
    """`build_site` once per test run: (site dir, the process). Under xdist the workers share it:
    the first to get here builds, the others wait for it."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # one process: no one to share with
        site = tmp_path_factory.mktemp(name)
        return site, build_site(site, **hosting)
    shared = tmp_path_factory.getbasetemp().parent  # this run's, common to its workers
    site, result = shared / name, shared / f"{name}-build.json"
    with exclusive(shared / f"{name}.lock"):
        if not result.exists():
            result.write_text(json.dumps(vars(build_site(site, **hosting))))
    return site, SimpleNamespace(**json.loads(result.read_text()))


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    """The site, built once per test run with `mkdocs build --strict`: (site dir, the process)."""
    return shared_build(tmp_path_factory, "site")


@pytest.fixture(scope="session")
def published(build, tmp_path_factory):
    """The site as the publishing workflow builds it, for an example address and repository:
    (site dir, its site_url, its repo_url). After the local build, so it reads the notebook cache that
    build wrote rather than writing it beside it."""
    hosting = {"SITE_URL": "https://example.org/guide/", "REPO_URL": "https://github.com/example/guide"}
    site, proc = shared_build(tmp_path_factory, "published-site", **hosting)
    assert proc.returncode == 0 and "WARNING" not in proc.stderr, proc.stderr[-3000:]
    return site, hosting["SITE_URL"], hosting["REPO_URL"]
