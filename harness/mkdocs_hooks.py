"""MkDocs hook: publish notebooks/*.ipynb, which are kept beside docs/, not in it, and fill in
prose that repeats a run (harness.prose).

A notebook that is not JSON, or an include from outside the repository, fails the build with one
line naming the file and the line: mkdocs-jupyter and pymdownx.snippets would print a traceback.
"""

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent


@event_priority(100)  # before mkdocs-jupyter's on_files, which turns .ipynb files into pages
def on_files(files, config):
    from harness import notebooks

    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        try:
            notebooks.read(notebook)
        except notebooks.NotebookError as error:
            raise PluginError(str(error)) from None
        files.append(File(
            f"notebooks/{notebook.name}", src_dir=str(ROOT), dest_dir=config["site_dir"],
            use_directory_urls=config["use_directory_urls"],
        ))
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
