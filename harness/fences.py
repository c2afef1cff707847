"""Every fenced block on every page, and how the tests account for it.

kinds:
  include  only `--8<--` lines: the included file is tested through its recipe
  python   run by pytest-markdown-docs
  console  `$ command` lines with their output: run by tests/test_fences.py, output compared
  ini/toml loaded by pytest from a temp project, which must accept every setting
  notest   `{.lang notest reason="..."}`: not run; the reason is required and listed

Fences inside admonitions (`!!! note`, `??? note`) are indented, so Markdown parsers that do not
know admonitions see them as plain code; they are found here by dedenting admonition bodies. A
python fence there would escape pytest-markdown-docs, so it counts as unaccounted.
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
ADMONITION = re.compile(r"^(!!!|\?\?\?\+?) ")
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
    in_admonition: bool = False

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(DOCS)}:{self.line}"

    @property
    def kind(self) -> str:
        if is_include(self.code):
            return "include"
        if "notest" in self.options:
            return "notest"
        kind = RUNNABLE.get(self.lang, "unaccounted")
        return "unaccounted" if kind == "python" and self.in_admonition else kind

    @property
    def reason(self) -> str:
        match = REASON.search(self.info)
        return match.group(1).strip() if match else ""

    @property
    def included_paths(self) -> list[str]:
        return [INCLUDE.match(ln).group(2) for ln in self.code.splitlines() if ln.strip()]


def _dedent_admonitions(lines: list[str]) -> tuple[list[str], set[int]]:
    """The page with admonition bodies moved left by four spaces, and which lines moved."""
    out, moved, inside = [], set(), False
    for number, line in enumerate(lines):
        if ADMONITION.match(line):
            inside = True
        elif inside and line.startswith("    "):
            line = line[4:]
            moved.add(number)
        elif inside and line.strip():
            inside = False
        out.append(line)
    return out, moved


def fences(page: Path) -> list[Fence]:
    lines, moved = _dedent_admonitions(page.read_text().splitlines())
    tokens = MarkdownIt("commonmark").parse("\n".join(lines) + "\n")
    found = []
    for token in tokens:
        if token.type == "fence" and token.map:
            info = parse_superfences_block_info(token.info)
            lang = info[0] if info else ""
            found.append(Fence(page, token.map[0] + 1, lang, info[1:], token.info, token.content,
                               in_admonition=token.map[0] in moved))
    return found


def all_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def all_fences() -> list[Fence]:
    return [fence for page in all_pages() for fence in fences(page)]


def bare_includes(page: Path) -> list[str]:
    """Paths a page includes outside any fence: Markdown to render (the version tabs)."""
    lines, _ = _dedent_admonitions(page.read_text().splitlines())
    tokens = MarkdownIt("commonmark").parse("\n".join(lines) + "\n")
    return [match.group(2) for token in tokens if token.type == "inline"
            for line in token.content.splitlines() if (match := INCLUDE.match(line))]
