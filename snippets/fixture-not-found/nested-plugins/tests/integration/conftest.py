import pytest

# The same line as the root conftest.py of the working project, in a conftest.py below it.
pytest_plugins = ["tests.fixtures"]


@pytest.fixture
def user_model(db):
    """A User model registered on this test's DataFlow."""

    @db.model
    class User:
        name: str

    return User
