"""A pytest plugin that writes what a recipe run reported, as data, to the JSON file $RECIPE_RECORDS names.

The harness used to read a run's failures, logs and outcome back out of pytest's terminal output with
regular expressions. This plugin keeps them as pytest's own objects have them instead: every test and
collection report (its outcome, its longrepr as --tb=short prints it, its captured sections), the log
records of each phase with their level, the live log records, the warnings, and the summary counts.
harness/recipe_record.py selects a recording from that.

It lives in a folder of its own, which the harness puts on the run's PYTHONPATH and loads with
PYTEST_PLUGINS, so the run imports nothing else of the harness; and it prints nothing, so the run's
output is the same with it. A report gets one attribute more (its phase's log records), which
pytest-xdist carries from a worker to the controller with the report; only the controller writes.
"""

from __future__ import annotations

import io
import json
import os

import pytest

ENV = "RECIPE_RECORDS"
LOGS = "recipe_recorder_logs"  # the report attribute: the log records of the report's own phase


def watch(handler, note) -> None:
    """Call `note(record, text)` each time `handler` formats a record, which it does only to emit it."""
    format = handler.format

    def formatted(record):
        text = format(record)
        note(record, text)
        return text

    handler.format = formatted


def log_record(record, text: str) -> dict:
    return {"level": record.levelname, "logger": record.name, "text": text}


class PhaseLogs:
    """Attaches to each test report the records pytest captured in its phase ("Captured log <phase>")."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.logging = None
        self.phase: list[dict] = []

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self) -> None:
        # The logging plugin registers itself late in pytest_configure; its handlers exist by now and
        # hold no record yet (they are attached to the root logger only from this hook on).
        self.logging = self.config.pluginmanager.get_plugin("logging-plugin")
        if self.logging is not None:
            watch(self.logging.report_handler, lambda record, text: self.phase.append(log_record(record, text)))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self):
        report = yield
        setattr(report, LOGS, self.phase)  # a phase's records are all in before its report is made
        self.phase = []
        return report


class Recorder(PhaseLogs):
    """The controller's: everything the run reported, written to `path` when pytest ends."""

    def __init__(self, config: pytest.Config, path: str) -> None:
        super().__init__(config)
        self.path = path
        self.live: list[dict] = []
        self.seen: list[dict] = []  # each warning's phase and category, in the order pytest records them
        self.named: str | None = None  # the test the terminal named last: live records print under it
        self.data: dict = {"summary": None, "terminal_summary": False, "warnings_shown": 0}

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self) -> None:
        super().pytest_sessionstart()
        if self.logging is not None:
            watch(self.logging.log_cli_handler, self.live_record)  # a null handler without log_cli

    def live_record(self, record, text: str) -> None:
        assert self.logging is not None  # only watched when logging is on (pytest_sessionstart)
        when = getattr(self.logging.log_cli_handler, "_when", None)
        self.live.append({"nodeid": self.named, "when": when, **log_record(record, text)})

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self.named = nodeid

    def pytest_warning_recorded(self, warning_message, when: str, nodeid: str) -> None:
        self.seen.append({"when": when, "category": warning_message.category.__name__})

    def pytest_terminal_summary(self, terminalreporter) -> None:
        # Called inside the terminal reporter's own summary, after its first warnings summary: the
        # warnings recorded so far are those it showed (later ones go to a "(final)" summary).
        self.data["terminal_summary"] = not getattr(self.config.option, "no_summary", False)
        self.data["warnings_shown"] = len(terminalreporter.stats.get("warnings", []))

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionfinish(self):
        result = yield
        # Outside the terminal reporter's wrapper: its summary line ("1 failed, 1 passed") is out.
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            if self.config.get_verbosity() >= -1:
                self.data["summary"] = [text for text, _ in reporter.build_summary_stats_line()[0]]
            self.data.update(self.stats(reporter))
        return result

    def stats(self, reporter) -> dict:
        """The terminal reporter's reports and warnings, by its categories and in its order."""
        reports, warnings, counts = [], [], {}
        for category, entries in reporter.stats.items():
            if category:  # "": passing setup and teardown phases, which the summary does not count
                counts[category] = sum(getattr(e, "count_towards_summary", True) for e in entries)
            for entry in entries:
                if category == "warnings":
                    warnings.append(
                        {"nodeid": entry.nodeid, "location": entry.get_location(self.config), "message": entry.message}
                    )
                elif hasattr(entry, "longrepr"):  # not the deselected items
                    reports.append(report_record(entry, category))
        for warning, seen in zip(warnings, self.seen, strict=False):  # pairs in the order both saw them
            warning.update(seen)
        options = self.config.option
        return {
            "reports": reports,
            "warnings": warnings,
            "counts": counts,
            "live_logs": self.live,
            "options": {
                "showcapture": options.showcapture,
                "tbstyle": options.tbstyle,
                "reportchars": "".join(c for c in "fEsxXpPw" if reporter.hasopt(c)),
                "xfail_tb": getattr(options, "xfail_tb", False),
            },
        }

    def pytest_unconfigure(self) -> None:
        with open(self.path, "w", encoding="utf-8") as file:
            json.dump(self.data, file)


def printed_longrepr(report) -> str | None:
    """What the terminal prints for a report before its sections: its longrepr, after the line that
    names a pytest-xdist worker (the same as report.longreprtext, which strips)."""
    if report.longrepr is None and not hasattr(report, "node"):
        return None
    from _pytest._io import TerminalWriter

    file = io.StringIO()
    writer = TerminalWriter(file)
    writer.hasmarkup = False
    report.toterminal(writer)
    return file.getvalue()


def report_record(report, category: str) -> dict:
    crash = getattr(report.longrepr, "reprcrash", None)
    chain = getattr(report.longrepr, "chain", None) or []
    return {
        "category": category,  # the terminal reporter's: passed, failed, error, skipped, "" ...
        "nodeid": report.nodeid,
        "when": report.when,  # setup, call, teardown; collect for a collection report
        "outcome": report.outcome,
        "head_line": report.head_line,
        "longrepr": printed_longrepr(report),
        "crash": crash and {"path": crash.path, "lineno": crash.lineno, "message": crash.message},
        "chain": [{"message": c and c.message, "description": d} for _, c, d in chain],
        "sections": [list(section) for section in report.sections],
        "logs": getattr(report, LOGS, []),
    }


def pytest_configure(config: pytest.Config) -> None:
    path = os.environ.get(ENV)
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: its reports go to the controller
        config.pluginmanager.register(PhaseLogs(config), "recipe-recorder")
    elif path:
        config.pluginmanager.register(Recorder(config, path), "recipe-recorder")
