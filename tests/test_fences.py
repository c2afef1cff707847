"""Every fenced block on every page is accounted for (see harness.fences for the kinds)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from harness.fences import all_fences, all_pages, fences, outside_includes
from harness.filelock import exclusive
from harness.normalize import normalize
from harness.recipes import scrubbed_environ

FENCES = all_fences()
# Blocks marked not to run. Raise this only with a reason a reader would accept.
NOTEST_BUDGET = 2
CONFIG_FILES = {"ini": "pytest.ini", "toml": "pyproject.toml"}


def by_kind(*kinds):
    chosen = [f for f in FENCES if f.kind in kinds]
    return pytest.mark.parametrize("fence", chosen, ids=[f.id for f in chosen])


def test_no_fence_is_unaccounted():
    problems = [f.problem for f in FENCES if f.problem]
    assert not problems, "\n".join(problems)


def test_includes_stay_inside_the_repository():
    problems = [problem for page in all_pages() for problem in outside_includes(page)]
    assert not problems, "\n".join(problems)


def test_not_run_blocks_say_why_and_stay_few():
    notest = [f for f in FENCES if f.kind == "notest"]
    assert [f.id for f in notest if not f.reason] == [], 'give a reason="..." next to notest'
    assert len(notest) <= NOTEST_BUDGET, [f"{f.id}: {f.reason}" for f in notest]


def console_steps(code):
    """`$ command` lines and the output each is shown with."""
    steps = []
    for line in code.splitlines():
        if line.startswith("$ "):
            steps.append([line[2:], []])
        elif steps:
            steps[-1][1].append(line)
    return [(cmd, "\n".join(out)) for cmd, out in steps]


@by_kind("console")
def test_console_block_output_is_real(fence, base_url, tmp_path, update_recorded):
    # `python` and `pytest` in a block are the project's own (.venv), as for a reader who activated it.
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    env = scrubbed_environ(TEST_DATABASE_URL=str(base_url), PGCONNECT_TIMEOUT="5", PATH=path,
                           NO_COLOR="1", PY_COLORS="0", COLUMNS="80")
    shown = []
    for command, expected in console_steps(fence.code):
        proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, timeout=120,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, f"{fence.id}: `{command}` failed:\n{proc.stdout}{proc.stderr}"
        actual = normalize(proc.stdout + proc.stderr, {str(base_url.port): "<port>"})
        shown.append(f"$ {command}\n{actual.rstrip()}".rstrip())
        if not update_recorded:
            assert actual.rstrip() == expected.rstrip(), f"{fence.id}: `{command}` printed otherwise"
    if update_recorded:
        rewrite(fence, "\n".join(shown) + "\n")


def rewrite(fence, content):
    """Put a console block's new content in its page, found again by its first command."""
    assert not fence.in_admonition, f"{fence.id}: move console blocks out of admonitions to re-record"
    with exclusive(Path(tempfile.gettempdir()) / "dataflow-guide-pages.lock"):  # one worker at a time
        _rewrite(fence, content)


def _rewrite(fence, content):
    first = console_steps(fence.code)[0][0]
    current = next(f for f in fences(fence.page) if f.kind == "console"
                   and console_steps(f.code)[0][0] == first)
    lines = fence.page.read_text().splitlines(keepends=True)
    start = current.line  # the line after the opening ```
    lines[start:start + len(current.code.splitlines())] = [content]
    fence.page.write_text("".join(lines))


def test_config_blocks_are_accepted_by_pytest(tmp_path):
    """ini and toml blocks are loaded by pytest itself, with every warning an error."""
    for index, fence in enumerate(f for f in FENCES if f.kind in CONFIG_FILES):
        project = tmp_path / str(index)
        project.mkdir()
        (project / CONFIG_FILES[fence.lang]).write_text(fence.code)
        (project / "test_ok.py").write_text(
            "import pytest\n\n@pytest.mark.asyncio\nasync def test_ok():\n    pass\n"
        )
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"],
            cwd=project, capture_output=True, text=True, timeout=120,
            env=scrubbed_environ(),  # CI, BUILD_NUMBER: pytest behaves otherwise on CI
        )
        assert proc.returncode == 0, f"{fence.id}: pytest rejected it:\n{proc.stdout}{proc.stderr}"
