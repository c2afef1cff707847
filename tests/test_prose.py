"""Prose that repeats a run reads it from the recording (harness.prose), never types it."""

import re

import pytest

from harness import prose
from harness.normalize import REPO
from harness.recipes import Recipe

pytestmark = pytest.mark.unit

DOCS = REPO / "docs"
GENERATED = {"reference/compatibility.md", "reference/upstream-guide-errata.md"}  # tables of runs
PAGES = sorted(p for p in DOCS.rglob("*.md") if str(p.relative_to(DOCS)) not in GENERATED)
TYPED_OUTCOME = re.compile(r"(?<![\w-])\d+ (passed|failed|errors?|skipped|xfailed|warnings?)\b")


def prose_lines(text: str):
    """(line number, line) outside fenced blocks and include lines."""
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and "--8<--" not in line:
            yield number, line


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_no_outcome_is_typed_and_every_token_resolves(page):
    text = page.read_text()
    # A token's own text is what it looks for in the runs, not a claim: only the rest of a line counts.
    typed = [
        f"{n}: {line.strip()}"
        for n, line in prose_lines(text)
        if TYPED_OUTCOME.search(re.sub(r"\{\{.*?\}\}", "", line))
    ]
    assert typed == [], "use {{ recorded: slug/run:outcome }} instead"
    prose.render(text, where=str(page.relative_to(REPO)))


def test_a_token_becomes_the_recorded_line():
    rendered = prose.render("It says `{{ recorded: nested-event-loop/broken:outcome }}`.")
    recorded = (REPO / "snippets/nested-event-loop/recorded/broken.txt").read_text()
    assert f"`{rendered.split('`')[1]}`" in rendered and rendered.split("`")[1] in recorded
    assert "{{" not in rendered


def test_a_command_token_is_the_runs_own_call_titled_with_the_run():
    """A command the prose names comes from recipe.toml: change the run's args and the page follows."""
    rendered = prose.render("(`{{ command: setup-guide/without-psycopg2 }}`)")
    run = Recipe.load("setup-guide").run("without-psycopg2")
    assert rendered.startswith("(`HIDE_MODULES=psycopg2 pytest " + " ".join(run.args) + "`{title=")
    assert "./dev recipe setup-guide without-psycopg2" in rendered


@pytest.mark.parametrize(
    "token, problem",
    [
        ("{{ recorded: nested-event-loop/nope:outcome }}", "no recorded output nested-event-loop/nope"),
        ("{{ recorded: nested-event-loop/broken:nope }}", "has no section 'nope'"),
        ("`{{ command: setup-guide/nope }}`", "no run setup-guide/nope"),
    ],
)
def test_a_bad_token_names_the_page_and_line(token, problem):
    with pytest.raises(prose.ProseError, match=re.escape(problem)) as raised:
        prose.render(f"first line\n{token}\n", where="docs/x.md")
    assert str(raised.value).startswith("docs/x.md:2: ")


def test_matrix_tokens_name_the_versions_that_printed_a_text():
    rendered = prose.render("{{ printed-in: different-loop/fixed ~ KeyError: 'fixture-scope' }}")
    assert rendered.startswith("pytest-asyncio ") and "1.5.0" not in rendered
    with pytest.raises(prose.ProseError, match="no cell recorded"):
        prose.render("{{ printed-in: different-loop/fixed ~ a text no run printed }}")
    assert prose.render("{{ warnings: nested-event-loop/fixed }}") == "no warning"
    warned = prose.render("{{ warnings: too-many-clients/old-advice }}")
    assert warned.startswith("one warning, `UserWarning: ") and warned.endswith(
        '{title="pytest → passed · ./dev recipe too-many-clients old-advice"}'
    )  # one hop to the run
