import pytest

from app_models import db


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["one", "two", "three"])
async def test_add_note(text):
    note = await db.express.create("Note", {"text": text})
    assert note["text"] == text
