import pytest


# Only tests under tests/integration/ need this one; `db` comes from tests/conftest.py.
@pytest.fixture
def user_model(db):
    """A User model registered on this test's DataFlow."""

    @db.model
    class User:
        name: str

    return User
