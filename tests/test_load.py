"""The page's load figures are the recorded run's: `./dev load` writes both, nothing here runs it."""

import json

import pytest

from harness import load
from harness.normalize import REPO

pytestmark = pytest.mark.unit

KEYS = {
    "command",
    "date",
    "cpus",
    "max_connections",
    "tests",
    "concurrent_tests",
    "nodes_at_once",
    "passed",
    "failed",
    "pytest_exit",
    "connection_error_lines",
    "connection_error_tests",
    "error_logs",
    "connections_opened",
    "peak_client_backends",
    "client_backends_left",
    "wall_seconds",
    "per_test_mean_seconds",
    "per_test_p95_seconds",
    "versions",
    "outcome",
    "inputs",
}
VERSIONS = {"pytest", "pytest-asyncio", "kailash-dataflow", "kailash", "asyncpg", "python", "postgresql"}


def recorded() -> dict:
    return json.loads(load.LAST_RUN.read_text())


def test_last_run_is_a_full_run():
    run = recorded()
    assert set(run) == KEYS
    assert set(run["versions"]) == VERSIONS
    assert run["tests"] >= load.DEFAULT_TESTS, f"{load.LAST_RUN.name} records a smaller run: run ./dev load"
    assert run["passed"] + run["failed"] == run["tests"]
    text = load.LAST_RUN.read_text()  # published with the repo: no machine's paths, hosts or secrets
    assert '"/' not in text and "127.0.0.1" not in text and "password" not in text


def test_last_run_loaded_the_recommended_fixtures_as_they_are():
    """A change to the recommended conftest (or to how the load is made) leaves the page's figures
    about fixtures that are no longer shown: the digest of what the run copied must be today's."""
    assert recorded()["inputs"] == load.inputs_digest(), "the load's inputs changed since: run ./dev load"


def test_figures_are_rendered_from_the_last_run():
    assert load.FIGURES.read_text() == load.render(recorded()), "run ./dev load --render"


def test_page_includes_the_figures():
    page = (REPO / "docs" / "guides" / "fixture-patterns.md").read_text()
    assert f'--8<-- "{load.FIGURES.relative_to(REPO)}"' in page.splitlines()
