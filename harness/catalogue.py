"""The catalogue: every error and guide the site covers, and everything that shows each one.

One slug names an error's page (docs/errors/<slug>.md), its recipe (snippets/<slug>/), its notebook
(notebooks/<slug>.ipynb), the rows of the home page's find-your-error table that lead to it, its page's
tags, and the upstream-guide claims whose checks rest on its runs or its page. A guide with a recipe
(docs/guides/<slug>.md) has a page and a recipe. The coverage gate, the search and notebook tests and
`./dev test SLUG` ask here instead of each globbing the folders again; `problems()` says what an entry
lacks, so adding an error is one checklist (CONTRIBUTING.md), checked in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from harness.normalize import REPO
from harness.recipes import SNIPPETS, Recipe, all_recipes

DOCS = REPO / "docs"
NOTEBOOKS = REPO / "notebooks"
HOME = DOCS / "index.md"
KINDS = ("errors", "guides")  # the folders of docs/ that hold a recipe's page
# A find-your-error row: | what you see | [page](errors/<slug>.md#anchor) |
ROW = re.compile(r"^\| (?P<seen>.+?) \| \[[^\]]+\]\((?P<page>errors/[\w-]+)\.md(?:#[\w-]+)?\) \|$")


@dataclass(frozen=True)
class Row:
    seen: str  # the table's first cell, as Markdown
    page: str  # errors/<slug>


@dataclass(frozen=True)
class Entry:
    slug: str
    kind: str  # "errors" or "guides"
    recipe: Recipe | None
    rows: tuple[Row, ...] = ()
    claims: tuple[str, ...] = ()  # ids of errata claims with a check on this entry's runs or page

    @property
    def page(self) -> Path:
        return DOCS / self.kind / f"{self.slug}.md"

    @property
    def notebook(self) -> Path:
        return NOTEBOOKS / f"{self.slug}.ipynb"

    @property
    def tags(self) -> list[str]:
        """The page's front-matter tags: the exception names and settings a reader searches for."""
        text = self.page.read_text() if self.page.is_file() else ""
        front = text.split("---\n", 2)[1] if text.startswith("---\n") else ""
        return (yaml.safe_load(front) or {}).get("tags", [])

    @property
    def url(self) -> str:
        """The page's address in the built site, as search results name it."""
        return f"{self.kind}/{self.slug}/"

    def problems(self) -> list[str]:
        where = self.page.relative_to(REPO)
        found = [] if self.page.is_file() else [f"{self.slug}: no page ({', '.join(f'docs/{k}/' for k in KINDS)})"]
        if self.kind == "errors":
            found += [] if self.recipe else [f"{where}: no recipe snippets/{self.slug}/"]
            found += [] if self.notebook.is_file() else [f"{where}: no notebook notebooks/{self.slug}.ipynb"]
            found += [] if self.rows else [f"{where}: no row in the find-your-error table ({HOME.relative_to(REPO)})"]
            found += [] if self.tags else [f"{where}: no tags: in its front matter (what a reader searches for)"]
        return found


def rows() -> list[Row]:
    return [Row(**m.groupdict()) for m in map(ROW.match, HOME.read_text().splitlines()) if m]


def _claims() -> dict[str, list[str]]:
    """slug -> ids of the claims that check one of its runs (`slug/run`) or its page."""
    from harness.errata import load  # errata reads recipes too; imported late to keep this light

    found: dict[str, list[str]] = {}
    for claim in load().claims:
        for check in claim.checks:
            target = check.run or check.recorded or check.page.split("/", 1)[-1].removesuffix(".md")
            slug = target.split("/", 1)[0]
            if claim.id not in found.setdefault(slug, []):
                found[slug].append(claim.id)
    return found


@cache
def entries() -> tuple[Entry, ...]:
    recipes = {recipe.slug: recipe for recipe in all_recipes()}
    pages = {page.stem: kind for kind in KINDS for page in (DOCS / kind).glob("*.md")}
    # A guide belongs here only when it has a recipe; every error page belongs, recipe or not.
    slugs = sorted(
        {s for s, kind in pages.items() if kind == "errors"}
        | recipes.keys()
        | {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    )
    table, claims = rows(), _claims()
    return tuple(
        Entry(
            slug,
            pages.get(slug, "errors"),
            recipes.get(slug),
            rows=tuple(r for r in table if r.page == f"errors/{slug}"),
            claims=tuple(claims.get(slug, ())),
        )
        for slug in slugs
    )


def errors() -> list[Entry]:
    return [entry for entry in entries() if entry.kind == "errors"]


def entry(slug: str) -> Entry:
    return next(e for e in entries() if e.slug == slug)


def problems() -> list[str]:
    """What the catalogue's entries lack, and what belongs to no entry."""
    found = [problem for e in entries() for problem in e.problems()]
    known = {e.slug for e in entries()}
    found += [
        f"snippets/{p.name}/: a folder with no recipe.toml"
        for p in SNIPPETS.iterdir()
        if p.is_dir() and p.name not in known
    ]
    found += [
        f"{HOME.relative_to(REPO)}: a row for {r.page}, which is no error page"
        for r in rows()
        if r.page.removeprefix("errors/") not in {e.slug for e in errors()}
    ]
    return found
