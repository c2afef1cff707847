"""What a run's `database` setting points TEST_DATABASE_URL at: one small function per kind.

Each gets the fresh database made for the run (on the run's own server when it has `server`) and an
ExitStack for anything it must hold open while the run lasts, and returns the URL the run gets and
the literals its recording must not show. recipe.toml may name only these kinds (harness.recipe_model
checks it when the recipe loads), and `./dev recipe` says what each points at from its docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from harness import pgserver
from harness.dburl import DatabaseURL

Kind = Callable[[DatabaseURL, ExitStack], tuple[DatabaseURL, dict[str, str]]]
KINDS: dict[str, Kind] = {}


def kind(make: Kind) -> Kind:
    KINDS[make.__name__.replace("_", "-")] = make
    return make


@kind
def live(fresh: DatabaseURL, stack: ExitStack):
    """a fresh database for this run, dropped afterwards"""
    return fresh, {}


@kind
def superuser(fresh: DatabaseURL, stack: ExitStack):
    """a fresh database, as the run's own server's superuser (needs `server`)"""
    return fresh.with_(user=pgserver.ADMIN_USER), {}


@kind
def closed_port(fresh: DatabaseURL, stack: ExitStack):
    """a fresh database's URL with a port where nothing listens"""
    port = pgserver.free_port()
    return fresh.with_(port=port), {str(port): "<port>"}


@kind
def silent_port(fresh: DatabaseURL, stack: ExitStack):
    """a fresh database's URL with a port that accepts and never answers"""
    port = stack.enter_context(pgserver.silent_port())
    return fresh.with_(port=port), {str(port): "<port>"}


@kind
def wrong_password(fresh: DatabaseURL, stack: ExitStack):
    """a fresh database's URL with a wrong password"""
    return fresh.with_(password="wrong_password"), {}


@kind
def missing_database(fresh: DatabaseURL, stack: ExitStack):
    """a database that does not exist, on the live server"""
    return fresh.with_(database="dataflow_test_missing"), {}


DESCRIPTIONS = {name: make.__doc__ or "" for name, make in KINDS.items()}
