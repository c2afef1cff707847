"""The test job's one PostgreSQL, started only once a collected test is known to need it.

Unit tests (`./dev test -m unit`) need no database, so a run of only those starts none. A test needs
it when `base_url` is among its fixtures (every test that uses the server, or starts something that
does, asks for it), or, for a page's python fence, when its code reads TEST_DATABASE_URL. The
controller decides after collection. Under xdist the workers collect, not the
controller: each worker notes the need in the job's folder before it reports its collection, and the
controller reads the note on the first report. xdist hands out tests only once every worker has
reported, so the controller has started the server, and written its URL to the folder, before any
test runs. One server for the whole job, owned by the controller, as before; a worker reads its URL
from the folder and exports it as TEST_DATABASE_URL before its first test, so every test sees it.

$TEST_DATABASE_URL, when set, is published as soon as the controller has checked it (nothing to start).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from harness import database, pgserver
from harness.dburl import DatabaseURL

FIXTURE = "base_url"  # the fixture through which a test uses the job's server
FOLDER_ENV = "HARNESS_JOB_FOLDER"  # the controller's temp folder for this job; its workers inherit it
_NEEDED = "needs-database"
_URL = "database-url"


def needs_database(items: Iterable) -> bool:
    """Whether any of these collected tests uses the job's server."""
    return any(
        FIXTURE in getattr(item, "fixturenames", ()) or database.ENV in (getattr(item, "code", None) or "")
        for item in items
    )


def _folder() -> Path:
    return Path(os.environ[FOLDER_ENV])


def note_need() -> None:
    """In a worker that collected a test needing the server: tell the controller."""
    (_folder() / _NEEDED).touch()


def needed() -> bool:
    """In the controller, once a worker has reported its collection: did it need the server?"""
    return (_folder() / _NEEDED).exists()


def publish(url: DatabaseURL) -> None:
    """In the controller: the URL every test, recipe run and kernel of the job uses."""
    path = _folder() / _URL
    path.touch(mode=0o600)  # it holds a password; the folder is the controller's alone anyway
    path.write_text(str(url))
    os.environ[database.ENV] = str(url)


def export_published() -> None:
    """In a worker: export the URL the controller published, if it has (TEST_DATABASE_URL, as a test,
    a page's fence and whatever they start read it)."""
    path = _folder() / _URL
    if database.ENV not in os.environ and path.exists():
        os.environ[database.ENV] = path.read_text()


def published() -> DatabaseURL:
    """In a worker: the URL the controller published."""
    export_published()
    if database.ENV not in os.environ:
        raise RuntimeError(
            f"the controller started no database: no collected test had {FIXTURE} among its fixtures"
            f" (ask for it as a parameter, not with request.getfixturevalue)"
        )
    return DatabaseURL.parse(os.environ[database.ENV])


class Server:
    """The controller's: a throwaway PostgreSQL, started on the first url() and stopped with the job."""

    def __init__(self, add_cleanup: Callable[[Callable[[], None]], None]):
        self._add_cleanup = add_cleanup
        self._url: DatabaseURL | None = None

    def adopt(self, url: DatabaseURL) -> None:
        """Use a server of the caller's ($TEST_DATABASE_URL, already checked): nothing to start."""
        self._url = url
        publish(url)

    def url(self) -> DatabaseURL:
        url = self._url
        if url is None:
            server = pgserver.start()  # its watchdog removes it if the job dies, databases and all
            self._add_cleanup(server.stop)
            url = server.url()
            self.adopt(url)
        return url
