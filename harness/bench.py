"""`./dev bench`: print what the test job costs, and what the site weighs. Figures only; nothing here
passes or fails. `./dev bench --site`: the site build and its weight alone."""

from __future__ import annotations

import functools
import http.server
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from harness import bench_timeline, pgserver
from harness.normalize import REPO

# pytest --durations lines: "12.34s call     tests/test_recipes.py::test_run...[slug/run]"
DURATION = re.compile(r"^(\d+\.\d+)s (setup|call|teardown)\s+(\S.*)$")
PHASES = [  # (where a test lives, phase): the first that matches names the phase
    ("tests/test_recipes.py", "recipe runs"),
    ("tests/test_notebooks.py", "notebooks"),
    ("tests/test_lab.py", "lab"),
    ("docs/", "page blocks (every kind, harness/page_collector.py)"),
    ("tests/test_site.py", "site build and links"),
    ("tests/test_search.py", "search"),
    ("tests/test_browser.py", "browser tier"),
    ("tests/test_load.py", "load data checks"),
    ("tests/test_matrix.py", "matrix data checks"),
]


def phase_of(test: str) -> str:
    return next((phase for where, phase in PHASES if test.startswith(where)), "other checks")


def timed(command: list[str], **kwargs) -> tuple[float, str]:
    began = time.perf_counter()
    proc = subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - began, proc.stdout


class _Loads(HTMLParser):
    """The local files a page loads as it opens: stylesheets, scripts, images (not links to follow)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.urls.append(attrs.get("href") or "")
        elif tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])


def page_weight(site: Path, page: Path) -> int:
    """A page's HTML and every file of the site it loads (each once), in bytes."""
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    base = "/" + page.relative_to(site).as_posix()
    files = {page}
    for url in parser.urls:
        parts = urlsplit(urljoin(base, url))
        if not parts.scheme and (site / parts.path.lstrip("/")).is_file():
            files.add(site / parts.path.lstrip("/"))
    return sum(f.stat().st_size for f in files)


def site_weight(site: Path) -> list[str]:
    """The built site's bytes, its heaviest page's, and its notebook pages': lines to print."""
    files = [f for f in site.rglob("*") if f.is_file()]
    maps = sum(f.stat().st_size for f in files if f.suffix == ".map")
    pages = sorted(site.rglob("*.html"))

    def name(page: Path) -> str:
        return (
            page.parent.relative_to(site).as_posix() + "/"
            if page.name == "index.html"
            else page.relative_to(site).as_posix()
        )

    html = {name(p): p.stat().st_size for p in pages}
    loaded = {name(p): page_weight(site, p) for p in pages}
    notebooks = sorted(size for path, size in html.items() if path.startswith("notebooks/"))
    heaviest, heaviest_loaded = max(html, key=html.__getitem__), max(loaded, key=loaded.__getitem__)
    index = site / "search" / "search_index.json"
    return [
        f"site: {sum(f.stat().st_size for f in files):,} bytes in {len(files)} files "
        f"({maps:,} of them source maps, which only a browser's developer tools fetch)",
        f"heaviest page, its HTML alone: {heaviest} {html[heaviest]:,} bytes",
        f"heaviest page, its HTML and the stylesheets, scripts and images it loads: {heaviest_loaded} "
        f"{loaded[heaviest_loaded]:,} bytes (uncompressed; not counting the search index, "
        f"{index.stat().st_size if index.exists() else 0:,} bytes, which the search fetches once)",
        f"notebook pages' HTML: {len(notebooks)} pages, {min(notebooks, default=0):,} to "
        f"{max(notebooks, default=0):,} bytes, {sum(notebooks):,} in all",
    ]


def load_times(site: Path, loads: int = 3) -> list[str]:
    """Each page's median load time in Debian's chromium, from a local server (no network in the
    way: what the pages themselves cost to parse, style and run)."""
    from harness.browser import Browser

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser = Browser(f"http://127.0.0.1:{server.server_port}/")
    try:
        pages = sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html"))
        pages = [p.removeprefix("./") for p in pages]
        times = {p: statistics.median(browser.ask(time=p)["load_ms"] for _ in range(loads)) for p in pages}
    finally:
        browser.close()
        server.shutdown()
    slowest = sorted(times, key=times.__getitem__, reverse=True)[:3]
    return [
        f"page load (chromium, local server, median of {loads}): {len(times)} pages, median "
        f"{statistics.median(times.values()):.0f} ms, slowest "
        + ", ".join(f"{p or 'home'} {times[p]:.0f} ms" for p in slowest)
    ]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def build_and_weigh(env: dict) -> None:
    with tempfile.TemporaryDirectory() as site:
        build, _ = timed([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", site], env=env)
        print(f"site build (mkdocs build --strict): {build:.2f}s")
        print("\n".join(site_weight(Path(site))))
        print("\n".join(load_times(Path(site))))


def cpu_times() -> list[int] | None:
    """The machine's CPU time so far, in ticks, from /proc/stat's first line (Linux; else None)."""
    try:
        with open("/proc/stat") as stat:
            return [int(n) for n in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None


def cpu_share(before: list[int] | None, after: list[int] | None) -> float | None:
    """How busy all cores were between the two readings: not idle and not waiting on I/O."""
    if not before or not after:
        return None
    spent = [b - a for a, b in zip(before, after, strict=False)]
    idle = spent[3] + (spent[4] if len(spent) > 4 else 0)  # idle, iowait
    return 1 - idle / sum(spent) if sum(spent) else None


def main() -> int:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if sys.argv[1:] == ["--site"]:
        build_and_weigh(env)
        return 0
    starts = []
    for _ in range(3):
        server = pgserver.start()
        starts.append(server.startup_seconds)
        server.stop()
    print(
        f"throwaway server ready: median {statistics.median(starts):.2f}s "
        f"(runs: {', '.join(f'{s:.2f}' for s in starts)})"
    )
    build_and_weigh(env)
    workers = os.environ.get("TEST_WORKERS", "3")  # ./dev test's default
    cpu_before = cpu_times()
    with tempfile.TemporaryDirectory() as tmp:
        timeline = os.path.join(tmp, "timeline.jsonl")
        # The README's command itself, so the figures are for its workers and its scheduling.
        job, output = timed(
            [str(REPO / "dev"), "test", "-q", "--durations=0", "--durations-min=0", "-p", "harness.bench_timeline"],
            env={**env, bench_timeline.ENV: timeline},
        )
        ends = bench_timeline.worker_ends(timeline)
    cpu = cpu_share(cpu_before, cpu_times())
    print(f"test job (./dev test, {workers} workers): {job:.2f}s wall" + (f", the cores {cpu:.0%} busy" if cpu else ""))
    last = max(ends.values())
    print(
        "each worker's last test ended at: "
        + ", ".join(f"{worker} {end:.0f}s (then idle {last - end:.0f}s)" for worker, end in ends.items())
    )
    durations = [(float(m[1]), m[2], m[3]) for m in map(DURATION.match, output.splitlines()) if m]
    totals: dict[str, float] = {}
    for seconds, when, test in durations:
        # a slow setup is a session fixture: the throwaway server, the site build
        phase = "session fixtures (server, build)" if when == "setup" and seconds > 1 else phase_of(test)
        totals[phase] = totals.get(phase, 0.0) + seconds
    busy = sum(totals.values())
    print(
        f"time in tests, by phase (summed over {workers} workers: {busy:.0f}s busy in {job:.0f}s wall,"
        f" {busy / job / int(workers):.0%} of the workers' time):"
    )
    for phase, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {phase:<34}{seconds:7.1f}s")
    slowest = sorted(durations, reverse=True)[:10]
    print("slowest tests:\n" + "\n".join(f"  {s:6.2f}s {when:<8} {test}" for s, when, test in slowest))
    print(output.strip().splitlines()[-1].strip("= "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
