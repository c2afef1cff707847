"""A real browser for the tests, in a process of its own: Debian's chromium driven by playwright.

playwright's sync API keeps an event loop marked as running in the thread that uses it, which makes
every later asyncio.run() in that process fail; so the browser lives in this subprocess, and the tests
talk to it one JSON line at a time (`Browser`). Two requests:

    {"open": "errors/x/"}   -> {"status": 200, "title": "...", "problems": [...]}
    {"search": "text"}      -> {"results": ["errors/x/", ...], "problems": [...]}

A problem is a console error, a script error, a failed request, or a request for anything but the
local server (which is aborted).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
META = "document.querySelector('.md-search-result__meta').textContent"


class Browser:
    """The client side: one subprocess per Browser, closed with close()."""

    def __init__(self, site_url: str):
        if not CHROMIUM:
            raise FileNotFoundError(
                "chromium not found: install Debian's chromium package (.ci/run does), or set CHROMIUM")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "harness.browser", site_url, CHROMIUM],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, **request) -> dict:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the browser process exited ({self.process.wait()})")
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def _serve(site_url: str, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    def watched(browser, problems):
        page = browser.new_page()
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
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

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        search_problems: list[str] = []
        search_page = None
        for line in sys.stdin:
            request = json.loads(line)
            if "open" in request:
                problems: list[str] = []
                page = watched(browser, problems)
                response = page.goto(site_url + request["open"], wait_until="networkidle")
                title = page.locator("h1").first.inner_text() if page.locator("h1").count() else ""
                page.close()
                answer = {"status": response.status, "title": title.strip(), "problems": problems}
            else:
                if search_page is None:
                    search_page = watched(browser, search_problems)
                    search_page.goto(site_url, wait_until="networkidle")
                answer = {"results": _search(search_page, request["search"]), "problems": search_problems}
            print(json.dumps(answer), flush=True)
        browser.close()


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
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item > .md-search-result__link", "links => links.map(a => a.href)")
    return [urlsplit(href).path.lstrip("/") for href in hrefs]


if __name__ == "__main__":
    _serve(*sys.argv[1:3])
