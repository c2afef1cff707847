"""Steps of the isolation tests, all through DataFlow's nodes (the app's run_node)."""

from app import run_node

NOT_ISOLATED = "not isolated"


def ok(result):
    assert isinstance(result, dict) and result.get("error") is None, result
    return result


# --8<-- [start:check]
async def customers_seen():
    """The e-mail of every customer DataFlow lists: none, unless an earlier test's are left."""
    listed = ok(await run_node("CustomerListNode", {"limit": 1000}))
    return [r["email"] for r in listed["records"]]


def assert_isolated(seen):
    assert seen == [], f"{NOT_ISOLATED}: the test began with {len(seen)} customers: {seen[:3]}"
# --8<-- [end:check]


# --8<-- [start:one_by_one]
async def one_by_one(n):
    email, renamed = f"c{n}@example.com", f"Renamed {n}"
    created = ok(await run_node("CustomerCreateNode", {"name": f"Customer {n}", "email": email}))
    read = ok(await run_node("CustomerReadNode", {"id": created["id"]}))
    assert read["found"] and read["email"] == email, read
    change = {"filter": {"id": created["id"]}, "fields": {"name": renamed}}
    updated = ok(await run_node("CustomerUpdateNode", change))
    assert updated["updated"] and updated["name"] == renamed, updated
    listed = ok(await run_node("CustomerListNode", {"filter": {"name": renamed}}))
    assert [r["id"] for r in listed["records"]] == [created["id"]], listed
# --8<-- [end:one_by_one]
