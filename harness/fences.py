"""Every fenced block on every page, and how the tests account for it.

kinds (each block is an item of its page, harness/page_collector.py; harness/block_checks.py checks it):
  include  only `--8<--` lines: the included file (and section) exists and is a recipe's file or the
           isolation benchmark's, tested there
  python   run by pytest-markdown-docs
  console  `$ command` lines with their output: run, output compared
  ini/toml loaded by pytest from a temp project, which must accept every setting
  notest   `{.lang notest reason="..."}`: not run, reported as skipped with its required reason

Fences inside admonitions (`!!! note`, `??? note`) are indented, so Markdown parsers that do not
know admonitions see them as plain code; they are found here by dedenting admonition bodies. A
python fence there would escape pytest-markdown-docs, so it counts as unaccounted.

Includes must stay inside the repository (`outside_includes`): pymdownx.snippets refuses `..` and
absolute paths with a traceback that names neither page nor line, and follows symlinks out of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from pymdownx.snippets import SnippetPreprocessor as Snippets
from pytest_markdown_docs.plugin import parse_superfences_block_info

from harness.normalize import REPO

DOCS = REPO / "docs"
INCLUDE = re.compile(r'^\s*(#\s*)?--8<--\s+"([^"]+)"\s*$')
REASON = re.compile(r'reason="([^"]*)"')
ADMONITION = re.compile(r"^(!!!|\?\?\?\+?) ")
RUNNABLE = {"python": "python", "py": "python", "console": "console", "ini": "ini", "toml": "toml"}
SHOWN = {"text", "bash"}  # languages of blocks that are only shown: included files, notest blocks
LANGUAGES = ", ".join(sorted(RUNNABLE.keys() | SHOWN))


def shown(path: Path) -> str:
    """A path as messages give it: relative to the repository when it is inside."""
    return str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


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
    def problem(self) -> str:
        """Why the tests cannot account for this fence, as `page:line: ...`; empty if they can."""
        where = f"{shown(self.page)}:{self.line}"
        if self.lang not in RUNNABLE and self.lang not in SHOWN:
            return f"{where}: fence language {self.lang!r} is not one this site knows ({LANGUAGES})"
        if self.kind == "notest" and not self.reason:
            return f'{where}: a notest block must say why it is not run: {{.{self.lang} notest reason="..."}}'
        if self.kind != "unaccounted":
            return ""
        if self.in_admonition:
            return f"{where}: a python fence in an admonition escapes pytest-markdown-docs; move it out"
        return f'{where}: a {self.lang} fence must include a file or be marked {{.{self.lang} notest reason="..."}}'

    @property
    def reason(self) -> str:
        match = REASON.search(self.info)
        return match.group(1).strip() if match else ""

    @property
    def included_paths(self) -> list[str]:
        """What an include fence (kind "include": every line of it matches INCLUDE) includes."""
        return [m.group(2) for m in map(INCLUDE.match, self.code.splitlines()) if m]


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
            found.append(
                Fence(
                    page,
                    token.map[0] + 1,
                    lang,
                    info[1:],
                    token.info,
                    token.content,
                    in_admonition=token.map[0] in moved,
                )
            )
    return found


def all_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def all_fences() -> list[Fence]:
    return [fence for page in all_pages() for fence in fences(page)]


def bare_includes(page: Path) -> list[str]:
    """Paths a page includes outside any fence: Markdown to render (the version tabs)."""
    lines, _ = _dedent_admonitions(page.read_text().splitlines())
    tokens = MarkdownIt("commonmark").parse("\n".join(lines) + "\n")
    return [
        match.group(2)
        for token in tokens
        if token.type == "inline"
        for line in token.content.splitlines()
        if (match := INCLUDE.match(line))
    ]


def include_lines(text: str) -> list[tuple[int, str]]:
    """(line number, path) of each `--8<--` include, inline or in a block, read as pymdownx.snippets does."""
    found, block = [], False
    for number, line in enumerate(text.splitlines(), 1):
        match = Snippets.RE_ALL_SNIPPETS.match(line)
        if match and match.group("escape"):
            continue
        if match and match.group("block_marker"):
            block = not block
        elif match:
            found.append((number, match.group("snippet")[1:-1].strip()))
        elif block and line.strip() and not line.strip().startswith(";"):
            found.append((number, line.strip()))
    return found


def outside_includes(path: Path, base: Path = REPO, seen: set | None = None) -> list[str]:
    """`file:line: ...` for each include, here or in the files it includes, that leaves `base`
    (pymdownx.snippets' base_path, where mkdocs runs)."""
    seen = set() if seen is None else seen
    seen.add(path.resolve())
    problems = []
    for number, include in include_lines(path.read_text()):
        target = (base / Snippets.RE_SNIPPET_FILE.match(include).group(1).strip()).resolve()
        if not target.is_relative_to(base.resolve()):
            problems.append(f'{shown(path)}:{number}: --8<-- "{include}" includes a file outside the repository')
        elif target.is_file() and target not in seen:
            problems += outside_includes(target, base, seen)
    return problems
