import pytest

from db_helpers import create_item


# --8<-- [start:test]
@pytest.mark.asyncio
@pytest.mark.parametrize("n", range(10))
async def test_create_item(db, n):
    created = await create_item(f"item {n}")
    # On failure, CreateNode returns {'success': False, 'error': ...} instead of raising.
    assert "error" not in created, created["error"]
# --8<-- [end:test]
