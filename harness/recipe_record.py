"""The recorded text of a run: what a reader needs from what pytest reported, in named sections.

A recording is a list of `--8<--` sections that pages include: one per test the summary reports
(a failure's `E` lines and how its exceptions chain, or a passing test's output with -rP), log
records and warnings when a run asks for them, and the outcome line.

They are selected from the records harness/plugin/recipe_recorder.py writes during the run: its
reports, log records, warnings and summary, in the order pytest's terminal summary shows them, and
each block as that summary prints it. What no report holds is read from the terminal instead
(harness/terminal_text.py): usage errors, internal errors, a conftest that does not import, and
`pytest --fixtures` listings.
"""

from __future__ import annotations

import re

from harness.terminal_text import LOG_RECORD, OUTCOME_LINE, scraped

__all__ = ["LOG_RECORD", "OUTCOME_LINE", "extract"]

CHAIN = ("During handling of the above exception", "The above exception was the direct cause")
DOCS = "-- Docs: "  # the link that ends pytest's warnings summary


def section_name(header: str) -> str:
    """A section's name from the summary's header line: `test_add[one]` -> `test_add-one`,
    `ERROR at setup of test_a` -> `setup-test_a`."""
    header = header.replace("ERROR at setup of ", "setup-").replace("ERROR at teardown of ", "teardown-")
    return re.sub(r"[^\w-]+", "-", header).strip("-")


def extract(
    output: str,
    logs: bool | str = False,
    only: list[str] | None = None,
    records: dict | None = None,
    stderr: str = "",
    warnings: bool = False,
) -> str:
    """The recorded text of a run: its sections from `records` (None: pytest wrote none, as when it
    was killed), then those only the terminal output shows, and the outcome.

    With `only`, just those sections and the outcome; a named section the run lacks is recorded
    as `(missing)`, so the difference shows instead of an include going empty.

    With `logs`, log records too (a string: only records matching that regex): `log` for the live
    ones (log_cli), each test's id before its first; `<section>-log` for those the summary shows
    with a test. With `warnings`, pytest's warnings summary (`warnings`).
    """
    keep = re.compile(logs if isinstance(logs, str) else "") if logs else None
    sections = Sections()
    if records and keep:
        live_log(records, keep, sections)
    terminal = scraped(output, stderr)
    for name in [n for n in terminal if n.startswith("fixtures-")]:
        sections.add(name, terminal.pop(name))
    if records and records.get("terminal_summary"):
        summary(records, keep, sections, warnings)
    if "internal-error" in terminal:  # printed as it happens, before the summary line if there is one
        sections.add("internal-error", terminal.pop("internal-error"))
    if records and records.get("summary"):
        sections.add("outcome", [", ".join(records["summary"])])
    for name, lines in terminal.items():  # on stderr, after all of that
        sections.add(name, lines)
    return sections.text(only)


class Sections(dict):
    """Section name -> lines, in the order the summary shows them; a name shown again starts over
    in its first place, as when a test is reported twice."""

    def add(self, name: str, lines: list[str]) -> list[str]:
        self[name] = list(lines)
        return self[name]

    def text(self, only: list[str] | None) -> str:
        cleaned = {name: _cleaned(lines) for name, lines in self.items()}
        if only:
            kept = {name: cleaned.get(name, ["(missing)"]) for name in only}
            cleaned = {**kept, **({"outcome": cleaned["outcome"]} if "outcome" in cleaned else {})}
        parts = []
        for name, lines in cleaned.items():
            parts += [f"--8<-- [start:{name}]", *lines, f"--8<-- [end:{name}]"]
        return "\n".join(parts)


def _cleaned(lines: list[str]) -> list[str]:
    """A traceback: its E lines and how exceptions chain; a plain report (a passing test's output,
    a warning, a message): all of it. No trailing blank lines."""
    if any(line.startswith("E   ") for line in lines):
        lines = [ln for ln in lines if ln.startswith("E   ") or ln.startswith(CHAIN)]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _log_line(record: dict, keep: re.Pattern) -> str | None:
    """A log record's first line, as printed, if it is one a recording keeps; its other lines,
    if it has more, are left out."""
    first = record["text"].split("\n", 1)[0]
    return first if LOG_RECORD.match(first) and keep.search(first) else None


def live_log(records: dict, keep: re.Pattern, sections: Sections) -> None:
    """The live log records (log_cli) that match, each test's id before its first record."""
    lines, named = [], None
    for record in records.get("live_logs", []):
        if (line := _log_line(record, keep)) is not None:
            if record["nodeid"] != named:
                lines.append(named := record["nodeid"])
            lines.append(line)
    if lines:
        sections.add("log", lines)


# --- the terminal summary, rebuilt from its reports ---------------------------------------------


class Summary:
    """What pytest's terminal summary shows of each report, following _pytest/terminal.py's
    summary_errors, summary_failures, summary_warnings and summary_passes."""

    def __init__(self, records: dict, keep: re.Pattern | None, sections: Sections) -> None:
        self.records, self.keep, self.sections = records, keep, sections
        self.reports = records.get("reports", [])
        self.options = records.get("options", {})
        self.current: str | None = None  # the section the lines printed now belong to

    def of(self, category: str) -> list[dict]:
        return [r for r in self.reports if r["category"] == category]

    def phase(self, nodeid: str, when: str) -> dict | None:
        return next((r for r in self.reports if r["nodeid"] == nodeid and r["when"] == when), None)

    def block(self, header: str | None, report: dict, teardown_only: bool = False) -> None:
        """One report as _outrep_summary prints it (under `header`, if any): its longrepr, then
        its captured sections; with `teardown_only`, only its teardown sections."""
        if header is not None:
            self.current = section_name(header)
            self.sections.add(self.current, [])
        if not teardown_only and report["longrepr"]:
            self.lines(report["longrepr"].splitlines())
        showcapture = self.options.get("showcapture", "all")
        if showcapture == "no":
            return
        for name, content in report["sections"]:
            if (showcapture != "all" and showcapture not in name) or (teardown_only and "teardown" not in name):
                continue
            if name.startswith("Captured log "):
                self.captured_log(report["nodeid"], name.removeprefix("Captured log "))
            else:
                self.lines((content.removesuffix("\n") + "\n").splitlines())  # as the terminal prints it

    def lines(self, lines: list[str]) -> None:
        if self.current is not None:
            self.sections[self.current] += [line for line in lines if not line.startswith(DOCS)]

    def captured_log(self, nodeid: str, when: str) -> None:
        """A "Captured log <when>" section: the records that match go to `<section>-log`."""
        phase = self.phase(nodeid, when)
        for record in phase["logs"] if phase else []:
            if self.keep and self.current and (line := _log_line(record, self.keep)) is not None:
                self.sections.setdefault(f"{self.current}-log", []).append(line)

    def teardowns(self, nodeid: str) -> None:
        for report in self.of(""):
            if report["when"] == "teardown" and report["nodeid"] == nodeid:
                self.block(None, report, teardown_only=True)

    def errors(self) -> None:
        for report in self.of("error"):
            head = report["head_line"] or "test session"
            self.block(
                f"ERROR collecting {head}" if report["when"] == "collect" else f"ERROR at {report['when']} of {head}",
                report,
            )

    def failures(self, category: str) -> None:
        for report in self.of(category):
            self.block(report["head_line"] or "test session", report)
            self.teardowns(report["nodeid"])

    def passes(self, category: str) -> None:
        for report in self.of(category):
            if report["sections"]:
                self.block(report["head_line"] or "test session", report)
            self.teardowns(report["nodeid"])

    def warnings(self) -> None:
        """The first warnings summary (not the "(final)" one after it): each message once, after
        the tests that gave it."""
        shown = self.records.get("warnings", [])[: self.records.get("warnings_shown", 0)]
        if not shown:
            return
        lines = self.sections.add("warnings", [])
        grouped: dict[str, list[str]] = {}
        for warning in shown:
            grouped.setdefault(warning["message"], []).append(warning["location"])
        for message, locations in grouped.items():
            locations = [location for location in locations if location]
            if len(locations) >= 10:  # pytest counts them by file instead
                counts: dict[str, int] = {}
                for location in locations:
                    counts[location.split("::", 1)[0]] = counts.get(location.split("::", 1)[0], 0) + 1
                locations = [f"{k}: {v} warning{'s' if v > 1 else ''}" for k, v in counts.items()]
            lines += locations
            lines += [("  " + line if locations else line) for line in message.rstrip().splitlines()]
            lines.append("")


def summary(records: dict, keep: re.Pattern | None, sections: Sections, warnings: bool = False) -> None:
    """The sections of pytest's terminal summary, in its order: errors, failures, xfailures,
    warnings (with `warnings`), passes (-rP), xpasses (-rX). Each group opens with a banner, after
    which lines belong to no section until a report's header."""
    shown = Summary(records, keep, sections)
    chars = shown.options.get("reportchars", "")
    style = shown.options.get("tbstyle", "short")
    groups = [
        (style != "no", shown.errors),
        # --tb=line prints failures without a header: in no section, as the scraped output had them
        (style not in ("no", "line"), lambda: shown.failures("failed")),
        (style not in ("no", "line") and shown.options.get("xfail_tb"), lambda: shown.failures("xfailed")),
        (warnings and "w" in chars, shown.warnings),
        (style != "no" and "P" in chars, lambda: shown.passes("passed")),
        (style != "no" and "X" in chars, lambda: shown.passes("xpassed")),
    ]
    for wanted, group in groups:
        shown.current = None
        if wanted:
            group()
