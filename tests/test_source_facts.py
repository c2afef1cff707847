"""What a page quotes from Kailash's source rather than from a run, checked against the pinned install:
a release that changes it fails here instead of leaving the sentence behind."""

import inspect
from importlib import metadata

import pytest
from kailash.nodes.data import async_sql

pytestmark = pytest.mark.unit

CAP = '_POOL_DEFAULTS["max_pool_count_per_process"]'


def test_the_versions_the_page_names_are_installed():
    """too-many-clients names the source it quotes: Kailash 2.65.0, as DataFlow 2.20.1 installs it."""
    assert (metadata.version("kailash"), metadata.version("kailash-dataflow")) == ("2.65.0", "2.20.1")


def test_the_cap_on_pools_per_process_is_100_unless_set():
    """too-many-clients, PoolExhaustedError: 'sets the cap to 100 unless told otherwise'."""
    assert async_sql._POOL_DEFAULTS["max_pool_count_per_process"] == 100


def test_the_cap_is_checked_only_where_a_fallback_pool_would_be_created():
    """too-many-clients, 'What raises it': the count is checked in one place only, after creating the
    shared pool failed with a RuntimeError or an asyncio.TimeoutError."""
    source = inspect.getsource(async_sql.AsyncSQLDatabaseNode._get_adapter)
    assert source.count(CAP) == 1
    assert source.index("except (RuntimeError, asyncio.TimeoutError)") < source.index(CAP)
