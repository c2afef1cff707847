"""--update-recorded as one batch (harness/updates.py): changes registered from any process are written
by the controller at the end, file by file. No database: these tests make their own files."""

import subprocess
import sys
import textwrap

import pytest

from harness import updates
from harness.normalize import REPO
from harness.recipes import scrubbed_environ

PAGE = "intro\n```console\n$ one\n1\n```\nmiddle\n```console\n$ two\n2\n```\nend\n"


@pytest.fixture
def spool(tmp_path, monkeypatch):
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setenv(updates.ENV, str(folder))
    return folder


def test_a_batch_is_written_file_by_file(spool, tmp_path):
    recording, current, page = tmp_path / "new" / "run.txt", tmp_path / "same.txt", tmp_path / "page.md"
    current.write_text("as it is\n")
    page.write_text(PAGE)
    updates.register(recording, "recorded\n", "recording")  # its folder is made too
    updates.register(current, "as it is\n", "recording")
    # Two blocks of one page, the upper one growing: the lower one's line numbers must still hold.
    updates.register_lines(page, 3, 4, "$ one\n1\n", "$ one\n1\n1 more\n", "console block")
    updates.register_lines(page, 8, 9, "$ two\n2\n", "$ two\n22\n", "console block")
    outcome = updates.apply(updates.pending(spool))
    assert recording.read_text() == "recorded\n"
    assert page.read_text() == PAGE.replace("1\n```", "1\n1 more\n```").replace("$ two\n2\n", "$ two\n22\n")
    assert outcome.conflicts == []
    assert outcome.line() == "updated: 2 console blocks, 1 recording; 1 other output registered was current"


def test_nothing_changed_says_so_and_writes_nothing(spool, tmp_path):
    path = tmp_path / "same.txt"
    path.write_text("as it is\n")
    before = path.stat().st_mtime_ns
    updates.register(path, "as it is\n", "recording")
    updates.register(path, "as it is\n", "recording")  # the same change twice counts once
    outcome = updates.apply(updates.pending(spool))
    assert outcome.line() == "updated: nothing; 1 output registered, all current"
    assert path.stat().st_mtime_ns == before


def test_a_re_recording_wins_over_a_refresh_of_the_same_file(spool, tmp_path):
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text("old outputs, old note\n")
    updates.register(notebook, "old outputs, new note\n", "notebook", refresh=True)
    updates.register(notebook, "new outputs, new note\n", "notebook")
    assert updates.apply(updates.pending(spool)).updated == {"notebook": 1}
    assert notebook.read_text() == "new outputs, new note\n"


def test_contradicting_changes_leave_the_file_alone(spool, tmp_path):
    twice, stale, overlap = (tmp_path / name for name in ("twice.txt", "stale.md", "overlap.md"))
    for path in (twice, stale, overlap):
        path.write_text(PAGE)
    updates.register(twice, "one\n", "recording")
    updates.register(twice, "other\n", "recording")
    updates.register_lines(stale, 3, 4, "$ one\n0\n", "$ one\n1\n", "console block")
    updates.register_lines(overlap, 3, 4, "$ one\n1\n", "$ one\n11\n", "console block")
    updates.register_lines(overlap, 4, 5, "1\n```\n", "x\n", "console block")
    outcome = updates.apply(updates.pending(spool))
    assert [path.read_text() for path in (twice, stale, overlap)] == [PAGE] * 3
    assert [c.split(": ", 1)[1] for c in outcome.conflicts] == [
        "lines 3-4 overlap another edit",
        "lines 3-4 changed since the test read them",
        "2 different texts were registered (recording, recording)",
    ]


def test_registering_outside_an_update_run_is_refused(monkeypatch, tmp_path):
    monkeypatch.delenv(updates.ENV, raising=False)
    with pytest.raises(RuntimeError, match="--update-recorded"):
        updates.register(tmp_path / "x.txt", "x", "recording")


def test_xdist_workers_register_and_the_controller_writes(tmp_path):
    """Two workers register; only the controller writes, once, and says so in one line."""
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider\nasyncio_default_fixture_loop_scope = function\n"
    )
    (tmp_path / "conftest.py").write_text(
        textwrap.dedent("""
        pytest_plugins = ["harness.updates"]

        def pytest_addoption(parser):
            parser.addoption("--update-recorded", action="store_true")
    """)
    )
    (tmp_path / "test_writers.py").write_text(
        textwrap.dedent("""
        import os
        from pathlib import Path
        import pytest
        from harness import updates

        @pytest.mark.parametrize("n", range(4))
        def test_register(n):
            out = Path(__file__).parent / "out"
            assert not out.exists()  # nothing is written while tests run
            updates.register(out / f"{n}.txt", os.environ["PYTEST_XDIST_WORKER"] + "\\n", "recording")
    """)
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "-q", "--update-recorded"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=scrubbed_environ(PYTHONPATH=str(REPO)),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "updated: 4 recordings; 0 other outputs registered were current" in proc.stdout
    writers = {(tmp_path / "out" / f"{n}.txt").read_text() for n in range(4)}
    assert writers <= {"gw0\n", "gw1\n"}
