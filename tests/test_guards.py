"""The test-database rule and URL masking: one definition, every copy identical, every reset guarded."""

import ast
import inspect
import json
import re

import pytest

from harness import guards
from harness.fences import all_fences
from harness.normalize import REPO

pytestmark = pytest.mark.unit

RULES = {name: inspect.getsource(getattr(guards, name)) for name in ("is_test_database", "masked")}
# Statements that empty a database wholesale or remove one: each needs the rule first.
RESET = re.compile(r"DROP SCHEMA|DROP DATABASE|TRUNCATE", re.I)


def python_sources():
    """(where, source) for the harness, every recipe and isolation strategy file, python fence and
    notebook code cell."""
    for path in sorted(
        [*(REPO / "harness").glob("*.py"), *(REPO / "snippets").rglob("*.py"), *(REPO / "isolation").rglob("*.py")]
    ):
        yield str(path.relative_to(REPO)), path.read_text()
    for fence in all_fences():
        if fence.kind == "python":
            yield fence.id, fence.code
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        yield str(path.relative_to(REPO)), code


def copies():
    for where, source in SOURCES:
        tree = ast.parse(re.sub(r"^(\s*)await ", r"\1", source, flags=re.M))  # notebook top-level await
        for node in tree.body:  # module-level functions, not methods of the same name
            if isinstance(node, ast.FunctionDef) and node.name in RULES:
                yield f"{where}:{node.lineno}", node.name, ast.get_source_segment(source, node) + "\n"


SOURCES = list(python_sources())
COPIES = list(copies())


def test_the_reader_copies_exist():
    assert {name for _, name, _ in COPIES} == set(RULES)


@pytest.mark.parametrize("where,name,text", COPIES, ids=[c[0] for c in COPIES])
def test_every_copy_is_the_definition(where, name, text):
    assert text == RULES[name], f"{where}: {name} differs from harness/guards.py"


RESETS = [(where, source) for where, source in SOURCES if RESET.search(source)]


@pytest.mark.parametrize("where,source", RESETS, ids=[where for where, _ in RESETS])
def test_every_reset_checks_the_rule_first(where, source):
    """A file that drops or truncates uses the rule, or runs in a project whose fixtures do."""
    project_guard = where.startswith("snippets/table-already-exists/")  # shop_fixtures.checked()
    assert "is_test_database(" in source or (project_guard and "database_url" in source), where


@pytest.mark.parametrize(
    "name", ["latest", "attestations", "prod", "contest_results", "testing", "dataflow", "tests", "test1"]
)
def test_refused(name):
    assert not guards.is_test_database(name)


@pytest.mark.parametrize(
    "name",
    [
        "test",
        "dataflow_test",
        "test_shop",
        "shop-test-2",
        "Shop_TEST",
        "dataflow_test_r0a1b2c3",
        "dataflow_test_template_1",
    ],
)
def test_accepted(name):
    assert guards.is_test_database(name)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:p@ss:w0rd#x@127.0.0.1:5432/dataflow_test",
        "postgresql://u:a//b?c@127.0.0.1/dataflow_test",
        "postgresql:u:pa55word@127.0.0.1/dataflow_test",
        "postgresql://u:pa55word@127.0.0.1/data@flow_test",
    ],
)
def test_masked_shows_no_fragment_of_the_password(url):
    password = url.split("u:", 1)[1].rsplit("@", 1)[0]
    shown = guards.masked(url)
    assert ":***@" in shown
    for fragment in re.findall(r"[^@:#/?]{3,}", password):
        assert fragment not in shown, shown
