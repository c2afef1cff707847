"""The tests every strategy runs: ISOLATION_TESTS of them (./dev isolation sets it), the same test
on a different customer each time, one after another."""

import os

import pytest

from steps import assert_isolated, customers_seen, one_by_one

TESTS = int(os.environ.get("ISOLATION_TESTS", "4"))


@pytest.mark.asyncio
@pytest.mark.parametrize("n", range(1, TESTS + 1))
async def test_customer(n, db, record_property):
    seen = await customers_seen()  # first, before this test writes anything
    record_property("customers_seen", len(seen))  # kept in the JUnit report, whatever happens next
    await one_by_one(n)
    assert_isolated(seen)  # after the steps: every test does the same work, whatever it found
