"""Each notebook runs live and shows what its recorded outputs say."""

import pytest

from harness.database import check
from harness.notebook_runner import NotebookError, all_notebooks, comparable, execute, read, register_recording
from test_lab import SLUG  # the one notebook it runs

NOTEBOOKS = all_notebooks()
# tests/test_lab.py runs this one through JupyterLab (and re-records it): once per job is enough.
IN_THE_LAB = {SLUG}
RUN_HERE = [p for p in NOTEBOOKS if p.stem not in IN_THE_LAB]


@pytest.mark.parametrize("path", RUN_HERE, ids=[p.stem for p in RUN_HERE])
def test_notebook_matches_recording(path, update_recorded, base_url, tmp_path):
    check(base_url)  # a server that went away: one line now, not a kernel's traceback later
    try:
        recorded = read(path)
    except NotebookError as error:
        pytest.fail(str(error), pytrace=False)  # the file, line and column say it all
    stderr = tmp_path / "kernel-stderr"
    executed = execute(path, kernel_stderr=stderr)
    # Over IPC the kernel has nothing to say on stderr (over TCP: that it is unencrypted).
    assert stderr.read_text() == "", stderr.read_text()
    if update_recorded:
        register_recording(executed, path)  # written at the session's end
        return
    assert comparable(executed) == comparable(recorded), f"{path.name}: ./dev update re-records"


@pytest.mark.unit
def test_no_recorded_output_carries_terminal_colour_codes():
    """Tracebacks are stored as a reader's browser shows them: the runner strips ANSI codes when it
    records, so a code left in a notebook is a recording older than that (8 notebooks had them)."""
    coloured = [p.name for p in NOTEBOOKS if "\\u001b[" in p.read_text(encoding="utf-8")]
    assert coloured == [], "./dev update SLUG re-records them"
