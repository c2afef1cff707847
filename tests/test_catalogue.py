"""The catalogue (harness.catalogue): every error has its page, recipe, notebook and find-your-error
row, and nothing on disk belongs to no entry."""

import pytest

from harness import catalogue
from harness.catalogue import Entry


@pytest.mark.unit
def test_every_entry_has_what_it_needs():
    assert catalogue.problems() == []


@pytest.mark.unit
def test_every_notebook_and_error_page_is_an_entry():
    slugs = {e.slug for e in catalogue.errors()}
    assert {p.stem for p in catalogue.NOTEBOOKS.glob("*.ipynb")} == slugs
    assert {p.stem for p in (catalogue.DOCS / "errors").glob("*.md")} == slugs


@pytest.mark.unit
def test_an_error_with_nothing_is_told_everything_it_lacks():
    problems = Entry("no-such-error", "errors", recipe=None).problems()
    assert [p.split(": ", 1)[1].split(" ")[:2] for p in problems] == [
        ["no", "page"],
        ["no", "recipe"],
        ["no", "notebook"],
        ["no", "row"],
        ["no", "tags:"],
    ]


@pytest.mark.unit
def test_claims_are_filed_under_the_recipes_they_check():
    entry = catalogue.entry("event-loop-closed")
    assert "loop-closed-reused-loop-by-default" in entry.claims
    assert "Event loop is closed" in entry.tags
    assert entry.url == "errors/event-loop-closed/" and catalogue.entry("fixture-patterns").url == (
        "guides/fixture-patterns/"
    )
