"""Publishing: the Pages workflow passes actionlint and deploys only what it built after a green test
job; the site as that workflow builds it (SITE_URL, REPO_URL set) names its own address in the sitemap
and canonical links, links its repository without calling the repository host, and its 404 page works
at any depth."""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from harness.normalize import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
PAGES = REPO / ".github" / "workflows" / "pages.yml"
ACTIONLINT = Path(sys.executable).parent / "actionlint"  # the pinned wheel's (requirements.lock)


def actionlint(path: Path) -> subprocess.CompletedProcess:
    # actionlint also runs shellcheck and pyflakes on `run:` scripts when they are on PATH: off, so
    # that its verdict is the same on every machine.
    return subprocess.run(
        [str(ACTIONLINT), "-no-color", "-shellcheck=", "-pyflakes=", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.unit
@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow):
    proc = actionlint(workflow)
    assert (proc.returncode, proc.stdout + proc.stderr) == (0, "")


@pytest.mark.unit
@pytest.mark.parametrize(
    "good, bad, said",
    [
        ("needs: test", "needs: tests", 'needs job "tests" which does not exist'),
        ("steps.pages.outputs.base_url", "steps.pages.outputs.base_uri", 'property "base_uri" is not defined'),
    ],
)
def test_actionlint_fails_a_broken_copy(tmp_path, good, bad, said):
    broken = tmp_path / "pages.yml"
    broken.write_text(PAGES.read_text().replace(good, bad, 1))
    proc = actionlint(broken)
    assert proc.returncode == 1 and said in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.unit
def test_deploy_builds_only_after_the_test_job_passed():
    workflow = yaml.safe_load(PAGES.read_text())
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on["push"]["branches"] == ["main"] and "workflow_dispatch" in on
    test, deploy = workflow["jobs"]["test"], workflow["jobs"]["deploy"]
    assert [s["run"].strip() for s in test["steps"] if "run" in s] == ["bash .ci/run"]
    assert deploy["needs"] in ("test", ["test"])
    assert {"pages": "write", "id-token": "write"}.items() <= deploy["permissions"].items()
    assert deploy["environment"]["name"] == "github-pages"
    steps = [s.get("run", s.get("uses", "")).strip() for s in deploy["steps"]]
    order = [
        next(i for i, step in enumerate(steps) if step.startswith(what))
        for what in (
            "actions/checkout@",
            "actions/configure-pages@",
            "./dev build",
            "actions/upload-pages-artifact@",
            "actions/deploy-pages@",
        )
    ]
    assert order == sorted(order), steps
    build = deploy["steps"][order[2]]
    assert build["env"] == {
        "SITE_URL": "${{ steps.pages.outputs.base_url }}/",
        "REPO_URL": "${{ github.server_url }}/${{ github.repository }}",
    }
    assert deploy["steps"][order[3]]["with"]["path"] == "site"  # where ./dev build puts it


def test_published_site_names_its_address_and_its_repository(published):
    site, site_url, repo_url = published
    locations = re.findall(r"<loc>(.*?)</loc>", (site / "sitemap.xml").read_text())
    assert f"{site_url}errors/cached-statement/" in locations
    assert [loc for loc in locations if not loc.startswith(site_url)] == []
    page = (site / "errors" / "cached-statement" / "index.html").read_text()
    assert f'<link rel="canonical" href="{site_url}errors/cached-statement/">' in page
    assert f'<a href="{repo_url}" title="Go to repository" class="md-source">' in page
    # the theme's script asks the repository host for stars and forks where it finds this
    assert 'data-md-component="source"' not in page
    notebook = (site / "notebooks" / "cached-statement" / "index.html").read_text()
    assert f'runs in a clone of <a href="{repo_url}">the repository</a>' in notebook


def test_published_404_page_works_at_any_depth(published):
    """Served at whatever address was missing, it links and loads only by absolute paths under
    SITE_URL's."""
    site, site_url, _ = published
    base = urlsplit(site_url).path
    page = (site / "404.html").read_text()
    addresses = re.findall(r'\b(?:href|src|action)="([^"]*)"', page) + re.findall(r'new URL\("([^"]*)"', page)
    local = [a for a in addresses if not re.match(r"[a-z]+:|#", a)]
    assert len(local) > 20 and [a for a in local if not a.startswith(base)] == []
    assert f'<form class="not-found-search" action="{base}" method="get" role="search">' in page
