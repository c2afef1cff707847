"""The built site in a real browser (harness.browser: Debian's chromium, never a downloaded build).

Every page loads with no console error, no failed request, no request that leaves the local server and
no accessibility finding of any impact (axe-core); an error line typed into the real search box
lists its page first. A missing address gets the 404 page, whose own search form finds that page too;
a notebook's page downloads the notebook itself.
"""

import functools
import hashlib
import http.server
import json
import threading
from pathlib import Path

import pytest

from harness.browser import Browser
from harness.normalize import REPO
from test_search import ROWS, error_of, pasted_text


def page_paths() -> list[str]:
    """Every page's path on the site: docs/a/b.md is a/b/, docs/index.md the root, a notebook its own."""
    pages = [str(p.relative_to(REPO / "docs").with_suffix("")) + "/" for p in (REPO / "docs").rglob("*.md")]
    pages = ["" if p == "index/" else p for p in pages]
    return sorted(pages + [f"notebooks/{nb.stem}/" for nb in (REPO / "notebooks").glob("*.ipynb")])


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site as GitHub Pages does: a missing address gets 404.html, with status 404."""

    def log_message(self, *args):  # one line per request would bury pytest's output
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def browser(build):
    assert build[1].returncode == 0, build[1].stderr
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(build[0])))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        browser = Browser(f"http://127.0.0.1:{server.server_port}/")
    except FileNotFoundError as error:
        pytest.fail(str(error), pytrace=False)
    yield browser
    browser.close()
    server.shutdown()


@pytest.mark.parametrize("path", page_paths(), ids=lambda p: p or "home")
def test_page_loads_with_nothing_failing_and_nothing_external(browser, path):
    """A notebook's page also shows what its executed notebook printed, raised and plotted."""
    page = browser.ask(open=path)
    assert page["status"] == 200 and page["title"], page
    assert page["problems"] == []
    assert page["access"] == [], "axe-core's findings (docs/css/a11y.css, docs/js/a11y.js)"
    if path.startswith("notebooks/"):
        missing, images = not_shown(REPO / "notebooks" / f"{path.split('/')[1]}.ipynb", page["text"])
        assert missing == [] and page["images"] >= images, (missing, page["images"], images)


def not_shown(notebook, text: str) -> tuple[list[str], int]:
    """The start of each printed output and each exception line of `notebook` that `text` lacks, and
    how many plots the notebook has."""
    outputs = [o for cell in json.loads(notebook.read_text())["cells"] for o in cell.get("outputs", [])]
    missing = []
    for output in outputs:
        if output["output_type"] == "stream":
            first = next(line for line in "".join(output["text"]).splitlines() if line.strip())
            missing += [first] if first.strip() not in text else []
        elif output["output_type"] == "error":
            shown = f"{output['ename']}: {output['evalue']}".splitlines()[0]
            missing += [shown] if shown not in text else []
    return missing, sum("image/png" in o.get("data", {}) for o in outputs)


@pytest.mark.parametrize("row", ROWS, ids=[pasted_text(r.seen)[:60] for r in ROWS])
def test_search_box_lists_the_page_of_a_pasted_error_first(browser, row):
    """The first result about any error is about this one, as in test_search's emulation."""
    answer = browser.ask(search=pasted_text(row.seen))
    errors = [error_of(path) for path in answer["results"] if error_of(path)]
    assert errors and errors[0] == error_of(row.page), answer["results"][:5]
    assert answer["problems"] == []


def test_a_word_ending_in_a_colon_finds_nothing_and_the_word_alone_its_page(browser):
    """What the home page's search tip says."""
    assert browser.ask(search="InvalidPasswordError:")["results"] == []
    answer = browser.ask(search="InvalidPasswordError")
    assert answer["results"][0] == "errors/connection-refused/" and answer["problems"] == []


MISSING = "errors/no-such-error/deeper/"  # at a depth: the 404 page's links and assets must not be relative


def only_its_own_404(browser, page: dict, path: str) -> list[str]:
    """The problems of a missing page's visit, but the one a browser logs for the document's 404."""
    own = f"the server responded with a status of 404 (Not Found) ({browser.site_url}{path})"
    return [problem for problem in page["problems"] if not problem.endswith(own)]


def test_a_missing_address_gets_the_404_page_whole(browser):
    page = browser.ask(open=MISSING)
    assert page["status"] == 404 and page["title"] == "Page not found", page
    assert only_its_own_404(browser, page, MISSING) == [] and len(page["problems"]) <= 1, page["problems"]
    assert page["access"] == []


def test_the_404_pages_search_form_finds_the_page_of_a_pasted_error(browser):
    row = next(r for r in ROWS if error_of(r.page) == "cached-statement")
    answer = browser.ask(search=pasted_text(row.seen), **{"from": MISSING})
    assert answer["status"] == 404 and only_its_own_404(browser, answer, MISSING) == [], answer
    errors = [error_of(path) for path in answer["results"] if error_of(path)]
    assert errors and errors[0] == "cached-statement", answer["results"][:5]


def test_a_notebook_page_downloads_its_notebook(browser):
    answer = browser.ask(download="notebooks/connection-refused/")
    assert answer["visible"] and answer["name"] == "connection-refused.ipynb" and answer["problems"] == []
    assert answer["sha256"] == hashlib.sha256((REPO / "notebooks/connection-refused.ipynb").read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "path", ["guides/fixture-patterns/", "errors/connection-refused/", "notebooks/connection-refused/"]
)
def test_copy_button_copies_the_code_shown(browser, path):
    answer = browser.ask(copy=path)
    assert answer["copied"].rstrip("\n") == answer["shown"].rstrip("\n") and answer["copied"].strip()
    assert answer["problems"] == []


SCREENSHOTS = REPO / "artifacts" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.mark.parametrize(
    "path", ["", "errors/too-many-clients/", "notebooks/too-many-clients/"], ids=["home", "error-page", "notebook-page"]
)
def test_screenshots_and_no_sideways_scroll_on_a_phone(browser, path):
    """Screenshots at desktop and phone widths go to artifacts/screenshots/; on a phone the page does
    not scroll sideways (code blocks scroll inside themselves)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = path.strip("/").replace("/", "-") or "home"
    for device, width in WIDTHS.items():
        page = browser.ask(open=path, width=width, screenshot=str(SCREENSHOTS / f"{name}-{device}.png"))
        assert page["problems"] == [], device
        assert not (device == "phone" and page["wider"]), f"{path or 'home'} scrolls sideways at {width} px"
