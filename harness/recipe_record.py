"""The recorded text of a run: what a reader needs from pytest's output, in named sections.

A recording is a list of `--8<--` sections that pages include: one per failing test (its `E` lines),
usage and internal errors, log records and warnings when a run asks for them, and the outcome.
"""

from __future__ import annotations

import re

SECTION = re.compile(r"^_{3,} (.+?) _{3,}$")
BANNER = re.compile(r"^={3,} (.+?) ={3,}$")
LOG_HEADER = re.compile(r"^-{3,} (live log|Captured log) (\w+) -{3,}$")
SUBHEADER = re.compile(r"^-{3,} .+ -{3,}$")
OUTCOME_LINE = re.compile(
    r"^=*\s*((\d+ (passed|failed|errors?|skipped|xfailed|xpassed|warnings?|deselected)|no tests ran)\b.*?)\s*=*$"
)
FIXTURES_FROM = re.compile(r"^-{3,} fixtures defined from (\S+) -{3,}$")  # pytest --fixtures
FIXTURE_PATH = re.compile(r"^\S+(?: \[\w+ scope\])? -- (\S+):\d+")
LOG_RECORD = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL) +\S+:\S+:\d+ ")
TEST_ID = re.compile(r"^(\S+\.py::\S+)")
CHAIN = ("During handling of the above exception", "The above exception was the direct cause")


def _section_name(header: str) -> str:
    header = header.replace("ERROR at setup of ", "setup-").replace("ERROR at teardown of ", "teardown-")
    return re.sub(r"[^\w-]+", "-", header).strip("-")


def extract(output: str, logs: bool | str = False, only: list[str] | None = None) -> str:
    """Sections of the recorded file: one per failing test (its E lines), usage and internal
    errors, the outcome.

    With `only`, just those sections and the outcome; a named section the output lacks is
    recorded as `(missing)`, so the difference shows instead of an include going empty.

    With `logs`, log records too (a string: only records matching that regex): `log` for live
    ones, under the id of the test that logged them, `<test>-log` for those captured with a
    failure; and `warnings`, pytest's warnings summary.
    """
    keep = re.compile(logs if isinstance(logs, str) else "") if logs else None
    sections: dict[str, list[str]] = {}
    current = log = None
    test_id: str | None = None
    logged_for: str | None = None
    for line in output.splitlines():
        if match := SECTION.match(line):
            current, log = _section_name(match.group(1)), None
            sections[current] = []
        elif line.startswith("ImportError while loading conftest"):  # a usage error with a traceback
            current, log = "conftest-error", None
            sections[current] = []
        elif match := FIXTURES_FROM.match(line):
            current, log = f"fixtures-{match.group(1)}", None
            sections[current] = []
        elif match := LOG_HEADER.match(line):
            log = "log" if match.group(1) == "live log" else f"{current}-log"
        elif (match := BANNER.match(line)) and match.group(1) == "warnings summary":
            current, log = "warnings" if keep else None, None
            if keep:
                sections["warnings"] = []
        elif SUBHEADER.match(line) or (BANNER.match(line) and not OUTCOME_LINE.match(line)):
            log = None
            if BANNER.match(line):
                current = None
        elif log and LOG_RECORD.match(line):
            if keep and keep.search(line):
                records = sections.setdefault(log, [])
                if log == "log" and test_id is not None and logged_for != test_id:
                    records.append(test_id)
                    logged_for = test_id
                records.append(line)
        elif match := OUTCOME_LINE.match(line):
            sections["outcome"] = [match.group(1)]
        elif current:
            if not line.startswith("-- Docs: "):
                sections[current].append(line)
        elif match := TEST_ID.match(line):
            test_id = match.group(1)
        elif line.startswith("ERROR: "):
            sections.setdefault("usage-error", []).append(line)
        elif line.startswith("INTERNALERROR> ") and not line.startswith("INTERNALERROR>  "):
            sections["internal-error"] = [line]  # the last unindented line: the exception
    for name, lines in list(sections.items()):
        # `pytest --fixtures`: keep the project's own fixtures, not those of installed plugins.
        paths = [m.group(1) for m in map(FIXTURE_PATH.match, lines) if m]
        if name.startswith("fixtures-") and any(p.startswith(("/", "..")) for p in paths):
            del sections[name]
            continue
        # A traceback: keep its E lines (and how exceptions chain); a plain report: keep it whole.
        if any(line.startswith("E   ") for line in lines):
            lines = [ln for ln in lines if ln.startswith("E   ") or ln.startswith(CHAIN)]
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        sections[name] = lines
    if only:
        kept = {name: sections.get(name, ["(missing)"]) for name in only}
        sections = {**kept, **({"outcome": sections["outcome"]} if "outcome" in sections else {})}
    parts = []
    for name, lines in sections.items():
        parts += [f"--8<-- [start:{name}]", *lines, f"--8<-- [end:{name}]"]
    return "\n".join(parts)
