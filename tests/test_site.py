"""The site builds strictly, nothing published carries a path of this machine, and a notebook's page is
light and says how to run its notebook."""

import re
import tempfile
from pathlib import Path

import pytest

from harness import nbpage
from harness.normalize import REPO

MACHINE_PATHS = [str(REPO), str(Path.home()), tempfile.gettempdir() + "/"]


def test_strict_build_is_clean(build):
    _, proc = build
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr


@pytest.mark.parametrize("where", ["site", "notebooks", "snippets"])
def test_no_machine_paths_published(build, where):
    root = build[0] if where == "site" else REPO / where
    leaks = [
        f"{path.relative_to(root)}: {machine}"
        for path in root.rglob("*")
        if path.is_file() and path.suffix in {".html", ".ipynb", ".txt", ".json"}
        for machine in MACHINE_PATHS
        if machine in path.read_text(errors="replace")
    ]
    assert leaks == []


def test_every_notebook_is_a_page(build):
    site = build[0]
    for notebook in (REPO / "notebooks").glob("*.ipynb"):
        assert (site / "notebooks" / notebook.stem / "index.html").exists(), notebook.name


NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
INLINE = re.compile(r"<(script|style)\b([^>]*)>(.*?)</\1>", re.S)


def inline_code(html: str) -> int:
    """Bytes of script and stylesheet a page carries in itself, not in a file of its own."""
    return sum(
        len(body) for kind, attributes, body in INLINE.findall(html) if kind == "style" or "src=" not in attributes
    )


def test_notebook_pages_inline_no_library_or_stylesheet(build):
    """mkdocs-jupyter inlines ~650 kB into each notebook page (harness/nbpage.py): its stylesheets
    go to one shared file, and a notebook page carries no more script than an error page."""
    site = build[0]
    error_page = inline_code((site / "errors" / "cached-statement" / "index.html").read_text())
    stylesheet = (site / nbpage.STYLESHEET).read_text()
    assert 10_000 < len(stylesheet) < 100_000  # the notebook theme's 590 kB, pruned to what applies
    assert 'data-mime-type="application/vnd.jupyter.stderr"' in stylesheet  # a traceback's background
    for notebook in NOTEBOOKS:
        page = (site / "notebooks" / notebook.stem / "index.html").read_text()
        assert inline_code(page) <= error_page + 100, notebook.stem
        assert f'<link rel="stylesheet" href="../../{nbpage.STYLESHEET}">' in page, notebook.stem
        assert not re.search(r"ClipboardCopyElement|MathJax|mermaid", page, re.I), notebook.stem


@pytest.mark.unit
def test_inline_code_counts_what_a_page_carries_itself():
    page = '<script src="a.js"></script><script>var a=1;</script><style>p{}</style><script src=""> </script>'
    assert inline_code(page) == len("var a=1;") + len("p{}")


def test_every_notebook_page_says_how_to_run_it_and_serves_its_own_notebook(build):
    site = build[0]
    for notebook in NOTEBOOKS:
        slug = notebook.stem
        page = (site / "notebooks" / slug / "index.html").read_text()
        note = page[page.index('<div class="admonition tip notebook-run">') :]
        note = note[: note.index("</div>")]
        assert f'<a href="{slug}.ipynb" download>' in note and f"./dev notebook {slug}" in note, slug
        assert "./dev lab" in note and page.count("notebook-run") == 1, slug
        assert (site / "notebooks" / slug / f"{slug}.ipynb").read_bytes() == notebook.read_bytes()


@pytest.mark.unit
def test_prune_keeps_what_can_apply_and_the_custom_properties_read():
    css = (
        ".w{--a:1;--b:2;--c:var(--a);--d:4}"  # --c is read by nobody, so --a goes with it
        ".w .used{color:var(--b)}.w .unused{color:red}.w :is(.x,.y){margin:0}"
        '.w [data-t="a.b"]{padding:0}@media (max-width:10px){.unused{top:0}.used{top:1px!important}}'
    )
    assert nbpage.prune(css, {"w", "used"}, elsewhere="p{color:var(--d)}") == (
        ".w{--b:2;--d:4}.w .used{color:var(--b)}.w :is(.x,.y){margin:0}"
        '.w [data-t="a.b"]{padding:0}@media (max-width:10px){.used{top:1px!important}}'
    )


@pytest.mark.parametrize(
    "around, said",
    [
        ("<script>window.foo = 1</script>", "an unknown <script>"),
        ('<script src="https://cdn.example/require.js"></script>', "an unknown <script"),
        ("<p>hello</p>", "unknown markup"),
    ],
)
def test_a_notebook_page_with_something_unknown_inlined_fails_the_build(around, said):
    content = f'{around}<div class="jupyter-wrapper">x</div> <!-- jupyter-wrapper -->'
    with pytest.raises(nbpage.NotebookPageError, match=said):
        nbpage.slim(content)
