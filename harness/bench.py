"""`./dev bench`: print what the test job costs. Figures only; nothing here passes or fails."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from harness import pgserver
from harness.normalize import REPO


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
                         "--durations=10"], env=env)
    print(f"test job (pytest -n {workers}): {job:.2f}s wall")
    slowest = output.split("slowest 10 durations", 1)[-1].split("\n\n")[0].strip("= \n")
    print("slowest tests:\n" + "\n".join("  " + line for line in slowest.splitlines()))
    print(output.strip().splitlines()[-1].strip("= "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
