"""MkDocs hook: publish notebooks/*.ipynb, which are kept beside docs/, not in it, and fill in
prose that repeats a run (harness.prose). A notebook's page says how to run it and carries no
stylesheet or library inlined (harness.nbpage): the stylesheets every notebook page shares are one file.

A notebook that is not JSON, or an include from outside the repository, fails the build with one
line naming the file and the line: mkdocs-jupyter and pymdownx.snippets would print a traceback.
"""

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
_notebook_css: dict[str, None] = {}  # this build's notebook stylesheets, in the order first seen
_notebook_classes: set[str] = set()  # the classes of the notebook pages' elements


def on_pre_build(config):
    _notebook_css.clear()
    _notebook_classes.clear()


@event_priority(100)  # before mkdocs-jupyter's on_files, which turns .ipynb files into pages
def on_files(files, config):
    from harness import notebook_runner

    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        try:
            notebook_runner.read(notebook)
        except notebook_runner.NotebookError as error:
            raise PluginError(str(error)) from None
        files.append(
            File(
                f"notebooks/{notebook.name}",
                src_dir=str(ROOT),
                dest_dir=config["site_dir"],
                use_directory_urls=config["use_directory_urls"],
            )
        )
    return files


def on_page_markdown(markdown, page, config, files):
    source = page.file.abs_src_path  # the file itself: `markdown` has lost its front matter's lines
    if source and source.endswith(".md"):
        from harness.fences import outside_includes

        if problems := outside_includes(Path(source)):
            raise PluginError("\n".join(problems))
    from harness import prose

    try:
        return prose.render(markdown, where=f"docs/{page.file.src_path}")
    except prose.ProseError as error:
        raise PluginError(str(error)) from None


def on_page_content(html, page, config, files):
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    from harness import nbpage

    try:
        html, stylesheets = nbpage.slim(html)
    except nbpage.NotebookPageError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from None
    _notebook_css.update(dict.fromkeys(stylesheets))
    page.meta["notebook_css"] = nbpage.STYLESHEET
    return nbpage.how_to_run(html, Path(page.file.src_uri).stem, config["repo_url"])


def on_post_page(output, page, config):
    if page.file.src_uri.endswith(".ipynb"):
        from harness import nbpage

        _notebook_classes.update(nbpage.classes(output))
    return output


def on_post_build(config):
    """The notebook pages' one stylesheet, less the rules for elements none of them has."""
    if _notebook_css:
        from harness import nbpage

        site = Path(config["site_dir"])
        target = site / nbpage.STYLESHEET
        elsewhere = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.css") if p != target)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(nbpage.prune("\n".join(_notebook_css), _notebook_classes, elsewhere) + "\n", encoding="utf-8")
