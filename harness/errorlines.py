"""The error and warning lines a page's runs recorded, one list per recipe.

A line counts when it is an exception or warning (`Name: message`, pytest's `E` prefix removed),
a log record at WARNING or above, or the recommended conftest's one-line `ERROR:`. AssertionError
is left out: its text is the test's own assert, and the library message it quotes is recorded in
an exception line of its own. Pages list these lines (`{{ error-lines: slug }}`) so that a reader
who pastes one into the search finds the page; tests/test_search.py checks that they do.
"""

from __future__ import annotations

import functools
import re

from harness.normalize import REPO

ERROR_LINE = re.compile(
    r"^(?:E\s+)?(?P<line>(?:[\w.]+\.)?(?!AssertionError\b)\w*(?:Error|Exception|Warning)(?::\s.*)?"
    r"|(?:WARNING|ERROR|CRITICAL)\s+\S+:\S+:<line> .*|ERROR: .*)$"
)
# The normalizer's placeholders, back to values of the kind a reader's own line has there.
CONCRETE = {
    "<port>": "5434",
    "0x<addr>": "0x7f3a2c1d0e80",
    "<line>": "42",
    "<project>": "/home/me/app",
    "<id>": "140120871234560",
    "<pid>": "4242",
    "<tmp>": "/tmp/pytest-of-me",
}


def texts(slug: str) -> list[str]:
    """Everything the slug's runs printed: its recordings, version variants and notebook outputs."""
    return [text for _, text in sources(slug)]


def sources(slug: str) -> list[tuple[str, str]]:
    """(where it came from, as a block title says it, text) for everything the slug's runs printed."""
    from harness import notebook_runner, provenance
    from harness.recipes import Recipe

    recipe = Recipe.load(slug)
    found = [
        (provenance.title(recipe.run(p.stem)), p.read_text())
        for p in sorted((REPO / "snippets" / slug / "recorded").glob("*.txt"))
    ]
    found += [
        (provenance.title(recipe.run(p.stem.split("--")[0]), outcome=False) + " (version tabs)", p.read_text())
        for p in sorted((REPO / "matrix" / "variants" / slug).glob("*.md"))
    ]
    notebook = REPO / "notebooks" / f"{slug}.ipynb"
    if notebook.exists():
        where = f"notebook {slug} · ./dev notebook {slug}"
        for cell in notebook_runner.read(notebook).cells:
            for output in cell.get("outputs", []):
                found.append((where, "".join(output.get("text", "")) + "".join(output.get("traceback", []))))
                found.append((where, "".join(output.get("data", {}).get("text/plain", ""))))
    return found


@functools.cache
def lines(slug: str) -> tuple[str, ...]:
    """The distinct error lines, in the order the runs first printed them, as recorded."""
    return tuple(origins(slug))


@functools.cache
def origins(slug: str) -> dict[str, str]:
    """Each distinct error line and where it was first printed (a run's command, or the notebook)."""
    found: dict[str, str] = {}
    for where, text in sources(slug):
        for line in text.splitlines():
            if m := ERROR_LINE.match(line.strip()):
                found.setdefault(m["line"], where)
    return found


def pasted(line: str) -> str:
    """The line as a reader would paste it: their own values where the recording has placeholders."""
    for placeholder, value in CONCRETE.items():
        line = line.replace(placeholder, value)
    return line


def markdown(slug: str) -> str:
    """A collapsed block listing the lines, for the page that shows the slug's runs."""
    found = lines(slug)
    if not found:
        # AssertionError is left out above: a page whose runs fail only on asserts says so.
        failures = [
            line
            for text in texts(slug)
            for line in text.splitlines()
            if line.startswith("E   ") and not line[4:].startswith(" ") and line[4:].strip()
        ]
        if not failures or not all(line.startswith("E   AssertionError") for line in failures):
            raise ValueError(f"{slug}: no recorded error or warning lines")
        return (
            '!!! info "The recordings of these runs hold no error or warning line: each failure they'
            ' record is an `AssertionError`."\n'
        )
    # Each line is titled with the run that printed it first: one hop to the command.
    items = "\n".join(f'    - {code(line)}{{title="{where}"}}' for line, where in origins(slug).items())
    title = f"Error and warning lines in these runs' recordings, version tabs and notebook ({len(found)})"
    return f'??? info "{title}"\n\n{items}\n'


def code(line: str) -> str:
    """An inline code span that holds the line whatever backticks it contains."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", line)), default=0) + 1)
    pad = " " if line.startswith("`") or line.endswith("`") else ""
    return f"{fence}{pad}{line}{pad}{fence}"
