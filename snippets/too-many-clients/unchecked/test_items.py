import pytest

from db_helpers import create_item


# --8<-- [start:test]
@pytest.mark.asyncio
@pytest.mark.parametrize("n", range(10))
async def test_create_item(db, n):
    created = await create_item(f"item {n}")
    print(created)
    assert created  # a non-empty dict: true for a refusal too
# --8<-- [end:test]
