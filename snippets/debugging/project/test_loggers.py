import logging
from collections import Counter

import pytest

from conftest import create_note


# --8<-- [start:who-logs]
@pytest.mark.asyncio
async def test_who_logs_what(db, caplog):
    """Count the log records of one create, by top-level logger name and level."""
    caplog.set_level(logging.DEBUG)
    await create_note("hello")
    counts = Counter((r.name.split(".")[0], r.levelname) for r in caplog.records)
    for (name, level), count in sorted(counts.items()):
        print(f"{name:<16} {level:<8} {count:>3}")
# --8<-- [end:who-logs]
