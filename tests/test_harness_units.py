"""Small pieces of the harness that every recording depends on. No database here: these are the unit
tier (tests/test_databases.py has the pieces that need the server)."""

import pytest

from harness.dburl import BadDatabaseURL, DatabaseURL, mask
from harness.normalize import REPO, normalize
from harness.recipes import extract

pytestmark = pytest.mark.unit


def test_mask_hides_only_the_password():
    assert mask("postgresql://u:p%40ss@h:5434/d_test") == "postgresql://u:***@h:5434/d_test"
    assert DatabaseURL.parse("postgresql://u:pw@h:1/d_test").masked == "postgresql://u:***@h:1/d_test"


def test_parse_rejects_what_is_not_a_postgres_url():
    for bad in ("mysql://u:p@h/db", "postgresql://u:p@h:port/db", "postgresql://h/db"):
        with pytest.raises(BadDatabaseURL):
            DatabaseURL.parse(bad)


def test_normalize_paths_ports_addresses_and_timings():
    text = (
        f"{REPO}/x.py ../../a/.venv/lib/python3.11/site-packages/asyncpg/pool.py "
        "('127.0.0.1', 41234) <Future at 0x7f12ab34cd56> 2 failed in 0.31s"
    )
    assert normalize(text, {"41234": "<port>"}) == (
        "<repo>/x.py <site-packages>/asyncpg/pool.py ('127.0.0.1', <port>) <Future at 0x<addr>> 2 failed"
    )


def failed(name: str, *longrepr: str) -> dict:
    """A failing test's report as the recorder plugin writes it."""
    return {
        "category": "failed",
        "nodeid": f"test_a.py::{name}",
        "when": "call",
        "outcome": "failed",
        "head_line": name,
        "longrepr": "\n".join(longrepr) + "\n",
        "sections": [],
        "logs": [],
    }


def summary_of(*reports: dict, summary: list[str]) -> dict:
    return {
        "reports": list(reports),
        "summary": summary,
        "terminal_summary": True,
        "options": {"tbstyle": "short", "showcapture": "all", "reportchars": "fE"},
    }


def test_extract_keeps_e_lines_usage_errors_and_outcome():
    records = summary_of(
        failed("test_a", "test_a.py:3: in test_a", "    boom()", "E   ValueError: boom"), summary=["1 failed"]
    )
    output = "F\n=== FAILURES ===\n____ test_a ____\n(what the terminal shows is not read)\n1 failed in 0.1s\n"
    assert extract(output, records=records, stderr="ERROR: stop here\n").splitlines() == [
        "--8<-- [start:test_a]",
        "E   ValueError: boom",
        "--8<-- [end:test_a]",
        "--8<-- [start:outcome]",
        "1 failed",
        "--8<-- [end:outcome]",
        "--8<-- [start:usage-error]",
        "ERROR: stop here",
        "--8<-- [end:usage-error]",
    ]


def test_extract_only_keeps_the_named_sections_and_marks_a_missing_one():
    records = summary_of(
        failed("test_a", "E   ValueError: a"), failed("test_b", "E   ValueError: b"), summary=["2 failed"]
    )
    assert extract("", only=["test_b", "test_c"], records=records).splitlines() == [
        "--8<-- [start:test_b]",
        "E   ValueError: b",
        "--8<-- [end:test_b]",
        "--8<-- [start:test_c]",
        "(missing)",
        "--8<-- [end:test_c]",
        "--8<-- [start:outcome]",
        "2 failed",
        "--8<-- [end:outcome]",
    ]


def test_a_run_with_requires_belongs_only_where_it_holds():
    from harness.recipes import Recipe, Run

    run = Run(Recipe("x", {}), "r", "p", "failed", requires="pytest-asyncio<1")
    assert run.applies({"pytest-asyncio": "0.26.0"})
    assert not run.applies({"pytest-asyncio": "1.5.0"})
    assert not run.applies({})
    assert Run(Recipe("x", {}), "r", "p", "failed").applies({})


def test_tab_labels_name_the_versions_that_tell_groups_apart():
    from harness.compat import labels

    def cell(pa, pg):
        return {"versions": {"pytest-asyncio": pa, "pytest": "8.4.2", "kailash-dataflow": "2.20.1", "PostgreSQL": pg}}

    results = {
        "pinned": cell("1.5.0", "15.18"),
        "a": cell("0.21.2", "15.18"),
        "b": cell("0.24.0", "15.18"),
        "c": cell("1.5.0", "16.14"),
    }
    assert labels(results, [["pinned", "b"], ["a"], ["c"]]) == ["the other versions (pinned)", "a", "c"]
    assert labels(results, [["pinned", "c", "b"], ["a"]]) == [
        "pytest-asyncio 0.24.0 – 1.5.0 (pinned)",
        "pytest-asyncio 0.21.2",
    ]
    assert labels(results, [["pinned", "a", "b"], ["c"]]) == ["PostgreSQL 15.18 (pinned)", "PostgreSQL 16.14"]


def test_extract_keeps_the_error_of_a_conftest_that_does_not_import():
    """pytest prints it on stderr and makes no report: the one failure read from the terminal."""
    stderr = "\n".join(
        [
            "ImportError while loading conftest '/tmp/x/conftest.py'.",
            "conftest.py:13: in <module>",
            "    @pytest_asyncio.fixture(loop_scope='module')",
            "E   TypeError: fixture() got an unexpected keyword argument 'loop_scope'",
        ]
    )
    assert extract(stderr, stderr=stderr).splitlines() == [
        "--8<-- [start:conftest-error]",
        "E   TypeError: fixture() got an unexpected keyword argument 'loop_scope'",
        "--8<-- [end:conftest-error]",
    ]


def test_a_print_flushed_in_two_messages_is_one_output():
    import nbformat

    from harness.notebook_runner import _coalesced

    split = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in ("connected:", " True\n")]
    (merged,) = _coalesced(split)
    assert merged.text == "connected: True\n"


def test_a_notebooks_matrix_inputs_are_its_code_not_its_prose_or_outputs(tmp_path):
    """Editing a notebook's text must not cost a matrix re-run; editing what it runs must."""
    import nbformat

    from harness.matrix import notebook_inputs

    def inputs(**change) -> str:
        cells = [nbformat.v4.new_markdown_cell("prose"), nbformat.v4.new_code_cell("1 / 0")]
        cells[1].outputs = change.get("outputs", [])
        cells[0].source = change.get("prose", cells[0].source)
        cells[1].source = change.get("code", cells[1].source)
        cells[1].metadata["tags"] = change.get("tags", [])
        path = tmp_path / "no-such-recipe.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
        return notebook_inputs(path)

    same = inputs()
    assert inputs(prose="other prose") == same
    assert inputs(outputs=[nbformat.v4.new_output("stream", text="x")]) == same
    assert inputs(code="1 / 1") != same
    assert inputs(tags=["raises-exception"]) != same


def test_a_recipes_matrix_inputs_are_its_runs_and_files_not_its_comments(tmp_path):
    """Rewording recipe.toml's comments must not cost a matrix re-run; changing a setting or a file must."""
    from harness.matrix import recipe_inputs
    from harness.recipes import Recipe

    (tmp_path / "r" / "broken").mkdir(parents=True)
    (tmp_path / "r" / "broken" / "test_x.py").write_text("def test_x(): pass\n")

    def inputs(toml: str) -> str:
        (tmp_path / "r" / "recipe.toml").write_text(toml)
        return recipe_inputs(Recipe.load("r", snippets=tmp_path))

    run = '[[runs]]\nname = "a"\nproject = "broken"\noutcome = "passed"\n'
    same = inputs("[projects]\nbroken = {}\n" + run)
    assert inputs("# a comment\n[projects]\nbroken = {}  # the project\n\n" + run) == same
    assert inputs("[projects]\nbroken = {}\n" + run + "warnings = false\n") == same  # a default, said
    assert inputs("[projects]\nbroken = {}\n" + run.replace('"passed"', '"failed"')) != same
    (tmp_path / "r" / "broken" / "test_x.py").write_text("def test_x(): assert 0\n")
    assert inputs("[projects]\nbroken = {}\n" + run) != same


def test_page_weight_counts_the_html_and_each_file_it_loads_once(tmp_path):
    """`./dev bench`'s site weight: a page's stylesheets, scripts and images, not the pages it links."""
    from harness.bench import page_weight, site_weight

    files = {
        "a/index.html": '<link rel="stylesheet" href="../s.css"><link rel="icon" href="../i.png">'
        '<script src="/j.js"></script><img src="../s.css"><a href="../b.html">b</a>'
        '<script src="https://elsewhere.example/x.js"></script>',
        "s.css": "p{}",
        "j.js": "1;",
        "i.png": "png",
        "b.html": "<p>" + "b" * 200 + "</p>",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    page = tmp_path / "a" / "index.html"
    assert page_weight(tmp_path, page) == page.stat().st_size + len("p{}") + len("1;")
    lines = site_weight(tmp_path)
    assert lines[0].startswith(f"site: {sum(len(t) for t in files.values()):,} bytes in 5 files")
    assert "heaviest page, its HTML alone: b.html 207 bytes" in lines[1]


def test_recipe_runs_load_only_the_pytest_plugins_the_recordings_were_made_with():
    """Every recipe run's pytest loads the plugins installed beside it. A dependency that brings one
    (JupyterLab's anyio did: its fixtures showed up in fixture-not-found's listing) belongs in another
    venv, as ./dev lab's server does (.venv/lab), or the recordings must be re-made with it."""
    from importlib.metadata import entry_points

    assert sorted({ep.dist.name for ep in entry_points(group="pytest11")}) == [
        "platformdirs",
        "pytest-asyncio",
        "pytest-markdown-docs",
        "pytest-timeout",
        "pytest-xdist",
    ]


def test_the_build_backend_is_the_one_the_lock_installs():
    """./dev installs the harness editable without build isolation, with .venv's backend (requirements.lock);
    pyproject.toml's [build-system] must name the same versions, which a plain `pip install -e .` fetches."""
    import tomllib

    from harness.versions import LOCKFILE, canonical, read_lock

    locked = read_lock(LOCKFILE)
    for requirement in tomllib.loads((REPO / "pyproject.toml").read_text())["build-system"]["requires"]:
        name, version = requirement.split("==")
        assert locked.get(canonical(name)) == version, (
            f"{requirement}: requirements.lock has {locked.get(canonical(name))}"
        )
