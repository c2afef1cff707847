"""`--update-recorded` as one batch: tests register what a file should say; the controller writes it.

Under xdist the tests run in worker processes. When each wrote its own files, two writers of one file
needed a lock (a notebook's re-recording and its text check), and a console block had to be found
again in a page that another worker might have just rewritten. Now a test only registers the change
(`register`, or `register_lines` for some lines of a page), spooled as a file in a folder the
controller makes ($RECORDED_UPDATES). At the end of the session the controller applies them file by
file, several line edits of one page bottom-up, and prints one line: `updated: 2 recordings, ...`.

A refresh (`refresh=True`) is a file's text re-derived from the file as it is (a notebook's note and
paired text): any other change of that file wins over it, having been derived the same way.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

from harness.fences import shown

ENV = "RECORDED_UPDATES"
_numbers = itertools.count()


@dataclass(frozen=True)
class Change:
    path: str
    what: str  # what the summary counts it as: "recording", "console block", ...
    text: str
    lines: tuple[int, int] | None = None  # first and last line replaced (1-based); None: the whole file
    old: str = ""  # with `lines`: what they said when the test read them
    refresh: bool = False


@dataclass
class Outcome:
    updated: Counter = field(default_factory=Counter)  # what -> how many changed
    current: int = 0  # registered, and already what the file says
    conflicts: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.updated:
            counts = ", ".join(_counted(n, what) for what, n in sorted(self.updated.items()))
            return (
                f"updated: {counts}; {_counted(self.current, 'other output')} registered {_were(self.current)} current"
            )
        return f"updated: nothing; {_counted(self.current, 'output')} registered, all current"


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _were(n: int) -> str:
    return "was" if n == 1 else "were"


def register(path: Path, text: str, what: str, *, refresh: bool = False) -> None:
    """The whole of `path` should be `text`."""
    _spool(Change(str(path), what, text, refresh=refresh))


def register_lines(path: Path, first: int, last: int, old: str, new: str, what: str) -> None:
    """Lines `first`..`last` of `path` (1-based), which said `old`, should say `new`."""
    _spool(Change(str(path), what, new, lines=(first, last), old=old))


def _spool(change: Change) -> None:
    folder = os.environ.get(ENV)
    if not folder:
        raise RuntimeError(f"{ENV} is unset: changes are registered only in a pytest --update-recorded run")
    name = Path(folder) / f"{os.getpid()}-{next(_numbers)}"
    name.with_suffix(".tmp").write_text(json.dumps(asdict(change)), encoding="utf-8")
    name.with_suffix(".tmp").rename(name.with_suffix(".json"))  # the controller never reads half a change


def pending(folder: Path) -> list[Change]:
    changes = []
    for spooled in sorted(folder.glob("*.json")):
        data = json.loads(spooled.read_text(encoding="utf-8"))
        lines = data.pop("lines")
        changes.append(Change(**data, lines=tuple(lines) if lines else None))
    return changes


def apply(changes: list[Change]) -> Outcome:
    """Write every change, file by file; a file whose changes contradict each other is left alone."""
    outcome = Outcome()
    by_path: dict[str, list[Change]] = {}
    for change in dict.fromkeys(changes):  # the same change twice (a test run again) counts once
        by_path.setdefault(change.path, []).append(change)
    for path, group in sorted(by_path.items()):
        try:
            _apply_to(Path(path), group, outcome)
        except ValueError as problem:
            outcome.conflicts.append(f"{shown(Path(path))}: {problem}")
    return outcome


def _apply_to(path: Path, group: list[Change], outcome: Outcome) -> None:
    chosen = [c for c in group if not c.refresh] or group
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if all(c.lines for c in chosen):
        text, changed = _edit_lines(path, current, chosen)
        outcome.updated.update(c.what for c in changed)
        outcome.current += len(chosen) - len(changed)
    elif any(c.lines for c in chosen):
        raise ValueError("both the whole file and some of its lines were registered")
    elif len({c.text for c in chosen}) > 1:
        raise ValueError(f"{len(chosen)} different texts were registered ({', '.join(c.what for c in chosen)})")
    else:
        text = chosen[0].text
        if text == current:
            outcome.current += 1
        else:
            outcome.updated[chosen[0].what] += 1
    if text != current:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _edit_lines(path: Path, current: str | None, edits: list[Change]) -> tuple[str, list[Change]]:
    """The file with every edit made, from the last lines up so earlier line numbers hold."""
    if current is None:
        raise ValueError("lines of a file that does not exist")
    lines = current.splitlines(keepends=True)
    changed, next_first = [], len(lines) + 1  # where the edit below this one starts
    for edit in sorted(edits, key=lambda c: c.lines or (0, 0), reverse=True):
        assert edit.lines is not None  # only edits of lines come here (see apply)
        first, last = edit.lines
        if last >= next_first:
            raise ValueError(f"lines {first}-{last} overlap another edit")
        if "".join(lines[first - 1 : last]) != edit.old:
            raise ValueError(f"lines {first}-{last} changed since the test read them")
        if edit.text != edit.old:
            lines[first - 1 : last] = [edit.text]
            changed.append(edit)
        next_first = first
    return "".join(lines), changed


# The controller's side, as a pytest plugin (registered by the root conftest.py). The folder is the
# stash's, not the environment's: a pytest a test starts inherits $RECORDED_UPDATES and must not apply.
FOLDER, OUTCOME = pytest.StashKey[Path](), pytest.StashKey[Outcome]()


def pytest_configure(config):
    if os.environ.get("PYTEST_XDIST_WORKER") or config.option.collectonly:
        return
    if config.getoption("--update-recorded"):
        folder = tempfile.mkdtemp(prefix="recorded-updates-")
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
        config.stash[FOLDER] = Path(folder)
        os.environ[ENV] = folder  # xdist workers start later and inherit it


def pytest_sessionfinish(session):
    if FOLDER in session.config.stash:
        outcome = session.config.stash[OUTCOME] = apply(pending(session.config.stash[FOLDER]))
        if outcome.conflicts:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    outcome = config.stash.get(OUTCOME, None)
    if outcome is None:
        return
    for conflict in outcome.conflicts:
        terminalreporter.write_line(f"not updated: {conflict}", red=True)
    terminalreporter.write_line(outcome.line(), bold=True)
