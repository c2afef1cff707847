"""Every error page has the same skeleton, so a reader in a hurry knows where to look.

The rule, for each docs/errors/*.md:

1. First screen: the first paragraph after the H1 is the summary. It starts with **You see**, names
   the cause after **The cause:** and the fix after **The fix:**, and links to a fix section of the
   same page (`](#anchor)`, where the anchor is that of a fix heading, see 2).
2. Its H2 headings (headings inside fences do not count) hold these sections, in this order:

       What you see             exactly this heading, and the first H2 of the page
       When it happens          exactly this heading
       Why                      exactly this heading
       The fix ... / Fix ...    the first heading that starts with "The fix" or "Fix " (more fix
                                sections may follow it, e.g. "Fix B: ...")
       Verify the fix           exactly this heading
       What the upstream guide said ...   starts with these words (e.g. "..., and what really happens");
                                a page whose topic the upstream guide lacks says so in one sentence
       Run it yourself          exactly this heading

3. Other H2 sections (the recipe, extra topics) may sit anywhere after "Why": the first screen reads
   straight from the symptom through when it happens to the cause.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from markdown.extensions.toc import slugify

pytestmark = pytest.mark.unit

ERRORS = Path(__file__).resolve().parent.parent / "docs" / "errors"
PAGES = sorted(ERRORS.glob("*.md"))

# (name shown in messages, does this H2 heading fill the slot?)
SKELETON = [
    ("What you see", lambda h: h == "What you see"),
    ("When it happens", lambda h: h == "When it happens"),
    ("Why", lambda h: h == "Why"),
    ("The fix", lambda h: h.startswith(("The fix", "Fix "))),
    ("Verify the fix", lambda h: h == "Verify the fix"),
    ("What the upstream guide said", lambda h: h.startswith("What the upstream guide said")),
    ("Run it yourself", lambda h: h == "Run it yourself"),
]
# Sections after which any other H2 may appear (see rule 3).
EXTRAS_AFTER = "Why"


def headings(text: str) -> list[tuple[int, str]]:
    """(level, title) of every ATX heading outside fenced blocks."""
    found, fence = [], None
    for line in text.splitlines():
        stripped = line.lstrip()
        if match := re.match(r"(`{3,}|~{3,})", stripped):
            if fence is None:
                fence = match.group(1)
            elif stripped.startswith(fence) and not stripped[len(fence) :].strip():
                fence = None
            continue
        if fence is None and (match := re.match(r"^(#{1,6}) +(.+?)\s*#*\s*$", line)):
            found.append((len(match.group(1)), match.group(2)))
    return found


def anchor(title: str) -> str:
    """The id MkDocs gives a heading (as harness.compat computes it)."""
    return slugify(title.replace("`", "").replace("**", ""), "-")


def summary(text: str) -> str:
    """The first paragraph after the H1."""
    after = re.split(r"^# .+$", text, maxsplit=1, flags=re.M)[1]
    return after.strip().split("\n\n", 1)[0]


def skeleton_problems(text: str) -> list[str]:
    h2 = [title for level, title in headings(text) if level == 2]
    problems = []
    position = []  # index in h2 of each skeleton section, in skeleton order
    for name, fits in SKELETON:
        where = [i for i, title in enumerate(h2) if fits(title)]
        if not where:
            problems.append(f'missing "## {name}"')
            position.append(None)
        else:
            position.append(where[0])
    found = [(p, name) for p, (name, _) in zip(position, SKELETON, strict=True) if p is not None]
    for (p1, n1), (p2, n2) in itertools.pairwise(found):
        if p1 > p2:
            problems.append(
                f'"## {n2}" comes before "## {n1}"; the order is: ' + ", ".join(name for name, _ in SKELETON)
            )
    if h2 and position[0] is not None and position[0] != 0:
        problems.append(f'"## What you see" must be the first H2, not "## {h2[0]}"')
    before_extras = SKELETON[: [name for name, _ in SKELETON].index(EXTRAS_AFTER) + 1]
    limit = position[len(before_extras) - 1]
    if limit is not None:
        for title in h2[:limit]:
            if not any(fits(title) for _, fits in before_extras):
                problems.append(f'"## {title}" sits before "## {EXTRAS_AFTER}"; other sections go after it')
    return problems


def summary_problems(text: str) -> list[str]:
    first = summary(text)
    problems = []
    if not first.startswith("**You see**"):
        problems.append(f'the first paragraph after the H1 must start with "**You see**", not {first[:60]!r}')
    for label in ("**The cause:**", "**The fix:**"):
        if label not in first:
            problems.append(f"the first paragraph after the H1 has no {label}")
    fixes = {anchor(title) for level, title in headings(text) if level == 2 and SKELETON[3][1](title)}
    links = re.findall(r"\]\(#([^)]+)\)", first.split("**The fix:**", 1)[-1])
    if not any(link in fixes for link in links):
        problems.append(
            f"the summary's fix links to {links or 'nothing'}; "
            f"it must link to a fix section: {sorted(fixes) or 'none on the page'}"
        )
    return problems


def test_there_are_error_pages():
    assert len(PAGES) >= 12, [p.name for p in PAGES]


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_follows_the_skeleton(page):
    problems = skeleton_problems(page.read_text())
    assert not problems, f"docs/errors/{page.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_starts_with_a_summary(page):
    problems = summary_problems(page.read_text())
    assert not problems, f"docs/errors/{page.name}:\n  " + "\n  ".join(problems)


def test_the_rule_catches_a_broken_page():
    good = (ERRORS / "cached-statement.md").read_text()
    assert skeleton_problems(good) == [] and summary_problems(good) == []
    swapped = (
        good.replace("## Why\n", "## TMP\n")
        .replace("## When it happens\n", "## Why\n")
        .replace("## TMP\n", "## When it happens\n")
    )
    assert any("comes before" in p for p in skeleton_problems(swapped))
    assert any(
        'missing "## Verify the fix"' in p
        for p in skeleton_problems(good.replace("## Verify the fix\n", "## Checking\n"))
    )
    extra = good.replace("## When it happens\n", "## An aside\n\nText.\n\n## When it happens\n")
    assert any("sits before" in p for p in skeleton_problems(extra))
    assert summary_problems(good.replace("[the fix](#the-fix)", "[the fix](#nowhere)"))
