"""What a recording still reads from pytest's terminal output: what no report object holds.

Everything about tests (failures, logs, warnings, the outcome) comes from the recorder plugin's
records (harness/recipe_record.py). These come before or around them, so only the terminal has them:

    usage-error       pytest's one-line `ERROR: ...` on stderr (a bad option, a conftest's UsageError)
    internal-error    the exception line of an `INTERNALERROR>` traceback
    conftest-error    "ImportError while loading conftest": the traceback pytest prints instead of running
    fixtures-<file>   a `pytest --fixtures` listing, the project's own fixtures only

The patterns for pytest's outcome and log lines are here too; harness/load.py and harness/isolation.py
read their own pytest runs with them.
"""

from __future__ import annotations

import re

OUTCOME_LINE = re.compile(
    r"^=*\s*((\d+ (passed|failed|errors?|skipped|xfailed|xpassed|warnings?|deselected)|no tests ran)\b.*?)\s*=*$"
)
LOG_RECORD = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL) +\S+:\S+:\d+ ")
FIXTURES_FROM = re.compile(r"^-{3,} fixtures defined from (\S+) -{3,}$")
FIXTURE_PATH = re.compile(r"^\S+(?: \[\w+ scope\])? -- (\S+):\d+")
HEADER = re.compile(r"^(_{3,}|={3,}|-{3,}) .+ (_{3,}|={3,}|-{3,})$")  # pytest's section and banner lines
CONFTEST_ERROR = "ImportError while loading conftest"


def scraped(output: str, stderr: str) -> dict[str, list[str]]:
    """The sections above that `output` (stdout and stderr) and `stderr` hold, in that order."""
    sections: dict[str, list[str]] = {}
    sections.update(fixture_listings(output))
    lines = stderr.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(CONFTEST_ERROR)), len(lines))
    if start < len(lines):  # the traceback is all that follows on stderr
        sections["conftest-error"] = lines[start + 1 :]
    if usage := [line for line in lines[:start] if line.startswith("ERROR: ")]:
        sections["usage-error"] = usage
    # The last unindented line of an internal error's traceback names the exception.
    if internal := [
        line
        for line in output.splitlines()
        if line.startswith("INTERNALERROR> ") and not line.startswith("INTERNALERROR>  ")
    ]:
        sections["internal-error"] = internal[-1:]
    return sections


def fixture_listings(output: str) -> dict[str, list[str]]:
    """`pytest --fixtures`: one section per conftest or test file of the project. Files of installed
    plugins are left out: their fixtures' paths are absolute, leave the project, or (in a stored run,
    tests/golden/) start with a placeholder such as <site-packages>."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        if match := FIXTURES_FROM.match(line):
            current = sections.setdefault(f"fixtures-{match.group(1)}", [])
            current.clear()
        elif HEADER.match(line) or OUTCOME_LINE.match(line):
            current = None
        elif current is not None:
            current.append(line)
    return {
        name: lines
        for name, lines in sections.items()
        if not any(m.group(1).startswith(("/", "..", "<")) for m in map(FIXTURE_PATH.match, lines) if m)
    }
