"""A reader who pastes an error line into the site's search finds its page first.

The queries are the rows of the find-your-error table on the home page, so that table is tested
against the built site's real search index (harness.search rebuilds it as the browser does).
"""

import functools
import re

import pytest

from harness import catalogue
from harness.search import SiteSearch

ROWS = catalogue.rows()


def pasted_text(seen: str) -> str:
    """What a reader pastes: the row's code spans, without the table's `...` elisions, and without
    the colons that end a word, as the home page asks (the search box reads `Name:` as a field)."""
    spans = re.findall(r"`([^`]+)`", seen) or [seen]
    text = " ".join(spans).replace("<...>", " ").replace("...", " ")
    return re.sub(r"(?<=\S):(?=\s|$)", "", text)


@pytest.fixture(scope="session")  # building the index takes seconds: once per worker
def search(build):
    return SiteSearch(build[0])


def error_of(page: str) -> str | None:
    """Which error a result is about: its error page and its notebook are the same error."""
    kind, _, slug = page.strip("/").partition("/")
    return slug if kind in ("errors", "notebooks") else None


@pytest.mark.parametrize("row", ROWS, ids=[pasted_text(r.seen)[:60] for r in ROWS])
def test_pasted_error_finds_its_page(search, row):
    """The first result about any error is about this one, and its page is among the first five."""
    ranked = search.pages(pasted_text(row.seen))
    errors = [error_of(page) for page in ranked if error_of(page)]
    assert errors and errors[0] == error_of(row.page), ranked[:5]
    assert row.page + "/" in ranked[:5], ranked[:5]


@functools.cache
def recorded_text() -> str:
    """Everything a real run printed: recipe recordings, version variants and notebook outputs."""
    from harness import errorlines

    return "\n".join(text for slug in sorted(recipe_slugs()) for text in errorlines.texts(slug))


@pytest.mark.unit
@pytest.mark.parametrize("row", ROWS, ids=[pasted_text(r.seen)[:60] for r in ROWS])
def test_every_line_in_the_table_was_printed_by_a_run(row):
    """The table quotes what readers see, so each quoted fragment must be text a run here printed."""
    text = recorded_text()
    spans = re.findall(r"`([^`]+)`", row.seen)
    fragments = [f.strip() for span in spans for f in re.split(r"<\.\.\.>|\.\.\.", span) if f.strip()]
    assert fragments and [f for f in fragments if f not in text] == []


def recipe_slugs() -> set[str]:
    """Every recipe with recorded runs."""
    return {e.slug for e in catalogue.entries() if e.recipe and any(e.recipe.root.glob("recorded/*.txt"))}


def shape(line: str) -> str:
    """A message without its names and numbers: two lines of one shape are the same error."""
    line = re.sub(r"'[^']*'|\"[^\"]*\"|0x[0-9a-f]+", "_", line)
    while (inner := re.sub(r"<[^<>]*>|\[[^\[\]]*\]|\{[^{}]*\}", "_", line)) != line:
        line = inner  # <...>, lists and sets, innermost first
    return re.sub(r"\d+", "N", line)


def summary_spans() -> dict[str, list[list[str]]]:
    """Each error page's first-screen "You see" code spans, split where they elide text."""
    found = {}
    for page in (e.page for e in catalogue.errors()):
        summary = page.read_text().split("**The cause:**")[0]
        spans = re.findall(r"`([^`]+)`", summary)
        found[f"errors/{page.stem}/"] = [
            [f.strip() for f in re.split(r"<\.\.\.>|\.\.\.", span) if f.strip()] for span in spans
        ]
    return found


def recorded_lines() -> dict[str, set[str]]:
    """Every distinct error line the recordings hold, pasted as is, and the pages that show that
    error: pages whose runs printed a line of its shape, and error pages whose summary quotes it."""
    from harness import errorlines

    slugs = sorted(recipe_slugs())
    printed = {slug: {shape(line) for line in errorlines.lines(slug)} for slug in slugs}
    summaries = summary_spans()
    found: dict[str, set[str]] = {}
    for slug in slugs:
        for line in errorlines.lines(slug):
            pages = {page_of(other) for other in slugs if shape(line) in printed[other]}
            pages |= {
                page
                for page, spans in summaries.items()
                if any(all(fragment in line for fragment in span) for span in spans)
            }
            found.setdefault(errorlines.pasted(line), set()).update(pages)
    return found


def page_of(slug: str) -> str:
    """The page that shows a recipe's runs, as a search result names it."""
    return catalogue.entry(slug).url


RECORDED = recorded_lines()


@pytest.mark.unit
def test_each_page_lists_the_error_lines_of_its_runs():
    """The lines the search test below pastes are on the pages, rendered from the recordings."""
    slugs = recipe_slugs()
    missing = sorted(
        slug for slug in slugs if f"{{{{ error-lines: {slug} }}}}" not in catalogue.entry(slug).page.read_text()
    )
    assert missing == []


@pytest.mark.unit
def test_each_listed_line_is_titled_with_a_run_that_printed_it():
    """One hop: the title of each listed line is the command of a run (or the notebook) whose output holds it."""
    from harness import errorlines

    for slug in sorted(recipe_slugs()):
        printed = errorlines.sources(slug)
        for line, where in errorlines.origins(slug).items():
            assert any(w == where and line in text for w, text in printed), (slug, line, where)
            assert f"./dev recipe {slug} " in where or where.endswith(f"./dev notebook {slug}"), where


def finds(ranked: list[str], pages: set[str]) -> str | None:
    """Why `ranked` fails a reader looking for one of `pages`, or None when it does not.

    A line only error pages show is that error's: the first error page found must show it. A line
    a guide also printed (DataFlow's start-up warnings, say) is no one error's: a page that shows
    it must be among the first three. Either way one must be among the first five."""
    slugs = {page.split("/")[1] for page in pages}  # an error page or its notebook
    shown = [page for page in ranked if "/" in page and page.split("/")[1] in slugs]
    if not shown or ranked.index(shown[0]) >= 5:
        return "no page that shows it among the first five"
    if any(page.startswith("guides/") for page in pages):
        return None if ranked.index(shown[0]) < 3 else "no page that shows it among the first three"
    errors = [error_of(page) for page in ranked if error_of(page)]
    return None if errors[0] in slugs else f"the first error page found is {errors[0]}'s"


@pytest.mark.parametrize("line", sorted(RECORDED), ids=[line[:70] for line in sorted(RECORDED)])
def test_every_recorded_error_line_finds_its_page(search, line):
    """A recorded line, pasted whole, finds a page that shows that error (see finds())."""
    ranked = search.pages(line)
    assert finds(ranked, RECORDED[line]) is None, (finds(ranked, RECORDED[line]), sorted(RECORDED[line]), ranked[:5])
