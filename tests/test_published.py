"""Published outputs carry no secrets (issue 8): no live password, unmasked URL password, path, host
name or port of the machine that made them, in any recording, notebook, matrix file, page or the built
site. `scan` is pure text in, findings out, so the planted-leak tests below show every check can fail."""

from __future__ import annotations

import functools
import html
import json
import os
import re
import site
import socket
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from harness import pgserver
from harness.normalize import REPO

ALLOWED_PASSWORDS = {  # URL passwords that may be published; any other must be masked
    "***",  # guards.masked(): how the harness, recipes and pages show every real URL
    pgserver.TEST_PASSWORD,  # `./dev db`'s fixed password, in the pages' fallback URLs
    "pw",  # setup guide: make_url("postgresql://user:pw@localhost/db") only names the driver
}
ALLOWED_PORTS = {  # ports that may follow a loopback host or a URL's host; any other is <port>
    5434,  # `./dev db`'s port, in the pages' fallback URLs
    8000,  # `./dev serve`'s, the site_url of a local build (mkdocs.yml), in its sitemap.xml
    1,  # checklist: pg_isready on a port nothing listens on, to show "no response"
}
BINARY = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".woff", ".woff2", ".ttf", ".eot", ".gz", ".zip"}
PUBLISHED = {
    "recordings": ["snippets/*/recorded/**/*"],
    "notebooks": ["notebooks/*.ipynb"],
    "matrix data": [
        "matrix/results/*.json",
        "matrix/variants/**/*",
        "matrix/fixes/**/*",
        "load/*",
        "isolation/*.*",
        "isolation/strategies/*/*.*",
    ],
    "pages": ["docs/**/*.md"],
}
CREDENTIAL = re.compile(r"([a-z][\w+.-]*)://([^\s/:@'\"]*):([^\s/@'\"]*)@")
PORT = re.compile(
    r"(?<![\w.])(?:127\.0\.0\.1|localhost|\[::1\])(?::|['\"]?,\s*)(\d+)"
    r"|://(?:[^\s/@]*@)?[\w.-]+:(\d+)"
)


@dataclass(frozen=True)
class Needles:  # what only this machine and this job have
    passwords: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    temp_dirs: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()


def machine_needles(password: str) -> Needles:
    """`password`: the job's server's, which a recording made in this job could carry."""
    # A word-like password (postgres) also occurs in prose; the URL check still finds it in a URL.
    live = password != pgserver.TEST_PASSWORD and len(password) >= 8 and not password.isalpha()
    paths = {str(REPO), str(REPO.resolve()), str(Path.home()), sysconfig.get_paths()["stdlib"], *site.getsitepackages()}
    if sys.prefix != sys.base_prefix:  # a venv's; a system prefix (/usr) is in documented commands
        paths.add(sys.prefix)
    tmp = tempfile.gettempdir()
    hosts = {
        h
        for h in (socket.gethostname(), socket.getfqdn())  # "vm" is a Pygments CSS class
        if len(h) > 3 and h.split(".")[0] != "localhost"
    }
    return Needles(
        tuple({password, quote(password, safe="")}) if live else (),
        tuple(sorted(paths - {"/"})),
        tuple({tmp, os.path.realpath(tmp)}),
        tuple(hosts),
    )


def _words(words, tail="", flags=0):
    alternatives = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    return re.compile(rf"(?<![\w.-])(?:{alternatives}){tail}", flags) if words else None


@functools.lru_cache
def _checks(needles: Needles):
    """(pattern, finding of a match or None) pairs."""
    return [
        (p, f)
        for p, f in [
            (
                CREDENTIAL,
                lambda m: (
                    m[3] not in ALLOWED_PASSWORDS and f"unmasked URL password {m[1]}://{m[2]}:*** ({len(m[3])} chars)"
                ),
            ),
            (PORT, lambda m: int(m[1] or m[2]) not in ALLOWED_PORTS and f"port {m[1] or m[2]}"),
            (_words(needles.paths, r"(?![\w-]|\.\w)"), lambda m: f"path {m[0]}"),
            (_words(needles.temp_dirs, r"/[\w.-]+"), lambda m: f"temp path {m[0]}"),
            (_words(needles.hosts, r"(?![\w-])", re.I), lambda m: f"host name {m[0]}"),
        ]
        if p
    ]


def scan(text: str, needles: Needles) -> list[tuple[int, str]]:
    """(line, what) for every leak in `text`; the job's password is shown as ***, never itself."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if any(p in line for p in needles.passwords):
            found.append((number, "the job's database password ***"))
        found += [
            (number, what)
            for pattern, finding in _checks(needles)
            for m in pattern.finditer(line)
            if (what := finding(m))
        ]
    return found


def texts(path: Path, text: str, markup: bool = False):
    """(where, text): a JSON file's strings and keys by JSON path; markup (site) without HTML tags."""

    def strings(value, where):
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, (dict, list)):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                yield from strings(key, where)
                yield from strings(item, f"{where}.{key}" if isinstance(value, dict) else f"{where}[{key}]")

    parts = strings(json.loads(text), "$") if path.suffix in (".json", ".ipynb") else [("", text)]
    for where, part in parts:  # a tag's newlines are kept, so line numbers still hold
        if markup and path.suffix in (".html", ".json"):
            part = html.unescape(re.sub(r"<[^>]*>", lambda m: "\n" * m[0].count("\n"), part))
        yield where, part


def leaks(files: list[Path], root: Path, password: str, markup: bool = False) -> list[str]:
    needles, found = machine_needles(password), []
    for path in files:
        if path.suffix.lower() not in BINARY:
            for where, part in texts(path, path.read_text(encoding="utf-8"), markup):
                found += [
                    f"{path.relative_to(root)}:{where + ' line ' if where else ''}{line}: {what}"
                    for line, what in scan(part, needles)
                ]
    return found


@pytest.mark.parametrize("kind", PUBLISHED)
def test_published_files_carry_no_secrets(kind, base_url):
    files = sorted({p for pattern in PUBLISHED[kind] for p in REPO.glob(pattern) if p.is_file()})
    assert files, f"no {kind} found"
    found = leaks(files, REPO, base_url.password)
    assert not found, f"{len(found)} leak(s) in {kind}:\n" + "\n".join(found)


@pytest.mark.parametrize("which", ["local", "published"])
def test_built_site_carries_no_secrets(request, which, base_url):
    """The local build, and the site as the publishing workflow builds it (tests/conftest.py)."""
    if which == "local":
        site_dir, proc = request.getfixturevalue("build")
        assert proc.returncode == 0, proc.stderr[-3000:]
    else:
        site_dir = request.getfixturevalue("published")[0]
    found = leaks(sorted(p for p in site_dir.rglob("*") if p.is_file()), site_dir, base_url.password, markup=True)
    assert not found, f"{len(found)} leak(s) in the built site:\n" + "\n".join(found)


PLANTED = Needles(("3f9a1c0b7e2d",), ("/home/someone/app",), ("/tmp",), ("build-box-7",))


@pytest.mark.unit
@pytest.mark.parametrize(
    "text, what",
    [
        ("PGPASSWORD=3f9a1c0b7e2d pytest", "the job's database password ***"),
        ("postgresql://u:hunter2@h/db", "unmasked URL password postgresql://u:*** (7 chars)"),
        ('File "/home/someone/app/tests/test_x.py", line 3', "path /home/someone/app"),
        ("rootdir: /tmp/pytest-of-ci/pytest-3/test_x0", "temp path /tmp/pytest-of-ci"),
        ("could not reach BUILD-BOX-7.", "host name BUILD-BOX-7"),
        ("Connect call failed ('127.0.0.1', 45123)", "port 45123"),
        ("postgresql://u:***@127.0.0.1:45123/x_test", "port 45123"),
        ("postgresql://u:***@db.internal:6543/x_test", "port 6543"),
    ],
)
def test_scan_finds_planted_leaks(text, what):
    assert scan(f"fine\n{text}", PLANTED) == [(2, what)]


@pytest.mark.unit
def test_scan_passes_documented_values():
    text = (
        "postgresql://test_user:test_password@localhost:5434/dataflow_test\n"
        "postgresql://test_user:***@127.0.0.1:<port>/x_test ('127.0.0.1', <port>) 127.0.0.1:1\n"
        "<tmp>/x <site-packages>/asyncpg /usr/local/bin/pytest /home/someone/apple /tmp build-box-70"
    )
    assert scan(text, PLANTED) == []


@pytest.mark.unit
def test_site_text_is_read_without_markup():
    page = "<p>Output</p>\n<pre>(<span>&#39;127.0.0.1&#39;</span>, <span class=m>45123</span>)</pre>"
    found = [
        (where, scan(text, PLANTED))
        for where, text in texts(Path("search_index.json"), json.dumps({"docs": [{"text": page}]}), markup=True)
    ]
    assert ("$.docs[0].text", [(2, "port 45123")]) in found
