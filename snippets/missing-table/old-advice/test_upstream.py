import asyncpg
import pytest
from kailash.runtime import AsyncLocalRuntime
from kailash.workflow.builder import WorkflowBuilder

from conftest import DATABASE_URL


async def run(workflow):
    results, _run_id = await AsyncLocalRuntime().execute_workflow_async(workflow.build(), inputs={})
    return results


# --8<-- [start:own-id]
@pytest.mark.asyncio
async def test_register_in_test_and_supply_id(db):
    @db.model
    class User:
        name: str
        email: str

    await db.initialize()
    workflow = WorkflowBuilder()
    workflow.add_node("UserCreateNode", "create", {"id": "user-1", "name": "Alice", "email": "alice@example.com"})
    results = await run(workflow)
    assert results["create"]["id"] == "user-1"
# --8<-- [end:own-id]


# --8<-- [start:str-id]
@pytest.mark.asyncio
async def test_declare_a_string_id(db):
    @db.model
    class Customer:
        id: str  # declared: now the id you supply is the primary key
        name: str

    await db.initialize()
    workflow = WorkflowBuilder()
    workflow.add_node("CustomerCreateNode", "create", {"id": "cust-1", "name": "Bob"})
    assert (await run(workflow))["create"]["id"] == "cust-1"
# --8<-- [end:str-id]


# --8<-- [start:next-test]
@pytest.mark.asyncio
async def test_next_test_registers_nothing(db):
    workflow = WorkflowBuilder()
    workflow.add_node("UserListNode", "list", {})  # User was registered by another test only
    records = (await run(workflow))["list"]["records"]
    assert [r["email"] for r in records] == ["alice@example.com"]
# --8<-- [end:next-test]


# --8<-- [start:no-initialize]
@pytest.mark.asyncio
async def test_no_initialize(db):
    @db.model
    class Product:
        name: str
        price: float

    # No `await db.initialize()`: the first node that needs the table creates it.
    workflow = WorkflowBuilder()
    workflow.add_node("ProductCreateNode", "create", {"name": "Pen", "price": 1.5})
    assert (await run(workflow))["create"]["name"] == "Pen"

    connection = await asyncpg.connect(DATABASE_URL)
    try:
        assert await connection.fetchval("SELECT count(*) FROM products") == 1
    finally:
        await connection.close()
# --8<-- [end:no-initialize]
