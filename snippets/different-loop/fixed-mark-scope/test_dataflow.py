import pytest
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder

pytestmark = pytest.mark.asyncio(scope="session")


async def run_node(node, params):
    workflow = WorkflowBuilder()
    workflow.add_node(node, "step", params)
    results, _ = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results["step"]


# --8<-- [start:open-pools]
def assert_one_open_pool(db):
    """A test should see exactly one live DataFlow pool: the one its own event loop uses."""
    open_pools = db.get_cleanup_metrics()["active_pools"]
    assert open_pools == 1, f"{open_pools} DataFlow pools open"
# --8<-- [end:open-pools]


async def test_create_ada(db):
    assert (await run_node("UserCreateNode", {"name": "Ada"}))["name"] == "Ada"
    assert_one_open_pool(db)


async def test_create_grace(db):
    assert (await run_node("UserCreateNode", {"name": "Grace"}))["name"] == "Grace"
    assert_one_open_pool(db)


async def test_count_users(db):
    assert (await run_node("UserCountNode", {}))["count"] == 2
    assert_one_open_pool(db)
