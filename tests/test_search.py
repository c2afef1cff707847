"""A reader who pastes an error line into the site's search finds its page first.

The queries are the rows of the find-your-error table on the home page, so that table is tested
against the built site's real search index (harness.search rebuilds it as the browser does).
"""

import functools
import re

import pytest

from harness.normalize import REPO
from harness.search import SiteSearch


ROW = re.compile(r"^\| (?P<seen>.+?) \| \[[^\]]+\]\((?P<page>errors/[\w-]+)\.md(?:#[\w-]+)?\) \|$")
ROWS = [m.groupdict() for m in map(ROW.match, (REPO / "docs" / "index.md").read_text().splitlines()) if m]


def pasted_text(seen: str) -> str:
    """What a reader pastes: the row's code spans, without the table's `...` elisions."""
    spans = re.findall(r"`([^`]+)`", seen) or [seen]
    return " ".join(spans).replace("<...>", " ").replace("...", " ")


def test_the_table_has_a_row_for_every_error_page():
    pages = {page.stem for page in (REPO / "docs" / "errors").glob("*.md")}
    assert {row["page"].removeprefix("errors/") for row in ROWS} == pages


@pytest.fixture(scope="session")  # building the index takes seconds: once per worker
def search(build):
    return SiteSearch(build[0])


def error_of(page: str) -> str | None:
    """Which error a result is about: its error page and its notebook are the same error."""
    kind, _, slug = page.strip("/").partition("/")
    return slug if kind in ("errors", "notebooks") else None


@pytest.mark.parametrize("row", ROWS, ids=[pasted_text(r["seen"])[:60] for r in ROWS])
def test_pasted_error_finds_its_page(search, row):
    """The first result about any error is about this one, and its page is among the first five."""
    ranked = search.pages(pasted_text(row["seen"]))
    errors = [error_of(page) for page in ranked if error_of(page)]
    assert errors and errors[0] == error_of(row["page"]), ranked[:5]
    assert row["page"] + "/" in ranked[:5], ranked[:5]


@functools.cache
def recorded_text() -> str:
    """Everything a real run printed: recipe recordings, version variants and notebook outputs."""
    from harness import notebooks

    parts = [p.read_text() for p in (REPO / "snippets").glob("*/recorded/*.txt")]
    parts += [p.read_text() for p in (REPO / "matrix" / "variants").rglob("*.md")]
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        for cell in notebooks.read(path).cells:
            for output in cell.get("outputs", []):
                parts.append("".join(output.get("text", "")) + "".join(output.get("traceback", [])))
                parts.append("".join(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


@pytest.mark.parametrize("row", ROWS, ids=[pasted_text(r["seen"])[:60] for r in ROWS])
def test_every_line_in_the_table_was_printed_by_a_run(row):
    """The table quotes what readers see, so each quoted fragment must be text a run here printed."""
    text = recorded_text()
    spans = re.findall(r"`([^`]+)`", row["seen"])
    fragments = [f.strip() for span in spans for f in re.split(r"<\.\.\.>|\.\.\.", span) if f.strip()]
    assert fragments and [f for f in fragments if f not in text] == []
