import pytest

from conftest import create_note


@pytest.mark.asyncio
async def test_create_note(db):
    assert (await create_note("hello"))["text"] == "hello"


@pytest.mark.asyncio
async def test_create_another_note(db):
    assert (await create_note("again"))["text"] == "again"
