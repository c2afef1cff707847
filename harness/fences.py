"""Every fenced block on every page, and how the tests account for it.

kinds:
  include  only `--8<--` lines: the included file is tested through its recipe
  python   run by pytest-markdown-docs
  console  `$ command` lines with their output: run by tests/test_fences.py, output compared
  ini/toml loaded by pytest from a temp project, which must accept every setting
  notest   `{.lang notest reason="..."}`: not run; the reason is required and listed
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from pytest_markdown_docs.plugin import parse_superfences_block_info

from harness.normalize import REPO

DOCS = REPO / "docs"
INCLUDE = re.compile(r'^\s*(#\s*)?--8<--\s+"([^"]+)"\s*$')
REASON = re.compile(r'reason="([^"]*)"')
RUNNABLE = {"python": "python", "py": "python", "console": "console", "ini": "ini", "toml": "toml"}


def is_include(code: str | None) -> bool:
    lines = [ln for ln in (code or "").splitlines() if ln.strip()]
    return bool(lines) and all(INCLUDE.match(ln) for ln in lines)


@dataclass
class Fence:
    page: Path
    line: int
    lang: str
    options: list[str]
    info: str
    code: str

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(DOCS)}:{self.line}"

    @property
    def kind(self) -> str:
        if is_include(self.code):
            return "include"
        if "notest" in self.options:
            return "notest"
        return RUNNABLE.get(self.lang, "unaccounted")

    @property
    def reason(self) -> str:
        match = REASON.search(self.info)
        return match.group(1).strip() if match else ""

    @property
    def included_paths(self) -> list[str]:
        return [INCLUDE.match(ln).group(2) for ln in self.code.splitlines() if ln.strip()]


def fences(page: Path) -> list[Fence]:
    tokens = MarkdownIt("commonmark").parse(page.read_text())
    found = []
    for token in tokens:
        if token.type == "fence" and token.map:
            info = parse_superfences_block_info(token.info)
            lang = info[0] if info else ""
            found.append(Fence(page, token.map[0] + 1, lang, info[1:], token.info, token.content))
    return found


def all_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def all_fences() -> list[Fence]:
    return [fence for page in all_pages() for fence in fences(page)]
