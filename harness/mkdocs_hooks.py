"""MkDocs hook: publish notebooks/*.ipynb (kept beside docs/, not in it) and the generated errata page."""

from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent


@event_priority(100)  # before mkdocs-jupyter's on_files, which turns .ipynb files into pages
def on_files(files, config):
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        files.append(File(
            f"notebooks/{notebook.name}", src_dir=str(ROOT), dest_dir=config["site_dir"],
            use_directory_urls=config["use_directory_urls"],
        ))
    from harness import errata

    files.append(File.generated(config, errata.PAGE, content=errata.render(errata.load())))
    return files
