"""Each page under docs/ is a pytest file, and each of its fenced blocks one item, `page::LINE[kind]`.

So `pytest docs/errors/x.md` tests the whole page and `pytest docs` every page, each block once:
python blocks through pytest-markdown-docs' item, every other kind through harness.block_checks.
A block the tests cannot account for (harness.fences' `problem`) is an item that fails; a notest
block is an item skipped with its reason. The root conftest.py registers this plugin.

pytest-markdown-docs collects every .md file itself; for pages this plugin's collector replaces
its collector, so that one parse of the page decides each block's kind and item.
"""

from __future__ import annotations

import os

import pytest
from markdown_it import MarkdownIt
from pytest_markdown_docs.plugin import FenceSyntax, MarkdownInlinePythonItem, MarkdownTextFile, extract_fence_tests

from harness import block_checks, database, jobserver
from harness.block_checks import BlockFailed
from harness.dburl import DatabaseURL
from harness.fences import DOCS, Fence, fences


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path, parent):
    collectors = yield
    if file_path.suffix != ".md" or not file_path.is_relative_to(DOCS):
        return collectors
    return [c for c in collectors if type(c) is not MarkdownTextFile] + [Page.from_parent(parent, path=file_path)]


class Page(pytest.File):
    def collect(self):
        python = {
            test.start_line: test
            for test in extract_fence_tests(
                MarkdownIt("commonmark"),
                self.path.read_text("utf8"),
                0,
                self.path,
                fence_syntax=FenceSyntax.superfences,
            )
        }  # the site's syntax, as harness.fences reads it
        for fence in fences(self.path):
            name = f"{fence.line}[{fence.kind}]"
            if fence.kind == "python" and fence.line in python:
                yield MarkdownInlinePythonItem.from_parent(self, name=name, test_definition=python[fence.line])
            else:
                yield Block.from_parent(self, name=name, fence=fence)


class Block(pytest.Item):
    def __init__(self, *, fence: Fence, **kwargs):
        super().__init__(**kwargs)
        self.fence = fence
        # A console block runs against the job's server: saying so as a test's fixture would is what
        # makes the controller start one (harness.jobserver.needs_database); other kinds need none.
        self.fixturenames = (jobserver.FIXTURE,) if fence.kind == "console" else ()

    def runtest(self):
        fence = self.fence
        if fence.problem:
            raise BlockFailed(fence.problem)
        if fence.kind == "include":
            block_checks.check_include(fence)
        elif fence.kind == "console":
            url = DatabaseURL.parse(os.environ[database.ENV])  # the job's server (root conftest.py)
            block_checks.check_console(fence, url, self.config.getoption("--update-recorded"))
        elif fence.kind in block_checks.CONFIG_FILES:
            block_checks.check_config(fence)
        elif fence.kind == "notest":  # with a reason: a notest block without one is a `problem` above
            # reported at the block's page:line (-rs), not at this line
            raise pytest.skip.Exception(f"notest: {fence.reason}", _use_item_location=True)
        else:  # a python block pytest-markdown-docs did not find: it would go untested
            block_checks.fail(fence, f"pytest-markdown-docs finds no {fence.kind} block here")

    def repr_failure(self, excinfo, style=None):
        if excinfo.errisinstance(BlockFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, self.fence.line - 1, f"{self.fence.kind} block at line {self.fence.line}"
