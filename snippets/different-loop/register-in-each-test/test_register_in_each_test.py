import pytest

pytestmark = pytest.mark.asyncio(loop_scope="module")


# --8<-- [start:tests]
async def test_first_registers_product(db):
    @db.model
    class Product:
        title: str


async def test_second_registers_product_again(db):  # the same DataFlow instance
    @db.model
    class Product:
        title: str
# --8<-- [end:tests]
