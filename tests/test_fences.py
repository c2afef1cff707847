"""The checks on fenced blocks that are not one block's: how many are not run, where includes lead,
that the page collector makes one item per block; and the block checks themselves, on made-up blocks.

Each block is tested as an item of its page (harness/page_collector.py): `pytest docs/errors/x.md`.
"""

import subprocess
import sys

import pytest

from harness.block_checks import BlockFailed, check_include, console_steps, include_problem
from harness.fences import DOCS, Fence, all_fences, all_pages, outside_includes
from harness.normalize import REPO
from harness.recipes import scrubbed_environ

FENCES = all_fences()
# Blocks marked not to run. Raise this only with a reason a reader would accept.
NOTEST_BUDGET = 2


@pytest.mark.unit
def test_includes_stay_inside_the_repository():
    """Here and in what included files include in turn; page blocks check their own includes too."""
    problems = [problem for page in all_pages() for problem in outside_includes(page)]
    assert not problems, "\n".join(problems)


@pytest.mark.unit
def test_not_run_blocks_say_why_and_stay_few():
    notest = [f for f in FENCES if f.kind == "notest"]
    assert [f.id for f in notest if not f.reason] == [], 'give a reason="..." next to notest'
    assert len(notest) <= NOTEST_BUDGET, [f"{f.id}: {f.reason}" for f in notest]


@pytest.mark.unit
def test_a_notest_block_without_a_reason_is_a_problem_of_its_page():
    """Its page item fails (harness/page_collector.py raises a fence's problem) instead of skipping."""
    unexplained = Fence(DOCS / "made-up.md", 7, "bash", ["notest"], "{.bash notest}", "docker run x\n")
    assert unexplained.problem == "docs/made-up.md:7: a notest block must say why it is not run: " + (
        '{.bash notest reason="..."}'
    )
    explained = Fence(DOCS / "made-up.md", 7, "bash", ["notest"], '{.bash notest reason="no engine"}', "x\n")
    assert explained.problem == "" and explained.reason == "no engine"


def test_every_block_is_one_item_of_its_page():
    """`pytest --collect-only docs`: each fence once, as page::LINE[kind], and nothing else."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist", "docs"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env=scrubbed_environ(),
    )
    items = [line for line in proc.stdout.splitlines() if "::" in line]
    expected = [f"{f.page.relative_to(REPO)}::{f.line}[{f.kind}]" for f in FENCES]
    assert sorted(items) == sorted(expected), proc.stdout[-3000:] + proc.stderr[-3000:]


def block(code: str, lang: str = "text") -> Fence:
    return Fence(DOCS / "made-up.md", 7, lang, [], lang, code)


@pytest.mark.unit
@pytest.mark.parametrize(
    "include",
    [
        "snippets/missing-table/recipe.toml",
        "snippets/missing-table/broken/test_read.py:asyncpg",
        "snippets/missing-table/recorded/broken.txt:outcome",
        "isolation/steps.py:check",
    ],
)
def test_an_include_of_a_tested_file_holds(include):
    assert include_problem(include) == ""


@pytest.mark.unit
@pytest.mark.parametrize(
    "include, problem",
    [
        ("snippets/missing-table/broken/no_such_file.py", "no such file"),
        ("snippets/missing-table/broken/test_read.py:no-such-section", "has no section 'no-such-section'"),
        ("snippets/missing-table/recorded/broken.txt:asyncpg", "has no section 'asyncpg'"),
        ("harness/fences.py", "not a file a test runs"),
        ("README.md", "not a file a test runs"),
        ("../outside.txt", "outside the repository"),
    ],
)
def test_an_include_of_anything_else_fails(include, problem):
    assert problem in include_problem(include)


@pytest.mark.unit
def test_a_failing_include_names_the_page_line():
    with pytest.raises(BlockFailed, match=r'^docs/made-up.md:7: --8<-- "README.md": not a file a test runs'):
        check_include(block('--8<-- "snippets/missing-table/recipe.toml"\n--8<-- "README.md"\n'))


@pytest.mark.unit
def test_console_steps_pair_each_command_with_its_output():
    code = "$ echo a\na\n$ true\n$ printf 'b\\nc\\n'\nb\nc\n"
    assert console_steps(code) == [("echo a", "a"), ("true", ""), ("printf 'b\\nc\\n'", "b\nc")]


DROPS_A_COROUTINE = """\
import asyncio
import gc

import pytest


async def cleanup():
    pass


@pytest.mark.asyncio
async def test_forgets_to_await():
    cleanup()  # never awaited: Python warns when the coroutine is collected
    gc.collect()
    await asyncio.sleep(0)
"""


def outcome_with(tmp_path, name: str, config: str = "") -> int:
    project = tmp_path / name
    project.mkdir()
    if config:
        (project / ("pyproject.toml" if config.startswith("[tool.") else "pytest.ini")).write_text(config)
    (project / "test_drop.py").write_text(DROPS_A_COROUTINE)
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    args += [] if config else ["-o", "asyncio_default_fixture_loop_scope=function"]  # only to silence its warning
    proc = subprocess.run(args, cwd=project, capture_output=True, text=True, timeout=120, env=scrubbed_environ())
    return proc.returncode


@pytest.mark.parametrize("fence", [f for f in FENCES if f.kind in ("ini", "toml")], ids=lambda f: f.id)
def test_a_config_block_changes_what_pytest_does(fence, tmp_path):
    """Accepted is not enough (the block's own item checks that): under the block, a test that drops an
    un-awaited coroutine fails; under pytest's defaults the same test passes with a warning."""
    assert outcome_with(tmp_path, "defaults") == 0
    assert outcome_with(tmp_path, "block", fence.code) == 1, f"{fence.id}: the test still passes under it"
