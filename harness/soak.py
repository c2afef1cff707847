"""`./dev soak`: run the whole test job N times, optionally beside CPU hogs, and report every failure.

A job that is red by chance shows up here as a failure in one run of many; the report keeps each
failure's test id and output, so the cause can be found instead of retried away.

    ./dev soak --runs 10 --hogs 2 [--report soak.md] [-- extra pytest args]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.normalize import REPO

HOG = "while True: pass"


def run_job(extra: list[str]) -> tuple[float, list[dict], int]:
    """One `./dev test` (same workers and options): its time, failures and exit status."""
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        junit = Path(tmp, "report.xml")
        began = time.perf_counter()
        proc = subprocess.run(
            [str(REPO / "dev"), "test", f"--junitxml={junit}", *extra],
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        seconds = time.perf_counter() - began
        failures = []
        if junit.exists():
            for case in ET.parse(junit).getroot().iter("testcase"):
                for kind in ("failure", "error"):
                    found = case.find(kind)
                    if found is not None:
                        failures.append(
                            {
                                "id": f"{case.get('classname')}::{case.get('name')}",
                                "kind": kind,
                                "message": found.get("message", ""),
                                "text": (found.text or "")[-4000:],
                            }
                        )
        elif proc.returncode:
            failures.append(
                {"id": "(no report)", "kind": "error", "message": proc.stdout[-300:], "text": proc.stdout[-4000:]}
            )
        return seconds, failures, proc.returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="./dev soak", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--hogs", type=int, default=0, help="busy-looping processes beside the job")
    parser.add_argument("--report", type=Path, default=REPO / ".cache" / "soak" / "report.md")
    parser.add_argument("extra", nargs="*", help="more pytest arguments (after --)")
    args = parser.parse_args(argv)
    hogs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(args.hogs)]
    lines, total_failures, times = [], 0, []
    try:
        for number in range(1, args.runs + 1):
            seconds, failures, status = run_job(args.extra)
            times.append(seconds)
            total_failures += bool(failures or status)
            print(
                f"soak: run {number}/{args.runs}: exit {status}, {len(failures)} failing tests, {seconds:.0f} s",
                flush=True,
            )
            for failure in failures:
                print(
                    f"soak:   {failure['kind']}: {failure['id']}: {(failure['message'].splitlines() or [''])[0][:200]}",
                    flush=True,
                )
                lines += [
                    f"## run {number}: {failure['id']} ({failure['kind']})",
                    "",
                    failure["message"],
                    "",
                    "```text",
                    failure["text"],
                    "```",
                    "",
                ]
    finally:
        for hog in hogs:
            hog.kill()
    summary = (
        f"{args.runs} runs with {args.hogs} CPU hogs: {total_failures} red; "
        f"{min(times):.0f}-{max(times):.0f} s a run, mean {sum(times) / len(times):.0f} s "
        f"({os.cpu_count()} CPUs)"
    )
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join([f"# Soak: {summary}", "", *lines]) + "\n")
    print(f"soak: {summary}; report: {args.report}")
    return 1 if total_failures else 0


if __name__ == "__main__":
    sys.exit(main())
