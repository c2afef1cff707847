"""The DataFlow tests' helpers. conftest.py loads this module as a plugin, so pytest rewrites its assert
statements as it does a test module's: a failed check also shows the values it compared."""

from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder


# --8<-- [start:run-node]
async def run_node(node, params):
    """Run one DataFlow node, in a workflow of its own, and return what it produced."""
    workflow = WorkflowBuilder()
    workflow.add_node(node, "step", params)
    results, _ = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results["step"]
# --8<-- [end:run-node]


# --8<-- [start:open-pools]
def assert_one_open_pool(db):
    """A test should see exactly one live DataFlow pool: the one its own event loop uses."""
    open_pools = db.get_cleanup_metrics()["active_pools"]
    assert open_pools == 1, f"{open_pools} DataFlow pools open"
# --8<-- [end:open-pools]
