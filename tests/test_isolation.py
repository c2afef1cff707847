"""The isolation-cost page shows the recorded run of the strategy files as they are, and the code it
shows runs: `./dev isolation` writes the figures; here each strategy runs a few generated tests
against the test job's server, and its isolation verdict must be the recorded one."""

import asyncio
import inspect
import json
import re

import asyncpg
import pytest
from PIL import Image

from harness import isolation
from harness.database import fresh_database
from harness.normalize import REPO

PAGE = REPO / "docs" / "guides" / "isolation-cost.md"
KEYS = {
    "command",
    "date",
    "cpus",
    "max_connections",
    "tests_per_strategy",
    "total_seconds",
    "strategies",
    "cleanup_test_tables",
    "versions",
    "inputs",
}
STRATEGY_KEYS = {
    "strategy",
    "tests",
    "passed",
    "failed",
    "isolation_failures",
    "isolation_unchecked",
    "other_failures",
    "first_other_failure",
    "isolates",
    "pytest_exit",
    "outcome",
    "wall_seconds",
    "per_test_median_seconds",
    "per_test_p95_seconds",
    "peak_client_backends",
    "client_backends_left",
    "databases_left",
}
FEW = 4  # tests per strategy here: enough for an earlier test's row to be there to see


def recorded() -> dict:
    return json.loads(isolation.LAST_RUN.read_text())


@pytest.mark.unit
def test_last_run_is_a_full_run_of_every_strategy():
    run = recorded()
    assert set(run) == KEYS
    assert [s["strategy"] for s in run["strategies"]] == list(isolation.STRATEGIES)
    assert run["tests_per_strategy"] >= isolation.DEFAULT_TESTS, "a smaller run is recorded: run ./dev isolation"
    for s in run["strategies"]:
        assert set(s) == STRATEGY_KEYS, s["strategy"]
        assert s["tests"] == run["tests_per_strategy"] and s["passed"] + s["failed"] == s["tests"]
    text = isolation.LAST_RUN.read_text()  # published with the repo: no machine's paths, hosts or secrets
    assert '"/' not in text and "127.0.0.1" not in text and "password" not in text


@pytest.mark.unit
def test_last_run_measured_the_strategy_files_as_they_are():
    assert recorded()["inputs"] == isolation.inputs_digest(), (
        "a strategy file or the test generator changed since the recorded run: run ./dev isolation"
    )


@pytest.mark.unit
def test_figures_and_verdicts_are_rendered_from_the_last_run():
    run = recorded()
    assert isolation.FIGURES.read_text() == isolation.render(run), "run ./dev isolation --render"
    assert isolation.VERDICTS.read_text() == isolation.render_verdicts(run), "run ./dev isolation --render"


@pytest.mark.unit
def test_plot_is_of_the_last_run():
    with Image.open(isolation.PLOT) as image:
        assert image.text.get("Description") == isolation.plot_description(recorded()), "run ./dev isolation --render"


@pytest.mark.unit
def test_page_shows_the_figures_the_plot_and_every_strategy():
    lines = PAGE.read_text().splitlines()
    assert f'--8<-- "{isolation.FIGURES.relative_to(REPO)}"' in lines
    assert any(f"]({isolation.PLOT.name})" in line for line in lines)
    verdicts = isolation.VERDICTS.relative_to(REPO)
    for strategy in isolation.STRATEGIES:
        assert f'--8<-- "{verdicts}:{strategy}"' in lines, strategy
        if strategy != isolation.REFERENCE:
            assert any(
                re.match(rf'--8<-- "isolation/strategies/{strategy}/(tests/)?conftest\.py:', line) for line in lines
            ), f"{strategy}: no fixture of its own on the page"
    assert f'--8<-- "{verdicts}:cleanup-test-tables"' in lines


# What the page's prose says of each strategy (its Choosing list, and why a rollback does not reach
# DataFlow's writes). A run that records otherwise makes the prose wrong: change both together.
PAGE_SAYS_ISOLATES = {"recommended": True, "per-test": True, "session-rollback": False, "template": True}


@pytest.mark.unit
def test_the_prose_agrees_with_the_recorded_verdicts():
    assert {s["strategy"]: s["isolates"] for s in recorded()["strategies"]} == PAGE_SAYS_ISOLATES


async def leftovers(base, prefix: str) -> list[str]:
    connection = await asyncpg.connect(str(base), timeout=5)
    try:
        rows = await connection.fetch("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", prefix)
    finally:
        await connection.close()
    return [row["datname"] for row in rows]


@pytest.mark.parametrize("strategy", list(isolation.STRATEGIES))
def test_strategy_runs_and_isolates_as_recorded(strategy, base_url):
    expected = next(s for s in recorded()["strategies"] if s["strategy"] == strategy)
    with fresh_database(base_url) as url:
        figures = isolation.run_strategy(strategy, url, FEW)
        left = asyncio.run(leftovers(base_url, url.database + "_"))
    assert figures["tests"] == FEW, figures
    assert figures["isolates"] == expected["isolates"], figures
    if expected["other_failures"] == 0:
        assert figures["other_failures"] == 0, figures
    assert left == [], f"{strategy} left databases behind"


def test_cleanup_test_tables_does_what_the_page_says(base_url):
    with fresh_database(base_url) as url:
        assert isolation.probe_cleanup_test_tables(url) == recorded()["cleanup_test_tables"]


@pytest.mark.unit
def test_page_names_the_patterns_of_the_installed_cleanup_test_tables():
    """The page reads cleanup_test_tables() from DataFlow's source: the patterns it lists are the
    installed release's."""
    from dataflow import DataFlow  # here, not at collection: the import takes seconds

    source = inspect.getsource(DataFlow.cleanup_test_tables)
    installed = set(re.findall(r'"([a-z_]*%[a-z_%]*)"', source))
    shown = set(re.findall(r"`([a-z_]*%[a-z_%]*)`", PAGE.read_text()))
    assert installed and shown == installed
