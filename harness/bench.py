"""`./dev bench`: print what the test job costs. Figures only; nothing here passes or fails."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from harness import pgserver
from harness.normalize import REPO


# pytest --durations lines: "12.34s call     tests/test_recipes.py::test_run...[slug/run]"
DURATION = re.compile(r"^(\d+\.\d+)s (setup|call|teardown)\s+(\S.*)$")
PHASES = [  # (where a test lives, phase): the first that matches names the phase
    ("tests/test_recipes.py", "recipe runs"),
    ("tests/test_notebooks.py", "notebooks"),
    ("tests/test_lab.py", "lab"),
    ("docs/", "page blocks (python)"),
    ("tests/test_fences.py", "page blocks (console, ini)"),
    ("tests/test_site.py", "site build and links"),
    ("tests/test_search.py", "search"),
    ("tests/test_browser.py", "browser tier"),
    ("tests/test_load.py", "load data checks"),
    ("tests/test_matrix.py", "matrix data checks"),
]


def phase_of(test: str) -> str:
    return next((phase for where, phase in PHASES if test.startswith(where)), "other checks")


def timed(command: list[str], **kwargs) -> tuple[float, str]:
    began = time.perf_counter()
    proc = subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - began, proc.stdout


def main() -> int:
    starts = []
    for _ in range(3):
        server = pgserver.start()
        starts.append(server.startup_seconds)
        server.stop()
    print(f"throwaway server ready: median {statistics.median(starts):.2f}s "
          f"(runs: {', '.join(f'{s:.2f}' for s in starts)})")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryDirectory() as site:
        build, _ = timed([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", site], env=env)
    print(f"site build (mkdocs build --strict): {build:.2f}s")
    workers = os.environ.get("TEST_WORKERS", "3")
    job, output = timed([sys.executable, "-m", "pytest", "-q", "-n", workers,
                         "--durations=0", "--durations-min=0"], env=env)
    print(f"test job (pytest -n {workers}): {job:.2f}s wall")
    durations = [(float(m[1]), m[2], m[3]) for m in map(DURATION.match, output.splitlines()) if m]
    totals: dict[str, float] = {}
    for seconds, when, test in durations:
        # a slow setup is a session fixture: the throwaway server, the site build
        phase = "session fixtures (server, build)" if when == "setup" and seconds > 1 else phase_of(test)
        totals[phase] = totals.get(phase, 0.0) + seconds
    busy = sum(totals.values())
    print(f"time in tests, by phase (summed over {workers} workers: {busy:.0f}s busy in {job:.0f}s wall,"
          f" {busy / job / int(workers):.0%} of the workers' time):")
    for phase, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {phase:<34}{seconds:7.1f}s")
    slowest = sorted(durations, reverse=True)[:10]
    print("slowest tests:\n" + "\n".join(f"  {s:6.2f}s {when:<8} {test}" for s, when, test in slowest))
    print(output.strip().splitlines()[-1].strip("= "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
