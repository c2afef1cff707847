# The conftest.py at the project's root: pytest_plugins is allowed here, and pytest puts this
# directory on sys.path when it loads this file, so tests/fixtures.py imports as tests.fixtures.
pytest_plugins = ["tests.fixtures"]
