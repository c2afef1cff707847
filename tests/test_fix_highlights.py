"""A fix shows what it changes: a block that shows an overlay's file which replaces its base project's
file highlights the lines that differ from it, computed from the diff (harness/changes.py)."""

import pytest

from harness import changes
from harness.fences import all_pages
from harness.provenance import FENCE

FIX_BLOCKS = [
    (page, match)
    for page in all_pages()
    for match in FENCE.finditer(page.read_text())
    if changes.highlighted(match["body"]) is not None
]


@pytest.mark.unit
def test_every_block_that_shows_a_fix_file_highlights_what_it_changes():
    assert len(FIX_BLOCKS) > 20
    unchanged = [
        f"{page.name}: {match['body'].split()[1]}"
        for page, match in FIX_BLOCKS
        if not changes.highlighted(match["body"])
    ]
    assert unchanged == [], "a fix's block that shows none of its changes"


@pytest.mark.unit
def test_the_highlighted_lines_are_the_fixs_own():
    body = '--8<-- "snippets/cached-statement/fixed/test_migration.py"\n'
    shown = changes._unmarked(changes.REPO / "snippets/cached-statement/fixed/test_migration.py")
    marked = [shown[n - 1] for n in changes.highlighted(body)]
    assert any("reload_schema_state()" in line for line in marked)  # the fix itself
    assert not any(line.startswith(("import", "from")) for line in marked)  # shared with broken/


def test_a_section_is_counted_from_its_first_shown_line(build):
    one = '```python\n--8<-- "snippets/cached-statement/fixed/test_migration.py:fixed"\n```'
    section = changes.highlighted(one.splitlines()[1] + "\n")
    assert changes.with_highlights(one).splitlines()[0] == f'```python hl_lines="{changes._ranges(section)}"'
    site, _ = build
    assert 'class="hll"' in (site / "errors" / "cached-statement" / "index.html").read_text()


@pytest.mark.unit
def test_a_block_of_two_includes_with_a_blank_line_between_is_highlighted_around_it():
    """An imports section, a blank line, the fix's section: the blank line is a line of the block, never
    highlighted, and the lines after it are counted past it (such blocks once went unhighlighted)."""
    imports = '--8<-- "snippets/table-already-exists/fixed-rollback/conftest.py:imports"\n'
    section = '--8<-- "snippets/table-already-exists/fixed-rollback/conftest.py:conn"\n'
    alone = changes.highlighted(imports)
    together = changes.highlighted(imports + "\n" + section)
    assert alone and together and together[: len(alone)] == alone
    blank = changes._span(changes.REPO / "snippets/table-already-exists/fixed-rollback/conftest.py", "imports")
    gap = blank[1] - blank[0] + 1  # the blank line's number in the block
    assert gap not in together and max(together) > gap
