import pytest

from helpers import assert_one_open_pool, run_node

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_create_ada(db):
    assert (await run_node("UserCreateNode", {"name": "Ada"}))["name"] == "Ada"
    assert_one_open_pool(db)


async def test_create_grace(db):
    assert (await run_node("UserCreateNode", {"name": "Grace"}))["name"] == "Grace"
    assert_one_open_pool(db)


async def test_count_users(db):
    assert (await run_node("UserCountNode", {}))["count"] == 2
    assert_one_open_pool(db)
