"""A real browser for the tests, in a process of its own: Debian's chromium driven by playwright.

playwright's sync API keeps an event loop marked as running in the thread that uses it, which makes
every later asyncio.run() in that process fail; so the browser lives in this subprocess, and the tests
talk to it one JSON line at a time (`Browser`). Its requests:

    {"open": "errors/x/"}   -> {"status": 200, "title": "...", "text": "...", "images": 2,
                                "problems": [...], "access": [...]}
        "access": axe-core's accessibility violations, of any impact, one line each
        with "width": 390 (and "height"), at that viewport size, and "wider": whether the page
        scrolls sideways; with "screenshot": "a/b.png", a full-page screenshot saved there
    {"search": "text"}      -> {"results": ["errors/x/", ...], "problems": [...]}
    {"copy": "errors/x/"}   -> {"shown": "...", "copied": "...", "problems": [...]}: the first code
                               block's text, and what its copy button put on the clipboard
    {"time": "errors/x/"}   -> {"load_ms": 123, "problems": [...]}: from navigation start to the load event
    {"download": "notebooks/x/"} -> {"visible": true, "name": "x.ipynb", "sha256": "...", "problems": [...]}:
                               the page's download link clicked, and what it saved
    {"search": "text", "from": "errors/nope/"} -> {"status": 404, "results": [...], "problems": [...]}:
                               the text typed into the missing page's own search form, submitted

A problem is a console error (with the address it names, if any), a script error, a failed request, or
a request for anything but the local server (which is aborted).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # playwright is imported where the browser runs (_serve), not by the tests that ask it
    from playwright.sync_api import Page

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
META = "document.querySelector('.md-search-result__meta').textContent"
LOAD_MS = (
    "(() => { const n = performance.getEntriesByType('navigation')[0];"
    " return Math.round(n.loadEventEnd - n.startTime); })()"
)


class Browser:
    """The client side: one subprocess per Browser, closed with close()."""

    def __init__(self, site_url: str):
        if not CHROMIUM:
            raise FileNotFoundError(
                "chromium not found: install Debian's chromium package (.ci/run does), or set CHROMIUM"
            )
        self.site_url = site_url
        self.process = subprocess.Popen(
            [sys.executable, "-m", "harness.browser", site_url, CHROMIUM],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, **request) -> dict:
        assert self.process.stdin and self.process.stdout  # both piped in __init__
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the browser process exited ({self.process.wait()})")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"the browser, asked {request}: {answer['error']}")
        return answer

    def close(self) -> None:
        assert self.process.stdin  # piped in __init__
        self.process.stdin.close()
        self.process.wait(timeout=30)


def _serve(site_url: str, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        session = _Session(site_url, browser.new_context(permissions=["clipboard-read", "clipboard-write"]))
        for line in sys.stdin:
            try:
                answer = session.answer(json.loads(line))
            except Exception as error:  # the test that asked fails with it; the next one still runs
                answer = {"error": f"{type(error).__name__}: {error}"}
            print(json.dumps(answer), flush=True)
        browser.close()


class _Session:
    def __init__(self, site_url: str, context):
        self.site_url, self.context = site_url, context
        self.search_page: Page | None = None
        self.search_problems: list[str] = []

    def watched(self, problems: list[str]):
        page = self.context.new_page()

        def on_console(message) -> None:
            if message.type == "error":
                where = f" ({message.location['url']})" if message.location.get("url") else ""
                problems.append(f"console: {message.text}{where}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} ({r.failure})"))

        def only_local(route):
            url = urlsplit(route.request.url)
            if url.scheme in ("data", "blob") or url.hostname == "127.0.0.1":
                route.continue_()
            else:
                problems.append(f"left the local server: {route.request.url}")
                route.abort()

        page.route("**/*", only_local)
        return page

    def answer(self, request: dict) -> dict:
        if "search" in request and "from" in request:
            problems: list[str] = []
            page = self.watched(problems)
            try:
                response = page.goto(self.site_url + request["from"], wait_until="networkidle")
                return {
                    "status": response.status,
                    "results": _search_from_form(page, request["search"]),
                    "problems": problems,
                }
            finally:
                page.close()
        if "search" in request:
            if self.search_page is None:
                self.search_page = self.watched(self.search_problems)
                self.search_page.goto(self.site_url, wait_until="networkidle")
            return {"results": _search(self.search_page, request["search"]), "problems": self.search_problems}
        problems = []
        page = self.watched(problems)
        try:
            if "width" in request:
                page.set_viewport_size({"width": request["width"], "height": request.get("height", 800)})
            path = next(request[key] for key in ("open", "copy", "download", "time") if key in request)
            response = page.goto(self.site_url + path, wait_until="networkidle")
            if "time" in request:
                return {"load_ms": page.evaluate(LOAD_MS), "problems": problems}
            if "copy" in request:
                return {**_copy(page), "problems": problems}
            if "download" in request:
                return {**_download(page), "problems": problems}
            answer = {
                "status": response.status,
                "title": page.locator("h1").first.inner_text().strip() if page.locator("h1").count() else "",
                "text": page.locator("article").first.inner_text(),
                "images": page.locator("article img").count(),
                "wider": page.evaluate("document.documentElement.scrollWidth > window.innerWidth"),
                "problems": problems,
                "access": _violations(page),
            }
            if "screenshot" in request:
                page.screenshot(path=request["screenshot"], full_page=True)
            return answer
        finally:
            page.close()


def _violations(page) -> list[str]:
    """axe-core's findings, minor to critical (the axe.min.js that axe-playwright-python ships)."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['impact']} {v['id']}: {len(v['nodes'])} element(s), first {v['nodes'][0]['html'][:120]}" for v in found
    ]


def _copy(page) -> dict:
    """Click the first code block's copy button; what the block shows and what the clipboard got."""
    block = page.locator("article .highlight, article .highlight-ipynb").first
    shown = block.locator("code").inner_text()
    page.evaluate("navigator.clipboard.writeText('')")  # not what an earlier visit copied
    block.hover()
    block.locator("button[data-md-type=copy]").click()
    page.wait_for_timeout(100)
    return {"shown": shown, "copied": page.evaluate("navigator.clipboard.readText()")}


def _download(page) -> dict:
    """Click the article's download link; whether it showed, and the name and hash of what it saved."""
    link = page.locator("article a[download]").first
    visible = link.is_visible()
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as saved:
        digest = hashlib.sha256(saved.read()).hexdigest()
    return {"visible": visible, "name": download.value.suggested_filename, "sha256": digest}


def _search_from_form(page, text: str) -> list[str]:
    """Type `text` into the page's own search form (overrides/404.html) and submit it: the theme opens
    its search with it on the page the form leads to; the results, as `_search` reads them."""
    box = page.locator("article form[role=search] input[name=q]")
    box.fill(text)
    with page.expect_navigation(wait_until="networkidle"):
        box.press("Enter")
    page.wait_for_function(f"() => /matching/i.test({META})", timeout=10_000)
    return _results(page)


def _search(page, text: str) -> list[str]:
    """Type `text` into the search box; the site paths of the results, in the order shown.

    The theme reads the box on key-up (and on focus), so each fill is followed by a key press."""
    box = page.locator("input[data-md-component=search-query]")
    box.fill("")
    box.press("End")
    page.wait_for_function(f"() => /type to start/i.test({META})", timeout=10_000)
    box.fill(text)
    box.press("End")
    page.wait_for_function(f"() => /matching/i.test({META})", timeout=10_000)
    return _results(page)


def _results(page) -> list[str]:
    """The site paths of the search results shown, in order."""
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item > .md-search-result__link", "links => links.map(a => a.href)"
    )
    return [urlsplit(href).path.lstrip("/") for href in hrefs]


if __name__ == "__main__":
    _serve(*sys.argv[1:3])
