"""Recorded output leads in one hop to the command that made it: each block that shows a recording is
titled with the run's pytest call and `./dev recipe SLUG RUN`, which prints the files, the environment and
the command, runs it the tests' way and compares (harness/provenance.py, harness/reproduce.py)."""

import shlex

import pytest

from harness import provenance, reproduce
from harness.dburl import DatabaseURL
from harness.fences import all_pages
from harness.recipes import PYTEST_ARGS, Recipe, all_recipes, command, environment

RUNS = [run for recipe in all_recipes() for run in recipe.runs]


@pytest.mark.unit
def test_every_block_of_recorded_output_on_a_page_gets_a_title():
    untitled = []
    for page in all_pages():
        for match in provenance.FENCE.finditer(page.read_text()):
            if "recorded/" in match["body"] and not provenance.runs_shown(match["body"]):
                untitled.append(f"{page.name}: {match['body'].splitlines()[0]}")
    assert untitled == [], "a block mixing recordings of several recipes, or with other includes"


@pytest.mark.unit
def test_a_title_is_added_kept_or_left_out():
    one = '```text\n--8<-- "snippets/missing-table/recorded/broken-create-passes.txt:outcome"\n```'
    assert (
        provenance.titled(one).splitlines()[0]
        == '```text title="pytest test_create.py → passed · ./dev recipe missing-table broken-create-passes"'
    )
    own = one.replace("```text", '```text title="mine"', 1)
    assert provenance.titled(own) == own
    tabbed = "\n".join("    " + line for line in one.splitlines())
    assert 'title="pytest test_create.py' in provenance.titled(tabbed)
    code = '```python\n--8<-- "snippets/missing-table/broken/conftest.py"\n```'
    assert provenance.titled(code) == code


@pytest.mark.unit
@pytest.mark.parametrize("run", RUNS, ids=[run.id for run in RUNS])
def test_the_title_says_what_the_run_executes(run):
    """Its environment settings and pytest arguments are those the run passes (the rest is the harness's
    output formatting and TEST_DATABASE_URL, which `./dev recipe` prints)."""
    call = shlex.split(provenance.title(run).split(" → ")[0])
    settings = dict(word.split("=", 1) for word in call[: call.index("pytest")])
    url = DatabaseURL.parse("postgresql://u:p@127.0.0.1:5432/x_test")
    assert settings.items() <= {k: provenance.as_shown(v) for k, v in environment(run, url).items()}.items()
    assert command(run)[3:] == PYTEST_ARGS + call[call.index("pytest") + 1 :]


@pytest.mark.unit
def test_dev_recipe_describes_the_composed_project():
    run = Recipe.load("missing-table").run("fixed")
    lines = reproduce.describe(run)
    projects = run.recipe.projects
    assert lines[:6] == [
        "== missing-table/fixed: pytest should end passed",
        f"about: {run.about}",  # what the run shows, then what its project and each base it overlays is
        f"fixed/: {projects['fixed']['about']}",
        f"checked/: {projects['checked']['about']}",
        f"broken/: {projects['broken']['about']}",
        "project 'fixed' (over checked, then broken):",
    ]
    assert all(about for about in (run.about, *(spec["about"] for spec in projects.values())))
    shown = {line.split()[0]: line.split()[-1] for line in lines[6:] if line.startswith("  ")}
    assert shown == {
        name: f"snippets/missing-table/{path.parent.name}/" for name, path in run.recipe.project_files("fixed").items()
    }
    assert lines[-1] == "command: " + shlex.join(command(run))


def test_dev_recipe_runs_a_run_and_compares_it_with_its_recording(base_url, capsys, monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", str(base_url))
    assert reproduce.main(["missing-table", "broken-create-passes"]) == 0
    out = capsys.readouterr().out
    recipe = Recipe.load("missing-table")
    assert out.startswith("\n".join(reproduce.recipe_about(recipe)) + "\n\n== missing-table/broken-create-passes")
    assert " ".join(reproduce.recipe_about(recipe)) == f"missing-table: {recipe.about}"  # wrapped, not cut
    assert f"\nabout: {recipe.run('broken-create-passes').about}\n" in out
    assert "pytest ended passed (expected: passed)" in out
    assert "is snippets/missing-table/recorded/broken-create-passes.txt exactly" in out


@pytest.mark.unit
@pytest.mark.parametrize(
    "argv,line",
    [
        (["no-such-recipe"], "dev recipe: no recipe 'no-such-recipe'; there are: cached-statement, "),
        (["missing-table", "no-such-run"], "dev recipe: missing-table has no run 'no-such-run'; it has: broken, "),
    ],
)
def test_dev_recipe_says_what_exists(argv, line, capsys):
    assert reproduce.main(argv) == 2
    assert capsys.readouterr().err.startswith(line)


@pytest.mark.unit
def test_an_outcome_in_prose_is_titled_with_its_command_too():
    from harness import prose

    shown = prose.render("passes: `{{ recorded: missing-table/broken-create-passes:outcome }}`.")
    outcome = prose.value("missing-table", "broken-create-passes", "outcome")
    assert shown == (
        f'passes: `{outcome}`{{title="pytest test_create.py → passed · '
        './dev recipe missing-table broken-create-passes"}.'
    )
