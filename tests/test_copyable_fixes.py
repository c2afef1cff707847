"""Code a page shows of a fix (or any project built on another) can be copied as shown.

Pasting what the page shows into the base project, by the rules in harness/copyable.py, must give
the project that the recipe tests run; so the copied fix is the fix that passed.
"""

import pytest

from harness import copyable

pytestmark = pytest.mark.unit

SHOWN = copyable.shown_projects()


@pytest.mark.parametrize("shown", SHOWN, ids=[s.id for s in SHOWN])
def test_pasting_what_the_page_shows_gives_the_project_that_ran(shown):
    assert copyable.problems(shown) == []


BASE = '''"""A docstring."""

import os

import pytest

X = 1


# --8<-- [start:a]
def a():
    return 1
# --8<-- [end:a]
'''


def test_a_section_replaces_the_section_of_its_name():
    shown = BASE.replace("return 1", "return 2")
    assert copyable.paste(BASE, shown, "a") == shown


def test_a_new_section_goes_after_the_one_before_it():
    shown = BASE + "\n\n# --8<-- [start:b]\ndef b():\n    pass\n# --8<-- [end:b]\n"
    assert copyable.paste(BASE, shown, "b") == shown


def test_imports_replace_the_imports_and_must_keep_them():
    shown = BASE.replace("import os\n", "# --8<-- [start:imports]\nimport asyncio\nimport os\n")
    shown = shown.replace("import pytest\n", "import pytest\n# --8<-- [end:imports]\n")
    assert copyable.unmarked(copyable.paste(BASE, shown, "imports")) == copyable.unmarked(shown)
    with pytest.raises(ValueError, match="drops os"):
        copyable.paste(BASE, shown.replace("import os\n", ""), "imports")


def test_a_fix_that_needs_an_import_the_page_does_not_show_is_caught(tmp_path):
    (tmp_path / "r" / "broken").mkdir(parents=True)
    (tmp_path / "r" / "fixed").mkdir()
    (tmp_path / "r" / "broken" / "conftest.py").write_text(BASE)
    (tmp_path / "r" / "fixed" / "conftest.py").write_text(
        BASE.replace("import os\n", "import asyncio\nimport os\n").replace("return 1", "return asyncio")
    )
    (tmp_path / "r" / "recipe.toml").write_text(
        '[projects]\nbroken = {}\nfixed = { base = "broken" }\n'
        '[[runs]]\nname = "broken"\nproject = "broken"\noutcome = "failed"\n'
        '[[runs]]\nname = "fixed"\nproject = "fixed"\noutcome = "passed"\n'
    )
    from harness.recipes import Recipe

    recipe = Recipe.load("r", tmp_path)
    [problem] = copyable.problems(copyable.Shown("page.md", recipe, "fixed", [("conftest.py", "a")]))
    assert "+import asyncio" in problem
