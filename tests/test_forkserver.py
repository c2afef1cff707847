"""The fork server (harness/forkserver.py): a forked run exits and prints as a fresh one, dies with its
shim, and is used only for runs it reproduces."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import runcache
from harness.forkclient import Forks
from harness.recipes import Recipe, scrubbed_environ

ENV = {"PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture(scope="module")
def shim():
    forks = Forks(scrubbed_environ(**ENV))
    path = forks.shim()
    assert path is not None, "the fork server did not start"
    yield path
    forks.stop()
    assert not forks.folder.exists()


def pytest_run(python, cwd, timeout=60, **env):
    return subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header", "--color=no"],
        cwd=cwd,
        env=scrubbed_environ(**ENV, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.unit
def test_a_forked_run_exits_and_prints_as_a_fresh_one(shim, tmp_path):
    (tmp_path / "test_it.py").write_text(
        "import os, sys\n\ndef test_it():\n    print(sys.path[0], sys.argv[0], os.environ['MARK'])\n"
        "    sys.stderr.write('to stderr\\n')\n    assert 0\n"
    )
    fresh, forked = (pytest_run(p, tmp_path, MARK="m", PYTEST_ADDOPTS="-s") for p in (sys.executable, shim))
    assert forked.returncode == fresh.returncode == 1
    timing = slice(0, -len(" in 0.01s\n"))
    assert forked.stdout[timing] == fresh.stdout[timing] and "to stderr" in forked.stderr
    assert forked.stderr == fresh.stderr


@pytest.mark.unit
def test_a_request_with_other_startup_settings_runs_fresh(shim, tmp_path):
    """PYTHONWARNINGS is read at start-up only: the runner execs a fresh interpreter for it."""
    (tmp_path / "test_it.py").write_text("import sys\n\ndef test_it():\n    assert sys.warnoptions == ['ignore']\n")
    assert pytest_run(shim, tmp_path, PYTHONWARNINGS="ignore").returncode == 0
    assert pytest_run(shim, tmp_path).returncode == 1  # forked: the server's (empty) warnoptions


@pytest.mark.unit
def test_killing_the_shim_kills_the_run(shim, tmp_path):
    marker = tmp_path / "pid"
    body = f"    open({str(marker)!r}, 'w').write(str(os.getpid()))\n    time.sleep(120)\n"
    (tmp_path / "test_it.py").write_text(f"import os, time\n\ndef test_it():\n{body}")
    with pytest.raises(subprocess.TimeoutExpired):
        pytest_run(shim, tmp_path, timeout=5)
    pid = int(marker.read_text())
    for _ in range(100):
        if not Path(f"/proc/{pid}").exists():
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the run outlived its shim")


@pytest.mark.unit
def test_a_killed_run_kills_its_shim_with_the_same_signal(shim, tmp_path):
    (tmp_path / "test_it.py").write_text(
        "import os, signal\n\ndef test_it():\n    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    assert pytest_run(shim, tmp_path).returncode == -signal.SIGKILL


def recipe_run(tmp_path, **settings):
    (tmp_path / "r" / "p").mkdir(parents=True)
    lines = "".join(f"{k} = {v}\n" for k, v in settings.items())
    (tmp_path / "r" / "recipe.toml").write_text(
        f'[projects]\np = {{}}\n\n[[runs]]\nname = "x"\nproject = "p"\noutcome = "passed"\n{lines}'
    )
    return Recipe.load("r", snippets=tmp_path).run("x")


@pytest.mark.unit
def test_which_runs_fork(tmp_path, monkeypatch):
    """Only a job's process forks; never a run with an env, nor under --update-recorded or RECIPE_FORK=0."""

    class Fake:
        def shim(self):
            return Path("shim")

    monkeypatch.setattr(runcache, "_forks", Fake())
    monkeypatch.setattr(runcache, "_cleanup", None)
    plain = recipe_run(tmp_path)
    assert runcache.python_for(plain, None) == sys.executable  # not in a job's process
    monkeypatch.setattr(runcache, "_cleanup", lambda stop: None)
    assert runcache.python_for(plain, None) == Path("shim")
    assert runcache.python_for(recipe_run(tmp_path / "e", env='{ A = "1" }'), None) == sys.executable
    assert runcache.python_for(recipe_run(tmp_path / "w", warnings="true"), None) == sys.executable
    monkeypatch.setenv(runcache.FORK_ENV, "0")
    assert runcache.python_for(plain, None) == sys.executable
    monkeypatch.delenv(runcache.FORK_ENV)
    monkeypatch.setenv(runcache.UPDATES_ENV, "folder")
    assert runcache.python_for(plain, None) == sys.executable


@pytest.mark.unit
def test_update_mode_is_named_as_the_controller_sets_it():
    from harness import updates

    assert runcache.UPDATES_ENV == updates.ENV
