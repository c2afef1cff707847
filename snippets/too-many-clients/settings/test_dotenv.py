import os
from pathlib import Path

import pytest
from dataflow import DataFlow

from conftest import DATABASE_URL, create


# --8<-- [start:dotenv]
@pytest.mark.asyncio
async def test_dotenv_is_not_read():
    assert "DATAFLOW_POOL_SIZE=1" in Path(".env").read_text()  # the file is there

    db = DataFlow(DATABASE_URL)

    @db.model
    class Item:
        name: str

    await db.initialize()
    assert "error" not in await create("Item", "a")

    assert "DATAFLOW_POOL_SIZE" not in os.environ
    assert db.config.database.get_pool_size() != 1
    await db.cleanup_all_pools()
# --8<-- [end:dotenv]
