"""A malformed project input gets one error line naming the file and the key or line."""

import re
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from harness import fences, mkdocs_hooks, notebook_runner, recipe_model
from harness.recipes import Recipe, RecipeError

pytestmark = pytest.mark.unit

GOOD = """\
[defaults]
args = ["-x"]

[projects]
broken = {}
fixed = { base = "broken", about = "the fix" }

[[runs]]
name = "first"
project = "broken"
outcome = "failed"
about = "shows the error"

[[runs]]
name = "second"
project = "fixed"
outcome = "passed"
args = []
"""


def load(tmp_path, monkeypatch, text, folders=("broken", "fixed")):
    """Recipe `demo` in tmp_path/snippets, with messages relative to tmp_path as if it were the repo."""
    monkeypatch.setattr(recipe_model, "REPO", tmp_path)  # where Recipe.load reads it
    root = tmp_path / "snippets" / "demo"
    for folder in folders:
        (root / folder).mkdir(parents=True)
    root.mkdir(parents=True, exist_ok=True)
    (root / "recipe.toml").write_text(text)
    return Recipe.load("demo", tmp_path / "snippets")


def error_of(tmp_path, monkeypatch, text, **kwargs) -> str:
    with pytest.raises(RecipeError) as caught:
        load(tmp_path, monkeypatch, text, **kwargs)
    message = str(caught.value)
    assert message.startswith("snippets/demo/recipe.toml: ") and "\n" not in message
    return message


def test_a_good_recipe_loads_from_its_folder(tmp_path, monkeypatch):
    recipe = load(tmp_path, monkeypatch, GOOD)
    assert [run.id for run in recipe.runs] == ["demo/first", "demo/second"]
    assert recipe.root == tmp_path / "snippets" / "demo"
    first, second = recipe.runs
    assert (first.args, second.args) == (["-x"], [])  # [defaults], unless a run sets its own
    assert (first.about, recipe.projects["fixed"]["about"]) == ("shows the error", "the fix")


def test_a_run_must_say_how_it_ends(tmp_path, monkeypatch):
    message = error_of(tmp_path, monkeypatch, GOOD.replace('outcome = "failed"\n', ""))
    assert "run 'first': needs an outcome, how pytest should end (passed, failed, " in message


def test_defaults_hold_settings_only(tmp_path, monkeypatch):
    message = error_of(tmp_path, monkeypatch, GOOD.replace('args = ["-x"]', 'outcome = "failed"'))
    assert "[defaults]: unknown key 'outcome'" in message


@pytest.mark.parametrize(
    "text, where, key",
    [
        (GOOD.replace('outcome = "passed"', 'outcom = "passed"'), "run 'second'", "'outcom'"),
        ("runz = []\n" + GOOD, "top level", "'runz'"),
        (GOOD.replace('{ base = "broken",', '{ bsae = "broken",'), "[projects] fixed", "'bsae'"),
    ],
)
def test_an_unknown_key_is_named_with_its_table(tmp_path, monkeypatch, text, where, key):
    message = error_of(tmp_path, monkeypatch, text)
    assert f"{where}: unknown key {key}" in message


def test_a_run_of_a_project_not_in_projects(tmp_path, monkeypatch):
    message = error_of(tmp_path, monkeypatch, GOOD.replace('project = "fixed"', 'project = "fxed"'))
    assert "run 'second': project 'fxed' is not in [projects] (broken, fixed)" in message


def test_two_runs_with_one_name(tmp_path, monkeypatch):
    message = error_of(tmp_path, monkeypatch, GOOD.replace('"second"', '"first"'))
    assert "run 'first': another run has that name" in message


def test_a_project_without_its_folder(tmp_path, monkeypatch):
    message = error_of(tmp_path, monkeypatch, GOOD, folders=("broken",))
    assert "[projects] fixed: there is no folder demo/fixed/" in message


def test_an_unknown_outcome_names_the_allowed_ones(tmp_path, monkeypatch):
    message = error_of(tmp_path, monkeypatch, GOOD.replace('"passed"', '"pased"'))
    assert "run 'second': outcome 'pased' is not one of passed, failed, interrupted" in message


def test_an_unknown_database_names_the_run_and_the_choices(tmp_path, monkeypatch):
    message = error_of(tmp_path, monkeypatch, GOOD.replace("args = []", 'database = "closed"'))
    assert "run 'second': database 'closed' is not one of live, superuser, closed-port" in message


def test_invalid_toml_names_the_line(tmp_path, monkeypatch):
    message = error_of(tmp_path, monkeypatch, GOOD.replace('name = "second"', "name = second"))
    assert "(at line 15, column 8)" in message


def test_a_notebook_that_is_not_json_names_line_and_column(tmp_path, monkeypatch, capsys):
    path = tmp_path / "broken.ipynb"
    path.write_text('{\n "cells": [\n  {"cell_type": "code",}\n ]\n}\n')
    with pytest.raises(notebook_runner.NotebookError, match=rf"^{re.escape(str(path))}:3:24: not valid JSON: "):
        notebook_runner.read(path)
    monkeypatch.setattr(notebook_runner, "NOTEBOOKS", tmp_path)  # ./dev notebook broken
    assert notebook_runner.main(["run", "broken"]) == 2
    assert capsys.readouterr().err.startswith(f"{path}:3:24: ")
    (tmp_path / "notebooks").mkdir()
    path.rename(tmp_path / "notebooks" / path.name)
    monkeypatch.setattr(mkdocs_hooks, "ROOT", tmp_path)  # mkdocs build
    with pytest.raises(PluginError, match=r"notebooks/broken\.ipynb:3:24: "):
        mkdocs_hooks.on_files([], {})


def test_a_fence_in_an_unknown_language_names_page_and_line(tmp_path):
    page = tmp_path / "x.md"
    page.write_text("# X\n\n```pyhton\nprint(1)\n```\n\n```text\nshown, not run\n```\n")
    assert [f.problem for f in fences.fences(page)] == [
        f"{page}:3: fence language 'pyhton' is not one this site knows (bash, console, ini, py, python, text, toml)",
        f'{page}:7: a text fence must include a file or be marked {{.text notest reason="..."}}',
    ]


def test_an_include_from_outside_the_repository_names_page_and_line(tmp_path):
    repo, page = tmp_path / "repo", tmp_path / "repo" / "docs" / "x.md"
    page.parent.mkdir(parents=True)
    (tmp_path / "outside.txt").write_text("not ours\n")
    (repo / "inside.txt").write_text("ours\n")
    (repo / "link.txt").symlink_to(tmp_path / "outside.txt")  # pymdownx.snippets would include it
    page.write_text(
        '# X\n\n```text\n--8<-- "inside.txt"\n--8<-- "../outside.txt"\n```\n\n'
        f'--8<-- "{tmp_path}/outside.txt:section"\n\n--8<--\nlink.txt\n--8<--\n'
    )
    assert fences.outside_includes(page, base=repo) == [
        f'{page}:5: --8<-- "../outside.txt" includes a file outside the repository',
        f'{page}:8: --8<-- "{tmp_path}/outside.txt:section" includes a file outside the repository',
        f'{page}:11: --8<-- "link.txt" includes a file outside the repository',
    ]


def test_the_site_build_refuses_an_include_from_outside(tmp_path):
    page = tmp_path / "x.md"
    page.write_text('---\ntags: [x]\n---\n# X\n\n```text\n--8<-- "../outside.txt"\n```\n')
    built = SimpleNamespace(file=SimpleNamespace(abs_src_path=str(page)))
    with pytest.raises(PluginError) as caught:
        mkdocs_hooks.on_page_markdown("", built, {}, [])
    assert str(caught.value) == f'{page}:7: --8<-- "../outside.txt" includes a file outside the repository'


def test_a_superuser_run_needs_a_server_of_its_own(tmp_path, monkeypatch):
    message = error_of(tmp_path, monkeypatch, GOOD.replace("args = []", 'database = "superuser"'))
    assert "run 'second': database 'superuser' needs a dedicated server" in message
